"""The terminal around `debater discuss`: lines in from stdin, turns streamed out to stdout.

Only input and output live here; the session, its resumption and its saving are the library's
(`debater.discuss.session`). It works the same with a person at the keyboard and with a script
piped into stdin: the end of the input ends the session like /quit, and the session is saved
with its closing summary.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from debater.config import Settings
from debater.discuss.session import (
    Discussion,
    DiscussPrompts,
    Mode,
    Topic,
    claim_topic,
    lines_text,
    note_stances,
    note_topic,
    pick_stance,
)
from debater.discuss.transcript import Turn, render_summary
from debater.errors import BackendError, NoteError, RunStoppingError, UsageError
from debater.job import Job, open_job
from debater.notes.discover import NOTE_SUFFIXES, is_output, note_or_claim
from debater.outputs.argument_map import trim
from debater.records import Stance

HELP = "Reply in your own words, or: /switch (debater takes your side), /steelman, /summary, /quit"
INTERRUPTED = 130


@dataclass(frozen=True)
class Terminal:
    """Where a session reads the person's lines and writes its turns and notices."""

    read: Callable[[], str | None]
    out: TextIO
    say: Callable[[str], None]

    def write(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    def ask(self, prompt: str) -> str | None:
        self.write(prompt)
        return self.read()


class Printer:
    """Shows each turn as it streams."""

    def __init__(self, terminal: Terminal) -> None:
        self.write = terminal.write

    def start(self, label: str) -> None:
        self.write(f"\n{label}: ")

    def piece(self, text: str) -> None:
        self.write(text)

    def done(self, turn: Turn) -> None:
        self.write("\n")


def read_stdin() -> str | None:
    """One line from stdin, or None at the end of the input."""
    line = sys.stdin.readline()
    return line.rstrip("\r\n") if line else None


def choose(stances: list[Stance], term: Terminal) -> Stance:
    """Let the person pick a stance by number or id (the only one is taken as it is)."""
    if len(stances) == 1:
        return stances[0]
    for number, s in enumerate(stances, 1):
        term.write(f"{number:>3}. {trim(s.claim, 90)}  ({lines_text(s)})\n")
    while (line := term.ask(f"Which stance? [1-{len(stances)}] ")) is not None:
        try:
            return pick_stance(stances, line)
        except UsageError as e:
            term.write(f"{e}\n")
    raise UsageError("no stance chosen; pass --stance N to pick one without asking")


def topics(job: Job, target: str, stance: str | None, auto: bool, term: Terminal) -> list[Topic]:
    """What to discuss: one of a note's stances (or, with --auto, each), or a typed claim."""
    path = note_or_claim(target)
    if path is not None:
        if is_output(path):
            raise UsageError(f"{target} is a debater output, not a note")
        term.say(f"finding the stances in {path.name}")
        prepared, found = note_stances(job, path)
        if not found:
            raise NoteError(f"no stances found in {path.name}; nothing to discuss")
        if stance is not None:
            chosen = [pick_stance(found, stance)]
        else:
            chosen = found if auto else [choose(found, term)]
        return [note_topic(job, path, prepared, s) for s in chosen]
    if target.lower().endswith(NOTE_SUFFIXES) and not any(map(str.isspace, target)):
        raise UsageError(f"{target}: no such note file; to discuss a claim, put it in quotes")
    if stance is not None:
        raise UsageError("--stance picks one of a note's stances; a claim is discussed as it is")
    return [claim_topic(job, " ".join(target.split()))]


def converse(discussion: Discussion, term: Terminal) -> None:
    """The interactive loop: the model opens, then answers each line until /quit or EOF."""
    term.write(HELP + "\n")
    discussion.open()
    actions: dict[str, Callable[[], object]] = {
        "/switch": discussion.switch,
        "/steelman": discussion.steelman,
        "/summary": lambda: term.write("\n" + render_summary(discussion.summary()) + "\n"),
    }
    while (line := term.ask("\nyou> ")) is not None:
        text = line.strip()
        if text.lower() in ("/quit", "/exit"):
            break
        try:
            if text.startswith("/"):
                actions.get(text.lower(), lambda: term.write(HELP + "\n"))()
            elif text:
                discussion.answer(text)
        except RunStoppingError:
            raise
        except BackendError as e:  # the thread so far stays; the person may try again
            term.write(f"\n(no answer: {e}; try again, or /quit)\n")


def _close(discussion: Discussion, term: Terminal) -> None:
    """The closing summary (shown unless /summary just showed it), then the session saved."""
    summary = None
    if discussion.turns:
        shown = discussion.summarised
        try:
            summary = discussion.summary()
        except BackendError as e:
            term.say(f"no closing summary: {e}")
        if summary is not None and not shown:
            term.write("\n" + render_summary(summary) + "\n")
    if log := discussion.save(summary):
        term.say(f"saved session {log.number} to {discussion.topic.transcript.markdown}")


def session(
    job: Job, prompts: DiscussPrompts, topic: Topic, rounds: int | None, term: Terminal
) -> int:
    """One session on one topic (`rounds` None: interactive), saved even if it breaks off."""
    mode: Mode = "interactive" if rounds is None else "auto"
    discussion = Discussion(job, prompts, topic, Printer(term), mode)
    term.write(f"\nStance ({topic.source}): {topic.stance.claim}\n")
    if discussion.history:
        term.say(
            f"resuming the earlier discussion of this stance ({len(discussion.history)} turns)"
        )
    try:
        if rounds is None:
            converse(discussion, term)
        else:
            discussion.auto(rounds)
    except KeyboardInterrupt:  # Ctrl-C ends the session like /quit, then the command
        term.write("\n")
        discussion.save(None)
        return INTERRUPTED
    except BackendError:
        discussion.save(None)
        raise
    _close(discussion, term)
    return 0


def run_discussion(
    settings: Settings,
    root: Path | None,
    target: str,
    *,
    stance: str | None,
    rounds: int | None,
    say: Callable[[str], None],
) -> int:
    """`debater discuss` on stdin and stdout: pick the stance(s), hold each session, save it."""
    term = Terminal(read_stdin, sys.stdout, say)
    prompts = DiscussPrompts.load(settings.prompts_dir)
    with open_job(settings, root) as job:
        for topic in topics(job, target, stance, rounds is not None, term):
            if (code := session(job, prompts, topic, rounds, term)) != 0:
                return code
    return 0
