"""Throughput against the ideal: `debater run` over the real OpenAI SDK to a fake server.

The ideal wall time is requests x latency / concurrency: every slot busy from start to end.
wall/ideal takes the process's whole wall time (interpreter and SDK startup included);
engine/ideal the run's own time as its summary reports it (`elapsed_s`). Each run gets a fresh
cache folder, so every call goes to the server.

    python benchmarks/throughput.py [--notes 50] [--latency 0.3] [--concurrency 1 8 16 32]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _common import debater, fake_server, make_notes, openai_args, openai_env, table

SERIAL_NOTES = 8  # at concurrency 1 every call waits its turn: fewer notes keep it short


def measure(notes: int, latency: float, concurrency: int) -> list[object]:
    """One timed run; a row of the results table."""
    with tempfile.TemporaryDirectory() as tmp, fake_server(latency) as fake:
        folder = Path(tmp) / "notes"
        make_notes(folder, notes)
        args = (*openai_args(fake), "-j", str(concurrency), "--cache-dir", Path(tmp) / "cache")
        run = debater(folder, *args, env=openai_env())
        served = fake.stats().get("requests", 0)
    if run.code != 0:
        raise SystemExit(f"run failed (exit {run.code}): {run.summary}\n{run.stderr}")
    ideal = served * latency / concurrency
    engine = run.summary["elapsed_s"]
    return [
        concurrency,
        notes,
        served,
        f"{run.wall_s:.2f}",
        f"{engine:.2f}",
        f"{ideal:.2f}",
        f"{run.wall_s / ideal:.3f}",
        f"{engine / ideal:.3f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.3, help="seconds per request")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 16, 32])
    args = parser.parse_args()
    rows = []
    for concurrency in args.concurrency:
        notes = min(args.notes, SERIAL_NOTES) if concurrency == 1 else args.notes
        rows.append(measure(notes, args.latency, concurrency))
    print(f"latency {args.latency:.2f} s per request; concurrency 1 runs {SERIAL_NOTES} notes")
    header = ["concurrency", "notes", "requests", "wall s", "engine s", "ideal s"]
    print(table(rows, [*header, "wall/ideal", "engine/ideal"]))


if __name__ == "__main__":
    main()
