"""A plain backend for engine and CLI tests, registered like a plug-in (entry point "planned").

Its answers follow a rule simple enough for a test to predict, so tests assert exact counts
and never depend on the mock's stance heuristic: every minable passage of a note is one stance,
every debate gives `per_side` perspectives on each side, every reply one answer.
"""

from __future__ import annotations

import json
import threading
from typing import Any, ClassVar

from debater.backends.base import Backend, BackendOptions, Request, Response, TokenUsage
from debater.llm.datablocks import decode_blocks
from debater.llm.tokens import estimate_tokens

MINABLE = {"paragraph", "list_item", "quote"}


def _blocks(request: Request) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for message in request.messages:
        if message.role == "user":
            for tag, records in decode_blocks(message.text).items():
                found.setdefault(tag, records)
    return found


def _perspective(title: str) -> dict[str, Any]:
    return {
        "title": title,
        "argument": f"The argument of {title}.",
        "kind": "logical",
        "strength": "moderate",
        "strength_reason": "Planned.",
        "holders": [],
    }


def extraction(blocks: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    stances = [
        {
            "claim": p["text"].splitlines()[0][:120],
            "position": "own-idea",
            "strength": "moderate",
            "target": None,
            "reasoning": "",
            "passage_ids": [p["id"]],
            "language": "en",
            "topics": ["planned"],
        }
        for p in blocks.get("passages", [])
        if p.get("kind") in MINABLE
    ]
    return {"stances": stances}


def debate(blocks: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    per_side = int((blocks.get("request") or [{}])[0].get("per_side") or 3)
    return {
        "support": [_perspective(f"For {n}") for n in range(per_side)],
        "oppose": [_perspective(f"Against {n}") for n in range(per_side)],
        "crux": "Planned crux.",
        "would_change_mind": ["Planned evidence."],
        "slips": [],
    }


def reply(blocks: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    title = str((blocks.get("perspective") or [{}])[0].get("title") or "")
    answer = _perspective(f"Reply to {title}" if title.isascii() else "Reply")
    answer.pop("holders")
    return answer


ANSWERS = {"extract": extraction, "debate": debate, "reply": reply}


class PlannedBackend(Backend):
    """Predictable answers; remembers every request (thread-safe)."""

    name = "planned"
    default_model: ClassVar[str] = "planned-1"

    def __init__(self, options: BackendOptions | None = None) -> None:
        self.model = (options.model if options else None) or self.default_model
        self.seen: list[Request] = []
        self.closed = False
        self._lock = threading.Lock()

    def close(self) -> None:
        self.closed = True

    def complete(self, request: Request) -> Response:
        with self._lock:
            self.seen.append(request)
        build = ANSWERS.get(request.purpose)
        parsed = build(_blocks(request)) if build and request.output is not None else None
        if parsed is not None and request.output is not None:
            parsed = request.output.model_validate(parsed).model_dump(mode="json")
        text = "Planned answer." if parsed is None else json.dumps(parsed)
        prompt = request.system + "".join(m.text for m in request.messages)
        usage = TokenUsage(input_tokens=estimate_tokens(prompt), output_tokens=10)
        return Response(text=text, parsed=parsed, usage=usage, model=self.model)
