"""What a provider's batch API offers, in one shape: submit, poll, read the results, cancel."""

from __future__ import annotations

import importlib
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from debater.backends.base import Request, Response
from debater.backends.failures import ErrorContext, map_sdk_error

BATCH_DISCOUNT = 0.5  # both providers bill batch requests at half the normal price
# Anthropic: ^[a-zA-Z0-9_-]{1,64}$ (platform.claude.com/docs/en/api/messages/batches/create).
CUSTOM_ID_CHARS = 64


@dataclass(frozen=True)
class BatchStatus:
    """A batch as the provider reports it: its own status word, whether it has ended, counts."""

    status: str
    ended: bool
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ItemResult:
    """One request's outcome: the provider's raw answer, or why there is none."""

    custom_id: str
    raw: dict[str, Any] | None = None
    error: str = ""


class BatchAPI(ABC):
    """A provider's batch API for one backend (its client, model and request building)."""

    provider: ClassVar[str]
    max_requests: ClassVar[int]
    max_bytes: ClassVar[int]

    @abstractmethod
    def item(self, custom_id: str, request: Request) -> dict[str, Any]:
        """The batch item for `request`: exactly the live request's parameters."""

    @abstractmethod
    def submit(self, items: list[dict[str, Any]], label: str) -> str:
        """Create a batch of `items`; return the provider's batch id."""

    @abstractmethod
    def status(self, batch_id: str) -> BatchStatus: ...

    @abstractmethod
    def results(self, batch_id: str) -> Iterator[ItemResult]:
        """The outcome of every item of an ended batch, in any order."""

    @abstractmethod
    def answer(self, raw: dict[str, Any], request: Request) -> Response:
        """A succeeded item as the backend's live answer to `request` would be."""

    @abstractmethod
    def cancel(self, batch_id: str) -> BatchStatus:
        """Ask the provider to stop the batch; its status as the provider answers."""

    def find(self, label: str) -> str | None:
        """The id of the batch submitted with `label`, if the API can tell (few can)."""
        return None


class SDKBackend(Protocol):
    _errors: ErrorContext


B = TypeVar("B", bound=SDKBackend)
T = TypeVar("T")


class SDKBatches(BatchAPI, Generic[B]):
    """A batch API reached through a backend's SDK client; its errors become debater's."""

    sdk: ClassVar[str]  # the SDK's module

    def __init__(self, backend: B) -> None:
        self.backend = backend

    def _call(self, call: Callable[[], T]) -> T:
        sdk = importlib.import_module(self.sdk)
        try:
            return call()
        except sdk.APIError as exc:
            raise map_sdk_error(exc, sdk, self.backend._errors) from None


def custom_id(purpose: str, key: str) -> str:
    """The item's id: its step, then the cache key it answers (unique within a batch)."""
    return f"{purpose[:7]}-{key}"[:CUSTOM_ID_CHARS]


def item_size(item: dict[str, Any]) -> int:
    """Bytes the item takes in a request body or a JSONL line (with its separator)."""
    return len(json.dumps(item, ensure_ascii=False).encode("utf-8")) + 1


def split(
    items: list[dict[str, Any]], max_requests: int, max_bytes: int
) -> list[list[dict[str, Any]]]:
    """Items in batches that keep within the API's limits on requests and bytes."""
    batches: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    size = 0
    for item in items:
        grows = item_size(item)
        if current and (len(current) >= max_requests or size + grows > max_bytes):
            batches.append(current)
            current, size = [], 0
        current.append(item)
        size += grows
    if current:
        batches.append(current)
    return batches
