"""One structured call, made robust: validate the answer, repair it once, or fail clearly."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from debater.backends.base import Backend, Message, Request, Response
from debater.errors import InvalidOutputError, RefusalError, TruncatedError
from debater.llm.prompts import Prompt
from debater.llm.usage import Meter

T = TypeVar("T", bound=BaseModel)
Check = Callable[[Any], None]
_FENCE = re.compile(r"```(?:json)?\s*\n(.*?)\n?```", re.DOTALL)


def lenient_json(text: str) -> dict[str, Any] | None:
    """The JSON object in an answer, also inside ```json fences or wrapped in prose."""
    candidates = [text.strip(), *(m.group(1) for m in _FENCE.finditer(text))]
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    for candidate in candidates:
        try:
            value = json.loads(candidate)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    return None


def _validate(output: type[T], response: Response, check: Check | None) -> T:
    """The answer as `output`, or ValueError/ValidationError saying what is wrong."""
    data = response.parsed if response.parsed is not None else lenient_json(response.text)
    if data is None:
        raise ValueError("the answer was not a JSON object")
    value = output.model_validate(data)
    if check is not None:
        check(value)
    return value


def _problem(response: Response, output: type[T], check: Check | None) -> tuple[T | None, str]:
    """Validate an answer; return it, or None with a one-line description of the problem."""
    if response.stop_reason == "refusal":
        raise RefusalError(f"the model declined: {response.refusal or 'no reason given'}")
    if response.stop_reason == "max_tokens":
        return None, "the answer was cut off at the output limit; answer more briefly"
    try:
        return _validate(output, response, check), ""
    except ValidationError as e:
        return None, "; ".join(
            f"{'.'.join(map(str, err['loc'])) or 'answer'}: {err['msg']}" for err in e.errors()[:8]
        )
    except ValueError as e:
        return None, str(e)


def ask(
    backend: Backend,
    request: Request,
    output: type[T],
    repair: Prompt,
    meter: Meter,
    check: Check | None = None,
    *,
    split: bool = False,
) -> T:
    """Send `request`; on an invalid or truncated answer, send one repair turn, then give up.

    With `split`, a cut-off answer raises TruncatedError at once: the caller asks for less.
    """
    first = backend.complete(request)
    meter.record(first)
    value, problem = _problem(first, output, check)
    if value is not None:
        return value
    if split and first.stop_reason == "max_tokens":
        raise TruncatedError("the answer did not fit the output limit")
    retry = request.with_messages(
        Message.assistant(first.text or "(empty answer)"),
        Message.user(repair.render("user", error=problem)),
    )
    if first.stop_reason == "max_tokens":
        retry = retry.model_copy(update={"max_tokens": request.max_tokens * 2})
    second = backend.complete(retry)
    meter.record(second)
    value, problem2 = _problem(second, output, check)
    if value is not None:
        return value
    error = TruncatedError if second.stop_reason == "max_tokens" else InvalidOutputError
    raise error(f"invalid answer after one repair attempt: {problem2}")
