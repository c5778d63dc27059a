"""Progress on stderr: a live display on a terminal, plain lines otherwise.

The live bar counts calls as they become known (a note's extraction when its work starts, its
debates and replies when the extraction returns), so it moves from the first call rather than
only when whole notes finish. Note names and error text are shown as text, never
read as Rich markup (`[draft] idea.md` keeps its brackets).
"""

from __future__ import annotations

import sys
from typing import IO, Any

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

    def planned(self, calls: int) -> None:
        """Lines are per note: nothing to show for calls."""

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
    """A rich progress bar over calls, with notes, cache hits, tokens and failures."""

    def __init__(self, stream: IO[str] | None = None, *, terminal: bool | None = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        self.console = Console(
            file=stream or sys.stderr, stderr=stream is None, force_terminal=terminal
        )
        self.meter: Meter | None = None
        self.notes = self.done = self.failures = 0
        self.progress = Progress(
            _text_column(lambda: "calls"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            _text_column(self.stats),
            console=self.console,
            refresh_per_second=8,
        )
        self.task: Any = None

    def stats(self) -> str:
        """Notes, cache hits, tokens and failures so far (read at every redraw)."""
        if self.meter is None:
            return ""
        u = self.meter.snapshot()
        if self.task is not None:
            self.progress.update(self.task, completed=u.calls)
        return (
            f"notes {self.done}/{self.notes} · cache hits {u.cache_hits} · "
            f"tokens {u.input_tokens}→{u.output_tokens} · failed {self.failures}"
        )

    def started(self, total: int, meter: Meter) -> None:
        self.meter, self.notes = meter, total
        self.progress.start()
        self.task = self.progress.add_task("calls", total=0)

    def planned(self, calls: int) -> None:
        task = self.progress.tasks[self.task]
        self.progress.update(self.task, total=(task.total or 0) + calls)

    def note_done(self, outcome: Outcome) -> None:
        from rich.text import Text

        self.done += 1
        if outcome.status == "failed":
            self.failures += 1
            line = Text("failed ", style="red") + Text(f"{outcome.path}: {outcome.reason}")
            self.progress.console.print(line)

    def close(self) -> None:
        self.progress.stop()


def _text_column(source: Any) -> Any:
    """A progress column whose text is `source()`, recomputed at every refresh, as plain text."""
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
