"""Tensions over a large vault: candidate groups against calls sent, and wall time.

python benchmarks/tensions.py [--notes 2000]

The vault's sidecars are written by the mock (`debater.run`, in-process, depth 1); then
`find_tensions` runs with the mock three times: cold (every group asked once), again unchanged
(0 requests), and after one note is edited and run again (only that note's groups asked).
Target: no more calls than groups, never one per pair of stances.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from functools import partial
from pathlib import Path

from _common import table
from report import timed, write_vault

import debater
from debater.config import Settings
from debater.notes.discover import find_notes
from debater.outputs.sidecars import read_result
from debater.tensions import VaultTensions, find_tensions


def tensions(folder: Path) -> VaultTensions:
    with debater.open_job(Settings(backend="mock", concurrency=16), folder) as job:
        return find_tensions(job, [folder])


def edit_one(folder: Path) -> int:
    """Reword one stance of the first note that has some, run it again; its stances."""
    note, result = next((n, r) for n in find_notes([folder]).notes if (r := read_result(n)))
    line = result.stances[0].quote.splitlines()[0]
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace(line, line + " Even more so now.", 1), encoding="utf-8")
    debater.run([note], backend="mock", depth=1)
    return len(result.stances)


def row(name: str, found: VaultTensions, wall: float, cpu: float) -> list[object]:
    u = found.usage
    return [name, u.requests, u.cache_hits, f"{wall:.1f} s", f"{cpu:.1f} s"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "notes"
        stances, run_s = write_vault(folder, args.notes, 1)
        cold, cold_s, cold_cpu = timed(partial(tensions, folder))
        warm, warm_s, warm_cpu = timed(partial(tensions, folder))
        edited_stances = edit_one(folder)
        edited, edited_s, edited_cpu = timed(partial(tensions, folder))

    pairs = stances * (stances - 1) // 2
    print(f"{args.notes} notes, {stances} stances (mock, depth 1) in {run_s:.0f} s")
    print(
        f"{cold.groups} candidate groups; {pairs} pairs of stances; {len(cold.tensions)} tensions"
    )
    rows = [
        row("first run", cold, cold_s, cold_cpu),
        row("unchanged rerun", warm, warm_s, warm_cpu),
        row(f"one note edited ({edited_stances} stances)", edited, edited_s, edited_cpu),
    ]
    print(table(rows, ["tensions", "calls sent", "cache hits", "wall", "CPU"]))
    ok = cold.usage.calls <= cold.groups and warm.usage.requests == 0
    ok = ok and edited.usage.requests < cold.groups
    print("ok" if ok else "FAIL: more calls than groups, or a rerun asked again")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
