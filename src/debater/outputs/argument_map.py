"""The argument map: a Mermaid flowchart per stance (stance -> for / against -> replies).

Note text becomes label text only: every label is trimmed, put in double quotes, and each ASCII
character that Mermaid could read as syntax is written as an entity code (`#34;` for `"`), which
Mermaid turns back into the character after parsing. So no note text can break a diagram.
"""

from __future__ import annotations

import itertools
import string
import unicodedata
from collections.abc import Iterator, Mapping

from debater.records import Perspective, StanceResult

CLAIM_WIDTH = 72
LABEL_WIDTH = 48
# ASCII that is plain text in a quoted label; all other ASCII punctuation is entity-coded.
_PLAIN = frozenset(string.ascii_letters + string.digits + " .,'!?-_+=*~/$@^")
# Edge style shows the strength of the argument it leads to: thick, normal, dotted.
_ARROWS = {"strong": "==>", "moderate": "-->", "weak": "-.->"}
_STANCE_EDGES = {"support": "for", "oppose": "against"}
_REPLY_EDGES = {"support": "reply", "oppose": "objection"}
_CLASSES = (
    "  classDef stance stroke-width:3px",
    "  classDef support stroke:#2e7d32,stroke-width:2px",
    "  classDef oppose stroke:#c62828,stroke-width:2px,stroke-dasharray:5 3",
)


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def trim(text: str, width: int) -> str:
    """One line of at most `width` display columns (CJK counts two), cut with an ellipsis."""
    # Control and format characters go; newlines and tabs become spaces.
    kept = "".join(c for c in text if c.isspace() or unicodedata.category(c)[0] != "C")
    line = " ".join(kept.split())
    if sum(map(_width, line)) <= width:
        return line
    used = 0
    for i, ch in enumerate(line):
        used += _width(ch)
        if used > width - 1:  # one column for the ellipsis
            return line[:i].rstrip() + "…"
    return line


def escape(text: str) -> str:
    """Label text with every syntax-like ASCII character as a Mermaid entity code."""
    return "".join(ch if ch in _PLAIN or not ch.isascii() else f"#{ord(ch)};" for ch in text)


def label(text: str, width: int, suffix: str = "") -> str:
    """A quoted label: `text` trimmed to `width`, then `suffix`, all escaped; never empty."""
    return f'"{escape((trim(text, width) or "…") + suffix)}"'


def _walk(
    parent: str, items: list[Perspective], ids: Iterator[int], words: Mapping[str, str]
) -> Iterator[str]:
    """Node, edge and class lines for `items` under node `parent`, depth first."""
    edges = _STANCE_EDGES if parent == "n0" else _REPLY_EDGES
    for p in items:
        node = f"n{next(ids)}"
        strength = words.get(p.strength, p.strength)
        edge = words.get(edges[p.side], edges[p.side]).lower()
        yield f"  {node}[{label(p.title, LABEL_WIDTH, f' · {strength}')}]"
        yield f"  {parent} {_ARROWS.get(p.strength, '-->')}|{edge}| {node}"
        yield f"  class {node} {p.side}"
        yield from _walk(node, p.replies, ids, words)


def stance_map(stance: StanceResult, words: Mapping[str, str] | None = None) -> str:
    """The Mermaid source of one stance's argument map (without the code fence); `words` are
    the sidecar's labels (for the edges and strengths), English if not given."""
    ordered = sorted(stance.perspectives, key=lambda p: p.side != "support")
    lines = ["flowchart LR", *_CLASSES, f"  n0({label(stance.argued, CLAIM_WIDTH)})"]
    lines += ["  class n0 stance", *_walk("n0", ordered, itertools.count(1), words or {})]
    return "\n".join(lines) + "\n"


def fenced(stance: StanceResult, words: Mapping[str, str] | None = None) -> list[str]:
    """The map as a fenced ```mermaid block, as Markdown lines."""
    return ["```mermaid", *stance_map(stance, words).splitlines(), "```"]
