"""Incremental runs over many notes with the mock backend: cached, forced, and after one edit.

python benchmarks/rerun.py [--notes 200]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _common import Run, debater, make_notes, table

EDIT = ("Chance encounters matter,", "Chance encounters matter a little,")
MAX_AFTER_EDIT = 3  # the note's extraction and the stances whose passages changed


def edit_one_paragraph(folder: Path) -> Path:
    """Change a few words of one paragraph of one note (one made from remote-work-journal)."""
    note = next(p for p in sorted(folder.glob("note-*.md")) if EDIT[0] in p.read_text("utf-8"))
    note.write_text(note.read_text("utf-8").replace(*EDIT, 1), "utf-8")
    return note


def row(step: str, run: Run, ok: bool) -> list[object]:
    s = run.summary
    return [
        step,
        s["notes"],
        s["written"],
        s["up_to_date"],
        s["requests"],
        s["cache_hits"],
        f"{run.wall_s:.2f}",
        "ok" if ok else "FAIL",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "notes"
        make_notes(folder, args.notes)
        flags = ("-b", "mock", "--cache-dir", str(Path(tmp) / "cache"))
        first = debater(folder, *flags)
        cached = debater(folder, *flags)
        forced = debater(folder, *flags, "--force")
        edited = edit_one_paragraph(folder)
        after = debater(folder, *flags)
    rows = [
        row("first run", first, first.code == 0),
        row("rerun, unchanged", cached, cached.summary["requests"] == 0),
        row("--force rerun", forced, forced.summary["requests"] == 0),
        row("one paragraph edited", after, after.summary["requests"] <= MAX_AFTER_EDIT),
    ]
    header = ["step", "notes", "written", "up to date", "requests", "cache hits", "wall s", ""]
    print(f"{args.notes} notes, mock backend; edited {edited.name}")
    print(table(rows, header))
    if any(r[-1] == "FAIL" for r in rows):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
