"""The argument map of a stance, laid out for the report's SVG picture: stance -> for / against
-> replies, left to right.

Labels are cut with `argument_map.trim` and wrapped by display width (CJK counts two columns);
each box is sized from a generous estimate of its text's width, so Chinese fits. The page's
script draws the boxes and edges as SVG elements, setting every label as text. A layout is
plain JSON: `{"w", "h", "nodes": [[x, y, w, h, parent, classes, stroke, lines, meta], ...]}`,
parents before children, the stance first with parent -1.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from debater.outputs.argument_map import trim
from debater.records import Perspective, StanceResult

FONT_PX = 12.0  # label text; the meta line is smaller
META_PX = 10.5
LINE_PX = 16
PAD = 8
GAP_X = 40  # between columns
GAP_Y = 10  # between sibling subtrees
MARGIN = 2
CLAIM_COLS, CLAIM_LINES = 30, 4
LABEL_COLS, LABEL_LINES = 28, 3
STROKE = {"strong": 4, "moderate": 2, "weak": 1}
SIDE_WORDS = {"support": "for", "oppose": "against"}
REPLY_WORDS = {"support": "reply", "oppose": "objection"}
_NARROW = frozenset("iljtfr.,:;'|!()[] ")
_CLOSING = frozenset("，。、；：！？）」』】〉》”’…·,.;:!?)]}%")
_OPENING = frozenset("（「『【〈《“‘([{")


class _PerChar(dict[str, float]):
    """A character's measure, worked out once per character and then looked up."""

    def __init__(self, measure: Callable[[str], float]) -> None:
        super().__init__()
        self.measure = measure

    def __missing__(self, ch: str) -> float:
        self[ch] = value = self.measure(ch)
        return value


def _em(ch: str) -> float:
    """A character's width in em, erring wide: sans-serif fonts rarely exceed these."""
    if unicodedata.east_asian_width(ch) in "WFA":  # ambiguous ones may come from a CJK font
        return 1.0
    if ch in _NARROW:
        return 0.4
    if ch in "mwMW@%":
        return 1.0
    return 0.75 if ch.isupper() or ch.isdigit() else 0.62


_COLUMNS = _PerChar(lambda ch: 2 if unicodedata.east_asian_width(ch) in "WF" else 1)
_EMS = _PerChar(_em)


def _wide(ch: str) -> bool:
    return _COLUMNS[ch] == 2


def columns(text: str) -> int:
    """Display columns of `text`, as `trim` counts them: wide and full-width characters are 2."""
    return len(text) if text.isascii() else int(sum(map(_COLUMNS.__getitem__, text)))


def text_px(text: str, size: float = FONT_PX) -> float:
    """A width in pixels that `text` set at `size` px in a sans-serif font should not exceed."""
    return sum(map(_EMS.__getitem__, text)) * size


def _breakable(text: str, k: int) -> bool:
    """Whether a line may break before `text[k]`: at a space or beside CJK, not inside marks."""
    before, after = text[k - 1], text[k]
    if after == " ":
        return True
    if after in _CLOSING or before in _OPENING:
        return False
    return _wide(before) or _wide(after)


def _cut(text: str, cols: int) -> int:
    """Where to break `text` so the head fits in `cols`: a break late enough, else the limit."""
    if text.isascii():  # breaks only at spaces
        space = text.rfind(" ", cols // 3 + 1, cols + 1)
        return space if space > 0 else cols
    used = accumulate(map(_COLUMNS.__getitem__, text[: cols + 1]))
    limit = bisect_right(list(used), cols)  # the first character that does not fit
    return next((k for k in range(limit, limit // 3, -1) if _breakable(text, k)), limit)


def _fits(text: str, cols: int) -> bool:
    return len(text) * 2 <= cols or columns(text[: cols + 1]) <= cols


def _one_line(text: str) -> str:
    """The text on one line, as `trim` makes it (control characters gone, spaces collapsed)."""
    return " ".join(text.split()) if text.isprintable() else trim(text, 1 << 30)


def wrap(text: str, cols: int, max_lines: int) -> list[str]:
    """At most `max_lines` lines of at most `cols` columns; the last is trimmed with an ellipsis."""
    rest = _one_line(text)
    lines: list[str] = []
    while len(lines) < max_lines - 1 and not _fits(rest, cols):
        cut = _cut(rest, cols)
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:  # no double spaces: so the head of `rest` trims as all of it would
        lines.append(rest if _fits(rest, cols) else trim(rest[: cols + 2], cols))
    return lines or ["…"]


@dataclass
class Box:
    """A node of the map: its label, its size, and its place once laid out."""

    lines: list[str]
    meta: str
    classes: str
    stroke: int
    children: list[Box] = field(default_factory=list)
    width: int = 0
    height: int = 0
    span: int = 0  # the height of the subtree under it
    x: int = 0
    y: int = 0

    def __post_init__(self) -> None:
        widest = max([text_px(line) for line in self.lines] + [text_px(self.meta, META_PX)])
        self.width = round(widest) + 2 * PAD
        self.height = 2 * PAD + LINE_PX * (len(self.lines) + 1)
        below = sum(c.span for c in self.children) + GAP_Y * max(len(self.children) - 1, 0)
        self.span = max(self.height, below)


def _box(p: Perspective, top: bool, words: Mapping[str, str]) -> Box:
    edge = (SIDE_WORDS if top else REPLY_WORDS).get(p.side, p.side)
    say = [words.get(w, w) for w in (edge, p.strength, p.kind)]
    meta = " · ".join(say[: 3 if top else 2]).lower()
    children = [_box(r, False, words) for r in p.replies]
    lines = wrap(p.title, LABEL_COLS, LABEL_LINES)
    return Box(lines, meta, f"{p.side} s-{p.strength}", STROKE.get(p.strength, 2), children)


def tree(stance: StanceResult, words: Mapping[str, str]) -> Box:
    """The stance's boxes: supporting perspectives first, then opposing, each with its replies;
    their meta lines in `words` (a sidecar's labels), English words where `words` has none."""
    ordered = sorted(stance.perspectives, key=lambda p: p.side != "support")
    lines = wrap(stance.argued, CLAIM_COLS, CLAIM_LINES)
    position = "undecided_position" if stance.position == "undecided" else stance.position
    firmness = stance.strength or "unknown"
    meta = f"{words.get(position, stance.position)} · {words.get(firmness, firmness)}"
    return Box(lines, meta, "stance", 3, [_box(p, True, words) for p in ordered])


def _levels(root: Box) -> list[list[Box]]:
    levels = [[root]]
    while nxt := [c for b in levels[-1] for c in b.children]:
        levels.append(nxt)
    return levels


def _place(box: Box, lefts: list[int], depth: int, top: int) -> None:
    """Place `box` and its subtree, which starts at `top`, centring each over its children."""
    box.x, box.y = lefts[depth], top + (box.span - box.height) // 2
    below = sum(c.span for c in box.children) + GAP_Y * max(len(box.children) - 1, 0)
    y = top + (box.span - below) // 2
    for child in box.children:
        _place(child, lefts, depth + 1, y)
        y += child.span + GAP_Y


def _nodes(box: Box, parent: int, out: list[list[Any]]) -> None:
    """Append `box` and its subtree, depth first, each node naming its parent's index."""
    index = len(out)
    out.append([box.x, box.y, box.width, box.height, parent, box.classes, box.stroke])
    out[-1] += [box.lines, box.meta]
    for child in box.children:
        _nodes(child, index, out)


def layout(stance: StanceResult, words: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The argument map of one stance, laid out (see the module's docstring for the shape), its
    meta lines in `words`, a sidecar's labels (English if not given)."""
    root = tree(stance, words or {})
    widths = [max(b.width for b in level) for level in _levels(root)]
    lefts = [MARGIN + sum(widths[:i]) + GAP_X * i for i in range(len(widths))]
    _place(root, lefts, 0, MARGIN)
    nodes: list[list[Any]] = []
    _nodes(root, -1, nodes)
    return {"w": lefts[-1] + widths[-1] + MARGIN, "h": root.span + 2 * MARGIN, "nodes": nodes}
