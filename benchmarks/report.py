"""The HTML report of a large vault: build time and file size (targets: under 10 s, 15 MB).

python benchmarks/report.py [--notes 2000] [--depth 2] [--browser]

The vault's sidecars are written by the real mock backend (`debater.run`, in-process), so the
report holds what a run really produces. Reading them (`collect_entries`) and building the page
(`build_report`, the target's "build") are timed apart, wall clock and CPU. With --browser (and
chromium installed) it also times headless Chromium opening the page: unpacking the data and
drawing the first notes with their maps.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from _common import make_notes, table

import debater
from debater.outputs.report import build_report, collect_entries
from debater.outputs.report_data import payload, script_json

T = TypeVar("T")
MAX_BUILD_S = 10.0
MAX_MB = 15.0
BROWSER = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking")
BROWSER += ("--disable-component-update", "--disable-sync", "--no-first-run")


def open_in_browser(page: Path, profile: Path) -> tuple[float, bool]:
    """Seconds for headless Chromium to open the page and run its script; whether it got there."""
    chromium = shutil.which("chromium")
    if chromium is None:
        return float("nan"), False
    flags = [*BROWSER, f"--user-data-dir={profile}", "--virtual-time-budget=60000", "--dump-dom"]
    started = time.perf_counter()
    done = subprocess.run([chromium, *flags, page.as_uri()], capture_output=True, text=True)
    return time.perf_counter() - started, 'data-ready="1"' in done.stdout


def timed(step: Callable[[], T]) -> tuple[T, float, float]:
    """What `step` returns, with the wall-clock and CPU seconds it took."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = step()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def write_vault(folder: Path, notes: int, depth: int) -> tuple[int, float]:
    """A vault of varied notes with the mock's sidecars; its stances and how long that took."""
    make_notes(folder, notes)
    run = partial(debater.run, [folder], backend="mock", depth=depth, concurrency=16)
    summary, wall, _ = timed(run)
    if summary.failed or not summary.stances:
        raise SystemExit(f"the mock run failed: {summary.failed[:1]}")
    return summary.stances, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=2000)
    parser.add_argument("--depth", type=int, default=2)
    parser.add_argument("--browser", action="store_true", help="time Chromium opening it too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "notes"
        stances, run_s = write_vault(folder, args.notes, args.depth)
        collected, collect_s, collect_cpu = timed(partial(collect_entries, [folder]))
        entries = collected.entries
        html, build_s, build_cpu = timed(partial(build_report, entries, [], title="Benchmark"))
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        raw_mb = len(script_json(payload(entries, [], "")).encode()) / 1e6
        size_mb = page.stat().st_size / 1e6
        profile = Path(tmp) / "profile"
        browser_s, opened = open_in_browser(page, profile) if args.browser else (0.0, True)

    print(f"{args.notes} notes, {stances} stances (mock, depth {args.depth}) in {run_s:.0f} s")
    rows = [
        ["read the sidecars (collect_entries)", f"{collect_s:.1f} s", f"{collect_cpu:.1f} s", ""],
        ["build the page (build_report)", f"{build_s:.1f} s", f"{build_cpu:.1f} s", "< 10 s"],
        ["data as JSON, before gzip", f"{raw_mb:.0f} MB", "", ""],
        ["report.html", f"{size_mb:.1f} MB", "", "< 15 MB"],
    ]
    if args.browser:
        rows.append(["Chromium opens it", f"{browser_s:.1f} s", "", "" if opened else "FAILED"])
    print(table(rows, ["step", "result", "CPU", "target"]))
    ok = build_s < MAX_BUILD_S and size_mb < MAX_MB and opened
    print("ok" if ok else "FAIL: a target was missed")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
