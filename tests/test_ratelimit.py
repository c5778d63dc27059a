"""The requests-per-minute limit: a burst up to the limit, then spaced calls."""

from __future__ import annotations

import pytest

from debater.backends.base import Message, Request, Response
from debater.ratelimit import RateLimitedBackend
from scripted import ScriptedBackend


def test_calls_beyond_the_limit_wait_their_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    monkeypatch.setattr("debater.ratelimit.time.monotonic", lambda: clock[0])
    monkeypatch.setattr("debater.ratelimit.time.sleep", sleep)
    inner = ScriptedBackend(answers=[Response(text="ok") for _ in range(4)])
    limited = RateLimitedBackend(inner, rpm=2)
    request = Request(purpose="t", system="s", messages=(Message.user("hi"),))
    for _ in range(4):
        limited.complete(request)
    assert len(inner.history) == 4
    assert slept == pytest.approx([30.0, 30.0])  # two at once, then one every 30 s
    assert limited.identity == inner.identity
