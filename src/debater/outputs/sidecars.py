"""Sidecars beside each note: `<stem>.perspectives.json` and `.md`, written atomically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from debater.outputs.files import atomic_write, output_stem
from debater.outputs.markdown import render_markdown
from debater.records import NoteResult

SUFFIXES = {"md": ".perspectives.md", "json": ".perspectives.json"}


def sidecar_path(note_path: Path, fmt: str) -> Path:
    """Where a sidecar of format `fmt` goes: beside the note, named after it."""
    return note_path.with_name(output_stem(note_path) + SUFFIXES[fmt])


def result_json(result: NoteResult) -> str:
    return result.model_dump_json(indent=2) + "\n"


def write_sidecars(result: NoteResult, note_path: Path, formats: tuple[str, ...]) -> list[Path]:
    """Write the requested sidecars; return their paths."""
    written = []
    for fmt in formats:
        path = sidecar_path(note_path, fmt)
        text = result_json(result) if fmt == "json" else render_markdown(result)
        atomic_write(path, text)
        written.append(path)
    return written


def read_result(note_path: Path) -> NoteResult | None:
    """The JSON sidecar of a note, if there is a readable one."""
    path = sidecar_path(note_path, "json")
    try:
        if not path.is_file():  # reading a FIFO in its place would wait forever
            return None
        return NoteResult.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, ValueError):
        return None


def up_to_date(note_path: Path, sha256: str, fingerprint: str, formats: tuple[str, ...]) -> bool:
    """Whether the sidecars already answer this exact note with these settings, without errors."""
    previous = read_result(note_path)
    if previous is None or previous.note.sha256 != sha256 or previous.fingerprint != fingerprint:
        return False
    if any(s.failures() for s in previous.stances):
        return False
    return all(sidecar_path(note_path, fmt).is_file() for fmt in formats)


def result_schema() -> dict[str, Any]:
    """The JSON Schema of `<stem>.perspectives.json`."""
    schema = NoteResult.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "debater perspectives sidecar"
    return schema


def schema_text() -> str:
    return json.dumps(result_schema(), indent=2, ensure_ascii=False) + "\n"
