"""How debater's files are named and written: beside the note, whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from debater.notes.discover import NOTE_SUFFIXES, is_output


def output_stem(note: Path) -> str:
    """What a note's outputs are named after: its stem, or its whole file name when another
    note in the folder has the same stem (`essay.md` and `essay.txt` keep their own results)."""
    try:
        twins = [
            p
            for p in note.parent.iterdir()
            if p.stem == note.stem
            and p.name != note.name
            and p.suffix.lower() in NOTE_SUFFIXES
            and not is_output(p)
        ]
    except OSError:
        twins = []
    return note.name if twins else note.stem


def _read_umask() -> int:
    mask = os.umask(0)  # the only way to read it; done once, before any worker thread runs
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def atomic_write(path: Path, text: str) -> None:
    """Write a file whole or not at all (a temporary file in the same folder, then a rename),
    with the mode any new file of the user's gets (0644 under umask 022)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fchmod(f.fileno(), 0o666 & ~_UMASK)
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
