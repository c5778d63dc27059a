"""`run --batch` on the command line, and `debater batches [cancel]`: the batches of a notes
folder, listed or cancelled. Library modules load inside the commands."""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from debater.batches.store import BatchRecord, BatchStore
    from debater.config import Settings
    from debater.engine import Summary

batches_app = typer.Typer(
    help="List the provider batches of `run --batch` (status, counts), or cancel them.",
    invoke_without_command=True,
)
Folder = Annotated[
    Path, typer.Option("--folder", "-f", help="The notes folder [default: the current one].")
]
CacheDir = Annotated[
    Path | None, typer.Option("--cache-dir", help="Cache folder [default NOTES/.debater/cache].")
]


@batches_app.callback()
def batches_cmd(
    ctx: typer.Context,
    folder: Folder = Path("."),
    cache_dir: CacheDir = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
) -> None:
    """List the batches of the notes folder: provider, status, counts, when sent and ended."""
    if ctx.invoked_subcommand is not None:
        return
    from debater.cli.commands import emit, reported

    with reported(json_out):
        records = _store(folder, cache_dir).records()
    if json_out:
        emit("[" + ",".join(r.model_dump_json() for r in records) + "]")
    elif not records:
        emit("no batches")
    for record in [] if json_out else records:
        emit(describe(record))
    raise typer.Exit(0)


@batches_app.command("cancel")
def cancel_cmd(
    batch_id: Annotated[
        str | None, typer.Argument(metavar="ID", help="The batch [default: every pending one].")
    ] = None,
    folder: Folder = Path("."),
    cache_dir: CacheDir = None,
) -> None:
    """Cancel a pending batch (or all); a later `run --batch` collects what it had answered."""
    from debater.cli.commands import USAGE, emit, reported, say, settings_for

    with reported():
        store = _store(folder, cache_dir)
        pending = [r for r in store.records() if r.pending]
        chosen = [r for r in pending if batch_id in (None, r.id, r.local_id)]
        if not chosen:
            say(f"no pending batch {batch_id or ''}".rstrip() + "; `debater batches` lists them")
            raise typer.Exit(USAGE if batch_id else 0)
        settings = settings_for(folder.resolve(), {"cache_dir": cache_dir})
        for record in chosen:
            _cancel(record, store, settings)
            emit(f"cancelling {record.id}: {record.status}")
    raise typer.Exit(0)


def _store(folder: Path, cache_dir: Path | None) -> BatchStore:
    from debater.batches.store import BatchStore, batches_dir
    from debater.cli.commands import _cache_folder

    return BatchStore(batches_dir(_cache_folder(folder, cache_dir)))


def _cancel(record: BatchRecord, store: BatchStore, settings: Settings) -> None:
    """Ask the provider to cancel; the record stays pending until a run collects it."""
    from debater.backends.registry import create_backend
    from debater.job import backend_options

    assert record.id is not None
    options = backend_options(settings).model_copy(update={"model": record.model})
    backend = create_backend(record.provider, options)
    try:
        status = backend.batch_api().cancel(record.id)
    finally:
        backend.close()
    record.status, record.counts = status.status, status.counts
    store.save(record)


def describe(record: BatchRecord) -> str:
    """A batch on one line, as `debater batches` lists it."""
    ended = f", ended {record.ended_at}" if record.ended_at else ""
    return (
        f"{record.id or record.local_id}  {record.provider}/{record.model}  {record.status}  "
        f"{_requests(record)}  sent {record.submitted_at or '-'}{ended}"
    )


def _requests(record: BatchRecord) -> str:
    counts = ", ".join(f"{k} {v}" for k, v in record.counts.items() if v)
    return f"{len(record.items)} requests{f' ({counts})' if counts else ''}"


class BatchProgress:
    """Each batch's status, counts and elapsed time: a live display on a terminal, one line
    per change otherwise."""

    def __init__(self, live: bool) -> None:
        self.started = time.monotonic()
        self.records: dict[str, BatchRecord] = {}
        self.live: Any = None
        if live:
            from rich.console import Console
            from rich.live import Live

            self.live = Live(get_renderable=self._view, console=Console(stderr=True))
            self.live.start()

    def batch_changed(self, record: BatchRecord) -> None:
        self.records[record.local_id] = record.model_copy()
        if self.live is None:
            print(f"debater: {self._line(record)}", file=sys.stderr, flush=True)

    def _line(self, record: BatchRecord) -> str:
        elapsed = time.monotonic() - self.started
        return f"batch {record.id}: {record.status}, {_requests(record)} [{elapsed:.0f}s]"

    def _view(self) -> Any:
        from rich.text import Text

        return Text("\n".join(self._line(r) for r in self.records.values()))

    def close(self) -> None:
        if self.live is not None:
            self.live.stop()


def run_in_batches(settings: Settings, root: Path, paths: list[Path], *, quiet: bool) -> Summary:
    """`run --batch`: progress on stderr, and with --no-wait the command that collects."""
    from debater.batches.runner import run_batched
    from debater.cli.commands import say
    from debater.cli.progress import LineReporter

    watcher = None if quiet else BatchProgress(live=sys.stderr.isatty())
    try:
        summary = run_batched(
            settings, root, paths, reporter=None if quiet else LineReporter(), watcher=watcher
        )
    finally:
        if watcher is not None:
            watcher.close()
    if summary.waiting and not summary.interrupted:
        again = [a for a in sys.argv[1:] if a != "--no-wait"]
        say(
            f"{summary.waiting} note(s) wait for their batches; collect with: "
            f"{shlex.join(['debater', *again])}"
        )
    return summary
