"""A discussion on one stance: the model argues one side, one point at a time, and sums up.

Everything a session needs lives here: what it is about (`Topic`), the earlier thread it
resumes, the turns, the summary, and saving it to the transcript. No terminal: a `Listener`
receives each turn as it streams, so the CLI, the tests and any other program drive a session
the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol

from debater.backends.base import Message, Part, Request
from debater.claim import claim_prepared, claim_stance
from debater.discuss.transcript import SessionLog, Transcript, Turn
from debater.errors import InvalidOutputError, UsageError
from debater.job import Job
from debater.llm.answers import DiscussionSummary
from debater.llm.datablocks import encode_block, encode_passages
from debater.llm.prompts import Prompt, load_prompt
from debater.llm.requests import stance_record
from debater.llm.structured import ask
from debater.llm.usage import Meter
from debater.pipeline import Prepared, answer_language, extract, prepare
from debater.records import SIDE_WORDS, Passage, Side, Stance

HISTORY_TURNS = 20  # turns of earlier sessions fed back when a thread resumes
WINDOW_TURNS = 40  # turns sent with each request, so a long session still fits
TURN_MAX_TOKENS = 1024
SUMMARY_MAX_TOKENS = 2048
Task = Literal["open", "resume", "reply", "switch", "steelman"]
Mode = Literal["interactive", "auto"]
OTHER: dict[Side, Side] = {"support": "oppose", "oppose": "support"}


@dataclass(frozen=True)
class DiscussPrompts:
    discuss: Prompt
    summary: Prompt
    repair: Prompt

    @classmethod
    def load(cls, override_dir: Path | None = None) -> DiscussPrompts:
        return cls(*(load_prompt(n, override_dir) for n in ("discuss", "summary", "repair")))


@dataclass(frozen=True)
class Topic:
    """What a session is about: a stance, its passages, the answer language, where it is kept."""

    stance: Stance
    passages: list[Passage]
    language: str
    source: str
    transcript: Transcript


class Listener(Protocol):
    """Receives the model's turns as they stream."""

    def start(self, label: str) -> None: ...

    def piece(self, text: str) -> None: ...

    def done(self, turn: Turn) -> None: ...


class Silent:
    """A listener that ignores everything (for programs that only want the result)."""

    def start(self, label: str) -> None:
        pass

    def piece(self, text: str) -> None:
        pass

    def done(self, turn: Turn) -> None:
        pass


def note_stances(job: Job, path: Path) -> tuple[Prepared, list[Stance]]:
    """A note's stances, numbered as `debater stances` lists them."""
    prepared = prepare(path, job.settings.language)
    return prepared, extract(job, prepared, Meter())


def pick_stance(stances: Sequence[Stance], wanted: str) -> Stance:
    """The stance numbered `wanted` (from 1) or with that id."""
    wanted = wanted.strip()
    if wanted.isdigit() and 1 <= int(wanted) <= len(stances):
        return stances[int(wanted) - 1]
    for stance in stances:
        if stance.id == wanted:
            return stance
    raise UsageError(
        f"no stance {wanted!r}: give a number from 1 to {len(stances)} or a stance id "
        "(`debater stances NOTE` lists them)"
    )


def lines_text(stance: Stance) -> str:
    first, last = stance.lines
    return f"line {first}" if first == last else f"lines {first}–{last}"


def note_topic(job: Job, path: Path, prepared: Prepared, stance: Stance) -> Topic:
    by_id = prepared.by_id
    return Topic(
        stance=stance,
        passages=[by_id[i] for i in stance.passage_ids if i in by_id],
        language=answer_language(job, stance, prepared),
        source=f"{prepared.note.name}, {lines_text(stance)}",
        transcript=Transcript.for_note(path),
    )


def claim_topic(job: Job, claim: str, folder: Path | None = None) -> Topic:
    """A claim typed on the command line, held as the person's own idea; its transcript goes
    to `folder` (the current one by default)."""
    prepared = claim_prepared(claim, job.settings.language)
    return Topic(
        stance=claim_stance(prepared),
        passages=prepared.passages,
        language=prepared.language,
        source="a claim typed on the command line",
        transcript=Transcript.for_claim(folder or Path.cwd(), claim),
    )


def _merged(messages: Sequence[Message]) -> tuple[Message, ...]:
    """Consecutive messages of one role joined, so user and assistant turns alternate."""
    out: list[Message] = []
    for m in messages:
        if out and out[-1].role == m.role:
            extra = tuple(Part(text="\n\n" + p.text, cache=p.cache) for p in m.parts)
            out[-1] = Message(role=m.role, parts=out[-1].parts + extra)
        else:
            out.append(m)
    return tuple(out)


@dataclass
class Discussion:
    """One session on one topic: the earlier thread, the turns so far, the model's side."""

    job: Job
    prompts: DiscussPrompts
    topic: Topic
    listener: Listener = field(default_factory=Silent)
    mode: Mode = "interactive"
    history: list[Turn] = field(init=False)
    turns: list[Turn] = field(default_factory=list, init=False)
    side: Side = field(default="oppose", init=False)
    meter: Meter = field(default_factory=Meter, init=False)
    _summary: tuple[int, DiscussionSummary] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.history = self.topic.transcript.history(self.topic.stance.id, HISTORY_TURNS)

    def open(self) -> Turn:
        """The model's first point, picking up the earlier thread when there is one."""
        return self._speak("resume" if self.history else "open")

    def answer(self, text: str) -> Turn:
        """Record the person's turn (on the side the model does not argue) and answer it."""
        self.turns.append(Turn(speaker="you", side=OTHER[self.side], text=text.strip()))
        return self._speak("reply")

    def switch(self) -> Turn:
        """The model changes sides and makes its first point on the new one."""
        self.side = OTHER[self.side]
        return self._speak("switch")

    def steelman(self) -> Turn:
        """The strongest version of the author's position, as a turn on the author's side."""
        return self._speak("steelman")

    def auto(self, rounds: int) -> None:
        """The model plays both sides: `rounds` times a point against, then a reply for."""
        self.open()
        for _ in range(2 * rounds - 1):
            self.side = OTHER[self.side]
            self._speak("reply")

    def summary(self) -> DiscussionSummary:
        """The closing summary of the thread so far; asked again only after new turns."""
        if self._summary is not None and self._summary[0] == len(self.turns):
            return self._summary[1]
        found = ask(
            self.job.backend,
            self._summary_request(),
            DiscussionSummary,
            self.prompts.repair,
            self.meter,
        )
        self._summary = (len(self.turns), found)
        return found

    @property
    def summarised(self) -> bool:
        """Whether the summary of exactly the turns so far has been made (and shown)."""
        return self._summary is not None and self._summary[0] == len(self.turns)

    def save(self, summary: DiscussionSummary | None) -> SessionLog | None:
        """Append this session to the topic's transcript (nothing when no turn was taken)."""
        if not self.turns:
            return None
        log = SessionLog(
            date=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M"),
            stance_id=self.topic.stance.id,
            claim=self.topic.stance.claim,
            source=self.topic.source,
            mode=self.mode,
            resumed=len(self.history),
            turns=list(self.turns),
            summary=summary,
        )
        return self.topic.transcript.save(log)

    def _speak(self, task: Task) -> Turn:
        steelman = task == "steelman"
        side: Side = "support" if steelman else self.side
        blank = Turn(speaker="debater", side=side, text="", steelman=steelman)
        self.listener.start(blank.label)
        pieces = []
        for piece in self.job.backend.stream(self._turn_request(task)):
            pieces.append(piece)
            self.listener.piece(piece)
        turn = blank.model_copy(update={"text": "".join(pieces).strip()})
        if not turn.text:
            raise InvalidOutputError("the model sent an empty answer; try again")
        self.turns.append(turn)
        self.listener.done(turn)
        return turn

    def _turn_request(self, task: Task) -> Request:
        """The context, the thread so far as seen from the model's side, then the task."""
        p, topic = self.prompts.discuss, self.topic
        word = SIDE_WORDS[self.side]
        context = p.render(
            "user",
            stance=encode_block("stance", [stance_record(topic.stance)]),
            passages=encode_passages(topic.passages),
            request=encode_block("request", [{"language": topic.language}]),
        )
        thread = (self.history + self.turns)[-WINDOW_TURNS:]
        record = {
            "side": word,
            "task": task,
            "turn": len(self.history) + len(self.turns) + 1,
            "language": topic.language,
        }
        directive = p.render(
            "turn", instruction=p.render(task, side=word), turn=encode_block("turn", [record])
        )
        messages = [
            Message(role="user", parts=(Part(text=context, cache=True),)),
            *(self._message(t) for t in thread),
            Message.user(directive),
        ]
        tuning = self.job.tuning
        return Request(
            purpose="discuss",
            system=p.render("system", role=p.render(word)),
            messages=_merged(messages),
            max_tokens=TURN_MAX_TOKENS,
            temperature=tuning.temperature,
            effort=tuning.effort_for("discuss"),
            prompt_hash=p.sha256,
        )

    def _message(self, turn: Turn) -> Message:
        """The model's own side speaks as the assistant; everything else reaches it as user."""
        mine = turn.side == self.side and not turn.steelman
        return Message(role="assistant" if mine else "user", parts=(Part(text=turn.text),))

    def _summary_request(self) -> Request:
        p, topic = self.prompts.summary, self.topic
        earlier = len(self.history)
        records = [
            {
                "speaker": "author" if t.speaker == "you" else "model",
                "side": SIDE_WORDS[t.side],
                "steelman": t.steelman,
                "earlier_session": i < earlier,
                "text": t.text,
            }
            for i, t in enumerate(self.history + self.turns)
        ]
        text = p.render(
            "user",
            stance=encode_block("stance", [stance_record(topic.stance)]),
            transcript=encode_block("transcript", records),
            request=encode_block("request", [{"language": topic.language}]),
        )
        tuning = self.job.tuning
        return Request(
            purpose="summary",
            system=p.render("system"),
            messages=(Message.user(text),),
            output=DiscussionSummary,
            max_tokens=SUMMARY_MAX_TOKENS,
            temperature=tuning.temperature,
            effort=tuning.effort_for("summary"),
            prompt_hash=p.sha256,
        )
