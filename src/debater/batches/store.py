"""The batches of a notes folder on disk (`.debater/batches/`), so a stopped run resumes.

One JSON record per batch: which provider and model, which cache key each item answers, when it
was sent and ended, the provider's status and counts. A record is written before the batch is
submitted (state "submitting") and again with its id right after, each time atomically; its
results, once read, go into a JSONL file beside it (state "collected") until a run has used
them (state "done").
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from debater.batches.api import ItemResult

State = Literal["submitting", "pending", "collected", "done"]


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class BatchRecord(BaseModel):
    """One batch as debater knows it."""

    local_id: str = Field(default_factory=lambda: f"b-{uuid.uuid4().hex[:12]}")
    id: str | None = None  # the provider's, once submitted
    provider: str
    model: str
    state: State = "submitting"
    status: str = "submitting"  # the provider's own word
    items: dict[str, str]  # custom_id -> cache key
    counts: dict[str, int] = Field(default_factory=dict)
    submitted_at: str | None = None
    ended_at: str | None = None

    @property
    def pending(self) -> bool:
        return self.state == "pending"


class BatchStore:
    """The records and results in one folder; every write replaces a file atomically."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def records(self) -> list[BatchRecord]:
        """Every readable record, oldest first (a damaged file is left for a person to see)."""
        if not self.directory.is_dir():
            return []
        found = []
        for path in self.directory.glob("*.json"):
            try:
                found.append(BatchRecord.model_validate_json(path.read_bytes()))
            except (OSError, ValidationError):
                continue
        return sorted(found, key=lambda r: (r.submitted_at or "", r.local_id))

    def save(self, record: BatchRecord) -> None:
        self._write(self.directory / f"{record.local_id}.json", record.model_dump_json(indent=1))

    def save_results(self, record: BatchRecord, rows: Iterable[ItemResult]) -> None:
        """Keep an ended batch's results, then mark it collected."""
        lines = (json.dumps(row.__dict__, ensure_ascii=False) for row in rows)
        self._write(self._results(record), "".join(line + "\n" for line in lines))
        record.state = "collected"
        self.save(record)

    def results(self, record: BatchRecord) -> Iterator[ItemResult]:
        path = self._results(record)
        if not path.is_file():
            return
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    yield ItemResult(**json.loads(line))

    def retire(self, record: BatchRecord) -> None:
        """Drop a collected batch's results (the run has used them); keep its record."""
        record.state = "done"
        self.save(record)
        self._results(record).unlink(missing_ok=True)

    def forget(self, record: BatchRecord) -> None:
        """Remove a batch's files (its answers are in the cache, or it was never sent)."""
        self._results(record).unlink(missing_ok=True)
        (self.directory / f"{record.local_id}.json").unlink(missing_ok=True)

    def _results(self, record: BatchRecord) -> Path:
        return self.directory / f"{record.local_id}.results.jsonl"

    def _write(self, path: Path, text: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def batches_dir(cache: Path) -> Path:
    """Beside the cache: `.debater/batches` for the default `.debater/cache`."""
    if cache.name == "cache":
        return cache.with_name("batches")
    return cache.with_name(f"{cache.name}-batches")
