"""Inline text of notes as a reader sees it: Obsidian and blog markup reduced to its words.

`[[target|alias]]` becomes its visible text, `==highlight==` its text and inline HTML
(`<strong>`, `&nbsp;`, `<br>`) what a browser shows; Liquid tags
(`{% … %}`, `{{ … }}`), Docsify placeholders (`{docsify-ignore}`), VuePress container
fences (`::: tip`, `:::`; a container's title is kept) and Dataview inline queries
(`` `= this.x` ``) are removed. Code spans and `$…$` math are kept as written.
"""

from __future__ import annotations

import html
import re

# Spans kept as written: code spans, $$…$$ and $…$ math (a closing $ before a digit is money).
_KEPT = re.compile(
    "|".join(
        (
            r"(?P<ticks>`+)(?P<code>.+?)(?<!`)(?P=ticks)(?!`)",
            r"\$\$.+?\$\$",
            r"\$[^\s$](?:[^$\n]*[^\s$\\])?\$(?!\d)",
        )
    ),
    re.DOTALL,
)
_QUERY = re.compile(r"^\s*\$?=(?!=)\s*\S")  # Dataview inline query: `= this.x`, `$= dv.x`
_WIKILINK = re.compile(
    r"!?\[\[(?P<target>[^\[\]|#]*)(?P<anchor>#[^\[\]|]*)?(?:\|(?P<alias>[^\[\]]*))?\]\]"
)
_HIGHLIGHT = re.compile(r"==(?=\S)(?P<text>.+?)(?<=\S)==")
_TEMPLATE = re.compile(r"[ \t]*(?:\{%.*?%\}|\{\{.*?\}\}|\{docsify-[\w-]+\})")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
# A VuePress/VitePress container's fence: `::: tip Title` (its title stays), `::: right`, `:::`.
_CONTAINER = re.compile(r"^[ \t]*:{3,}[ \t]*(?:[A-Za-z][\w-]*)?[ \t]*", re.M)
_BREAK = re.compile(r"[ \t]*<br\s*/?>[ \t]*", re.I)
_BOLD_LINE = re.compile(r"(?P<mark>\*\*|__)(?=\S)(?P<text>(?:(?!(?P=mark)).)+?)(?<=\S)(?P=mark)")
_HTML_BOLD_LINE = re.compile(r"<(?P<tag>b|strong)(?:\s[^>]*)?>(?P<text>.+?)</(?P=tag)>", re.I)
_HTML_HEADING_LINE = re.compile(r"<h(?P<level>[1-6])(?:\s[^>]*)?>(?P<text>.*?)</h(?P=level)>", re.I)
_LINE_BREAK = re.compile(r"(?:\s*<br\s*/?>)+$", re.I)
_PARAGRAPH_TAGS = re.compile(r"^\s*<(?:p|div)\b[^>]*>|</(?:p|div)\s*>\s*$", re.I)
_SENTENCE_END = tuple(".。!！?？;；,，…")
_LONGEST_HEADING = 80


def clean_text(text: str) -> str:
    """A paragraph's inline Markdown with note-app markup reduced to the words a reader sees."""
    out: list[str] = []
    end = 0
    for kept in _KEPT.finditer(text):
        out.append(_clean_words(text[end : kept.start()]))
        if kept["code"] is not None and _QUERY.match(kept["code"]):
            out[-1] = out[-1].rstrip(" \t")  # the query goes with the space before it
        else:
            out.append(kept[0])
        end = kept.end()
    out.append(_clean_words(text[end:]))
    lines = (line.strip() for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line)


def _clean_words(text: str) -> str:
    text = _CONTAINER.sub("", _WIKILINK.sub(_visible, text))
    text = _HIGHLIGHT.sub(r"\g<text>", text)
    text = _BREAK.sub("\n", _TEMPLATE.sub("", text))
    return html.unescape(_TAG.sub("", text)).replace("\xa0", " ")


def _visible(link: re.Match[str]) -> str:
    """What Obsidian shows for a wikilink: its alias, else `target > heading`."""
    if link["alias"] and link["alias"].strip():
        return link["alias"].strip()
    anchor = (link["anchor"] or "").lstrip("#").strip()
    parts = [link["target"].strip(), "" if anchor.startswith("^") else anchor]
    return " > ".join(part for part in parts if part)


def html_heading(line: str) -> tuple[int, str] | None:
    """(level, text) if the line is only an HTML heading such as `<h3>Title</h3>`."""
    match = _HTML_HEADING_LINE.fullmatch(line.strip())
    return (int(match["level"]), _strip_tags(match["text"])) if match else None


def bold_heading(line: str) -> str | None:
    """The text of a line that is only bold text used as a heading (`**Chapter 3**`,
    `<p><strong>Editorial Reviews</strong></p>`)."""
    stripped = _LINE_BREAK.sub("", _PARAGRAPH_TAGS.sub("", line).strip())
    match = _BOLD_LINE.fullmatch(stripped) or _HTML_BOLD_LINE.fullmatch(stripped)
    if match is None:
        return None
    text = _strip_tags(match["text"])
    return text if heading_like(text) else None


def heading_like(text: str) -> bool:
    """Whether a line could be a heading: short, and not a sentence (no final `.`, `?`, `。`...)."""
    return bool(text) and len(text) <= _LONGEST_HEADING and not text.endswith(_SENTENCE_END)


_HIDDEN = re.compile(
    r"<!--.*?-->|<(?P<tag>summary|script|style|button)\b[^>]*>.*?</(?P=tag)\s*>", re.I | re.S
)


def html_text(block: str) -> str:
    """The text a reader sees in an HTML block (without `<summary>` labels, scripts, styles
    and comments), one line per line."""
    lines = (_strip_tags(line) for line in _HIDDEN.sub("", block).split("\n"))
    return "\n".join(line for line in lines if line)


def html_prose(block: str) -> str | None:
    """An HTML block's visible text if any of it is a sentence rather than a caption."""
    text = html_text(block)
    return text if any(not heading_like(line) for line in text.split("\n") if line) else None


def _strip_tags(text: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", _BREAK.sub(" ", text))).split())
