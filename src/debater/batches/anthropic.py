"""Anthropic's Message Batches (`client.messages.batches`), for the anthropic backend.

An item's `params` are the backend's own `messages.create` arguments, so a batch item is the
live request; a succeeded item's message goes through the backend's own answer parsing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from debater.backends.anthropic import AnthropicBackend
from debater.backends.base import Request, Response
from debater.batches.api import BatchStatus, ItemResult, SDKBatches

if TYPE_CHECKING:
    from anthropic.types.messages import MessageBatch


class AnthropicBatches(SDKBatches[AnthropicBackend]):
    provider = "anthropic"
    sdk = "anthropic"
    # `requests`: maxItems 100000 (platform.claude.com/docs/en/api/messages/batches/create);
    # "up to 100,000 requests and up to 256 MB total" (docs.anthropic.com/en/api/
    # creating-message-batches). MB taken as 10^6 bytes, the smaller reading.
    max_requests = 100_000
    max_bytes = 256_000_000

    def item(self, custom_id: str, request: Request) -> dict[str, Any]:
        params = self.backend._params(request)
        extra = params.pop("extra_body", {})  # an SDK keyword: its keys belong in the body
        return {"custom_id": custom_id, "params": {**params, **extra}}

    def submit(self, items: list[dict[str, Any]], label: str) -> str:
        client = self.backend._client
        batch = self._call(lambda: client.messages.batches.create(requests=items))  # type: ignore[arg-type]
        return batch.id

    def status(self, batch_id: str) -> BatchStatus:
        client = self.backend._client
        return _status(self._call(lambda: client.messages.batches.retrieve(batch_id)))

    def results(self, batch_id: str) -> Iterator[ItemResult]:
        client = self.backend._client
        for row in self._call(lambda: list(client.messages.batches.results(batch_id))):
            result = row.result
            if result.type == "succeeded":
                yield ItemResult(row.custom_id, result.message.model_dump(mode="json"))
            elif result.type == "errored":
                error = result.error.error
                yield ItemResult(row.custom_id, error=f"{error.type}: {error.message}")
            else:  # canceled or expired: never processed
                yield ItemResult(row.custom_id, error=result.type)

    def answer(self, raw: dict[str, Any], request: Request) -> Response:
        from anthropic.types import Message

        return self.backend._response(Message.model_validate(raw), request.output)

    def cancel(self, batch_id: str) -> BatchStatus:
        client = self.backend._client
        return _status(self._call(lambda: client.messages.batches.cancel(batch_id)))


def _status(batch: MessageBatch) -> BatchStatus:
    counts = batch.request_counts.model_dump()
    return BatchStatus(batch.processing_status, batch.processing_status == "ended", counts)
