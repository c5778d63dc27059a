"""Finding notes: recursive, globs, never our own outputs, loops and odd names survive."""

from __future__ import annotations

import os
from pathlib import Path

from debater.notes.discover import find_notes, notes_root


def _touch(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_finds_notes_and_skips_outputs_and_tool_folders(tmp_path: Path) -> None:
    a = _touch(tmp_path / "a.md")
    b = _touch(tmp_path / "sub dir" / "笔记 b.txt")
    _touch(tmp_path / "a.perspectives.md")
    _touch(tmp_path / "a.perspectives.json")
    _touch(tmp_path / "a.discussion.md")
    _touch(tmp_path / ".debater" / "cache" / "x.md")
    _touch(tmp_path / ".obsidian" / "workspace.md")
    _touch(tmp_path / "image.png")
    assert find_notes([tmp_path]).notes == [a, b]


def test_include_and_exclude(tmp_path: Path) -> None:
    a = _touch(tmp_path / "journal" / "a.md")
    _touch(tmp_path / "drafts" / "b.md")
    _touch(tmp_path / "c.txt")
    assert find_notes([tmp_path], include=("journal/*",)).notes == [a]
    assert find_notes([tmp_path], include=("*.md",), exclude=("drafts/*",)).notes == [a]


def test_symlink_loop_is_reported_not_followed_forever(tmp_path: Path) -> None:
    a = _touch(tmp_path / "d" / "a.md")
    os.symlink(tmp_path / "d", tmp_path / "d" / "loop")
    found = find_notes([tmp_path])
    assert found.notes == [a]
    assert any("symlink loop" in reason for _, reason in found.skipped)


def test_explicit_paths(tmp_path: Path) -> None:
    a = _touch(tmp_path / "a.md")
    out = _touch(tmp_path / "a.perspectives.md")
    found = find_notes([a, out, tmp_path / "missing.md"])
    assert found.notes == [a]
    assert [r for _, r in found.skipped] == [
        "a debater output, not a note",
        "no such file or folder",
    ]


def test_notes_root_is_the_shared_folder(tmp_path: Path) -> None:
    a = _touch(tmp_path / "x" / "a.md")
    b = _touch(tmp_path / "y" / "b.md")
    assert notes_root([a, b]) == tmp_path.resolve()
    assert notes_root([tmp_path / "x"]) == (tmp_path / "x").resolve()
