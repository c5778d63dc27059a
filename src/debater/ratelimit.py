"""A requests-per-minute limit, as a wrapper backend shared by every thread of a run."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from debater.backends.base import Backend, Request, Response, WrapperBackend


class RateLimitedBackend(WrapperBackend):
    """Spaces requests so no more than `rpm` start in any minute (a burst of up to `rpm` first)."""

    def __init__(self, inner: Backend, rpm: int) -> None:
        super().__init__(inner)
        self._interval = 60.0 / rpm
        self._capacity = float(rpm)
        self._tokens = float(rpm)
        self._stamp = time.monotonic()
        self._lock = threading.Lock()

    def _wait_time(self) -> float:
        """Take a token if one is free; otherwise how long until one is."""
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self._capacity, self._tokens + (now - self._stamp) / self._interval)
            self._stamp = now
            if self._tokens >= 1:
                self._tokens -= 1
                return 0.0
            return (1 - self._tokens) * self._interval

    def _wait(self) -> None:
        while (delay := self._wait_time()) > 0:
            time.sleep(delay)

    def complete(self, request: Request) -> Response:
        self._wait()
        return self.inner.complete(request)

    def stream(self, request: Request) -> Iterator[str]:
        self._wait()
        return self.inner.stream(request)
