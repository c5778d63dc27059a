"""One structured call: lenient parsing, one repair turn, clear failures."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from debater.backends.base import Message, Request, Response
from debater.errors import InvalidOutputError, RefusalError, TruncatedError
from debater.llm.prompts import load_prompt
from debater.llm.structured import ask, lenient_json
from debater.llm.usage import Meter
from scripted import ScriptedBackend


class Point(BaseModel):
    x: int
    y: int


def _request() -> Request:
    return Request(purpose="t", system="s", messages=(Message.user("hi"),), output=Point)


@pytest.mark.parametrize(
    "text",
    [
        '{"x": 1, "y": 2}',
        'Sure! Here it is:\n```json\n{"x": 1, "y": 2}\n```\nAnything else?',
        'The answer is {"x": 1, "y": 2} as requested.',
    ],
)
def test_lenient_json_finds_the_object(text: str) -> None:
    assert lenient_json(text) == {"x": 1, "y": 2}


def test_lenient_json_rejects_non_objects() -> None:
    assert lenient_json("[1, 2]") is None
    assert lenient_json("no json here") is None


def test_valid_answer_needs_one_call() -> None:
    backend = ScriptedBackend(answers=[Response(parsed={"x": 1, "y": 2})])
    meter = Meter()
    assert ask(backend, _request(), Point, load_prompt("repair"), meter) == Point(x=1, y=2)
    assert meter.snapshot().requests == 1


def test_invalid_answer_is_repaired_once_with_the_error() -> None:
    backend = ScriptedBackend(
        answers=[Response(text='{"x": "one"}'), Response(text='{"x": 1, "y": 2}')]
    )
    meter = Meter()
    assert ask(backend, _request(), Point, load_prompt("repair"), meter) == Point(x=1, y=2)
    repair = backend.history[1]
    assert repair.messages[1].role == "assistant"
    assert repair.messages[1].text == '{"x": "one"}'
    assert "x" in repair.messages[2].text and "y" in repair.messages[2].text
    assert meter.snapshot().requests == 2


def test_second_invalid_answer_fails_clearly() -> None:
    backend = ScriptedBackend(answers=[Response(text="nope"), Response(text="still nope")])
    with pytest.raises(InvalidOutputError, match="after one repair attempt"):
        ask(backend, _request(), Point, load_prompt("repair"), Meter())


def test_truncated_answer_is_retried_with_a_larger_budget() -> None:
    backend = ScriptedBackend(
        answers=[Response(text='{"x": 1', stop_reason="max_tokens"), Response(text='{"x":1,"y":2}')]
    )
    assert ask(backend, _request(), Point, load_prompt("repair"), Meter()) == Point(x=1, y=2)
    assert backend.history[1].max_tokens == 2 * backend.history[0].max_tokens


def test_truncated_twice_is_a_truncation_error() -> None:
    cut = Response(text='{"x": 1', stop_reason="max_tokens")
    backend = ScriptedBackend(answers=[cut, cut])
    with pytest.raises(TruncatedError):
        ask(backend, _request(), Point, load_prompt("repair"), Meter())


def test_refusal_is_reported_without_repair() -> None:
    backend = ScriptedBackend(answers=[Response(stop_reason="refusal", refusal="policy")])
    with pytest.raises(RefusalError, match="policy"):
        ask(backend, _request(), Point, load_prompt("repair"), Meter())
    assert len(backend.history) == 1


def test_check_failure_triggers_repair() -> None:
    def positive(p: Point) -> None:
        if p.x < 0:
            raise ValueError("x must be positive")

    backend = ScriptedBackend(
        answers=[Response(text='{"x":-1,"y":0}'), Response(text='{"x":1,"y":0}')]
    )
    assert ask(backend, _request(), Point, load_prompt("repair"), Meter(), positive).x == 1
    assert "x must be positive" in backend.history[1].messages[-1].text


def test_cached_answers_count_as_hits() -> None:
    meter = Meter()
    meter.record(Response(cached=True))
    meter.record(Response())
    usage = meter.snapshot()
    assert (usage.calls, usage.cache_hits, usage.requests) == (2, 1, 1)
