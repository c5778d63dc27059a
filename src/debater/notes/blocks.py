"""A note body's blocks, from markdown-it's CommonMark tokens and their line maps.

Where notes and CommonMark part ways, the note's author wins:

- A line indented two or more columns past a list item's marker belongs to the item, even
  short of its content column (`1. question` then `  - answer`); a nested numbered item may
  start at any number.
- A setext underline is a separator after a paragraph, not a heading, when it is a single
  `-` or `=`, when it underlines more than one line, or when a `-` line underlines a sentence
  (ending in `.`, `?`, `。`...) or a line of more than 80 characters.
- `<h1>`…`<h6>` lines are headings; so is a bold-only line (`**Chapter 3**`,
  `<b>10.《沉默的羔羊》</b>`) outside lists and quotes, one level below `######`, unless it
  is a sentence or longer than 80 characters (passages.py makes it the sibling of an enclosing
  heading numbered the same way).
- An HTML block holding prose (a review in `<details>`, a `<p>`) is a paragraph of the text a
  reader sees, without `<summary>` labels, scripts, styles and comments; a quote if it is a
  `<blockquote>`. So is text between quotation shortcodes (`{{< quote >}}`, `{% blockquote %}`).
- A list item or quote that holds no text of its own before a nested block (`- - text`)
  dissolves: its first block takes its place. Anything the parser leaves out joins the
  block before it.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, replace

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from debater.notes.inline import (
    bold_heading,
    clean_text,
    heading_like,
    html_heading,
    html_prose,
    html_text,
)
from debater.records import PassageKind

_MARKDOWN = MarkdownIt("commonmark").enable("table")
BOLD_HEADING_LEVEL = 7
_RAW_KINDS: dict[str, PassageKind] = {
    "fence": "code",
    "code_block": "code",
    "table": "table",
    "html_block": "html",
    "hr": "separator",
}
_ITEM = re.compile(r"(?P<indent>[ \t]*)(?P<marker>[-*+]|(?P<number>\d{1,9})[.)])(?P<gap>[ \t]+|$)")
_THEMATIC_BREAK = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*")
_FENCE = re.compile(r"[ \t]*(?P<fence>`{3,}|~{3,})")
_QUOTE_MARK = re.compile(r"^[ \t]*> ?")
# Quotation shortcodes of Hugo, Hexo and Jekyll: `{{< quote >}}`, `{% blockquote %}`, and closers.
_QUOTE_SHORTCODE = re.compile(
    r"\{\{[<%]\s*(?P<hclose>/)?\s*(?:block)?quote\b.*?[>%]\}\}"
    r"|\{%-?\s*(?P<lclose>end)?(?:block)?quote\b.*?-?%\}",
    re.I,
)
_HTML_QUOTE = re.compile(r"\s*<blockquote\b", re.I)
_HTML_QUOTE_OPEN = re.compile(r"<blockquote\b", re.I)
_HTML_QUOTE_CLOSE = re.compile(r"</blockquote\s*>", re.I)
# A line that opens a paragraph element of its own: each such part of an HTML block is a passage.
_HTML_PART = re.compile(r"\s*<(?:p|div|blockquote|h[1-6]|li)\b", re.I)


@dataclass(frozen=True)
class Block:
    """A stretch of the body that becomes one passage."""

    kind: PassageKind
    first: int  # 0-based body line indexes, inclusive
    last: int
    text: str
    parent: int | None = None  # index of the list item or quote block this one sits under
    level: int = 0  # heading level; 0 for other kinds and for headings inside quotes


def parse_blocks(body: str) -> list[Block]:
    """The body's blocks in order, together covering every non-blank line once."""
    lines = body.split("\n")
    tokens = _tokens("\n".join(_relax_lists(lines)), 0, 0)
    walk = _Walk(lines)
    walk.children(SyntaxTreeNode(tokens), None, 0)
    return _fill_gaps(walk.blocks, lines)


def _tokens(text: str, line_offset: int, level: int) -> list[Token]:
    """markdown-it's block tokens for `text`, reshaped as notes mean them (module docstring)."""
    lines = text.split("\n")
    tokens = _MARKDOWN.parse(text)
    for token in tokens:
        token.level += level
        if token.map is not None:
            token.map = [token.map[0] + line_offset, token.map[1] + line_offset]
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "heading_open" and token.markup in ("=", "-"):
            assert token.map is not None
            out += _setext(tokens[i : i + 3], lines[token.map[1] - 1 - line_offset])
            i += 3
        elif token.type == "heading_open":
            out.append(token.copy(meta={"level": len(token.markup)}))
            i += 1
        elif token.type == "paragraph_open" and token.level == 0:
            out += _bold_paragraph(tokens[i : i + 3])
            i += 3
        elif token.type == "html_block" and (found := html_heading(token.content.split("\n")[0])):
            assert token.map is not None
            out += _heading(token.map[0], found[1], found[0], token.level)
            rest = token.content.partition("\n")[2]
            if rest.strip():
                out += _tokens(rest, token.map[0] + 1, token.level)
            i += 1
        else:
            out.append(token)
            i += 1
    return out


def _setext(tokens: list[Token], underline: str) -> list[Token]:
    """A setext heading, or a paragraph and a separator if it is not one (module docstring)."""
    opening, inline, closing = tokens
    assert opening.map is not None
    first, end = opening.map
    heading = opening.markup == "=" or heading_like(inline.content)
    if heading and "\n" not in inline.content and len(re.sub(r"[^=-]", "", underline)) > 1:
        return [opening.copy(meta={"level": 1 if opening.markup == "=" else 2}), inline, closing]
    paragraph = Token("paragraph_open", "p", 1, map=[first, end - 1], level=opening.level)
    rule = Token("hr", "hr", 0, map=[end - 1, end], level=opening.level, block=True)
    return [paragraph, inline, Token("paragraph_close", "p", -1), rule]


def _bold_paragraph(tokens: list[Token]) -> list[Token]:
    """A top-level paragraph, split at its bold-only lines used as headings."""
    opening, inline = tokens[0], tokens[1]
    assert opening.map is not None
    lines = inline.content.split("\n")
    out: list[Token] = []
    start = 0  # the first line not yet in `out`
    for n, line in enumerate(lines):
        if (title := bold_heading(line)) is None:
            continue
        if n > start:
            out += _part(tokens, start, lines[start:n])
        out += _heading(opening.map[0] + n, title, BOLD_HEADING_LEVEL, opening.level)
        start = n + 1
    if not out:
        return tokens
    return out + _part(tokens, start, lines[start:]) if start < len(lines) else out


def _part(tokens: list[Token], start: int, lines: list[str]) -> list[Token]:
    """The paragraph's lines from `start` on, as a paragraph of their own."""
    opening, inline, closing = tokens
    assert opening.map is not None
    first = opening.map[0] + start
    return [
        opening.copy(map=[first, first + len(lines)]),
        inline.copy(content="\n".join(lines)),
        closing.copy(),
    ]


def _heading(line: int, text: str, level: int, nesting_level: int) -> list[Token]:
    opening = Token("heading_open", f"h{min(level, 6)}", 1, map=[line, line + 1])
    opening.level, opening.meta = nesting_level, {"level": level}
    inline = Token("inline", "", 0, map=[line, line + 1], content=text, children=[])
    return [opening, inline, Token("heading_close", opening.tag, -1)]


class _Walk:
    """Blocks from the syntax tree, each knowing the list item or quote it sits under."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.blocks: list[Block] = []
        self.shortcode_quote = False  # inside `{{< quote >}}` ... `{{< /quote >}}`

    def children(self, node: SyntaxTreeNode, parent: int | None, quotes: int) -> None:
        for child in node.children:
            self.node(child, parent, quotes)

    def node(self, node: SyntaxTreeNode, parent: int | None, quotes: int) -> None:
        first, last = self._span(node)
        if node.type == "paragraph":
            self._prose([node], first, last, parent, "quote" if quotes else "paragraph")
        elif node.type == "heading":
            level = 0 if quotes else int(node.meta["level"])
            self._add("heading", first, last, clean_text(_inline(node)), parent, level)
        elif node.type in ("bullet_list", "ordered_list"):
            self.children(node, parent, quotes)
        elif node.type == "list_item":
            self._container(node, parent, quotes, "quote" if quotes else "list_item")
        elif node.type == "blockquote":
            self._container(node, parent, quotes + 1, "quote")
        elif node.type == "html_block" and html_prose(self._raw(first, last, quotes)):
            self._html_prose(first, last, parent, quotes)
        else:
            kind = _RAW_KINDS.get(node.type, "html")
            self._add(kind, first, last, self._raw(first, last, quotes), parent)

    def _html_prose(self, first: int, last: int, parent: int | None, quotes: int) -> None:
        """An HTML block with prose: a paragraph (a quote inside `<blockquote>`) of the visible
        text of each part that opens a paragraph element (`<p>`, `<div>`, `<blockquote>`)."""
        open_quotes = {first: 0}  # <blockquote> elements open where each line starts
        for n in range(first, last + 1):
            line = self.lines[n]
            opened = len(_HTML_QUOTE_OPEN.findall(line)) - len(_HTML_QUOTE_CLOSE.findall(line))
            open_quotes[n + 1] = open_quotes[n] + opened
        starts = [first] + [
            n for n in range(first + 1, last + 1) if _HTML_PART.match(self.lines[n])
        ]
        for start, end in zip(starts, [*starts[1:], last + 1], strict=True):
            while end - 1 > start and not self.lines[end - 1].strip():
                end -= 1  # a part ends on its last line with text
            raw = self._raw(start, end - 1, quotes)
            inside = quotes or open_quotes[start] > 0 or _HTML_QUOTE.match(self.lines[start])
            if (title := html_heading(raw) or bold_heading(raw)) and not inside:
                level, text = title if isinstance(title, tuple) else (BOLD_HEADING_LEVEL, title)
                self._add("heading", start, end - 1, text, parent, level)
            elif text := html_text(raw):  # tags only: the lines join the passage before them
                self._add("quote" if inside else "paragraph", start, end - 1, text, parent)

    def _container(
        self, node: SyntaxTreeNode, parent: int | None, quotes: int, kind: PassageKind
    ) -> None:
        """A list item or quote: its leading paragraphs, then what is nested in it."""
        first = self._span(node)[0]
        lead = 0
        while lead < len(node.children) and node.children[lead].type == "paragraph":
            lead += 1
        if lead:
            last = self._span(node.children[lead - 1])[1]
            index = self._prose(node.children[:lead], first, last, parent, kind)
            for child in node.children[lead:]:
                self.node(child, index, quotes)
        elif not node.children or self._span(node.children[0])[0] > first:
            # a lone marker (an empty item or quote, or one whose blocks start below it)
            self._add("separator", first, first, self._raw(first, first, quotes), parent)
            self.children(node, parent, quotes)
        else:  # no text of its own (`- - text`, `- > quote`): its first block stands in
            start = len(self.blocks)
            self.node(node.children[0], parent, quotes)
            self.blocks[start] = replace(self.blocks[start], first=first)
            holder = start if self.blocks[start].kind in ("list_item", "quote") else parent
            for child in node.children[1:]:
                self.node(child, holder, quotes)

    def _prose(
        self,
        paragraphs: list[SyntaxTreeNode],
        first: int,
        last: int,
        parent: int | None,
        kind: PassageKind,
    ) -> int:
        raw = [_inline(p) for p in paragraphs]
        words = [text for text in map(clean_text, raw) if text]
        if not words:  # only template tags or queries: code, not prose
            self._shortcodes("\n".join(raw))
            return self._add("code", first, last, "\n\n".join(raw), parent)
        opened = self._shortcodes("\n".join(raw))
        quoted = opened and kind in ("paragraph", "list_item")
        return self._add("quote" if quoted else kind, first, last, "\n\n".join(words), parent)

    def _shortcodes(self, raw: str) -> bool:
        """Whether text is inside a quotation shortcode (`{{< quote >}}`, `{% blockquote %}`),
        opened before it or in it; a closing shortcode in it ends the quotation after it."""
        inside = self.shortcode_quote
        for mark in _QUOTE_SHORTCODE.finditer(raw):
            closing = bool(mark["hclose"] or mark["lclose"])
            inside = inside or not closing
            self.shortcode_quote = not closing
        return inside

    def _add(
        self,
        kind: PassageKind,
        first: int,
        last: int,
        text: str,
        parent: int | None,
        level: int = 0,
    ) -> int:
        self.blocks.append(Block(kind, first, last, text, parent, level))
        return len(self.blocks) - 1

    def _span(self, node: SyntaxTreeNode) -> tuple[int, int]:
        """The node's first and last body lines, trailing blank lines left out."""
        assert node.map is not None
        first, last = node.map[0], node.map[1] - 1
        while last > first and not self.lines[last].strip():
            last -= 1
        return first, last

    def _raw(self, first: int, last: int, quotes: int) -> str:
        """Lines as written, without the `>` of the quotes they are in, dedented."""
        lines = self.lines[first : last + 1]
        for _ in range(quotes):
            lines = [_QUOTE_MARK.sub("", line, count=1) for line in lines]
        return textwrap.dedent("\n".join(lines)).strip("\n")


def _inline(node: SyntaxTreeNode) -> str:
    """A paragraph's or heading's text, each line stripped."""
    content = node.children[0].content if node.children else ""
    return "\n".join(line.strip() for line in content.split("\n"))


def _fill_gaps(blocks: list[Block], lines: list[str]) -> list[Block]:
    """Blocks stretched over the non-blank lines none of them holds: onto the block before."""
    filled = list(blocks)
    for i, block in enumerate(filled):
        start = filled[i - 1].last + 1 if i else 0
        gap = [n for n in range(start, block.first) if lines[n].strip()]
        if gap and i:
            filled[i - 1] = replace(filled[i - 1], last=gap[-1])
        elif gap:
            filled[i] = replace(block, first=gap[0])
    if filled:
        rest = [n for n in range(filled[-1].last + 1, len(lines)) if lines[n].strip()]
        if rest:
            filled[-1] = replace(filled[-1], last=rest[-1])
    return filled


def _relax_lists(lines: list[str]) -> list[str]:
    """Lines indented under a list item moved to its content column, nested items numbered 1."""
    out: list[str] = []
    items: list[tuple[int, int, int]] = []  # (marker column, content column, shift) of open items
    fence: tuple[str, int] | None = None  # an open code fence and how many items hold it
    for line in lines:
        if not line.strip():
            out.append(line)
            continue
        indent = _width(line)
        item = None if fence else _item(line, items[-1][1] if items else 0)
        while items and indent < items[-1][1]:
            if indent >= items[-1][0] + 2:
                break  # a near miss: meant to be inside the item
            items.pop()
        if fence and len(items) < fence[1]:
            fence = None
        shift = items[-1][2] + max(0, items[-1][1] - indent) if items else 0
        if item is not None:
            if items:
                line = _from_one(line)
            items.append((indent, item, shift))
        out.append(" " * (indent + shift) + line.lstrip(" \t") if shift else line)
        fence = _fence_after(line, fence, len(items))
    return out


def _item(line: str, container: int) -> int | None:
    """The content column of a list item starting on this line, or None."""
    match = _ITEM.match(line)
    if match is None or _THEMATIC_BREAK.fullmatch(line) or _width(line) >= container + 4:
        return None
    marker_end = len((match["indent"] + match["marker"]).expandtabs(4))
    gap = len(match[0].expandtabs(4)) - marker_end
    if not line[match.end() :].strip() or gap > 4:
        return marker_end + 1
    return marker_end + gap


def _from_one(line: str) -> str:
    """A numbered item renumbered 1, its text kept in its column."""
    match = _ITEM.match(line)
    if match is None or match["number"] is None:
        return line
    number_end = match.end("number")
    delimiter, text = line[number_end], line[number_end + 1 :]
    return (
        line[: match.start("number")]
        + "1"
        + delimiter
        + " " * (number_end - match.start("number") - 1)
        + text
    )


def _fence_after(line: str, fence: tuple[str, int] | None, depth: int) -> tuple[str, int] | None:
    """The code fence open after this line: opened, closed or unchanged by it."""
    match = _FENCE.match(line)
    if match is None:
        return fence
    mark = match["fence"]
    if fence is None:
        rest = line[match.end() :]
        return None if mark[0] == "`" and "`" in rest else (mark, depth)
    closes = (
        mark[0] == fence[0][0] and len(mark) >= len(fence[0]) and not line[match.end() :].strip()
    )
    return None if closes else fence


def _width(text: str) -> int:
    """Columns of leading whitespace, tabs to 4-column stops."""
    expanded = text.expandtabs(4)
    return len(expanded) - len(expanded.lstrip(" \t"))
