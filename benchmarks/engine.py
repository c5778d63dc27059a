"""The batch engine alone against the ideal: no HTTP, no SDK, no second process.

The backend is the offline mock made to take a fixed latency per call, inside the debater
process, so what is left over the ideal (requests x latency / concurrency) is the engine's own
scheduling. Compare with throughput.py, which adds the SDK, HTTP and a fake server.

    python benchmarks/engine.py [--notes 50] [--latency 0.3] [--concurrency 8 16 32]
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path

from _common import make_notes, table

from debater.backends.base import BackendOptions, Request, Response
from debater.backends.mock import MockBackend
from debater.config import Settings
from debater.engine import run_notes
from debater.job import Job
from debater.llm.requests import Prompts


class SlowMock(MockBackend):
    """The mock, answering each call after exactly `latency` seconds."""

    def __init__(self, latency: float) -> None:
        super().__init__(BackendOptions())
        self.latency = latency

    def complete(self, request: Request) -> Response:
        started = time.monotonic()
        answer = super().complete(request)
        time.sleep(max(0.0, self.latency - (time.monotonic() - started)))
        return answer


def measure(notes: int, latency: float, concurrency: int) -> list[object]:
    """One timed run; a row of the results table."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "notes"
        make_notes(folder, notes)
        job = Job(SlowMock(latency), Prompts.load(), Settings(concurrency=concurrency))
        started = time.monotonic()
        summary = run_notes(job, [folder])
        wall = time.monotonic() - started
    ideal = summary.requests * latency / concurrency
    rounds = math.ceil(summary.requests / concurrency) * latency
    return [
        concurrency,
        notes,
        summary.requests,
        f"{wall:.2f}",
        f"{ideal:.2f}",
        f"{wall / ideal:.3f}",
        f"{rounds / ideal:.3f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.3, help="seconds per request")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8, 16, 32])
    args = parser.parse_args()
    rows = [measure(args.notes, args.latency, c) for c in args.concurrency]
    header = ["concurrency", "notes", "requests", "wall s", "ideal s", "wall/ideal", "floor"]
    print(f"in-process mock, latency {args.latency:.2f} s per call; floor = whole rounds / ideal")
    print(table(rows, header))


if __name__ == "__main__":
    main()
