"""A batch API for the mock backend: answered at once, kept in the user's cache folder, so
`debater run NOTES --batch -b mock` (and `--no-wait`, then a later run) works offline."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from debater.backends.base import Backend, Request, Response
from debater.batches.api import BatchAPI, BatchStatus, ItemResult


def mock_batches_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("debater") / "mock-batches"


class MockBatches(BatchAPI):
    provider = "mock"
    max_requests = 100_000
    max_bytes = 256_000_000

    def __init__(self, backend: Backend, directory: Path | None = None) -> None:
        self.backend = backend
        self.directory = directory or mock_batches_dir()

    def item(self, custom_id: str, request: Request) -> dict[str, Any]:
        answer = self.backend.complete(request).model_dump(mode="json")
        return {"custom_id": custom_id, "answer": answer}

    def submit(self, items: list[dict[str, Any]], label: str) -> str:
        batch_id = f"mockbatch_{uuid.uuid4().hex[:16]}"
        self.directory.mkdir(parents=True, exist_ok=True)
        lines = "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items)
        self._file(batch_id).write_text(lines, encoding="utf-8")
        return batch_id

    def status(self, batch_id: str) -> BatchStatus:
        done = sum(1 for _ in self.results(batch_id))
        return BatchStatus("ended", True, {"succeeded": done})

    def results(self, batch_id: str) -> Iterator[ItemResult]:
        path = self._file(batch_id)
        if not path.is_file():
            return
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            yield ItemResult(item["custom_id"], item["answer"])

    def answer(self, raw: dict[str, Any], request: Request) -> Response:
        return Response.model_validate(raw)

    def cancel(self, batch_id: str) -> BatchStatus:
        """A mock batch has ended by the time it can be cancelled."""
        return self.status(batch_id)

    def _file(self, batch_id: str) -> Path:
        return self.directory / f"{batch_id}.jsonl"
