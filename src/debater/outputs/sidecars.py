"""Sidecars beside each note: `<stem>.perspectives.json` and `.md`, written as a pair.

debater replaces only files it can tell it wrote (its front matter, its JSON keys): a file of
the same name written by a person is never touched unless `--overwrite` says so.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from debater.errors import NoteError
from debater.notes.discover import NOTE_SUFFIXES
from debater.outputs.files import output_stem, write_together
from debater.outputs.markdown import render_markdown
from debater.records import NoteResult

SUFFIXES = {"md": ".perspectives.md", "json": ".perspectives.json"}
GENERATOR = "debater "  # how the Markdown front matter's `generator` begins
JSON_KEYS = {"note", "backend", "model", "fingerprint", "stances"}


def sidecar_path(note_path: Path, fmt: str) -> Path:
    """Where a sidecar of format `fmt` goes: beside the note, named after it."""
    return note_path.with_name(output_stem(note_path) + SUFFIXES[fmt])


def result_json(result: NoteResult) -> str:
    return result.model_dump_json(indent=2) + "\n"


def write_sidecars(
    result: NoteResult, note_path: Path, formats: tuple[str, ...], *, overwrite: bool = False
) -> list[Path]:
    """Write the requested sidecars together (all replaced, or none); remove a JSON sidecar of
    ours that a Markdown-only run would leave stale. Return the paths written."""
    texts = {
        sidecar_path(note_path, fmt): result_json(result)
        if fmt == "json"
        else render_markdown(result)
        for fmt in formats
    }
    for path in texts:
        if not overwrite and path.exists() and not is_ours(path):
            raise NoteError(
                f"{path.name} exists and was not written by debater: move it aside, "
                "or rerun with --overwrite to replace it"
            )
    write_together(texts)
    stale = sidecar_path(note_path, "json")
    if "json" not in formats and is_ours(stale):
        stale.unlink()
    return list(texts)


def is_ours(path: Path) -> bool:
    """Whether `path` is a sidecar debater wrote (a person's file of that name is not)."""
    try:
        if not path.is_file():
            return False
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if path.name.endswith(SUFFIXES["json"]):
        try:
            data = json.loads(text)
        except ValueError:
            return False
        return isinstance(data, dict) and set(data) >= JSON_KEYS
    return str(_front_matter(text).get("generator", "")).startswith(GENERATOR)


def _front_matter(text: str) -> dict[str, Any]:
    if not text.startswith("---\n") or "\n---\n" not in text:
        return {}
    try:
        data = yaml.safe_load(text[4 : text.index("\n---\n")])
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


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
    """Whether the sidecars already answer this exact note with these settings, in full."""
    if "json" in formats:
        previous = read_result(note_path)
        if previous is None or (previous.note.sha256, previous.fingerprint) != (
            sha256,
            fingerprint,
        ):
            return False
        if any(s.failures() for s in previous.stances):
            return False
        return all(sidecar_path(note_path, fmt).is_file() for fmt in formats)
    return _markdown_current(sidecar_path(note_path, "md"), sha256, fingerprint)


def _markdown_current(path: Path, sha256: str, fingerprint: str) -> bool:
    """A Markdown-only run reads what its sidecar's front matter records."""
    if not is_ours(path):
        return False
    meta = _front_matter(path.read_text(encoding="utf-8"))
    return (meta.get("sha256"), meta.get("fingerprint"), meta.get("failures")) == (
        sha256,
        fingerprint,
        0,
    )


def orphans(folder: Path) -> list[Path]:
    """Sidecars of ours under `folder` whose note is gone."""
    found = []
    for suffix in SUFFIXES.values():
        for path in folder.rglob(f"*{suffix}"):
            if ".debater" in path.parts or not is_ours(path):
                continue
            base = path.name.removesuffix(suffix)
            names = [base] if Path(base).suffix in NOTE_SUFFIXES else []
            names += [base + s for s in NOTE_SUFFIXES]
            if not any((path.parent / n).exists() for n in names):
                found.append(path)
    return sorted(found)


def result_schema() -> dict[str, Any]:
    """The JSON Schema of `<stem>.perspectives.json`."""
    schema = NoteResult.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "debater perspectives sidecar"
    return schema


def schema_text() -> str:
    return json.dumps(result_schema(), indent=2, ensure_ascii=False) + "\n"
