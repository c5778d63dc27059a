"""What position a reaction takes, and how firmly: the verdict of the mock's stance finder."""

from __future__ import annotations

import re
from dataclasses import dataclass

from debater.backends.mock import cues
from debater.backends.mock import judgements as jd
from debater.backends.mock import markers as mk
from debater.backends.mock.sentiment import WORK, evaluation
from debater.backends.mock.text import content_size, mask_quotes
from debater.records import Firmness, Position


@dataclass(frozen=True)
class Reading:
    """What a reaction says: its position and the sentence (and marker span) that decided it."""

    position: Position
    index: int
    span: tuple[int, int]
    doubt: bool = False  # decided by a sceptical question
    rhetorical: bool = False  # ... asked as sarcasm or pointed rhetoric, not as a hedge
    on_work: bool = False  # praise or criticism of a work ("utter trash", "值得一读")


def read(
    parts: list[str], decisive_only: bool = False, after_quote: bool = False, work: str = ""
) -> Reading | None:
    """The position the sentences take: an own-idea label, else the first decisive marker.
    `work` names the work under review (its heading), so a sentence naming it judges it.

    `decisive_only` (words after a report of someone's view) takes verdicts only; `after_quote`
    (words after a quotation) takes feelings and hedged views too, but only when the author
    speaks in the first person, so that a gloss or translation of the quotation is no stance.
    """
    if not decisive_only:
        for i, part in enumerate(parts):
            if label := cues.OWN_LABEL.search(mk.normalise(part)):
                return Reading("own-idea", i, label.span())
    reported = {i for i, part in enumerate(parts) if cues.reports(mk.normalise(part))}
    for i in range(len(parts)):
        # After a report, its questions are the report's rhetoric, not the author's verdicts.
        if decisive_only and _asks(parts[i]):
            continue
        if i not in reported and (found := decisive(parts, i)):
            # A verdict in an earlier sentence decides before a later question's doubt.
            earlier = _evaluated(parts[:i], reported, work) if found.doubt else None
            return earlier or found
    if found := _evaluated(parts, reported, work):
        return found
    if decisive_only or (after_quote and not _hit(mk.OWN_VIEW, parts, reported)):
        return None
    return _weak(parts, reported)


def _asks(sentence: str) -> bool:
    return sentence.rstrip("”」』\"' ").endswith(("?", "？"))


def _own(sentence: str) -> str:
    """A sentence as matched: normalised, with quoted words blanked (they are not the author's)."""
    return mk.normalise(mask_quotes(sentence))


def _qualified(s: str, end: int, following: str) -> bool:
    """Whether a sentence qualifies its agreement: a contrast after it, or a softener."""
    return bool(
        mk.CONTRAST.search(s, end) or mk.PARTLY_SOFT.search(s) or mk.CONTRAST.match(following)
    )


def later_verdict(parts: list[str], after: int) -> Reading | None:
    """The first verdict after sentence `after` that is not a question."""
    return next((r for i in range(after + 1, len(parts)) if (r := decisive(parts, i, False))), None)


_VERDICTS: tuple[tuple[re.Pattern[str], Position], ...] = (
    (mk.AGREE, "agree"),
    (jd.CRITICISM, "disagree"),
    (jd.PRAISE, "agree"),
)


def decisive(parts: list[str], i: int, doubt: bool = True) -> Reading | None:
    """A verdict in sentence i: disagreement, doubt (if `doubt`), (partial) agreement or
    indecision."""
    s = _own(parts[i])
    following = _own(parts[i + 1]) if i + 1 < len(parts) else ""
    if m := mk.DISAGREE.search(s):
        return Reading("disagree", i, m.span())
    if m := jd.FEASIBILITY.search(s):
        return Reading("partly", i, m.span())
    if doubt and ("?" in s or "？" in s) and (m := mk.CHALLENGE.search(s)):
        rhetorical = bool(jd.RHETORICAL.search(s))
        return Reading("disagree", i, m.span(), doubt=True, rhetorical=rhetorical)
    if m := mk.PARTLY.search(s):
        return Reading("partly", i, m.span())
    for pattern, position in _VERDICTS:
        if _asks(s):
            break  # "这本书说得有道理吗？" asks; it does not agree
        if m := pattern.search(s):
            mixed = _qualified(s, m.end(), following)
            work = pattern is not mk.AGREE
            return Reading("partly" if mixed else position, i, m.span(), on_work=work)
    if (m := mk.PARTLY_SOFT.search(s)) and mk.CONTRAST.search(s):
        return Reading("partly", i, m.span())
    if m := mk.UNDECIDED.search(s):
        return Reading("undecided", i, m.span())
    return None


def _evaluated(parts: list[str], reported: set[int], work: str = "") -> Reading | None:
    """A verdict from evaluative words in the author's voice (see `sentiment`): praise agrees,
    criticism dissents, both are partial agreement."""
    for i, part in enumerate(parts):
        s = _own(part)
        if _asks(s) or (mk.OWN_VIEW.search(s) and not WORK.search(s)):
            continue  # "我觉得快读也有用处" is a view; "I think this book is great" judges
        if i not in reported and (found := evaluation(s, work)):
            return Reading(found.position, i, found.span, on_work=True)
    return None


def _weak(parts: list[str], reported: set[int]) -> Reading | None:
    """A position from feelings and hedged views when no sentence gives a verdict.

    Alarm or surprise accepts what was said; "interesting" alone (as a remark) is undecided, but
    followed by an own view it is engagement with the claim, counted as agreement. Sentences that
    report someone else's view ("所以这本书提倡的是X") say nothing of the author's.
    """
    accept, curious = _hit(mk.ACCEPTING, parts, reported), _hit(mk.CURIOUS, parts, reported)
    accept = accept if accept and _remark(parts[accept[0]]) else None
    # "So ..." concludes the author's own view, unless a collective "we" speaks and no "I" does
    # ("因此，我们来看看..." in a summary is the book's voice).
    whole = " ".join(parts)
    collective = cues.WE.search(whole) and not cues.FIRST_PERSON.search(whole)
    concluded = None if collective else _hit(mk.OWN_CONCLUSION, parts, reported)
    own = min((h for h in (_hit(mk.OWN_VIEW, parts, reported), concluded) if h), default=None)
    if accept or (curious and own):
        index, span = min(h for h in (accept, curious) if h)
        return Reading("agree", index, span)
    if curious and _remark(parts[curious[0]]):
        return Reading("undecided", *curious)
    if own:
        return Reading("own-idea", *own)
    return None


def _remark(sentence: str) -> bool:
    """Whether "interesting" or "scary" is the author's remark: said in the first person or in a
    few words ("Interesting."), not inside a sentence about something else ("An interesting
    question that most people never consider is ...")."""
    return bool(cues.FIRST_PERSON.search(sentence)) or content_size(sentence) <= 5


def _hit(
    pattern: re.Pattern[str], parts: list[str], skip: set[int]
) -> tuple[int, tuple[int, int]] | None:
    """The first sentence not in `skip` that the pattern matches in, with the match's span."""
    for i, part in enumerate(parts):
        if i not in skip and (m := pattern.search(_own(part))):
            return i, m.span()
    return None


def says_more(sentence: str, span: tuple[int, int]) -> bool:
    """Whether a sentence holds content besides its marker ("I am inclined to agree" does not)."""
    rest = mk.normalise(sentence[: span[0]] + " " + sentence[span[1] :])
    return content_size(mk.HEDGE.sub(" ", mk.EMPHATIC.sub(" ", rest))) >= 2


def strength(parts: list[str], reading: Reading) -> Firmness:
    """Hedges or emphasis in the deciding sentence, else their balance over the passage.

    A sceptical question hedges, but sarcasm and pointed rhetoric do not: they are at least
    moderate. Doubting that advice can be followed ("good luck with that") is moderate.
    """
    sentence = mk.normalise(parts[reading.index])
    if reading.position == "undecided" or (reading.doubt and not reading.rhetorical):
        return "tentative"
    if reading.rhetorical or jd.FEASIBILITY.search(sentence):
        return "firm" if mk.EMPHATIC.search(sentence) else "moderate"
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
