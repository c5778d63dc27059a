"""A requests-per-minute limit, as a wrapper backend shared by every thread of a run."""

from __future__ import annotations

import threading
import time

from debater.backends.base import Backend, Request, Response


class RateLimitedBackend(Backend):
    """Spaces requests so no more than `rpm` start in any minute (a burst of up to `rpm` first)."""

    def __init__(self, inner: Backend, rpm: int) -> None:
        self.inner = inner
        self.name = inner.name
        self.model = inner.model
        self.base_url = inner.base_url
        self._interval = 60.0 / rpm
        self._capacity = float(rpm)
        self._tokens = float(rpm)
        self._stamp = time.monotonic()
        self._lock = threading.Lock()

    @property
    def identity(self) -> dict[str, str]:
        return self.inner.identity

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

    def complete(self, request: Request) -> Response:
        while (delay := self._wait_time()) > 0:
            time.sleep(delay)
        return self.inner.complete(request)

    def close(self) -> None:
        self.inner.close()
