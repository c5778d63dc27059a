"""One run at a time per note: a second run waits for the notes the first is working on, then
finds them done, instead of paying for the same calls twice."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: runs are not kept apart
    fcntl = None  # type: ignore[assignment]

POLL_SECONDS = 0.2


def _lock_file(note: Path) -> Path:
    """A lock file per note, outside the notes (nothing is added to the vault)."""
    folder = Path(tempfile.gettempdir()) / f"debater-locks-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    key = hashlib.sha256(os.fsencode(os.path.realpath(note))).hexdigest()[:24]
    return folder / key


@contextlib.asynccontextmanager
async def note_lock(note: Path) -> AsyncIterator[bool]:
    """Hold the note's lock while working on it; yields whether another run held it first.

    Polls rather than blocks, so a Ctrl-C while waiting is never stuck in a thread."""
    if fcntl is None:
        yield False
        return
    fd = os.open(_lock_file(note), os.O_CREAT | os.O_RDWR, 0o600)
    waited = False
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = True
                await asyncio.sleep(POLL_SECONDS)
        yield waited
    finally:
        os.close(fd)  # closing the descriptor releases the lock
