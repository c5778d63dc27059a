"""Split a note's body into passages with stable ids, line ranges, sections and parents.

The blocks come from a CommonMark parser (see notes/blocks.py for where notes part ways
with CommonMark); here they get ids, file line numbers, their section and their parent.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from debater.llm.datablocks import passage_record
from debater.notes.blocks import BOLD_HEADING_LEVEL, Block, parse_blocks
from debater.notes.load import load_note
from debater.records import Note, Passage


def segment(note: Note) -> list[Passage]:
    """Split the note's body into passages, in order, covering every non-blank line."""
    passages: list[Passage] = []
    seen: dict[str, int] = {}
    headings: list[tuple[int, str]] = []  # (level, text) of the enclosing headings
    for block in parse_blocks(note.body):
        if block.kind == "heading" and block.level:
            block = _as_sibling(block, headings)
            headings = [h for h in headings if h[0] < block.level]
        normalised = " ".join(block.text.split())  # whitespace collapsed and stripped
        occurrence = seen.get(normalised, 0)
        seen[normalised] = occurrence + 1
        parent = passages[block.parent] if block.parent is not None else None
        passages.append(
            Passage(
                id=_passage_id(normalised, occurrence),
                text=block.text,
                kind=block.kind,
                lines=(
                    block.first + 1 + note.body_line_offset,
                    block.last + 1 + note.body_line_offset,
                ),
                heading_path=tuple(text for _, text in headings),
                depth=parent.depth + 1 if parent else 0,
                parent=parent.id if parent else None,
                level=block.level,
            )
        )
        if block.kind == "heading" and block.level and block.text:  # `#` alone names none
            headings.append((block.level, block.text))
    return passages


# How headings number themselves: 第三章, 第2节, Chapter 3, Part IV, 3., 三、
_NUMBERING = re.compile(
    r"^(?:第\s*[\d一二三四五六七八九十百零〇两]+\s*(?P<zh_unit>[章节篇部回卷讲课集期])"
    r"|(?P<en_unit>chapter|part|section|lesson|lecture|day|week|episode|book)\s+[\dIVXLivxl]+\b"
    r"|(?P<digits>\d+)\s*[.、)）]"
    r"|(?P<zh_digits>[一二三四五六七八九十]+)\s*[、.])",
    re.IGNORECASE,
)


def _numbering(text: str) -> str | None:
    """The scheme a heading is numbered by ("第章", "chapter", "1."), if it is numbered."""
    match = _NUMBERING.match(text.strip())
    if match is None:
        return None
    name, value = next((name, value) for name, value in match.groupdict().items() if value)
    return f"{name}:{value.lower()}" if name.endswith("unit") else name


def _as_sibling(block: Block, headings: list[tuple[int, str]]) -> Block:
    """A bold line used as a heading, at the level of the enclosing heading numbered the same
    way (`<b>第三章</b>` after `## 第二章` is its sibling, not its sub-heading)."""
    if block.level != BOLD_HEADING_LEVEL or (scheme := _numbering(block.text)) is None:
        return block
    for level, text in reversed(headings):
        if _numbering(text) == scheme:
            return replace(block, level=level)
    return block


def _passage_id(normalised: str, occurrence: int) -> str:
    """Id from a passage's normalised text and its index among passages with that text.

    Editing one passage never changes another's id, except that passages with the same
    text as the edited one (before or after the edit) are numbered by order and may shift.
    """
    digest = hashlib.sha256(f"{normalised}\x00{occurrence}".encode()).hexdigest()
    return "p-" + digest[:10]


def note_title(note: Note, passages: Sequence[Passage]) -> str:
    """Front matter `title`, else the first top-level heading, else the file's name."""
    title = note.front_matter.get("title")
    if isinstance(title, str | int | float) and not isinstance(title, bool) and str(title).strip():
        return " ".join(str(title).split())
    heading = next((p for p in passages if p.kind == "heading" and p.level == 1 and p.text), None)
    return " ".join(heading.text.split()) if heading is not None else Path(note.name).stem


def passages_view(path: Path) -> dict[str, Any]:
    """A note's file name, title and passages as the model sees them (`debater passages`)."""
    note = load_note(path)
    passages = segment(note)
    return {
        "note": note.name,
        "title": note_title(note, passages),
        "passages": [passage_record(p) for p in passages],
    }
