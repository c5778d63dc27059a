"""OpenAI's Batch API (`client.files` + `client.batches`), for the openai backend.

Each line of the input file carries the backend's own `chat.completions.create` arguments as
its body, so a batch item is the live request; a succeeded line's completion goes through the
backend's own answer parsing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final

from debater.backends.base import Request, Response
from debater.backends.openai import OpenAIBackend
from debater.batches.api import BatchStatus, ItemResult, SDKBatches

if TYPE_CHECKING:
    from openai.types import Batch


ENDPOINT: Final = "/v1/chat/completions"
LABEL = "debater_batch"  # the metadata key naming the batch's record
# Batch.status values after which nothing more happens (openai/types/batch.py).
ENDED = frozenset({"completed", "failed", "expired", "cancelled"})


class OpenAIBatches(SDKBatches[OpenAIBackend]):
    provider = "openai"
    sdk = "openai"
    # "The file can contain up to 50,000 requests, and can be up to 200 MB in size"
    # (openai/types/batch_create_params.py, input_file_id); MB taken as 10^6 bytes.
    max_requests = 50_000
    max_bytes = 200_000_000

    def item(self, custom_id: str, request: Request) -> dict[str, Any]:
        body = self.backend._params(request)
        return {"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": body}

    def submit(self, items: list[dict[str, Any]], label: str) -> str:
        client = self.backend._client
        data = "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items).encode("utf-8")
        upload = ("batch.jsonl", data, "application/jsonl")
        file = self._call(lambda: client.files.create(file=upload, purpose="batch"))
        batch = self._call(
            lambda: client.batches.create(
                input_file_id=file.id,
                endpoint=ENDPOINT,
                completion_window="24h",
                metadata={LABEL: label},
            )
        )
        return batch.id

    def status(self, batch_id: str) -> BatchStatus:
        client = self.backend._client
        return _status(self._call(lambda: client.batches.retrieve(batch_id)))

    def results(self, batch_id: str) -> Iterator[ItemResult]:
        client = self.backend._client
        batch = self._call(lambda: client.batches.retrieve(batch_id))
        for file_id in (batch.output_file_id, batch.error_file_id):
            if file_id:
                yield from self._rows(file_id)

    def _rows(self, file_id: str) -> Iterator[ItemResult]:
        client = self.backend._client
        content = self._call(lambda: client.files.content(file_id).text)
        for line in content.splitlines():
            if line.strip():
                yield _row(json.loads(line))

    def answer(self, raw: dict[str, Any], request: Request) -> Response:
        from openai.types.chat import ChatCompletion

        return self.backend._response(ChatCompletion.model_validate(raw), request.output)

    def find(self, label: str) -> str | None:
        """Batches carry the label in their metadata: a batch whose id was not kept is found."""
        client = self.backend._client
        for batch in self._call(lambda: list(client.batches.list(limit=100))):
            if (batch.metadata or {}).get(LABEL) == label:
                return batch.id
        return None

    def cancel(self, batch_id: str) -> BatchStatus:
        client = self.backend._client
        return _status(self._call(lambda: client.batches.cancel(batch_id)))


def _status(batch: Batch) -> BatchStatus:
    counts = batch.request_counts.model_dump() if batch.request_counts else {}
    return BatchStatus(batch.status, batch.status in ENDED, counts)


def _row(line: dict[str, Any]) -> ItemResult:
    """One output or error line: `{custom_id, response: {status_code, body}, error}`."""
    custom_id = str(line.get("custom_id", ""))
    response = line.get("response") or {}
    body = response.get("body") or {}
    if response.get("status_code") == 200 and isinstance(body, dict):
        return ItemResult(custom_id, body)
    error = line.get("error") or body.get("error") or {}
    code = error.get("code") or error.get("type") or response.get("status_code") or "error"
    return ItemResult(custom_id, error=f"{code}: {error.get('message', 'no message')}")
