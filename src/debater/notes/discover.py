"""Finding the notes under the paths a user gives, never our own outputs."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path

NOTE_SUFFIXES = (".md", ".markdown", ".txt", ".mdown", ".mkd")
OUTPUT_SUFFIXES = (".perspectives.md", ".perspectives.json", ".discussion.md")
TENSIONS_FILE = "debater-tensions.md"  # written at the notes folder's root
OUTPUT_NAMES = frozenset({TENSIONS_FILE})
SKIPPED_DIRS = frozenset({".debater", ".git", ".obsidian", ".trash", "node_modules", "__pycache__"})


@dataclass
class Found:
    notes: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def is_output(path: Path) -> bool:
    """Whether a file is one debater wrote (a sidecar, the tensions), which is never a note."""
    name = path.name
    return name.endswith(OUTPUT_SUFFIXES) or name in OUTPUT_NAMES or ".debater" in path.parts


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


@dataclass(frozen=True)
class Walk:
    """What to take from a walk: globs, and whether links may lead outside the roots."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    follow_links: bool = False


def _inside(path: Path, roots: list[str]) -> bool:
    real = os.path.realpath(path)
    return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def _link_reason(path: Path, roots: list[str], walk: Walk) -> str | None:
    """Why a note reached through a link is not read, if it is not.

    A link that leads outside the folders given is not followed unless --follow-links says so
    (a synced vault can carry a link to ~/.ssh); even then, a note whose folder is outside is
    not read, since its sidecars would be written outside them."""
    if _inside(path, roots):
        return None
    target = os.path.realpath(path)
    if not walk.follow_links:
        return f"a link to {target}, outside the folders given (--follow-links to read it)"
    if not _inside(path.parent, roots):
        return f"in a linked folder outside the folders given ({target}): sidecars would go there"
    return None


def _walk(folder: Path, roots: list[str], walk: Walk, found: Found) -> None:
    """Walk a folder; a linked folder is entered once (a loop cannot trap us), and only when
    it stays inside the roots or --follow-links allows it."""
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
        dirnames[:] = _folders(Path(dirpath), dirnames, roots, walk, found)
        for name in sorted(filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            if is_output(path) or not _wanted(rel, walk.include, walk.exclude):
                continue
            if reason := _link_reason(path, roots, walk):
                found.skipped.append((path, reason))
            else:
                found.notes.append(path)


def _folders(
    parent: Path, names: list[str], roots: list[str], walk: Walk, found: Found
) -> list[str]:
    """The subfolders to enter: not hidden or ours, and not links out unless followed."""
    kept = []
    for name in sorted(names):
        if name in SKIPPED_DIRS or name.startswith("."):
            continue
        path = parent / name
        if path.is_symlink() and not walk.follow_links and not _inside(path, roots):
            target = os.path.realpath(path)
            reason = f"a link to {target}, outside the folders given (--follow-links to enter it)"
            found.skipped.append((path, reason))
            continue
        kept.append(name)
    return kept


def find_notes(
    paths: list[Path],
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    *,
    follow_links: bool = False,
) -> Found:
    """Notes under `paths` (files taken as given, folders searched recursively), in order."""
    walk = Walk(include, exclude, follow_links)
    found = Found()
    roots = [os.path.realpath(p if p.is_dir() else p.parent) for p in paths]
    for path in paths:
        if path.is_dir():
            _walk(path, roots, walk, found)
        elif is_output(path):
            found.skipped.append((path, "a debater output, not a note"))
        elif existing(path):
            found.notes.append(path)
        else:
            found.skipped.append((path, "no such file or folder"))
    found.notes = list(dict.fromkeys(found.notes))
    return found


def existing(path: Path) -> bool:
    """Whether `path` exists; a name too long or otherwise impossible just does not."""
    try:
        return path.exists() or path.is_symlink()
    except (OSError, ValueError):
        return False


def is_folder(path: Path) -> bool:
    """Whether `path` is a folder; a name too long to exist just is not one."""
    try:
        return path.is_dir()
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
