"""What the SDK backends share: SDKs imported on first use, one client per run, an HTTP
client that stops retries that cannot help, and the answer's stop reason and JSON."""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import ModuleType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from debater.backends.base import StopReason
from debater.errors import UsageError

if TYPE_CHECKING:
    import httpx2

C = TypeVar("C")
# Out of credit or over quota: OpenAI's 429 `insufficient_quota`, Anthropic's 400 "Your credit
# balance is too low", a 402. Not transient: retrying only spends the rest of the run.
QUOTA_RE = re.compile(
    r"insufficient_quota|exceeded your (?:current )?quota|credit balance is too low"
    r"|billing_hard_limit|billing_not_active|payment required",
    re.IGNORECASE,
)
# A retry-after longer than this is reported, not slept through (anthropic would sleep any
# length; openai gives up above 120 s and we would still say "after N retries").
MAX_RETRY_WAIT = 60.0


def import_sdk(module: str, package: str) -> ModuleType:
    """Import an SDK on first use, or say which package to install."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError:
        raise UsageError(
            f"this backend needs the {package} package: pip install {package}"
        ) from None


def require_sdk(module: str, package: str) -> None:
    """Fail now if an SDK is missing, without paying for its import."""
    if importlib.util.find_spec(module) is None:
        raise UsageError(f"this backend needs the {package} package: pip install {package}")


class LazyClient(Generic[C]):
    """An SDK client built on first use: a run answered from the cache never imports the SDK."""

    def __init__(self, build: Callable[[], C]) -> None:
        self._build = build
        self._client: C | None = None
        self._lock = threading.Lock()

    def get(self) -> C:
        with self._lock:
            if self._client is None:
                self._client = self._build()
            return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()  # type: ignore[attr-defined]


def parse_object(text: str) -> dict[str, Any] | None:
    """The JSON object in `text`, or None when it is not exactly one (the layer above repairs)."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def normalise_stop(reason: str | None) -> StopReason:
    """Map any provider's stop or finish reason onto debater's four."""
    if reason in (None, "end_turn", "stop", "stop_sequence", "tool_use", "tool_calls"):
        return "end"
    if reason in ("max_tokens", "length", "model_context_window_exceeded"):
        return "max_tokens"
    if reason in ("refusal", "content_filter"):
        return "refusal"
    return "other"


def retry_after(headers: Any) -> float | None:
    """Seconds a response asks to wait (`retry-after-ms`, or `retry-after` seconds or date)."""
    if headers is None:
        return None
    try:
        if ms := headers.get("retry-after-ms"):
            return float(ms) / 1000
        value = headers.get("retry-after")
        if not value:
            return None
        try:
            return float(value)
        except ValueError:
            return (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds()
    except (TypeError, ValueError, OverflowError):
        return None


def _stop_futile_retries(response: httpx2.Response) -> None:
    """A response hook: tell the SDK not to retry a quota error or a very long wait.

    Both SDKs obey the `x-should-retry` header, so a quota error is not sent four more times,
    and a 429 asking for an hour's wait is reported at once instead of slept through.
    """
    if response.status_code < 400:
        return
    if response.status_code in (400, 402, 403, 429):
        response.read()  # error bodies are small, and the SDK reads them anyway
        if QUOTA_RE.search(response.text):
            response.headers["x-should-retry"] = "false"
            return
    wait = retry_after(response.headers)
    if wait is not None and wait > MAX_RETRY_WAIT:
        response.headers["x-should-retry"] = "false"


def guarded_http_client(sdk: ModuleType, given: Any = None) -> Any:
    """The HTTP client an SDK gets: `given` or the SDK's default, with the retry guard hooked in."""
    client = given if given is not None else sdk.DefaultHttpxClient()
    hooks = client.event_hooks
    client.event_hooks = {**hooks, "response": [*hooks["response"], _stop_futile_retries]}
    return client


def sdk_timeout(seconds: float) -> Any:
    """Per-request timeout: `seconds` to answer, but 10 s at most to connect."""
    import httpx2

    return httpx2.Timeout(seconds, connect=min(seconds, 10.0))
