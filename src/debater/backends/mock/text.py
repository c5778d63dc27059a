"""Small text tools for the mock backend: quote-aware sentences, quoted spans, trimming."""

from __future__ import annotations

import re

from debater.backends.mock.cues import CLOSING_FOR, FILLER_EN, FILLER_ZH, OPEN_QUOTES
from debater.clipping import clip

_BULLET = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)]|>)[ \t]+", re.MULTILINE)
_CJK_END = "。！？!?"
_ASCII_END = ".?!"
_TRAILERS = "。！？!?.…”」』)）’'\""
_ABBREVIATIONS = frozenset({"e.g", "i.e", "mr", "mrs", "ms", "dr", "vs", "st", "cf", "u.s"})
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def clean(text: str) -> str:
    """Passage text without list bullets or quote markers, whitespace collapsed."""
    return " ".join(_BULLET.sub("", text).split())


def quote_end(text: str, start: int) -> int | None:
    """Index of the quotation mark that closes the one at `start` (nested quotes allowed)."""
    opener = text[start]
    closer = CLOSING_FOR[opener]
    if opener == closer:  # straight quotes do not nest
        end = text.find(closer, start + 1)
        return end if end >= 0 else None
    depth = 0
    for i in range(start, len(text)):
        if text[i] == opener:
            depth += 1
        elif text[i] == closer:
            depth -= 1
            if depth == 0:
                return i
    return None


# A passage whose quoted spans make up this share of it is a quotation, whoever introduces it.
QUOTED_SHARE = 0.6


def mostly_quoted(text: str) -> bool:
    """Whether quotation marks hold most of the text."""
    return sum(end - start for start, end in quoted_spans(text)) >= QUOTED_SHARE * len(text)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Outermost quoted spans, each from its opening to its closing mark inclusive."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        end = quote_end(text, i) if text[i] in OPEN_QUOTES else None
        if end is None:
            i += 1
            continue
        spans.append((i, end + 1))
        i = end + 1
    return spans


def without_quotes(text: str) -> str:
    """Text with its quoted spans removed: what the author wrote in their own words."""
    for start, end in reversed(quoted_spans(text)):
        text = text[:start] + " " + text[end:]
    return text


def mask_quotes(text: str) -> str:
    """Same-length copy of text with its quoted spans blanked: only the author's own words."""
    for start, end in quoted_spans(text):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def unquote(text: str) -> str:
    """Text without the quotation marks around all of it, if there are such marks."""
    text = text.strip()
    if text and text[0] in OPEN_QUOTES and quote_end(text, 0) == len(text) - 1:
        return text[1:-1].strip()
    return text


def sentences(text: str) -> list[str]:
    """Split at sentence ends outside quotation marks; "e.g." and "1.5" do not end one."""
    found: list[str] = []
    start, depth, i = 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch in "“「『":
            depth += 1
        elif ch in "”」』":
            depth = max(0, depth - 1)  # a stray closing mark must not swallow the rest
        elif depth == 0 and _ends_sentence(text, i):
            end = i + 1
            while end < len(text) and text[end] in _TRAILERS:
                end += 1
            found.append(text[start:end])
            start = i = end
            continue
        i += 1
    found.append(text[start:])
    return [s.strip() for s in found if s.strip()]


def _ends_sentence(text: str, i: int) -> bool:
    ch = text[i]
    if ch in _CJK_END and ch not in _ASCII_END:
        return True
    if ch not in _ASCII_END:
        return False
    after, before = text[i + 1 : i + 2], text[i - 1 : i]
    # Chinese writers often use ASCII punctuation with no space after it ("可行吗?LLM...").
    if after and not (after.isspace() or _HAN.match(after) or after in _TRAILERS):
        return bool(_HAN.match(before))
    if ch == ".":
        word = text[:i].rsplit(None, 1)[-1] if text[:i].strip() else ""
        return len(word) > 1 and word.lower() not in _ABBREVIATIONS
    return True


def join(parts: list[str]) -> str:
    """Sentences back into text: a space after Latin punctuation, none after Chinese."""
    text = ""
    for part in parts:
        text += (" " if text and not text.endswith(tuple(_CJK_END + "”")) else "") + part
    return text


def first_sentences(parts: list[str], limit: int) -> str:
    """As many whole sentences from the start as fit in `limit` characters (at least one)."""
    taken: list[str] = []
    for part in parts:
        if taken and len(join([*taken, part])) > limit:
            break
        taken.append(part)
    return clip(join(taken), limit)


def content_size(text: str) -> int:
    """How much a sentence says besides filler: content words plus Han characters."""
    words = [w for w in _LATIN_WORD.findall(text) if w.lower() not in FILLER_EN]
    han = _HAN.findall(FILLER_ZH.sub("", text))
    return len(words) + len(han) // 2
