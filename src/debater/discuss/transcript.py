"""A note's discussions, kept as data and shown as Markdown.

`<stem>.discussion.jsonl` holds one JSON line per session: what a resumed thread is read back
from. `<stem>.discussion.md` is rendered from it after every session, for people; editing it
changes nothing that is resumed (and the next session writes it afresh). A `.discussion.md`
from before the data file existed is kept word for word at the top of the new one.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from debater.errors import UsageError
from debater.llm.answers import DiscussionSummary
from debater.outputs.files import atomic_write, output_stem
from debater.records import SIDE_WORDS, Side

MARKDOWN, DATA = ".discussion.md", ".discussion.jsonl"
Speaker = Literal["you", "debater"]
_OLD_SESSION = re.compile(r"^## Session \d+ — .+ — stance \S+$", re.MULTILINE)


class Turn(BaseModel):
    """One contribution; a steelman states the author's side at its strongest."""

    speaker: Speaker
    side: Side
    text: str
    steelman: bool = False

    @property
    def label(self) -> str:
        if self.speaker == "you":
            return "You"
        return "debater (steelman)" if self.steelman else f"debater ({SIDE_WORDS[self.side]})"


class SessionLog(BaseModel):
    """One session as saved: the stance it was about, its turns and its closing summary."""

    number: int = 0
    date: str
    stance_id: str
    claim: str
    source: str
    mode: str = "interactive"
    resumed: int = 0
    turns: list[Turn] = Field(default_factory=list)
    summary: DiscussionSummary | None = None


class Transcript:
    """The two files of one note's (or one claim's) discussions."""

    def __init__(self, markdown: Path, title: str) -> None:
        self.markdown = markdown
        self.data = markdown.with_name(markdown.name.removesuffix(MARKDOWN) + DATA)
        self.title = title

    @classmethod
    def for_note(cls, note: Path) -> Transcript:
        return cls(note.with_name(output_stem(note) + MARKDOWN), note.name)

    @classmethod
    def for_claim(cls, folder: Path, claim: str) -> Transcript:
        """`discussion-<slug>.discussion.md` in `folder`."""
        slug = "-".join(re.findall(r"\w+", claim.lower()))[:40].strip("-_")
        name = slug or hashlib.sha256(claim.encode()).hexdigest()[:10]
        return cls(folder / f"discussion-{name}{MARKDOWN}", claim)

    def sessions(self) -> list[SessionLog]:
        """Every session saved, oldest first."""
        try:
            lines = self.data.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        try:
            return [SessionLog.model_validate_json(line) for line in lines if line.strip()]
        except ValidationError as e:
            raise UsageError(f"{self.data} is damaged ({e.errors()[0]['msg']})") from None

    def history(self, stance_id: str, limit: int = 20) -> list[Turn]:
        """The last `limit` turns of the earlier sessions on this stance, oldest first."""
        turns = [t for s in self.sessions() if s.stance_id == stance_id for t in s.turns]
        return turns[-limit:]

    def save(self, log: SessionLog) -> SessionLog:
        """Add a session: the data line first, then the Markdown rendered from all of them."""
        earlier = self._earlier_markdown()
        sessions = self.sessions()
        numbered = log.model_copy(update={"number": len(sessions) + 1})
        lines = [s.model_dump_json() for s in [*sessions, numbered]]
        atomic_write(self.data, "\n".join(lines) + "\n")
        atomic_write(self.markdown, render_transcript(self.title, [*sessions, numbered], earlier))
        return numbered

    def _earlier_markdown(self) -> str:
        """A transcript written before the data file existed, kept as it is; a file of the
        same name that debater did not write is never replaced."""
        if self.data.exists() or not self.markdown.exists():
            return _read_earlier(self.markdown) if self.data.exists() else ""
        text = self.markdown.read_text(encoding="utf-8")
        if not (text.startswith("# Discussions:") and _OLD_SESSION.search(text)):
            raise UsageError(
                f"{self.markdown} was not written by debater; move it aside to keep it, "
                "and debater will write its discussions there"
            )
        return text.split("\n", 1)[1].strip() if "\n" in text else ""


def _read_earlier(markdown: Path) -> str:
    """The earlier sessions' text kept at the top of a rendered transcript."""
    try:
        text = markdown.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    match = re.search(rf"{re.escape(_EARLIER)}\n\n(.*?)\n\n{re.escape(_EARLIER_END)}", text, re.S)
    return match.group(1) if match else ""


_EARLIER = "<!-- sessions from an earlier debater, kept as written -->"
_EARLIER_END = "<!-- end of earlier sessions -->"


def _escape(text: str) -> str:
    """Turn text shown as text: no HTML from a model or a person ever renders."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").strip()


def _items(title: str, items: list[str]) -> list[str]:
    bullets = [f"- {_escape(item)}" for item in items] or ["- (none)"]
    return [f"**{title}:**", "", *bullets, ""]


def render_summary(summary: DiscussionSummary) -> str:
    """The `### Summary` block of a session."""
    lines = [
        "### Summary",
        "",
        f"**Where the author now stands** ({summary.shift}): {_escape(summary.now_stands)}",
        "",
        *_items("Conceded by the author's side", summary.author_conceded),
        *_items("Left unanswered by the author's side", summary.author_unanswered),
        *_items("Conceded by the other side", summary.opponent_conceded),
        *_items("Open cruxes", summary.open_cruxes),
    ]
    return "\n".join(lines)


def render_session(log: SessionLog) -> str:
    """One session as a Markdown section."""
    lines = [
        f"## Session {log.number} — {log.date} — stance {log.stance_id}",
        "",
        f"**Stance:** {_escape(' '.join(log.claim.split()))}  ",
        f"**Source:** {_escape(log.source)} · **Mode:** {log.mode}",
        "",
    ]
    if log.resumed:
        lines += [f"*Resumes the earlier discussion of this stance ({log.resumed} turns).*", ""]
    side: Side = "oppose"
    for turn in log.turns:
        if turn.speaker == "debater" and not turn.steelman and turn.side != side:
            side = turn.side
            event = f"*— /switch: debater now argues {SIDE_WORDS[side]} the stance —*"
            lines += [event, ""] if log.mode == "interactive" else []
        lines += [f"**{turn.label}:** {_escape(turn.text)}", ""]
    if log.summary is not None:
        lines.append(render_summary(log.summary))
    return "\n".join(lines).rstrip("\n") + "\n"


def render_transcript(title: str, sessions: list[SessionLog], earlier: str = "") -> str:
    """The whole Markdown file, rendered from the data."""
    head = [
        f"# Discussions: {_escape(title)}",
        "",
        f"*Rendered by debater from the `{DATA}` file beside it: edits here are not kept.*",
        "",
    ]
    if earlier:
        head += [_EARLIER, "", earlier, "", _EARLIER_END, ""]
    return "\n".join(head) + "\n".join(render_session(s) + "\n" for s in sessions).rstrip() + "\n"
