"""The batch engine: every note of a run, calls concurrent under one bound, nothing lost."""

from __future__ import annotations

import asyncio
import errno
import functools
import os
import threading
import time
from collections.abc import Awaitable, Callable, Hashable, Iterable
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from pydantic import BaseModel, Field

from debater.errors import (
    BackendError,
    Deferred,
    DiskFullError,
    NoteError,
    RunStoppingError,
    UsageError,
    disk_full,
)
from debater.job import Job
from debater.llm.usage import Meter
from debater.locks import note_lock
from debater.notes.discover import find_notes
from debater.outputs.sidecars import orphans, read_result, up_to_date, write_sidecars
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
from debater.records import NoteResult, Stance, StanceResult, Usage
from debater.replies import reply_tree
from debater.workers import DaemonPool, StopGate, sigterm_interrupts

T = TypeVar("T")
Status = Literal["written", "up-to-date", "skipped", "failed", "waiting"]


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
    waiting: int = 0  # batch mode: notes whose answers are in a batch still running
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
    batches: int = 0  # batch mode: batches submitted by this run
    cost_usd: float | None = None  # batch mode: at the batch price, if the model's is known
    elapsed_s: float = 0.0
    interrupted: bool = False
    orphans: list[str] = Field(default_factory=list)  # sidecars whose note is gone
    pruned: list[str] = Field(default_factory=list)  # ... removed by --prune


class Reporter(Protocol):
    """Receives progress; the CLI shows it on stderr."""

    def started(self, total: int, meter: Meter) -> None: ...

    def planned(self, calls: int) -> None: ...

    def note_done(self, outcome: Outcome) -> None: ...


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
    stopped: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        # Every call goes through the gate: once the run stops, none leaves.
        self.work = replace(self.job, backend=StopGate(self.job.backend, self.stopped))
        self.settings = self.job.settings
        # Notes in progress at once: memory is bounded by them, whatever the vault's size.
        self.slots = asyncio.Semaphore(max(4, 2 * self.settings.concurrency))

    async def _call(self, pool: Executor, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(pool, fn, *args)

    def _current(self, path: Path, prepared: Prepared) -> bool:
        """Whether the note's sidecars already answer it with these settings."""
        s = self.settings
        sha = prepared.note.sha256
        return not s.force and up_to_date(path, sha, self.job.fingerprint(), s.formats)

    async def _note(self, pool: Executor, path: Path) -> Outcome:
        """Load one note, then (holding its lock, so a second run waits) work on it."""
        s = self.settings
        try:
            prepared = await asyncio.to_thread(prepare, path, s.language, s.max_note_size)
        except NoteError as e:
            return Outcome(path, "skipped", str(e))
        if self._current(path, prepared):
            return Outcome(path, "up-to-date")
        async with note_lock(path) as waited:
            if waited and self._current(path, prepared):  # another run has just done it
                return Outcome(path, "up-to-date")
            result = await self._work(pool, path, prepared)
        failed = [s.failures() for s in result.stances if s.failures()]
        if failed:
            reason = f"{len(failed)} of {len(result.stances)} stances failed: {failed[0][0]}"
            return Outcome(path, "failed", reason, result)
        return Outcome(path, "written", result=result)

    async def _work(self, pool: Executor, path: Path, prepared: Prepared) -> NoteResult:
        """Extract, debate (keeping what the last sidecar already has), write."""
        previous = None if self.settings.force else await asyncio.to_thread(read_result, path)
        kept = reusable(previous, self.job.fingerprint())
        meter = Meter(parent=self.meter)
        self._planned(1)
        stances = await self._call(pool, extract, self.work, prepared, meter)
        plans = iter(self._plan(prepared, [s for s in stances if s.id not in kept]))
        warmup = PrefixWarmup()
        results = await settled(
            self._kept(kept[s.id])
            if s.id in kept
            else self._stance(pool, next(plans), prepared, meter, warmup)
            for s in stances
        )
        result = result_for(self.job, prepared, results, meter)
        if self.write:
            formats, overwrite = self.settings.formats, self.settings.overwrite
            await asyncio.to_thread(write_sidecars, result, path, formats, overwrite=overwrite)
        return result

    def _plan(self, prepared: Prepared, stances: list[Stance]) -> list[DebatePlan]:
        plans = plan_debates(self.work, prepared, stances)
        replies = 2 * self.settings.per_side * (self.settings.depth - 1)
        self._planned(len(plans) * (1 + replies))
        return plans

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
        job = self.work
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
        return result.model_copy(update={"perspectives": await settled(trees)})

    async def _guarded(self, pool: Executor, path: Path) -> None:
        """One note's outcome, whatever happens: its failure never stops the batch."""
        try:
            async with self.slots:
                outcome = await self._note(pool, path)
        except RunStoppingError:
            raise
        except Deferred:
            outcome = Outcome(path, "waiting", "its answers come from a batch")
        except (BackendError, NoteError) as e:
            outcome = Outcome(path, "failed", str(e))
        except OSError as e:
            if e.errno == errno.ENOSPC:
                raise DiskFullError(disk_full(path.parent)) from None
            outcome = Outcome(path, "failed", f"cannot write sidecars: {e}")
        except Exception as e:  # a bug must not cost the other notes their results
            outcome = Outcome(path, "failed", f"internal error: {type(e).__name__}: {e}")
        self.outcomes.append(outcome)
        if self.reporter is not None:
            self.reporter.note_done(outcome)

    async def _run(self, paths: list[Path]) -> None:
        # Not `with`: on Ctrl-C we must not wait for calls in flight (the rerun asks them again).
        pool = DaemonPool(self.settings.concurrency)
        try:
            async with asyncio.TaskGroup() as group:
                for path in paths:
                    group.create_task(self._guarded(pool, path))
        except* RunStoppingError as fatal:
            raise fatal.exceptions[0] from None
        finally:
            self.stopped.set()
            pool.shutdown(wait=False, cancel_futures=True)

    def run(self, paths: list[Path]) -> None:
        if self.reporter is not None:
            self.reporter.started(len(paths), self.meter)
        try:
            asyncio.run(self._run(paths))
        finally:
            self.stopped.set()  # after Ctrl-C, threads still working send nothing more


async def settled(calls: Iterable[Awaitable[T]]) -> list[T]:
    """Every call's result, in order. A call deferred to a batch lets the others run on (so
    each notes its requests for the same batch), then defers the whole."""

    async def guarded(call: Awaitable[T]) -> T | Deferred:
        try:
            return await call
        except Deferred as signal:
            return signal

    results = await asyncio.gather(*(guarded(c) for c in calls))
    kept: list[T] = []
    for r in results:
        if isinstance(r, Deferred):
            raise r
        kept.append(r)
    return kept


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
        summary.waiting += o.status == "waiting"
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
    settings = job.settings
    found = find_notes(
        paths, settings.include, settings.exclude, follow_links=settings.follow_links
    )
    if settings.include and not found.notes:
        globs = ", ".join(settings.include)
        raise UsageError(f"--include {globs} matches no note under {', '.join(map(str, paths))}")
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
    if write:
        _tidy(summary, [p for p in paths if p.is_dir()], settings.prune)
    return summary


def _tidy(summary: Summary, folders: list[Path], prune: bool) -> None:
    """List the sidecars whose note is gone; with --prune, remove them (they are debater's)."""
    for folder in folders:
        for path in orphans(folder):
            if prune:
                path.unlink(missing_ok=True)
                summary.pruned.append(shown(path))
            else:
                summary.orphans.append(shown(path))
