"""The bundled example notes, copied for a test without what a quickstart run left beside them."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "data" / "seed_note.txt"
_ONLY_NOTES = shutil.ignore_patterns("*.perspectives.*", "*.discussion.*", ".debater")


def copy_notes(folder: Path) -> Path:
    """`notes/` copied to `folder`: the notes only, never sidecars, transcripts or a cache."""
    shutil.copytree(ROOT / "notes", folder, ignore=_ONLY_NOTES)
    return folder
