"""Batch mode's loop: passes of the engine and batches in turn, until every note is answered.

A pass runs the normal engine over the notes; what the cache cannot answer is noted, not sent
(`BatchingBackend`), and its note waits. The noted requests go to the provider as batches; once
they have ended, their results are kept on disk and the next pass reads them as answers. So the
extractions come back first, the debates go in the next batch, then any `--depth` replies.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from debater.backends.base import Backend, Request, no_batch_api
from debater.backends.registry import backend_class, create_backend
from debater.batches.api import BATCH_DISCOUNT, ItemResult, custom_id, split
from debater.batches.deferring import BatchingBackend
from debater.batches.store import BatchRecord, BatchStore, batches_dir, now
from debater.cache import CachedBackend
from debater.config import Settings
from debater.engine import Outcome, Reporter, Summary, run_notes, summarise
from debater.errors import BackendConnectionError, BackendError, UsageError
from debater.job import Job, backend_name, backend_options, cache_dir, job_for
from debater.llm.usage import Meter
from debater.ratelimit import RateLimitedBackend
from debater.records import Usage

log = logging.getLogger(__name__)
BACKOFF = 1.5  # each wait for a batch is this much longer than the last ...
MAX_POLL_S = 600.0  # ... up to ten minutes
USAGE_FIELDS = (
    *("requests", "input_tokens", "output_tokens"),
    *("cache_read_tokens", "cache_write_tokens", "thinking_tokens"),
)


class BatchWatcher(Protocol):
    """Receives each change of a batch's status; the CLI shows it on stderr."""

    def batch_changed(self, record: BatchRecord) -> None: ...


class Outcomes:
    """Each note's latest outcome over the passes; the reporter hears of each note once, when
    it is done (a note written in one pass is up to date in the next: it stays written)."""

    def __init__(self, reporter: Reporter | None) -> None:
        self.reporter = reporter
        self.by_path: dict[Path, Outcome] = {}
        self._started = False

    def started(self, total: int, meter: Meter) -> None:
        if self.reporter is not None and not self._started:
            self.reporter.started(total, meter)
        self._started = True

    def planned(self, calls: int) -> None:
        """Calls of a pass are not the run's: nothing to show."""

    def note_done(self, outcome: Outcome) -> None:
        earlier = self.by_path.get(outcome.path)
        if earlier is not None and outcome.status == "up-to-date":
            return
        self.by_path[outcome.path] = outcome
        told = earlier is not None and earlier.status != "waiting"
        if self.reporter is not None and outcome.status != "waiting" and not told:
            self.reporter.note_done(outcome)


@dataclass
class BatchRun:
    """One `run --batch` over `paths`."""

    job: Job
    batching: BatchingBackend
    reporter: Reporter | None = None
    watcher: BatchWatcher | None = None
    sleep: Callable[[float], None] = time.sleep
    submitted: int = 0
    passes: list[Summary] = field(default_factory=list)

    @property
    def store(self) -> BatchStore:
        return self.batching.store

    def run(self, paths: list[Path]) -> Summary:
        started = time.monotonic()
        outcomes = Outcomes(self.reporter)
        self._forget_unsent()
        while True:
            self.batching.reload()
            summary = run_notes(self.job, paths, reporter=outcomes)
            self.passes.append(summary)
            if summary.interrupted:
                break
            sent = self._submit(self.batching.take())
            if not (sent or self._pending()) or self.job.settings.no_wait:
                break
            try:
                self._wait()
            except KeyboardInterrupt:
                summary.interrupted = True
                break
        last = self.passes[-1]
        if not (last.interrupted or last.waiting or self._pending()):
            self._tidy()
        return self._summary(outcomes, time.monotonic() - started)

    def _forget_unsent(self) -> None:
        """A record still "submitting" was cut off before the provider's id could be kept:
        the batch is looked for by its label, else its requests are sent again."""
        for record in self.store.records():
            if record.state != "submitting":
                continue
            record.id = self.batching.api.find(record.local_id)
            if record.id is not None:
                record.state, record.submitted_at = "pending", now()
                self.store.save(record)
                continue
            log.warning(
                "a batch of %d requests was being submitted when debater stopped; if the "
                "provider has it, `debater batches cancel` cannot reach it: its requests "
                "are sent again",
                len(record.items),
            )
            self.store.forget(record)

    def _pending(self) -> list[BatchRecord]:
        return [r for r in self.store.records() if r.pending]

    def _submit(self, wanted: dict[str, Request]) -> int:
        """The noted requests as batches within the API's limits; each recorded before and
        after it is submitted, so no request is ever sent twice. Returns how many."""
        api = self.batching.api
        items, keys = [], {}
        for key, request in wanted.items():
            item = api.item(custom_id(request.purpose, key), request)
            items.append(item)
            keys[item["custom_id"]] = key
        chunks = split(items, api.max_requests, api.max_bytes)
        for chunk in chunks:
            record = BatchRecord(
                provider=self.batching.name,
                model=self.batching.model,
                items={i["custom_id"]: keys[i["custom_id"]] for i in chunk},
            )
            self.store.save(record)
            try:
                record.id = api.submit(chunk, record.local_id)
            except BackendConnectionError:
                raise  # it may have arrived: the next run looks for it
            except BackendError:
                self.store.forget(record)  # refused: no batch was made
                raise
            record.state, record.status, record.submitted_at = "pending", "submitted", now()
            self.store.save(record)
            self.submitted += 1
            self._changed(record)
            self._poll(record)  # the provider's own status word, for `debater batches`
        return len(chunks)

    def _wait(self) -> None:
        """Poll every pending batch, waiting longer each round, until all have ended."""
        interval = self.job.settings.poll_interval
        while True:
            for record in self._pending():
                self._poll(record)
            if not self._pending():
                return
            self.sleep(interval)
            interval = min(interval * BACKOFF, MAX_POLL_S)

    def _poll(self, record: BatchRecord) -> None:
        assert record.id is not None
        api = self.batching.api
        status = api.status(record.id)
        if (status.status, status.counts) == (record.status, record.counts) and not status.ended:
            return
        record.status, record.counts = status.status, status.counts
        if status.ended:
            record.ended_at = now()
            self.store.save_results(record, self._results(record))
        else:
            self.store.save(record)
        self._changed(record)

    def _results(self, record: BatchRecord) -> list[ItemResult]:
        """Every item's result; one the provider does not list was never run."""
        assert record.id is not None
        rows = [r for r in self.batching.api.results(record.id) if r.custom_id in record.items]
        seen = {r.custom_id for r in rows}
        missing = f"not answered (batch {record.status})"
        return rows + [ItemResult(c, error=missing) for c in record.items if c not in seen]

    def _tidy(self) -> None:
        """Nothing waits: the answers are in the cache; the records stay, for `debater batches`."""
        for record in self.store.records():
            if record.state == "collected":
                self.store.retire(record)

    def _changed(self, record: BatchRecord) -> None:
        if self.watcher is not None:
            self.watcher.batch_changed(record)

    def _summary(self, outcomes: Outcomes, elapsed: float) -> Summary:
        first, last = self.passes[0], self.passes[-1]
        usage = Usage(cache_hits=first.cache_hits)
        for name in USAGE_FIELDS:
            setattr(usage, name, sum(getattr(p, name) for p in self.passes))
        summary = summarise(list(outcomes.by_path.values()), [], usage, elapsed)
        summary.skipped, summary.orphans, summary.pruned = last.skipped, last.orphans, last.pruned
        summary.interrupted = last.interrupted
        summary.batches = self.submitted
        summary.cost_usd = self._cost()
        return summary

    def _cost(self) -> float | None:
        """USD for the answers of this run: batch answers at the batch price, live ones in full."""
        from debater.estimate import cost
        from debater.llm.model_facts import load_prices, price_for

        prices, _ = load_prices(self.job.settings.prices_file)
        price = price_for(self.batching.model, prices)
        if price is None:
            return None
        anthropic = self.batching.facts.provider == "anthropic"
        batch = cost(self.batching.batch_usage, price, anthropic) * BATCH_DISCOUNT
        return round(batch + cost(self.batching.live_usage, price, anthropic), 6)


def open_batch_run(settings: Settings, root: Path) -> tuple[Job, BatchingBackend]:
    """The job of a batch run: the backend's batch API behind the cache (whose folder the
    batches' records sit beside). Says at once when the backend has no batch API."""
    if settings.no_cache:
        raise UsageError("batch mode keeps every answer in the cache: drop --no-cache")
    name = backend_name(settings)
    if backend_class(name).batch_api is Backend.batch_api:  # known before it is built
        raise UsageError(no_batch_api(f"the {name} backend"))
    backend = create_backend(name, backend_options(settings))
    try:
        api = backend.batch_api()
    except BaseException:
        backend.close()
        raise
    live = RateLimitedBackend(backend, settings.rpm) if settings.rpm else backend
    directory = cache_dir(settings, root)
    store = BatchStore(batches_dir(directory))
    batching = BatchingBackend(live, api, store, retry_live=settings.batch_retry_live)
    return job_for(settings, CachedBackend(batching, directory)), batching


def run_batched(
    settings: Settings,
    root: Path,
    paths: list[Path],
    *,
    reporter: Reporter | None = None,
    watcher: BatchWatcher | None = None,
) -> Summary:
    """Every note under `paths` through the provider's batch API (see the module's doc)."""
    job, batching = open_batch_run(settings, root)
    with job:
        return BatchRun(job, batching, reporter, watcher).run(paths)
