"""The wrapper backend of batch mode, between the cache and the provider.

A request the cache cannot answer is not sent: it is noted for the next batch and the call
raises `Deferred`, so its note waits. An answer that came back in a batch is handed over
exactly as the backend's live answer would be, so the cache keeps it and the pipeline checks
it (and repairs it) as it does any answer.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

from debater.backends.base import Backend, Request, Response, TokenUsage, WrapperBackend
from debater.batches.api import BatchAPI
from debater.batches.store import BatchStore
from debater.cache import request_key
from debater.errors import BackendError, Deferred

MAX_ATTEMPTS = 3  # batches a request may fail in before it fails as a live call would


class Ledger:
    """What the batches on disk say about each cache key: pending, answered or failed."""

    def __init__(self, store: BatchStore) -> None:
        self.pending: set[str] = set()
        self.answers: dict[str, dict[str, Any]] = {}
        self.errors: dict[str, str] = {}
        self.attempts: Counter[str] = Counter()
        for record in store.records():
            if record.pending:
                self.pending |= set(record.items.values())
            if record.state != "collected":
                continue
            for row in store.results(record):
                key = record.items.get(row.custom_id)
                if key is not None and row.raw is not None:
                    self.answers[key] = row.raw
                elif key is not None:
                    self.errors[key] = row.error
                    self.attempts[key] += 1


def add_usage(total: TokenUsage, usage: TokenUsage) -> TokenUsage:
    return TokenUsage(**{name: getattr(total, name) + value for name, value in usage})


class BatchingBackend(WrapperBackend):
    """Answers from ended batches; notes every other request for the next one."""

    def __init__(
        self, inner: Backend, api: BatchAPI, store: BatchStore, *, retry_live: bool
    ) -> None:
        super().__init__(inner)
        self.api, self.store, self.retry_live = api, store, retry_live
        self.ledger = Ledger(store)
        self.batch_usage, self.live_usage = TokenUsage(), TokenUsage()
        self._wanted: dict[str, Request] = {}
        self._given: set[str] = set()
        self._lock = threading.Lock()

    def reload(self) -> None:
        """Read the batches on disk again (before each pass of the run)."""
        self.ledger = Ledger(self.store)

    def take(self) -> dict[str, Request]:
        """The requests noted since the last call, by cache key."""
        with self._lock:
            wanted, self._wanted = self._wanted, {}
        return wanted

    def complete(self, request: Request) -> Response:
        key = request_key(self.inner.identity, request)
        ledger = self.ledger
        raw = ledger.answers.get(key)
        if raw is not None:
            return self._answer(key, raw, request)
        if key in ledger.pending:
            raise Deferred(key)
        error = ledger.errors.get(key)
        if error and self.retry_live:
            return self._live(request)
        if error and ledger.attempts[key] >= MAX_ATTEMPTS:
            raise BackendError(
                f"failed in {ledger.attempts[key]} batches ({error}); rerun with "
                "--batch-retry-live to ask it as a normal request"
            )
        with self._lock:
            self._wanted[key] = request
        raise Deferred(key)

    def stream(self, request: Request) -> Iterator[str]:
        return iter((self.complete(request).text,))

    def _answer(self, key: str, raw: dict[str, Any], request: Request) -> Response:
        response = self.api.answer(raw, request)
        with self._lock:
            again = key in self._given
            self._given.add(key)
            if not again:
                self.batch_usage = add_usage(self.batch_usage, response.usage)
        # Handed over before in this run: not a second request to count or pay for.
        return response.model_copy(update={"cached": True}) if again else response

    def _live(self, request: Request) -> Response:
        response = self.inner.complete(request)
        with self._lock:
            self.live_usage = add_usage(self.live_usage, response.usage)
        return response
