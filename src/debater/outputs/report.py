"""`debater report`: one self-contained HTML file to read a whole vault, offline.

`collect_entries` finds each note's sidecar under the paths given; `build_report` turns them, and
any tensions, into the page (see `report_page` for the shell, `report_data` for what its script
reads and `report_map` for the argument maps).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from debater.notes.discover import find_notes
from debater.outputs.report_data import ReportEntry, embedded, payload
from debater.outputs.report_page import page
from debater.outputs.sidecars import read_result
from debater.records import Tension

__all__ = ["Collected", "ReportEntry", "build_report", "collect_entries", "shown_root"]


@dataclass
class Collected:
    """The notes found for a report, and the paths passed over with the reason why."""

    entries: list[ReportEntry] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def shown_root(paths: list[Path]) -> str:
    """The folder that shown note paths are relative to: the one the given paths share."""
    folders = [os.path.abspath(p if p.is_dir() else p.parent) for p in paths]
    return os.path.commonpath(folders) if folders else os.getcwd()


def collect_entries(
    paths: list[Path], include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()
) -> Collected:
    """Every note under `paths` with its sidecar's result (None: not run, or unreadable)."""
    found = find_notes(paths, include, exclude)
    root = shown_root(paths)
    entries = [
        ReportEntry(Path(os.path.relpath(os.path.abspath(n), root)).as_posix(), read_result(n))
        for n in found.notes
    ]
    return Collected(entries, found.skipped)


def build_report(
    entries: list[ReportEntry],
    tensions: list[Tension],
    *,
    title: str,
    compress: bool | None = None,
) -> str:
    """The report as one HTML document. Its data is gzipped when large, or as `compress` says."""
    data_type, data = embedded(payload(entries, tensions, title), compress)
    return page(title, data_type, data)
