"""Progress on stderr: a live display on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from debater.engine import Outcome
from debater.llm.usage import Meter

MARKS = {"written": "done", "up-to-date": "up to date", "skipped": "skipped", "failed": "FAILED"}


class LineReporter:
    """One line per note on stderr: for logs and pipes."""

    def __init__(self) -> None:
        self.total = 0
        self.count = 0

    def started(self, total: int, meter: Meter) -> None:
        self.total = total
        print(f"debater: {total} note(s)", file=sys.stderr, flush=True)

    def note_done(self, outcome: Outcome) -> None:
        self.count += 1
        detail = f": {outcome.reason}" if outcome.reason else ""
        if outcome.result is not None:
            detail = f" ({len(outcome.result.stances)} stances){detail}"
        line = f"[{self.count}/{self.total}] {MARKS[outcome.status]} {outcome.path}{detail}"
        print(line, file=sys.stderr, flush=True)

    def close(self) -> None:
        """Nothing to tear down."""


class LiveReporter:
    """A rich progress bar with calls, cache hits, tokens and failures, redrawn in place."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.console = Console(stderr=True)
        self.meter: Meter | None = None
        self.failures = 0
        self.progress = Progress(
            TextColumn("notes"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            _live_column(self.stats),
            console=self.console,
            refresh_per_second=8,
        )
        self.task: Any = None

    def stats(self) -> str:
        """Calls, cache hits, tokens and failures so far (read at every redraw)."""
        if self.meter is None:
            return ""
        u = self.meter.snapshot()
        return (
            f"calls {u.requests} · cache hits {u.cache_hits} · "
            f"tokens {u.input_tokens}→{u.output_tokens} · failed {self.failures}"
        )

    def started(self, total: int, meter: Meter) -> None:
        self.meter = meter
        self.progress.start()
        self.task = self.progress.add_task("notes", total=total)

    def note_done(self, outcome: Outcome) -> None:
        if outcome.status == "failed":
            self.failures += 1
            self.progress.console.print(f"[red]failed[/] {outcome.path}: {outcome.reason}")
        self.progress.update(self.task, advance=1)

    def close(self) -> None:
        self.progress.stop()


def _live_column(source: Callable[[], str]) -> Any:
    """A progress column whose text is recomputed at every refresh."""
    from rich.progress import ProgressColumn
    from rich.text import Text

    class Column(ProgressColumn):
        def render(self, task: Any) -> Text:
            return Text(source())

    return Column()


def make_reporter(quiet: bool = False) -> LineReporter | LiveReporter | None:
    if quiet:
        return None
    return LiveReporter() if sys.stderr.isatty() else LineReporter()
