"""The mock backend's stance finder: opinion markers over passages, no model involved.

A quotation or a third-person report ("Dario thinks ...") is a target, never a stance. The next
minable passage, if it carries opinion markers, is the author's reaction: one stance pointing at
both passages. Other passages with markers are the author's own ideas. One stance per passage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from debater.backends.mock import markers as mk
from debater.backends.mock.text import (
    clean,
    clip,
    content_size,
    first_sentences,
    quoted_spans,
    sentences,
    unquote,
    without_quotes,
)
from debater.llm.answers import ExtractedStance
from debater.notes.language import detect_language, matches_language
from debater.records import MINABLE_KINDS, Firmness, Position

CLAIM_CHARS = 200
TARGET_CHARS = 300
REASONING_CHARS = 300
GIST_CHARS = 90
# A passage whose quoted spans make up this share of it is a quotation, whoever introduces it.
QUOTED_SHARE = 0.6


@dataclass(frozen=True)
class _Target:
    id: str
    text: str
    inline: Literal["", "colon", "previous"] = ""  # found inside the reaction itself


@dataclass(frozen=True)
class _Reading:
    """What a reaction says: its position and the sentence (and marker span) that decided it."""

    position: Position
    index: int
    span: tuple[int, int]
    doubt: bool = False  # decided by a sceptical question


def find_stances(records: Iterable[Mapping[str, Any]]) -> list[ExtractedStance]:
    """The author's stances in passage records (`id`, `kind`, `text`, optional `section`)."""
    stances: list[ExtractedStance] = []
    pending: _Target | None = None
    section: object = None
    for record in records:
        kind = record.get("kind")
        if kind == "heading" or record.get("section") != section:
            pending, section = None, record.get("section")  # a new section: reactions end
        text = clean(str(record.get("text", "")))
        if kind not in MINABLE_KINDS or not text:
            continue
        pid = str(record.get("id", ""))
        reported = split_reported(text, str(kind))
        if reported is None:
            stance = _react(pid, text, pending)
            pending = None
        else:
            quoted, rest = reported
            target = _Target(pid, quoted)
            stance = _react(pid, rest, target, decisive_only=True) if rest else None
            pending = None if stance else target
        if stance is not None:
            stances.append(stance)
    return stances


def split_reported(text: str, kind: str) -> tuple[str, str] | None:
    """(someone else's view, the author's words after it) if the passage reports a view."""
    if kind == "quote":
        return text, ""
    spans = quoted_spans(text)
    if text[0] in mk.OPEN_QUOTES:
        end = spans[0][1] if spans and spans[0][0] == 0 else len(text)
        return text[:end], text[end:].strip()
    if mk.ATTRIBUTION.match(mk.normalise(text)):
        parts = sentences(text)
        return parts[0], " ".join(parts[1:])
    if sum(end - start for start, end in spans) >= QUOTED_SHARE * len(text):
        return text, ""
    return None


def _react(
    pid: str, text: str, target: _Target | None, decisive_only: bool = False
) -> ExtractedStance | None:
    """The stance a passage takes (towards `target`, if any), or None if it takes none."""
    parts = sentences(text)
    reading = _read(parts, decisive_only)
    if reading is None:
        return None
    if target is None and reading.position in ("agree", "partly", "disagree"):
        target = _inline_target(pid, parts, reading)
    position: Position = reading.position
    if target is None and position != "undecided":
        position = "own-idea"  # agreeing with nothing in particular is holding an idea
    strength = _strength(parts, reading)
    author = _author_words(text, target)
    if target is None or position == "own-idea":
        claim = _own_claim(parts, reading)
        if not claim:
            return None  # "I disagree." with nothing to disagree with says nothing
    else:
        claim = _composed_claim(position, strength, target, _detail(parts, reading, target), author)
    return ExtractedStance(
        claim=claim,
        position=position,
        strength=strength,
        target=None if target is None else _target_text(target),
        reasoning=_reasoning(parts, reading.index),
        passage_ids=list(dict.fromkeys([target.id, pid] if target else [pid])),
        language=detect_language(author),
    )


def _read(parts: list[str], decisive_only: bool) -> _Reading | None:
    """The position the sentences take: an own-idea label, else the first decisive marker."""
    if not decisive_only:
        for i, part in enumerate(parts):
            if label := mk.OWN_LABEL.search(mk.normalise(part)):
                return _Reading("own-idea", i, label.span())
    for i in range(len(parts)):
        if found := _decisive(parts, i):
            return found
    return None if decisive_only else _weak(parts)


def _decisive(parts: list[str], i: int) -> _Reading | None:
    """A verdict in sentence i: disagreement, doubt, (partial) agreement or indecision."""
    s = mk.normalise(parts[i])
    if m := mk.DISAGREE.search(s):
        return _Reading("disagree", i, m.span())
    if ("?" in s or "？" in s) and (m := mk.CHALLENGE.search(s)):
        return _Reading("disagree", i, m.span(), doubt=True)
    if m := mk.PARTLY.search(s):
        return _Reading("partly", i, m.span())
    if m := mk.AGREE.search(s):
        following = mk.normalise(parts[i + 1]) if i + 1 < len(parts) else ""
        qualified = (
            mk.CONTRAST.search(s, m.end())
            or mk.PARTLY_SOFT.search(s)
            or mk.CONTRAST.match(following)
        )
        return _Reading("partly" if qualified else "agree", i, m.span())
    if (m := mk.PARTLY_SOFT.search(s)) and mk.CONTRAST.search(s):
        return _Reading("partly", i, m.span())
    if m := mk.UNDECIDED.search(s):
        return _Reading("undecided", i, m.span())
    return None


def _weak(parts: list[str]) -> _Reading | None:
    """A position from feelings and hedged views when no sentence gives a verdict.

    Alarm or surprise accepts what was said; "interesting" alone is undecided, but followed
    by an own view it is engagement with the claim, counted as agreement.
    """
    accept, curious = _hit(mk.ACCEPTING, parts), _hit(mk.CURIOUS, parts)
    own = min(
        (h for h in (_hit(mk.OWN_VIEW, parts), _hit(mk.CONCLUSION, parts)) if h), default=None
    )
    if accept or (curious and own):
        index, span = min(h for h in (accept, curious) if h)
        return _Reading("agree", index, span)
    if curious:
        return _Reading("undecided", *curious)
    if own:
        return _Reading("own-idea", *own)
    return None


def _hit(pattern: re.Pattern[str], parts: list[str]) -> tuple[int, tuple[int, int]] | None:
    """The first sentence the pattern matches in, with the match's span."""
    for i, part in enumerate(parts):
        if m := pattern.search(mk.normalise(part)):
            return i, m.span()
    return None


def _says_more(sentence: str, span: tuple[int, int]) -> bool:
    """Whether a sentence holds content besides its marker ("I am inclined to agree" does not)."""
    rest = mk.normalise(sentence[: span[0]] + " " + sentence[span[1] :])
    return content_size(mk.HEDGE.sub(" ", mk.EMPHATIC.sub(" ", rest))) >= 2


def _inline_target(pid: str, parts: list[str], reading: _Reading) -> _Target | None:
    """The claim a reaction points at inside its own passage: after a colon, or just before."""
    if reading.doubt:
        return None
    sentence = parts[reading.index]
    colon = min(
        (i for i in (sentence.find(c, reading.span[1]) for c in ":：") if i >= 0), default=-1
    )
    if colon >= 0 and len(sentence[colon + 1 :].strip()) >= 8:
        return _Target(pid, sentence[colon + 1 :].strip(), "colon")
    if reading.index > 0 and not _says_more(sentence, reading.span):
        return _Target(pid, parts[reading.index - 1], "previous")
    return None


def _strength(parts: list[str], reading: _Reading) -> Firmness:
    """Hedges or emphasis in the deciding sentence, else their balance over the passage."""
    if reading.position == "undecided" or reading.doubt:
        return "tentative"
    sentence = mk.normalise(parts[reading.index])
    if mk.HEDGE.search(sentence):
        return "tentative"
    if mk.EMPHATIC.search(sentence):
        return "firm"
    whole = mk.normalise(" ".join(parts))
    hedges, emphatics = len(mk.HEDGE.findall(whole)), len(mk.EMPHATIC.findall(whole))
    if emphatics and not hedges:
        return "firm"
    # One hedge in a long passage qualifies a detail, not the whole view.
    return "tentative" if hedges >= 3 and not emphatics else "moderate"


def _author_words(text: str, target: _Target | None) -> str:
    """What the author wrote themselves: the passage without quotations and inline targets."""
    if target is not None and target.inline == "colon":
        text = text.replace(target.text, " ")
    return without_quotes(text)


def _strip_lead(sentence: str) -> str:
    """A sentence without a leading own-idea label, "therefore" or "but"."""
    label = mk.LABEL_PREFIX.match(sentence)
    if label and mk.OWN_LABEL.search(mk.normalise(label[0])):
        sentence = sentence[label.end() :]
    sentence = mk.CONCLUSION.sub("", sentence, count=1)
    return mk.LEADING_CONTRAST.sub("", sentence, count=1).strip(" -—:：,，")


def _own_claim(parts: list[str], reading: _Reading) -> str:
    """The first sentence from the deciding one on that says more than its marker, or ""."""
    for i in range(reading.index, len(parts)):
        claim = _strip_lead(parts[i])
        if content_size(claim) >= 2 and (i > reading.index or _says_more(parts[i], reading.span)):
            return clip(claim, CLAIM_CHARS)
    return ""


def _detail(parts: list[str], reading: _Reading, target: _Target) -> str:
    """The author's words to quote in a claim: the deciding sentence, or their first reason."""
    if target.inline == "previous":
        return ""  # the reason is the target sentence itself
    sentence = parts[reading.index]
    if target.inline == "colon":
        sentence = sentence[: sentence.find(target.text)].rstrip(" :：")
    if reading.doubt or _says_more(sentence, reading.span):
        return _strip_lead(sentence)
    return parts[reading.index + 1] if reading.index + 1 < len(parts) else ""


_VERBS: dict[tuple[str, str], tuple[str, str]] = {
    ("agree", "firm"): ("Strongly agrees with", "非常认同"),
    ("agree", "moderate"): ("Agrees with", "同意"),
    ("agree", "tentative"): ("Leans towards agreeing with", "倾向于同意"),
    ("disagree", "firm"): ("Firmly disagrees with", "坚决不同意"),
    ("disagree", "moderate"): ("Disagrees with", "不同意"),
    ("disagree", "tentative"): ("Doubts", "怀疑"),
    ("partly", ""): ("Partly agrees with", "部分同意"),
    ("undecided", ""): ("Is undecided about", "尚未判断"),
}


def _composed_claim(
    position: Position, strength: Firmness, target: _Target, detail: str, author: str
) -> str:
    """A standalone claim from the position, the target's gist and the author's words."""
    zh = matches_language(author, "zh")
    key = (position, strength if position in ("agree", "disagree") else "")
    verb = _VERBS[key][int(zh)]
    gist = _gist(target.text)
    if zh:
        head, sep, end = f"{verb}：{gist}", "——", "。"
    else:
        head, sep, end = f"{verb} “{gist.replace('“', '‘').replace('”', '’')}”", ": ", "."
    if not detail:
        return head + end
    return head + sep + clip(detail, max(CLAIM_CHARS - len(head) - len(sep), 20))


def _gist(text: str) -> str:
    """The core of a target: its main quotation's concluding or first sentence, shortened."""
    spans = quoted_spans(text)
    longest = max(spans, key=lambda s: s[1] - s[0], default=None)
    if longest and 2 * (longest[1] - longest[0]) >= len(text):
        text = text[longest[0] : longest[1]]
    parts = sentences(unquote(text)) or [text]
    pick = next((p for p in parts[1:] if mk.CONCLUSION.match(p)), parts[0])
    return clip(pick.rstrip("。.！!？?；; "), GIST_CHARS)


def _reasoning(parts: list[str], index: int) -> str:
    """The author's reasons: the sentences after the deciding one, else its "because" ones."""
    after = parts[index + 1 :]
    if not after:
        after = [p for p in parts[:index] if mk.REASON.search(mk.normalise(p))]
    return first_sentences(after, REASONING_CHARS) if after else ""


def _target_text(target: _Target) -> str:
    return first_sentences(sentences(unquote(target.text)), TARGET_CHARS)
