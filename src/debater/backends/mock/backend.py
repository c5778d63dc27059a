"""The offline backend: deterministic answers built from the request, for tests and demos.

Stances come from a real heuristic (`mock_stances`); perspectives and replies are placeholders
made from the stance's own words and labelled "[mock]" so they can never pass for a model's.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from debater.backends.base import Backend, BackendOptions, Request, Response, TokenUsage
from debater.backends.mock.discuss import build_summary, build_turn
from debater.backends.mock.stances import find_stances
from debater.backends.mock.tensions import build_tensions
from debater.clipping import clip
from debater.errors import InvalidOutputError
from debater.llm.answers import ArguedPerspective, Debate, Extraction, Reply
from debater.llm.datablocks import decode_blocks
from debater.llm.tokens import estimate_tokens
from debater.notes.language import matches_language
from debater.outputs.labels import KIND_ZH
from debater.records import PerspectiveKind, Strength

if TYPE_CHECKING:
    from debater.batches.mock import MockBatches

Blocks = dict[str, list[dict[str, Any]]]
T = TypeVar("T")
LABEL = "[mock]"
_KINDS: tuple[PerspectiveKind, ...] = get_args(PerspectiveKind)
_STRENGTHS: tuple[Strength, ...] = ("strong", "moderate", "weak")
# Excerpt lengths tried in turn until the text is in the wanted language (0: no excerpt).
_EXCERPTS = (40, 16, 0)

# (kind, English angle, Chinese angle) for each side; kinds differ across both sides.
_ANGLES: dict[str, tuple[tuple[PerspectiveKind, str, str], ...]] = {
    "support": (
        ("empirical", "what observation would show it is right", "哪些观察能证明它是对的"),
        ("logical", "why the step from reason to claim holds", "从理由到结论的推理为何成立"),
        ("practical", "what follows from it in daily practice", "它在日常实践中意味着什么"),
        ("historical", "which precedents point the same way", "哪些历史先例指向同一方向"),
    ),
    "oppose": (
        ("economic", "which costs and incentives cut the other way", "哪些成本与激励指向相反方向"),
        ("ethical", "whose interests the stance leaves out", "这个立场忽略了谁的利益"),
        ("political", "how power and institutions change the picture", "权力与制度如何改变局面"),
        ("other", "which assumption the stance takes for granted", "这个立场默认了哪个前提"),
    ),
}


def _blocks(request: Request) -> Blocks:
    """The data blocks of every user message, in order (a repair turn adds none)."""
    merged: Blocks = {}
    for message in request.messages:
        if message.role == "user":
            for tag, records in decode_blocks(message.text).items():
                merged.setdefault(tag, []).extend(records)
    return merged


def _first(blocks: Blocks, tag: str) -> dict[str, Any]:
    records = blocks.get(tag) or [{}]
    return records[0] if isinstance(records[0], dict) else {}


def _chinese(language: str) -> bool:
    return language.lower().replace("_", "-").split("-", 1)[0] == "zh"


def _in_language(build: Callable[[int], T], text_of: Callable[[T], str], language: str) -> T:
    """What `build` makes with the longest excerpts that keep its text in `language`."""
    for size in _EXCERPTS:
        made = build(size)
        if matches_language(text_of(made), language):
            break
    return made


def _excerpt(text: object, size: int) -> str:
    return clip(" ".join(str(text or "").split()), size) if size else ""


def _perspective(
    stance: dict[str, Any], side: str, n: int, size: int, zh: bool
) -> ArguedPerspective:
    """The n-th placeholder perspective on one side, built from the stance's own words."""
    angles = _ANGLES[side]
    kind, angle_en, angle_zh = angles[n % len(angles)]
    claim = _excerpt(stance.get("claim"), size)
    reason, target = _excerpt(stance.get("reasoning"), size), _excerpt(stance.get("target"), size)
    if zh:
        verb = "支持" if side == "support" else "反对"
        title = f"{LABEL} {verb}{n + 1}：{angle_zh}" + (f"「{claim}」" if claim else "")
        argument = (
            f"{LABEL} 这是一个占位论证，从{KIND_ZH[kind]}角度{verb}这个立场，说明{angle_zh}。"
            + (f"它针对作者自己的理由「{reason}」。" if reason else "")
            + (f"它也回到作者回应的说法「{target}」。" if target else "")
            + "换用真实的模型后端，才能得到真正的论证。"
        )
    else:
        verb = "for" if side == "support" else "against"
        title = f"{LABEL} {side.title()} {n + 1}: {angle_en}" + (f" ({claim})" if claim else "")
        argument = (
            f"{LABEL} A placeholder {kind} argument {verb} the stance, asking {angle_en}. "
            + (f"It engages the author's own reason: “{reason}”. " if reason else "")
            + (f"It goes back to the claim the author answers: “{target}”. " if target else "")
            + "Run a real model backend to get a real argument."
        )
    return ArguedPerspective(
        title=title,
        argument=argument,
        kind=kind,
        strength=_STRENGTHS[n % len(_STRENGTHS)],
        strength_reason=f"{LABEL} Placeholder rating: no evidence was weighed.",
        holders=[],
    )


def build_debate(blocks: Blocks) -> Debate:
    """`per_side` placeholder perspectives on each side of the stance, plus crux and evidence."""
    stance, wanted = _first(blocks, "stance"), _first(blocks, "request")
    per_side = max(1, int(wanted.get("per_side") or 3))
    language = str(wanted.get("language") or stance.get("language") or "en")
    zh = _chinese(language)

    def build(size: int) -> list[ArguedPerspective]:
        return [
            _perspective(stance, side, n, size, zh)
            for side in ("support", "oppose")
            for n in range(per_side)
        ]

    def text_of(made: list[ArguedPerspective]) -> str:
        return " ".join(f"{p.title} {p.argument}" for p in made)

    found = _in_language(build, text_of, language)
    focus = _excerpt(stance.get("target") or stance.get("claim"), 60)
    if zh:
        crux = f"{LABEL} 关键在于：「{focus}」在检验作者的理由之后是否依然成立。"
        change = [f"{LABEL} 与作者预期相反的数据或案例。", f"{LABEL} 对原文论证更仔细的解读。"]
    else:
        crux = f"{LABEL} Whether “{focus}” still holds once the author's reasons are tested."
        change = [
            f"{LABEL} Data or cases that go against what the author expects.",
            f"{LABEL} A closer reading of the original argument that answers the author's point.",
        ]
    return Debate(
        support=found[:per_side],
        oppose=found[per_side:],
        crux=crux,
        would_change_mind=change,
        slips=[],
    )


def build_reply(blocks: Blocks) -> Reply:
    """A placeholder answer to one perspective from the other side."""
    stance, perspective = _first(blocks, "stance"), _first(blocks, "perspective")
    language = str(_first(blocks, "request").get("language") or stance.get("language") or "en")
    defends = perspective.get("side") == "oppose"  # answering an objection defends the stance
    digest = hashlib.sha256(json.dumps(perspective, sort_keys=True).encode()).digest()
    kind = _KINDS[digest[0] % len(_KINDS)]

    def build(size: int) -> tuple[str, str]:
        title = _excerpt(str(perspective.get("title") or "").removeprefix(LABEL), size)
        if _chinese(language):
            verb = "为立场辩护" if defends else "质疑这个立场"
            return (
                f"{LABEL} 回应：" + (f"「{title}」" if title else "上一条论证"),
                f"{LABEL} 这是一个占位回应，从另一方出发{verb}。"
                "换用真实的模型后端才能得到真正的回应。",
            )
        verb = "defends the stance" if defends else "challenges the stance"
        return (
            f"{LABEL} Reply to " + (f"“{title}”" if title else "the argument above"),
            f"{LABEL} A placeholder answer from the other side that {verb}. "
            "Run a real model backend to get a real reply.",
        )

    title, argument = _in_language(build, " ".join, language)
    return Reply(
        title=title,
        argument=argument,
        kind=kind,
        strength="moderate",
        strength_reason=f"{LABEL} Placeholder rating: no evidence was weighed.",
    )


def build_extraction(blocks: Blocks) -> Extraction:
    return Extraction(stances=find_stances(blocks.get("passages", []), _first(blocks, "note")))


_BUILDERS: dict[str, Callable[[Blocks], BaseModel]] = {
    "extract": build_extraction,
    "debate": build_debate,
    "reply": build_reply,
    "summary": build_summary,
    "tensions": build_tensions,
}
_TEXT_BUILDERS: dict[str, Callable[[Request], str]] = {"discuss": build_turn}


class MockBackend(Backend):
    """Answers offline and deterministically; holds no state, so threads may share it."""

    name = "mock"
    default_model: ClassVar[str] = "mock-1"
    description: ClassVar[str] = (
        "Offline and deterministic, no key: stances by a marker heuristic, "
        "placeholder perspectives labelled [mock]."
    )

    def __init__(self, options: BackendOptions) -> None:
        self.model, self.base_url, self.facts = self.resolve(options)

    def batch_api(self) -> MockBatches:
        from debater.batches.mock import MockBatches

        return MockBatches(self)

    def complete(self, request: Request) -> Response:
        parsed = self._answer(request)
        if parsed is None:
            text = self._plain_text(request)
        else:
            text = json.dumps(parsed, ensure_ascii=False)
        prompt = request.system + "".join(m.text for m in request.messages)
        usage = TokenUsage(
            input_tokens=estimate_tokens(prompt), output_tokens=estimate_tokens(text)
        )
        return Response(text=text, parsed=parsed, stop_reason="end", usage=usage, model=self.model)

    def _answer(self, request: Request) -> dict[str, Any] | None:
        """The structured answer for a known purpose, checked against the wanted shape."""
        build = _BUILDERS.get(request.purpose)
        if request.output is None or build is None:
            return None
        answer = build(_blocks(request))
        try:
            return request.output.model_validate(answer.model_dump()).model_dump()
        except ValidationError as e:
            raise InvalidOutputError(
                f"the mock backend answers '{request.purpose}' with {type(answer).__name__}, "
                f"which does not fit {request.output.__name__}: {e.errors()[0]['msg']}"
            ) from e

    def stream_text(self, request: Request) -> Iterator[str]:
        """The answer word by word, as a streaming provider would send it."""
        yield from re.findall(r"\S+\s*|\s+", self.complete(request).text)

    @staticmethod
    def _plain_text(request: Request) -> str:
        if request.purpose in _TEXT_BUILDERS:
            return _TEXT_BUILDERS[request.purpose](request)
        last = next((m.text for m in reversed(request.messages) if m.role == "user"), "")
        excerpt = clip(" ".join(last.split()), 120)
        return f"{LABEL} No model was asked ({request.purpose}). Last message: {excerpt}"
