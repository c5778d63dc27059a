"""`debater-tensions.md` at the notes folder's root: the tensions, with Obsidian wikilinks.

Like the sidecars, it says in its front matter that debater wrote it, and a file of the same
name that debater did not write is never replaced unless `overwrite` says so.
"""

from __future__ import annotations

import json
from pathlib import Path

from debater import __version__
from debater.errors import UsageError
from debater.notes.discover import TENSIONS_FILE
from debater.outputs.files import atomic_write
from debater.outputs.markdown import _escape  # the sidecars' escaping: note text stays text
from debater.outputs.sidecars import is_ours
from debater.records import Tension, TensionStance

_UNSAFE_IN_LINKS = set("[]|#^")


def wikilink(note: str) -> str:
    """An Obsidian link to a note given relative to the root: `[[folder/note]]` for Markdown
    (no extension), the file name in full otherwise; a Markdown link if the name would break it."""
    if _UNSAFE_IN_LINKS & set(note):
        text = _escape(note).replace("[", "\\[").replace("]", "\\]")
        return f"[{text}](<{note}>)"
    return f"[[{note.removesuffix('.md')}]]"


def _line(text: str) -> str:
    """Model or note text as one line of Markdown text."""
    return _escape(" ".join(text.split()))


def _side(s: TensionStance) -> str:
    first, last = s.lines
    lines = f"line {first}" if first == last else f"lines {first}-{last}"
    when = f", {s.date}" if s.date else ""
    return f"- {wikilink(s.note)} ({lines}{when}; {s.position}, {s.strength}): {_line(s.claim)}"


def render_tensions(tensions: list[Tension]) -> str:
    """The file's text: front matter marking it as debater's, then one section per tension."""
    meta = {"generator": f"debater {__version__}", "tensions": len(tensions)}
    lines = ["---", *(f"{k}: {json.dumps(v)}" for k, v in meta.items()), "tags: [debater]", "---"]
    lines += ["", "# Tensions between my stances", ""]
    if not tensions:
        lines += ["No tensions found.", ""]
    for number, t in enumerate(tensions, 1):
        lines += [f"## {number}. {t.kind.capitalize()}", "", _line(t.explanation), ""]
        lines += [_side(s) for s in t.stances]
        lines += ["", f"**Question:** {_line(t.question)}", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def write_tensions(root: Path, tensions: list[Tension], *, overwrite: bool = False) -> Path:
    """Write `debater-tensions.md` in `root` whole; refuse to replace a file debater did not
    write unless `overwrite`."""
    path = root / TENSIONS_FILE
    if not overwrite and path.exists() and not is_ours(path):
        raise UsageError(
            f"{path} exists and was not written by debater: move it aside, "
            "or rerun with --overwrite to replace it"
        )
    atomic_write(path, render_tensions(tensions))
    return path
