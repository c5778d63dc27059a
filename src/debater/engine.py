"""The batch engine: every note of a run, calls concurrent under one bound, nothing lost."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import queue
import signal
import threading
import time
from collections.abc import Awaitable, Callable, Hashable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, Literal, ParamSpec, Protocol, TypeVar

from pydantic import BaseModel, Field

from debater.errors import BackendError, NoteError, RunStoppingError
from debater.job import Job
from debater.llm.usage import Meter
from debater.notes.discover import find_notes
from debater.outputs.sidecars import read_result, up_to_date, write_sidecars
from debater.pipeline import (
    DebatePlan,
    Prepared,
    cache_key,
    debate,
    extract,
    plan_debates,
    prepare,
    result_for,
)
from debater.records import NoteResult, StanceResult, Usage
from debater.replies import reply_tree

T = TypeVar("T")
P = ParamSpec("P")
Queued = tuple[Future[Any], Callable[[], Any]]  # a call waiting for a worker thread
Status = Literal["written", "up-to-date", "skipped", "failed"]


@dataclass
class Outcome:
    """What became of one note."""

    path: Path
    status: Status
    reason: str = ""
    result: NoteResult | None = None


class PathReason(BaseModel):
    path: str
    reason: str


class PathError(BaseModel):
    path: str
    error: str


class Summary(BaseModel):
    """The run's totals: what `--json` prints."""

    notes: int = 0
    written: int = 0
    up_to_date: int = 0
    skipped: list[PathReason] = Field(default_factory=list)
    failed: list[PathError] = Field(default_factory=list)
    stances: int = 0
    perspectives: int = 0
    requests: int = 0
    cache_hits: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    thinking_tokens: int = 0
    elapsed_s: float = 0.0
    interrupted: bool = False


class Reporter(Protocol):
    """Receives progress; the CLI shows it on stderr."""

    def started(self, total: int, meter: Meter) -> None: ...

    def planned(self, calls: int) -> None: ...

    def note_done(self, outcome: Outcome) -> None: ...


class DaemonPool(Executor):
    """A fixed set of daemon worker threads: calls in flight never hold up the exit.

    ThreadPoolExecutor's threads are joined at interpreter exit, so after Ctrl-C the process
    would wait for every call in flight (a minute or more with a real model). Abandoned calls
    are simply asked again by the rerun; finished ones are already cached.
    """

    def __init__(self, workers: int) -> None:
        self._jobs: queue.SimpleQueue[Queued | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, name=f"debater-{i}", daemon=True)
            for i in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        future: Future[T] = Future()
        self._jobs.put((future, functools.partial(fn, *args, **kwargs)))
        return future

    def _work(self) -> None:
        while (item := self._jobs.get()) is not None:
            future, call = item
            if not future.set_running_or_notify_cancel():
                continue  # cancelled while queued
            try:
                future.set_result(call())
            except BaseException as e:
                future.set_exception(e)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Let the workers end after the queued calls (or cancel those first)."""
        if cancel_futures:
            with contextlib.suppress(queue.Empty):
                while (item := self._jobs.get_nowait()) is not None:
                    item[0].cancel()
        for _ in self._threads:
            self._jobs.put(None)
        if wait:
            for thread in self._threads:
                thread.join()


class PrefixWarmup:
    """Calls that share a cacheable prefix: the first goes alone, the rest once it has ended.

    A provider's prompt cache entry becomes readable only when the request that wrote it is
    done; sent at once, every call would pay to write the same prefix.
    """

    def __init__(self) -> None:
        self._gates: dict[Hashable, asyncio.Event] = {}

    async def call(self, key: Hashable | None, run: Callable[[], Awaitable[T]]) -> T:
        if key is None:
            return await run()
        gate = self._gates.get(key)
        if gate is None:
            gate = self._gates[key] = asyncio.Event()
            try:
                return await run()
            finally:
                gate.set()
        await gate.wait()
        return await run()


def reusable(previous: NoteResult | None, fingerprint: str) -> dict[str, StanceResult]:
    """Stances of an earlier sidecar made with the same settings, complete, by id.

    A stance's id comes from its passages' text, so after an edit elsewhere in the note the
    same id means the same words: its perspectives stand and are not asked again.
    """
    if previous is None or previous.fingerprint != fingerprint:
        return {}
    return {s.id: s for s in previous.stances if not s.failures()}


@dataclass
class Batch:
    """One run over many notes with a shared backend, thread pool and usage meter."""

    job: Job
    reporter: Reporter | None = None
    write: bool = True  # False for a dry run: the notes are worked through, nothing is saved
    meter: Meter = field(default_factory=Meter)
    outcomes: list[Outcome] = field(default_factory=list)

    async def _call(self, pool: Executor, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(pool, fn, *args)

    async def _note(self, pool: Executor, path: Path) -> Outcome:
        """Load, extract, debate, write one note; its debates start as soon as it is extracted."""
        try:
            prepared: Prepared = await asyncio.to_thread(prepare, path, self.job.settings.language)
        except NoteError as e:
            return Outcome(path, "skipped", str(e))
        fingerprint = self.job.fingerprint()
        if not self.job.settings.force and up_to_date(
            path, prepared.note.sha256, fingerprint, self.job.settings.formats
        ):
            return Outcome(path, "up-to-date")
        previous = None if self.job.settings.force else await asyncio.to_thread(read_result, path)
        kept = reusable(previous, fingerprint)
        meter = Meter(parent=self.meter)
        self._planned(1)
        stances = await self._call(pool, extract, self.job, prepared, meter)
        todo = plan_debates(self.job, prepared, [s for s in stances if s.id not in kept])
        settings = self.job.settings
        replies = 2 * settings.per_side * (settings.depth - 1)
        self._planned(len(todo) * (1 + replies))
        plans = iter(todo)
        warmup = PrefixWarmup()
        results = list(
            await asyncio.gather(
                *(
                    self._kept(kept[s.id])
                    if s.id in kept
                    else self._stance(pool, next(plans), prepared, meter, warmup)
                    for s in stances
                )
            )
        )
        result = result_for(self.job, prepared, results, meter)
        if self.write:
            await asyncio.to_thread(write_sidecars, result, path, self.job.settings.formats)
        failed = [s.failures() for s in result.stances if s.failures()]
        if failed:
            reason = f"{len(failed)} of {len(results)} stances failed: {failed[0][0]}"
            return Outcome(path, "failed", reason, result)
        return Outcome(path, "written", result=result)

    def _planned(self, calls: int) -> None:
        if self.reporter is not None:
            self.reporter.planned(calls)

    async def _kept(self, result: StanceResult) -> StanceResult:
        return result

    async def _stance(
        self,
        pool: Executor,
        plan: DebatePlan,
        prepared: Prepared,
        meter: Meter,
        warmup: PrefixWarmup,
    ) -> StanceResult:
        """Both sides of one stance, then (with --depth) every perspective's replies at once."""
        job = self.job
        result = await warmup.call(
            plan.warm_key, lambda: self._call(pool, debate, job, plan, prepared, meter)
        )
        if job.settings.depth <= 1 or result.error:
            return result
        key = cache_key(job, "reply", job.prompts.reply.render("system"), plan.context)
        trees = [
            warmup.call(
                key,
                functools.partial(
                    self._call, pool, reply_tree, job, plan.context, result, p, prepared, meter
                ),
            )
            for p in result.perspectives
        ]
        return result.model_copy(update={"perspectives": list(await asyncio.gather(*trees))})

    async def _guarded(self, pool: Executor, path: Path) -> None:
        """One note's outcome, whatever happens: its failure never stops the batch."""
        try:
            outcome = await self._note(pool, path)
        except RunStoppingError:
            raise
        except BackendError as e:
            outcome = Outcome(path, "failed", str(e))
        except OSError as e:
            outcome = Outcome(path, "failed", f"cannot write sidecars: {e}")
        except Exception as e:  # a bug must not cost the other notes their results
            outcome = Outcome(path, "failed", f"internal error: {type(e).__name__}: {e}")
        self.outcomes.append(outcome)
        if self.reporter is not None:
            self.reporter.note_done(outcome)

    async def _run(self, paths: list[Path]) -> None:
        # Not `with`: on Ctrl-C we must not wait for calls in flight (the rerun asks them again).
        pool = DaemonPool(self.job.settings.concurrency)
        try:
            async with asyncio.TaskGroup() as group:
                for path in paths:
                    group.create_task(self._guarded(pool, path))
        except* RunStoppingError as fatal:
            raise fatal.exceptions[0] from None
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def run(self, paths: list[Path]) -> None:
        if self.reporter is not None:
            self.reporter.started(len(paths), self.meter)
        asyncio.run(self._run(paths))


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """Handle a signal as Ctrl-C: through asyncio's SIGINT handler if one is installed."""
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler):
        handler(signal.SIGINT, frame)
    else:  # SIGINT ignored (a background job) or not Python's
        raise KeyboardInterrupt


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """SIGTERM stops a run the way Ctrl-C does: promptly, with a summary, nothing half-written."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def shown(path: Path) -> str:
    """The path as printable text: bytes of a name that is not UTF-8 as \\xNN escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def summarise(
    outcomes: list[Outcome], skipped: list[tuple[Path, str]], usage: Usage, elapsed: float
) -> Summary:
    """Totals over every note's outcome."""
    summary = Summary(elapsed_s=round(elapsed, 3))
    summary.skipped = [PathReason(path=shown(p), reason=r) for p, r in skipped]
    for o in outcomes:
        if o.status == "skipped":
            summary.skipped.append(PathReason(path=shown(o.path), reason=o.reason))
            continue
        summary.notes += 1
        if o.status == "failed":
            summary.failed.append(PathError(path=shown(o.path), error=o.reason))
        summary.written += o.status == "written"
        summary.up_to_date += o.status == "up-to-date"
        if o.result is not None:
            summary.stances += len(o.result.stances)
            summary.perspectives += sum(len(s.perspectives) for s in o.result.stances)
    for name in (
        "requests",
        "cache_hits",
        "input_tokens",
        "output_tokens",
        "cache_read_tokens",
        "cache_write_tokens",
        "thinking_tokens",
    ):
        setattr(summary, name, getattr(usage, name))
    return summary


def run_notes(
    job: Job, paths: list[Path], *, reporter: Reporter | None = None, write: bool = True
) -> Summary:
    """Find the notes under `paths`, process them all with the job's settings, total the
    outcomes. With `write` False nothing is saved (a dry run)."""
    started = time.monotonic()
    found = find_notes(paths, job.settings.include, job.settings.exclude)
    batch = Batch(job, reporter, write)
    interrupted = False
    try:
        with sigterm_interrupts():
            batch.run(found.notes)
    except KeyboardInterrupt:
        interrupted = True
    summary = summarise(
        batch.outcomes, found.skipped, batch.meter.snapshot(), time.monotonic() - started
    )
    summary.interrupted = interrupted
    return summary
