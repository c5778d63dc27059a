"""Split a note's body into passages with stable ids, line ranges and heading context.

A small line scanner for the Markdown that notes use, not a full CommonMark parser:
no setext headings, no indented code blocks, no lazy continuation lines (an unindented
line after a list item or quote starts a new passage). Unclosed fences and HTML comments
run to the end of the note, as in CommonMark.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from debater.records import Note, Passage, PassageKind

_MARKER = r"(?:[-*+]|\d{1,9}[.)])"
_LIST_ITEM = re.compile(rf"^[ \t]*{_MARKER}[ \t]+(?P<text>\S.*)$")
_LONE_MARKER = re.compile(rf"^[ \t]*{_MARKER}[ \t]*$")
_THEMATIC_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_HEADING = re.compile(r"^ {0,3}(?P<hashes>#{1,6})(?:[ \t]+(?P<text>.*?))?[ \t]*$")
_CLOSING_HASHES = re.compile(r"(?:^|[ \t]+)#+$")
_FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_QUOTE = re.compile(r"^ {0,3}> ?")
_HTML_COMMENT = re.compile(r"^ {0,3}<!--")
_HTML_TAG = re.compile(r"^ {0,3}</?[A-Za-z][A-Za-z0-9-]*(?:[ \t/>]|$)")


@dataclass(frozen=True)
class _Block:
    kind: PassageKind
    first: int  # 0-based body line indexes, inclusive
    last: int
    text: str
    depth: int = 0
    level: int = 0  # heading level, 0 for other kinds


def segment(note: Note) -> list[Passage]:
    """Split the note's body into passages, in order, covering every non-blank line."""
    blocks = _scan(note.body.split("\n"))
    return _to_passages(blocks, note.body_line_offset)


def _passage_id(normalised: str, occurrence: int) -> str:
    """Id from a passage's normalised text and its index among passages with that text.

    Editing one passage never changes another's id, except that passages with the same
    text as the edited one (before or after the edit) are numbered by order and may shift.
    """
    digest = hashlib.sha256(f"{normalised}\x00{occurrence}".encode()).hexdigest()
    return "p-" + digest[:10]


def _to_passages(blocks: list[_Block], offset: int) -> list[Passage]:
    passages: list[Passage] = []
    seen: dict[str, int] = {}
    headings: list[tuple[int, str]] = []  # (level, text) of the enclosing headings
    for block in blocks:
        if block.kind == "heading":
            headings = [h for h in headings if h[0] < block.level]
        normalised = " ".join(block.text.split())  # whitespace collapsed and stripped
        occurrence = seen.get(normalised, 0)
        seen[normalised] = occurrence + 1
        passages.append(
            Passage(
                id=_passage_id(normalised, occurrence),
                text=block.text,
                kind=block.kind,
                lines=(block.first + 1 + offset, block.last + 1 + offset),
                heading_path=tuple(text for _, text in headings),
                depth=block.depth,
            )
        )
        if block.kind == "heading" and block.text:  # an empty `#` closes sections, names none
            headings.append((block.level, block.text))
    return passages


def _scan(lines: list[str]) -> list[_Block]:
    blocks: list[_Block] = []
    list_indents: list[int] = []  # marker indents of the open list items, outermost first
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        indent = _indent(line)
        is_item = _LIST_ITEM.match(line) is not None
        if indent == 0 and not (is_item or _LONE_MARKER.match(line)):
            list_indents.clear()  # an unindented line of another kind ends the list
        block = _block_at(lines, i, list_indents)
        blocks.append(block)
        i = block.last + 1
    return blocks


def _block_at(lines: list[str], i: int, list_indents: list[int]) -> _Block:
    """The block that starts at non-blank line i."""
    line = lines[i]
    if fence := _fence(line):
        return _code(lines, i, fence)
    if _HTML_COMMENT.match(line):
        return _html_comment(lines, i)
    if heading := _HEADING.match(line):
        text = _CLOSING_HASHES.sub("", heading["text"] or "")
        return _Block("heading", i, i, text, level=len(heading["hashes"]))
    if _THEMATIC_BREAK.match(line):
        return _Block("separator", i, i, line.strip())
    if _LONE_MARKER.match(line):
        return _Block("separator", i, i, line.strip(), depth=_nest(list_indents, _indent(line)))
    if item := _LIST_ITEM.match(line):
        return _list_item(lines, i, item["text"], _nest(list_indents, _indent(line)))
    if _QUOTE.match(line):
        return _run(lines, i, "quote", lambda s: _QUOTE.match(s) is not None, _unquote)
    if line.lstrip().startswith("|"):
        return _run(lines, i, "table", lambda s: s.lstrip().startswith("|"), str)
    if _HTML_TAG.match(line):
        return _run(lines, i, "html", lambda s: bool(s.strip()), str)
    return _run(lines, i, "paragraph", _continues_paragraph, str.strip)


def _continues_paragraph(line: str) -> bool:
    return bool(line.strip()) and not _starts_block(line)


def _starts_block(line: str) -> bool:
    """Whether a line begins a block of its own, ending any paragraph before it."""
    return (
        bool(_fence(line))
        or any(
            pattern.match(line)
            for pattern in (
                _HTML_COMMENT,
                _HEADING,
                _THEMATIC_BREAK,
                _LONE_MARKER,
                _LIST_ITEM,
                _QUOTE,
                _HTML_TAG,
            )
        )
        or line.lstrip().startswith("|")
    )


def _run(
    lines: list[str],
    i: int,
    kind: PassageKind,
    belongs: Callable[[str], bool],
    clean: Callable[[str], str],
) -> _Block:
    """A block of line i and the lines after it that `belongs` accepts."""
    last = i
    while last + 1 < len(lines) and belongs(lines[last + 1]):
        last += 1
    text = "\n".join(clean(line) for line in lines[i : last + 1])
    return _Block(kind, i, last, text)


def _list_item(lines: list[str], i: int, first_text: str, depth: int) -> _Block:
    """A list item with its continuation lines: indented deeper, neither items nor fences."""
    indent = _indent(lines[i])
    last = i
    while last + 1 < len(lines):
        nxt = lines[last + 1]
        if not nxt.strip() or _indent(nxt) <= indent:
            break
        if _LIST_ITEM.match(nxt) or _LONE_MARKER.match(nxt) or _fence(nxt):
            break
        last += 1
    text = "\n".join([first_text.strip()] + [line.strip() for line in lines[i + 1 : last + 1]])
    return _Block("list_item", i, last, text, depth=depth)


def _fence(line: str) -> str | None:
    """The fence (```` ``` ```` or `~~~`...) if the line opens a code block."""
    match = _FENCE.match(line)
    # A backtick fence's info string cannot hold backticks: "```x```" is inline code.
    if match is None or (match["fence"][0] == "`" and "`" in match["info"]):
        return None
    return match["fence"]


def _code(lines: list[str], i: int, fence: str) -> _Block:
    """A fenced code block, kept whole up to its closing fence (or the end of the note)."""
    closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
    for j in range(i + 1, len(lines)):
        if closing.match(lines[j]):
            return _raw_block("code", lines, i, j)
    return _raw_block("code", lines, i, _last_non_blank(lines))


def _html_comment(lines: list[str], i: int) -> _Block:
    """An HTML comment, kept whole up to the line holding `-->` (or the end of the note)."""
    start = lines[i].index("<!--") + len("<!--")
    if "-->" in lines[i][start:]:
        return _raw_block("html", lines, i, i)
    for j in range(i + 1, len(lines)):
        if "-->" in lines[j]:
            return _raw_block("html", lines, i, j)
    return _raw_block("html", lines, i, _last_non_blank(lines))


def _raw_block(kind: PassageKind, lines: list[str], first: int, last: int) -> _Block:
    return _Block(kind, first, last, "\n".join(lines[first : last + 1]))


def _last_non_blank(lines: list[str]) -> int:
    return next(j for j in range(len(lines) - 1, -1, -1) if lines[j].strip())


def _nest(list_indents: list[int], indent: int) -> int:
    """Record a list marker at `indent` and return its nesting depth (0 = outermost)."""
    while list_indents and list_indents[-1] >= indent:
        list_indents.pop()
    list_indents.append(indent)
    return len(list_indents) - 1


def _unquote(line: str) -> str:
    return _QUOTE.sub("", line, count=1).rstrip()


def _indent(line: str) -> int:
    """Leading whitespace width, with tabs to 4-column stops."""
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
