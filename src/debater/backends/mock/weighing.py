"""How likely a passage is one of the author's stances: a logistic model over the finder's cues.

The rules in `stances` read each passage on its own terms; this weighs what they found with what
a reader also goes by: the passage's kind and place in the note, the headings over it, how much
of the note is quotation, whether the passages around it are quotations or stances. The weights
(`debater/data/mock_weights.json`) were fitted to hand-labelled real notes by
`benchmarks/fit_mock_weights.py`, which also measures them on notes they were not fitted to.
`select` keeps the rules' likely stances and adds the author's unmarked arguments.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

from debater.backends.mock import cues
from debater.backends.mock import markers as mk
from debater.backends.mock import sentiment as se
from debater.backends.mock.text import clean, mostly_quoted, quoted_spans, sentences, without_quotes
from debater.llm.answers import ExtractedStance
from debater.records import MINABLE_KINDS

Features = dict[str, float]
# A stance the rules found stays if one of its passages is at least this likely; a passage they
# passed over is an own idea if it is at least this likely; only batches of this many candidate
# passages are weighed.
KEEP_ABOVE = 0.5
ADD_ABOVE = 0.8
WEIGHED_FROM = 8

_CUES: dict[str, re.Pattern[str]] = {
    "disagree": mk.DISAGREE,
    "partly": mk.PARTLY,
    "partly_soft": mk.PARTLY_SOFT,
    "contrast": mk.CONTRAST,
    "agree": mk.AGREE,
    "undecided": mk.UNDECIDED,
    "challenge": mk.CHALLENGE,
    "accepting": mk.ACCEPTING,
    "curious": mk.CURIOUS,
    "own_view": mk.OWN_VIEW,
    "reason": mk.REASON,
    "hedge": mk.HEDGE,
    "emphatic": mk.EMPHATIC,
    "praise": se.POSITIVE,
    "criticism": se.NEGATIVE,
    "work": se.WORK,
    "first_person": cues.FIRST_PERSON,
    "we": cues.WE,
    "attribution": cues.ATTRIBUTION,
    "book_says": cues.BOOK_SAYS,
    "says_inside": cues.SAYS_INSIDE,
}
_MODAL = re.compile(r"\b(?:should|must|need to|ought|have to)\b|应该|应当|必须|需要", re.I)
# Words of headings (or the note's title) over the author's reactions, quotations, summaries.
_HEADINGS = {
    "under_reaction": re.compile(
        r"感想|感受|想法|思考|评论|评价|读后|观后|心得"
        r"|review|thought|opinion|reflection|takeaway|verdict|comment",
        re.I,
    ),
    "under_quotes": re.compile(r"摘录|书摘|摘抄|原文|金句|摘要|quote|highlight|excerpt", re.I),
    "under_summary": re.compile(r"概要|总结|内容|简介|大纲|章|summary|overview|chapter", re.I),
}


def select(
    records: Sequence[Mapping[str, Any]],
    found: list[ExtractedStance],
    title: str,
    weights: Mapping[str, float] | None,
    own_idea: Callable[[str, str], ExtractedStance | None],
) -> list[ExtractedStance]:
    """The rules' stances whose passages are likely enough, and, where some are kept (the author
    is heard in this batch), the author's own idea (`own_idea` makes it) in each passage the
    rules passed over that is very likely one; in note order. A batch of a few passages is left
    as the rules read it: its place in a note says nothing."""
    rows = candidates(records)
    if len(rows) < WEIGHED_FROM:
        return found
    odds = {
        str(record.get("id")): likelihood(row, weights)
        for record, row in zip(rows, _features_of(rows, found, title), strict=True)
    }
    kept = [s for s in found if max(_odds_of(s, odds), default=1.0) >= KEEP_ABOVE]
    covered = {pid for s in found for pid in s.passage_ids}
    added: list[ExtractedStance | None] = []
    for record in rows if kept else []:
        pid, text = str(record.get("id")), clean(str(record.get("text", "")))
        if pid not in covered and odds[pid] >= ADD_ABOVE and _plain_prose(record, text):
            added.append(own_idea(pid, text))
    order = {str(r.get("id")): n for n, r in enumerate(records)}
    stances = kept + [s for s in added if s is not None]
    return sorted(stances, key=lambda s: order.get(s.passage_ids[-1], 0))


def _plain_prose(record: Mapping[str, Any], text: str) -> bool:
    """Whether a passage could be the author's unmarked argument: not a quotation (by kind,
    quotation marks or form) and not a report of someone else's view ("作者认为…")."""
    raw = str(record.get("text", ""))
    if record.get("kind") == "quote" or mostly_quoted(text) or cues.others_words(raw, text):
        return False
    return not all(cues.reports(mk.normalise(part)) for part in sentences(text))


def _odds_of(stance: ExtractedStance, odds: Mapping[str, float]) -> list[float]:
    return [odds[pid] for pid in stance.passage_ids if pid in odds]


def candidates(records: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The records a stance can come from, in order."""
    return [r for r in records if r.get("kind") in MINABLE_KINDS and clean(str(r.get("text", "")))]


def features(
    records: Sequence[Mapping[str, Any]], found: Sequence[ExtractedStance], title: str
) -> list[Features]:
    """The features of each of `candidates(records)`, given the stances the rules `found`."""
    return _features_of(candidates(records), found, title)


def _features_of(
    rows: Sequence[Mapping[str, Any]], found: Sequence[ExtractedStance], title: str
) -> list[Features]:
    in_stance = {pid for s in found for pid in s.passage_ids}
    own = {s.passage_ids[-1] for s in found if s.passage_ids}
    texts = [clean(str(r.get("text", ""))) for r in rows]
    note = _note_features(rows, texts)
    out = []
    for i, (record, text) in enumerate(zip(rows, texts, strict=True)):
        pid = str(record.get("id"))
        before = rows[i - 1] if i else None
        after = rows[i + 1] if i + 1 < len(rows) else None
        row: Features = {"bias": 1.0, f"kind_{record.get('kind')}": 1.0, **note}
        row |= _text_features(str(record.get("text", "")), text)
        row |= _section_features(record, title)
        row |= _place_features(i, len(rows))
        row["in_stance"] = float(pid in in_stance)
        row["own_words_of_stance"] = float(pid in own)
        row["after_stance"] = float(before is not None and str(before.get("id")) in in_stance)
        row["after_quote"] = float(before is not None and before.get("kind") == "quote")
        row["before_quote"] = float(after is not None and after.get("kind") == "quote")
        row["has_parent"] = float(bool(record.get("parent")))
        out.append({k: v for k, v in row.items() if v})
    return out


def _note_features(rows: Sequence[Mapping[str, Any]], texts: list[str]) -> Features:
    """How much of the note speaks in the first person, and how much of it is quotation."""
    count = len(rows) or 1
    speaking = sum(bool(cues.FIRST_PERSON.search(without_quotes(t))) for t in texts)
    quoting = sum(r.get("kind") == "quote" for r in rows)
    return {"note_first_person": speaking / count, "note_quotes": quoting / count}


def _text_features(raw: str, text: str) -> Features:
    own = mk.normalise(without_quotes(text))
    size = len(text) or 1
    row: Features = {
        "length": math.log1p(len(text)) / 6,
        "short": float(len(text) < 40),
        "han_share": sum("\u4e00" <= c <= "\u9fff" for c in text) / size,
        "quoted_share": sum(b - a for a, b in quoted_spans(text)) / size,
        "opens_with_quote": float(text[:1] in cues.OPEN_QUOTES),
        "modal": float(bool(_MODAL.search(own))),
        "question": float("?" in own or "？" in own),
        "exclamation": float("!" in own or "！" in own),
        "others_words": float(cues.others_words(raw, text)),
        "metadata": float(cues.is_metadata(raw)),
    }
    for name, pattern in _CUES.items():
        hits = len(pattern.findall(own))
        row[f"cue_{name}"] = float(hits > 0)
        row[f"cues_{name}"] = min(hits, 3) / 3
    return row


def _section_features(record: Mapping[str, Any], title: str) -> Features:
    section = record.get("section") or []
    headings = " ".join(section) if isinstance(section, list | tuple) else str(section)
    row = {
        name: float(bool(p.search(headings) or p.search(title))) for name, p in _HEADINGS.items()
    }
    depth = len(section) if isinstance(section, list | tuple) else bool(section)
    return row | {"depth": min(depth, 4) / 4}


def _place_features(i: int, count: int) -> Features:
    return {
        "place": i / (count or 1),
        "first_third": float(i < count / 3),
        "last_third": float(i > 2 * count / 3),
    }


def likelihood(row: Features, weights: Mapping[str, float] | None = None) -> float:
    """The chance, by the weights, that a candidate with these features is a stance."""
    weights = weights if weights is not None else fitted()
    z = sum(weights.get(name, 0.0) * value for name, value in row.items())
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


@cache
def fitted() -> dict[str, float]:
    """The weights fitted by benchmarks/fit_mock_weights.py."""
    text = (resources.files("debater") / "data" / "mock_weights.json").read_text(encoding="utf-8")
    return {str(k): float(v) for k, v in json.loads(text)["weights"].items()}
