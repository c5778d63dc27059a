"""`<stem>.discussion.md`: one section per discussion session, appended, read back to resume.

A session is `## Session <n> — <date> — stance <id>`, a few header lines, the turns as
`**You:** ...` / `**debater (against):** ...` paragraphs, then `### Summary`. Turn text is stored
so that it reads back exactly: `&`, `<` and `>` as entities, and a backslash before any line that
would look like a heading, a turn label, an event line or a backslash-escaped line.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from debater.llm.answers import DiscussionSummary
from debater.outputs.sidecars import atomic_write

SUFFIX = ".discussion.md"
DebateSide = Literal["for", "against"]
Speaker = Literal["you", "debater"]

_SECTION = re.compile(r"^## Session (\d+) — (.+?) — stance (\S+)[ \t]*$", re.MULTILINE)
_LABEL = re.compile(r"^\*\*(You|debater \((?:for|against|steelman)\)):\*\* ?", re.MULTILINE)
_EVENT = re.compile(r"^\*— .* —\*$")
_RESERVED = re.compile(r"^(?:#|\*— |\\|\*\*(?:You|debater \(\w+\)):\*\*)")


class Turn(BaseModel):
    """One contribution to a discussion; a steelman states the author's side at its strongest."""

    speaker: Speaker
    side: DebateSide
    text: str
    steelman: bool = False

    @property
    def label(self) -> str:
        if self.speaker == "you":
            return "You"
        return "debater (steelman)" if self.steelman else f"debater ({self.side})"


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


def note_file(note: Path) -> Path:
    """Where a note's discussions go: beside it, named after its stem."""
    return note.with_name(note.stem + SUFFIX)


def claim_file(folder: Path, claim: str) -> Path:
    """Where a typed claim's discussions go: `discussion-<slug>.discussion.md` in `folder`."""
    slug = "-".join(re.findall(r"\w+", claim.lower()))[:40].strip("-_")
    return folder / f"discussion-{slug or hashlib.sha256(claim.encode()).hexdigest()[:10]}{SUFFIX}"


def other_side(side: DebateSide) -> DebateSide:
    return "for" if side == "against" else "against"


def _escape_text(text: str) -> str:
    lines = html.escape(text.strip(), quote=False).splitlines()
    return "\n".join("\\" + line if _RESERVED.match(line) else line for line in lines)


def _unescape_text(text: str) -> str:
    lines = [line[1:] if line.startswith("\\") else line for line in text.splitlines()]
    return html.unescape("\n".join(lines).strip())


def switch_line(side: DebateSide) -> str:
    """The event line written where the debater changes sides."""
    return f"*— /switch: debater now argues {side} the stance —*"


def _items(title: str, items: list[str]) -> list[str]:
    bullets = [f"- {_escape_text(item)}" for item in items] or ["- (none)"]
    return [f"**{title}:**", "", *bullets, ""]


def render_summary(summary: DiscussionSummary) -> str:
    """The `### Summary` block of a session."""
    lines = [
        "### Summary",
        "",
        f"**Where the author now stands** ({summary.shift}): {_escape_text(summary.now_stands)}",
        "",
        *_items("Conceded by the author's side", summary.author_conceded),
        *_items("Conceded by the other side", summary.opponent_conceded),
        *_items("Open cruxes", summary.open_cruxes),
    ]
    return "\n".join(lines)


def render_session(log: SessionLog) -> str:
    """One session as a Markdown section."""
    lines = [
        f"## Session {log.number} — {log.date} — stance {log.stance_id}",
        "",
        f"**Stance:** {_escape_text(' '.join(log.claim.split()))}  ",
        f"**Source:** {_escape_text(log.source)} · **Mode:** {log.mode}",
        "",
    ]
    if log.resumed:
        lines += [f"*Resumes the earlier discussion of this stance ({log.resumed} turns).*", ""]
    side: DebateSide = "against"
    for turn in log.turns:
        if turn.speaker == "debater" and not turn.steelman and turn.side != side:
            side = turn.side
            lines += [switch_line(side), ""] if log.mode == "interactive" else []
        lines += [f"**{turn.label}:** {_escape_text(turn.text)}", ""]
    if log.summary is not None:
        lines.append(render_summary(log.summary))
    return "\n".join(lines).rstrip("\n") + "\n"


def _turns(body: str) -> list[Turn]:
    """The turns of a section body; a "You" turn argues against the debater's latest side."""
    turns: list[Turn] = []
    debater_side: DebateSide = "against"
    parts = _LABEL.split(body.split("\n### Summary", 1)[0])
    for label, raw in zip(parts[1::2], parts[2::2], strict=True):
        text = _unescape_text("\n".join(ln for ln in raw.splitlines() if not _EVENT.match(ln)))
        if label == "You":
            turns.append(Turn(speaker="you", side=other_side(debater_side), text=text))
        elif label == "debater (steelman)":
            turns.append(Turn(speaker="debater", side="for", text=text, steelman=True))
        else:
            debater_side = "for" if label == "debater (for)" else "against"
            turns.append(Turn(speaker="debater", side=debater_side, text=text))
    return turns


def read_sessions(path: Path) -> list[SessionLog]:
    """Every session saved in a discussion file (turns only: summaries are not read back)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return []
    heads = list(_SECTION.finditer(text))
    sessions = []
    for head, nxt in zip(heads, [*heads[1:], None], strict=True):
        body = text[head.end() : nxt.start() if nxt else len(text)]
        claim = re.search(r"^\*\*Stance:\*\* (.*?) *$", body, re.MULTILINE)
        sessions.append(
            SessionLog(
                number=int(head[1]),
                date=head[2],
                stance_id=head[3],
                claim=_unescape_text(claim[1]) if claim else "",
                source="",
                turns=_turns(body),
            )
        )
    return sessions


def history(path: Path, stance_id: str, limit: int = 20) -> list[Turn]:
    """The last `limit` turns of the earlier sessions on this stance, oldest first."""
    turns = [t for s in read_sessions(path) if s.stance_id == stance_id for t in s.turns]
    return turns[-limit:]


def append_session(path: Path, log: SessionLog, title: str) -> SessionLog:
    """Add a session to the file (created with a title if new), numbered after the others."""
    try:
        existing = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        existing = f"# Discussions: {_escape_text(title)}\n"
    numbered = log.model_copy(update={"number": len(_SECTION.findall(existing)) + 1})
    atomic_write(path, existing.rstrip("\n") + "\n\n" + render_session(numbered))
    return numbered
