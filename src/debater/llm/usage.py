"""Counting what a run costs: calls, cache hits and tokens, per note and in total."""

from __future__ import annotations

import threading

from debater.backends.base import Response
from debater.records import Usage


class Meter:
    """Thread-safe usage tally: cached answers count as hits, the rest as requests."""

    def __init__(self, parent: Meter | None = None) -> None:
        self._lock = threading.Lock()
        self._usage = Usage()
        self._parent = parent

    def record(self, response: Response) -> None:
        if self._parent is not None:
            self._parent.record(response)
        with self._lock:
            u = self._usage
            u.calls += 1
            if response.cached:
                u.cache_hits += 1
                return
            u.requests += 1
            u.input_tokens += response.usage.input_tokens
            u.output_tokens += response.usage.output_tokens
            u.cache_read_tokens += response.usage.cache_read_tokens
            u.cache_write_tokens += response.usage.cache_write_tokens
            u.thinking_tokens += response.usage.thinking_tokens

    def snapshot(self) -> Usage:
        with self._lock:
            return self._usage.model_copy()
