"""How debater's files are named and written: beside the note, whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from debater.notes.discover import NOTE_SUFFIXES, is_output


def output_stem(note: Path) -> str:
    """What a note's outputs are named after: its stem, or its whole file name when another
    note in the folder has the same stem (`essay.md` and `essay.txt` keep their own results)."""
    try:
        stamp = note.parent.stat().st_mtime_ns
    except OSError:
        return note.stem
    twins = _note_stems(note.parent, stamp).get(note.stem, ())
    return note.name if any(name != note.name for name in twins) else note.stem


@lru_cache(maxsize=256)
def _note_stems(folder: Path, stamp: int) -> dict[str, tuple[str, ...]]:
    """The notes of a folder by stem, listed once per state of the folder (`stamp`)."""
    stems: dict[str, list[str]] = {}
    try:
        for entry in os.scandir(folder):
            path = Path(entry.path)
            if path.suffix.lower() in NOTE_SUFFIXES and not is_output(path):
                stems.setdefault(path.stem, []).append(entry.name)
    except OSError:
        return {}
    return {stem: tuple(names) for stem, names in stems.items()}


def _read_umask() -> int:
    mask = os.umask(0)  # the only way to read it; done once, before any worker thread runs
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def atomic_write(path: Path, text: str) -> None:
    """Write a file whole or not at all (a temporary file in the same folder, then a rename),
    with the mode any new file of the user's gets (0644 under umask 022)."""
    write_together({path: text})


def write_together(texts: dict[Path, str]) -> None:
    """Write several files so that either all are replaced or none: every temporary file is
    written in full first (a full disk fails here, leaving the old files), then all renamed."""
    temps: list[str] = []
    try:
        for path, text in texts.items():
            temps.append(_temporary(path, text))
        for tmp, path in zip(temps, texts, strict=True):
            os.replace(tmp, path)
    except BaseException:
        for tmp in temps:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise


def _temporary(path: Path, text: str) -> str:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fchmod(f.fileno(), 0o666 & ~_UMASK)
            os.fsync(f.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp
