"""Finding the notes under the paths a user gives, never our own outputs."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path

NOTE_SUFFIXES = (".md", ".markdown", ".txt", ".mdown", ".mkd")
OUTPUT_SUFFIXES = (".perspectives.md", ".perspectives.json", ".discussion.md")
SKIPPED_DIRS = frozenset({".debater", ".git", ".obsidian", ".trash", "node_modules", "__pycache__"})


@dataclass
class Found:
    notes: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def is_output(path: Path) -> bool:
    """Whether a file is one debater wrote (a sidecar), which is never a note."""
    return path.name.endswith(OUTPUT_SUFFIXES) or ".debater" in path.parts


def _matches(rel: str, patterns: tuple[str, ...]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) for p in patterns)


def _wanted(rel: str, include: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    if include:
        if not _matches(rel, include):
            return False
    elif not rel.lower().endswith(NOTE_SUFFIXES):
        return False
    return not _matches(rel, exclude)


def _walk(folder: Path, include: tuple[str, ...], exclude: tuple[str, ...], found: Found) -> None:
    """Walk a folder, following symlinked folders once each so a loop cannot trap us."""
    seen: set[str] = set()

    def on_error(e: OSError) -> None:
        found.skipped.append((Path(e.filename or folder), f"unreadable folder: {e.strerror}"))

    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True, onerror=on_error):
        real = os.path.realpath(dirpath)
        if real in seen:
            found.skipped.append((Path(dirpath), "symlink loop (folder already visited)"))
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            if is_output(path) or not _wanted(rel, include, exclude):
                continue
            found.notes.append(path)


def find_notes(
    paths: list[Path], include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()
) -> Found:
    """Notes under `paths` (files taken as given, folders searched recursively), in order."""
    found = Found()
    for path in paths:
        if path.is_dir():
            _walk(path, include, exclude, found)
        elif is_output(path):
            found.skipped.append((path, "a debater output, not a note"))
        elif path.exists() or path.is_symlink():
            found.notes.append(path)
        else:
            found.skipped.append((path, "no such file or folder"))
    unique = list(dict.fromkeys(found.notes))
    found.notes = unique
    return found


def existing(path: Path) -> bool:
    """Whether `path` exists; a name too long or otherwise impossible just does not."""
    try:
        return path.exists() or path.is_symlink()
    except (OSError, ValueError):
        return False


def note_or_claim(target: str) -> Path | None:
    """The note file `target` names, or None when it is a claim typed in quotes.

    A claim is any text that is not an existing file; the check never raises, whatever the
    text's length (a 400-character claim is not a path too long to test).
    """
    path = Path(target)
    try:
        return path if path.is_file() else None
    except (OSError, ValueError):
        return None


def notes_root(paths: list[Path]) -> Path:
    """The folder the paths share: where the cache and the config file live."""
    folders = [p.resolve() if p.is_dir() else p.resolve().parent for p in paths] or [Path.cwd()]
    return Path(os.path.commonpath([str(f) for f in folders]))
