"""How the mock's stance finder words a stance: its claim, target and reasons, in the author's
language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from debater.backends.mock import cues
from debater.backends.mock import markers as mk
from debater.backends.mock.reading import Reading, says_more
from debater.backends.mock.text import (
    content_size,
    first_sentences,
    quoted_spans,
    sentences,
    unquote,
)
from debater.clipping import clip
from debater.notes.language import matches_language
from debater.records import Firmness, Position

CLAIM_CHARS = 200
TARGET_CHARS = 300
REASONING_CHARS = 300
GIST_CHARS = 90


@dataclass(frozen=True)
class Target:
    id: str
    text: str
    inline: Literal["", "colon", "previous"] = ""  # found inside the reaction itself


def after_colon(sentence: str, span: tuple[int, int]) -> str:
    """What follows a colon right after the marker ("I disagree: X" gives X), else ""."""
    head = sentence[span[1] : span[1] + 40]
    colon = min((i for i in (head.find(c) for c in ":：") if i >= 0), default=-1)
    return sentence[span[1] + colon + 1 :].strip() if colon >= 0 else ""


def inline_target(pid: str, parts: list[str], reading: Reading) -> Target | None:
    """The claim a reaction points at inside its own passage: just before it, or after a colon.

    Only agreement takes its claim from after a colon ("Agreed: X" holds X). After "I disagree:"
    come the author's reasons, never the claim rejected.
    """
    if reading.doubt:
        return None
    sentence = parts[reading.index]
    claim = after_colon(sentence, reading.span)
    if reading.position == "agree" and len(claim) >= 8:
        return Target(pid, claim, "colon")
    if reading.index > 0 and not says_more(sentence, reading.span):
        return Target(pid, parts[reading.index - 1], "previous")
    return None


def strip_lead(sentence: str) -> str:
    """A sentence without a leading own-idea label, "therefore" or "but"."""
    label = cues.LABEL_PREFIX.match(sentence)
    if label and cues.OWN_LABEL.search(mk.normalise(label[0])):
        sentence = sentence[label.end() :]
    sentence = mk.CONCLUSION.sub("", sentence, count=1)
    return cues.LEADING_CONTRAST.sub("", sentence, count=1).strip(" -—:：,，")


def own_claim(parts: list[str], reading: Reading) -> str:
    """The first sentence from the deciding one on that says more than its marker, or ""."""
    if content_size(reasons := after_colon(parts[reading.index], reading.span)) >= 2:
        return clip(reasons, CLAIM_CHARS)  # "I disagree: X" holds X
    for i in range(reading.index, len(parts)):
        claim = strip_lead(parts[i])
        if content_size(claim) >= 2 and (i > reading.index or says_more(parts[i], reading.span)):
            return clip(claim, CLAIM_CHARS)
    return ""


def detail(parts: list[str], reading: Reading, target: Target) -> str:
    """The author's words to quote in a claim: the deciding sentence, or their first reason."""
    if target.inline == "previous":
        return ""  # the reason is the target sentence itself
    sentence = parts[reading.index]
    if target.inline == "colon":
        sentence = sentence[: sentence.find(target.text)].rstrip(" :：")
    if reasons := after_colon(sentence, reading.span):
        return reasons
    if reading.doubt or says_more(sentence, reading.span):
        return strip_lead(sentence)
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


def composed_claim(
    position: Position, firmness: Firmness, target: Target, detail: str, author: str
) -> str:
    """A standalone claim from the position, the target's gist and the author's words."""
    zh = matches_language(author, "zh")
    key = (position, firmness if position in ("agree", "disagree") else "")
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


def reasoning(parts: list[str], reading: Reading) -> str:
    """The author's reasons: what follows "I disagree:", the sentences after the deciding one,
    else its "because" ones. Never the claim rejected."""
    index = reading.index
    after = parts[index + 1 :]
    if reading.position != "agree" and (reasons := after_colon(parts[index], reading.span)):
        after = [reasons, *after]
    if not after:
        after = [p for p in parts[:index] if mk.REASON.search(mk.normalise(p))]
    return first_sentences(after, REASONING_CHARS) if after else ""


def target_text(target: Target) -> str:
    return first_sentences(sentences(unquote(target.text)), TARGET_CHARS)
