"""The mock's tensions: a real heuristic over each pair of stances in the group.

The same target with opposite positions is a contradiction; a shared topic with opposite
polarity is a contradiction when the claims share most of their words, else a principle broken
by a judgement; a firm stance and a tentative or undecided one on the same topic, in different
positions, is a doubt. The wording is a placeholder labelled "[mock]", in the stances' language.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from debater.clipping import clip
from debater.llm.answers import FoundTension, TensionsAnswer
from debater.notes.language import HAN_CHARS, detect_language
from debater.records import TensionKind
from debater.tensions.candidates import normalized

Record = dict[str, Any]
LABEL = "[mock]"
STRONG_OVERLAP = 0.6  # of the shorter claim's words, shared with the other claim
POLARITY = {"agree": 1, "own-idea": 1, "disagree": -1}
_WORDS = re.compile(f"[a-z][a-z'-]{{2,}}|[{HAN_CHARS}]{{2}}")
_TEXT: dict[tuple[TensionKind, bool], tuple[str, str]] = {
    ("contradiction", False): (
        "{a} ({da}) and {b} ({db}) take opposite sides of the same claim: “{x}” against “{y}”.",
        "Which of the two do you hold now, and what would show it is right?",
    ),
    ("principle", False): (
        "A principle in {a} ({da}) and a judgement in {b} ({db}) pull apart: “{x}” against “{y}”.",
        "Does the principle allow an exception here, and if so, why this one?",
    ),
    ("doubt", False): (
        "Held firmly in one note and doubted in the other: “{x}” ({a}, {da}) against “{y}” "
        "({b}, {db}).",
        "What evidence would settle whether the firm claim holds?",
    ),
    ("contradiction", True): (
        "{a}（{da}）与 {b}（{db}）对同一说法立场相反：「{x}」对「{y}」。",
        "这两种看法你现在持哪一种？什么能证明它是对的？",
    ),
    ("principle", True): (
        "{a}（{da}）中的原则与 {b}（{db}）中的判断相互冲突：「{x}」对「{y}」。",
        "这条原则在这里允许例外吗？如果允许，为什么是这一次？",
    ),
    ("doubt", True): (
        "一处笃定，另一处存疑：「{x}」（{a}，{da}）对「{y}」（{b}，{db}）。",
        "什么证据能判定那个笃定的说法是否成立？",
    ),
}


def build_tensions(blocks: dict[str, list[Record]]) -> TensionsAnswer:
    """Every pair of the group's stances in tension, by the rules above."""
    found = []
    for a, b in itertools.combinations(blocks.get("stances", []), 2):
        kind = tension_kind(a, b)
        if kind is not None:
            found.append(_tension(kind, a, b))
    return TensionsAnswer(tensions=found)


def tension_kind(a: Record, b: Record) -> TensionKind | None:
    """How two stances pull against each other, if they do."""
    positions = {a.get("position"), b.get("position")}
    target = normalized(str(a.get("target") or ""))
    if target and target == normalized(str(b.get("target") or "")):
        if positions == {"agree", "disagree"}:
            return "contradiction"
    elif not _topics(a) & _topics(b):
        return None
    if _polarity(a) * _polarity(b) < 0:
        return "contradiction" if _overlap(a, b) >= STRONG_OVERLAP else "principle"
    if len(positions) == 2 and _firm_and_unsure(a, b):
        return "doubt"
    return None


def _polarity(s: Record) -> int:
    return POLARITY.get(str(s.get("position")), 0)


def _topics(s: Record) -> set[str]:
    return {normalized(str(t)) for t in s.get("topics") or []} - {""}


def _words(s: Record) -> set[str]:
    return set(_WORDS.findall(normalized(str(s.get("claim") or ""))))


def _overlap(a: Record, b: Record) -> float:
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / min(len(wa), len(wb)) if wa and wb else 0.0


def _unsure(s: Record) -> bool:
    return s.get("strength") == "tentative" or s.get("position") == "undecided"


def _firm_and_unsure(a: Record, b: Record) -> bool:
    return (a.get("strength") == "firm" and _unsure(b)) or (
        b.get("strength") == "firm" and _unsure(a)
    )


def _tension(kind: TensionKind, a: Record, b: Record) -> FoundTension:
    if kind == "doubt" and a.get("strength") != "firm":
        a, b = b, a  # the firm one first
    zh = detect_language(f"{a.get('claim')} {b.get('claim')}") != "en"
    explanation, question = _TEXT[(kind, zh)]
    fields = {
        "a": a.get("note"),
        "b": b.get("note"),
        "da": a.get("date") or "?",
        "db": b.get("date") or "?",
        "x": clip(str(a.get("claim") or ""), 60),
        "y": clip(str(b.get("claim") or ""), 60),
    }
    return FoundTension(
        kind=kind,
        explanation=f"{LABEL} {explanation.format(**fields)}",
        question=f"{LABEL} {question}",
        stance_ids=[str(a.get("ref")), str(b.get("ref"))],
    )
