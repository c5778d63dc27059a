"""The mock backend's side of a discussion: placeholder turns and a closing summary.

Every turn answers the last thing the other side said, names its side and turn number (so two
turns never read alike), and is labelled "[mock]" so it can never pass for a model's.
"""

from __future__ import annotations

import re
from typing import Any

from debater.backends.base import Request
from debater.clipping import clip
from debater.llm.answers import DiscussionSummary
from debater.llm.datablocks import decode_blocks

LABEL = "[mock]"
_ANGLES = {
    "against": (
        ("what would you expect to see if it were false", "如果它是错的，我们会看到什么"),
        ("which assumption does it take for granted", "它默认了哪个前提"),
        ("who would disagree, and what is their best reason", "谁会反对，他们最好的理由是什么"),
        ("what does it cost, and who pays", "它的代价是什么，由谁承担"),
    ),
    "for": (
        ("what does the author's own evidence actually show", "作者自己的证据究竟说明了什么"),
        ("which weaker version of it would still hold", "它的哪个较弱版本依然成立"),
        ("what would the alternative have to explain", "反方的说法需要解释什么"),
        ("which precedent points the same way", "哪个先例指向同一方向"),
    ),
}
_VERDICTS = (
    ("I grant that: “{said}” lands.", "我承认：「{said}」说得有道理。"),
    ("“{said}” does not answer the point yet.", "「{said}」还没有回答这个问题。"),
    ("Suppose “{said}” is right.", "就算「{said}」是对的，"),
)


# The opening of a mock turn, left out when one quotes another, so quotes do not nest.
_OWN_LEAD = re.compile(r"^\[mock\]\s*(?:\([^)]*\)|（[^）]*）)?\s*")


def _short(text: object, size: int) -> str:
    return clip(" ".join(_OWN_LEAD.sub("", str(text or "").strip()).split()), size)


def _zh(language: str) -> bool:
    return language.lower().replace("_", "-").split("-", 1)[0] == "zh"


def _blocks(request: Request) -> dict[str, dict[str, Any]]:
    """The first record of each data block in the request's user messages."""
    found: dict[str, dict[str, Any]] = {}
    for message in request.messages:
        if message.role == "user":
            for tag, records in decode_blocks(message.text).items():
                if records and isinstance(records[0], dict):
                    found.setdefault(tag, records[0])
    return found


def _last_said(request: Request) -> str:
    """What the other side said last: the final user message without context or directions."""
    last = request.messages[-1]
    said = [p.text for p in last.parts if "<stance>" not in p.text and "<turn>" not in p.text]
    return said[-1] if said and last.role == "user" else ""


def build_turn(request: Request) -> str:
    """One placeholder turn for the side and task the request's `<turn>` block names."""
    blocks = _blocks(request)
    stance, turn = blocks.get("stance", {}), blocks.get("turn", {})
    side, task = str(turn.get("side", "against")), str(turn.get("task", "reply"))
    n = int(turn.get("turn") or 1)
    zh = _zh(str(turn.get("language") or stance.get("language") or "en"))
    claim, said = _short(stance.get("claim"), 60), _short(_last_said(request), 50)
    if task == "steelman":
        if zh:
            return (
                f"{LABEL} 最强版本：作者的立场是「{claim}」。换用真实的模型后端才能得到真正的论证。"
            )
        return (
            f"{LABEL} Steelman: at its strongest, the author's position is that “{claim}”. "
            "Run a real model backend for a real steelman."
        )
    angle_en, angle_zh = _ANGLES.get(side, _ANGLES["against"])[n % 4]
    verdict_en, verdict_zh = _VERDICTS[n % len(_VERDICTS)]
    if zh:
        lead = verdict_zh.format(said=said) if task == "reply" and said else f"关于「{claim}」："
        return (
            f"{LABEL}（{'反方' if side == 'against' else '正方'}，第{n}次发言）{lead}{angle_zh}？"
        )
    lead = verdict_en.format(said=said) if task == "reply" and said else f"Take “{claim}”."
    return f"{LABEL} ({side}, turn {n}, {task}) {lead} But {angle_en}?"


def build_summary(blocks: dict[str, list[dict[str, Any]]]) -> DiscussionSummary:
    """A placeholder summary built from the transcript's own turns."""
    stance = (blocks.get("stance") or [{}])[0]
    turns = blocks.get("transcript", [])
    zh = _zh(str((blocks.get("request") or [{}])[0].get("language") or "en"))
    claim = _short(stance.get("claim"), 60)
    last = {t.get("side"): _short(t.get("text"), 60) for t in turns if not t.get("steelman")}
    if zh:
        stands = f"{LABEL} 经过{len(turns)}轮发言，作者仍然认为「{claim}」。"
        crux = f"{LABEL} 回答了对方最强的论点之后，「{claim}」是否依然成立。"
    else:
        stands = f"{LABEL} After {len(turns)} turns the author still holds that “{claim}”."
        crux = f"{LABEL} Whether “{claim}” holds once the other side's best point is answered."
    return DiscussionSummary(
        now_stands=stands,
        shift="unchanged",
        author_conceded=[],
        author_unanswered=[f"{LABEL} {last['against']}"] if "against" in last else [],
        opponent_conceded=[f"{LABEL} {last['for']}"] if "for" in last else [],
        open_cruxes=[crux],
    )
