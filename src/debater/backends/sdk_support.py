"""What the SDK backends share: lazy imports, keys, JSON answers, errors that never leak a key."""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import ModuleType
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from debater.backends.base import StopReason
from debater.errors import (
    AuthError,
    BackendConnectionError,
    BackendError,
    ContextTooLongError,
    ModelNotFoundError,
    PermissionDeniedError,
    QuotaError,
    RateLimitedError,
    RefusalError,
    RetryLaterError,
    ServerUnreachableError,
    TruncatedError,
    UsageError,
)

if TYPE_CHECKING:
    import httpx2

C = TypeVar("C")
SECRET_VARS = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "OPENAI_API_KEY")
OTHER_BACKENDS = "mock, anthropic, openai, ollama, langchain"

# Key-shaped tokens: provider prefixes, bearer headers and keys a server echoes half-masked.
_TOKEN_RE = re.compile(
    r"\b(?:sk|pk|rk)-[A-Za-z0-9_\-.*]{6,}"
    r"|(?i:bearer)\s+\S+"
    r"|[A-Za-z0-9_\-.]*\*{3,}[A-Za-z0-9_\-.]*"
)
_CONTEXT_RE = re.compile(
    r"prompt is too long|context_length_exceeded|maximum context length|context window"
    r"|too many (?:input )?tokens",
    re.IGNORECASE,
)
# Out of credit or over quota: OpenAI's 429 `insufficient_quota`, Anthropic's 400 "Your credit
# balance is too low", a 402. Not transient: retrying only spends the rest of the run.
_QUOTA_RE = re.compile(
    r"insufficient_quota|exceeded your (?:current )?quota|credit balance is too low"
    r"|billing_hard_limit|billing_not_active|payment required",
    re.IGNORECASE,
)
REDACTED = "[redacted]"
# A retry-after longer than this is reported, not slept through (anthropic would sleep any
# length; openai gives up above 120 s and we would still say "after N retries").
MAX_RETRY_WAIT = 60.0

ErrorKind = Literal[
    "auth",
    "permission",
    "quota",
    "retry_later",
    "unreachable",
    "not_found",
    "context",
    "rate_limit",
    "server",
    "bad_request",
    "connection",
    "timeout",
    "bad_answer",
    "truncated",
    "refusal",
    "interrupted",
]


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


def env_secrets() -> list[str]:
    """The values of every provider key set in the environment."""
    return [v for v in (os.environ.get(name, "") for name in SECRET_VARS) if v]


def redact(text: str, secrets: list[str] | tuple[str, ...] = ()) -> str:
    """`text` without any secret value or key-shaped token in it."""
    for secret in sorted({*secrets, *env_secrets()}, key=len, reverse=True):
        if len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    return _TOKEN_RE.sub(REDACTED, text)


def missing_key(var: str, alternative: str = "") -> AuthError:
    """The error for a key that is not in the environment, with the fix."""
    extra = f", {alternative}" if alternative else ""
    return AuthError(
        f"{var} is not set: export it{extra}, or choose another backend with --backend "
        f"({OTHER_BACKENDS})"
    )


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


def server_detail(exc: BaseException) -> str:
    """The server's own explanation from an SDK error, on one short line."""
    body = getattr(exc, "body", None)
    detail: object = None
    if isinstance(body, dict):
        inner = body.get("error")
        detail = inner.get("message") if isinstance(inner, dict) else body.get("message")
    if not isinstance(detail, str) or not detail:
        detail = getattr(exc, "message", None) or str(exc)
    line = " ".join(str(detail).split())
    return line if len(line) <= 200 else line[:197] + "..."


def error_code(exc: BaseException) -> str:
    """The provider's error code or type (`insufficient_quota`, `permission_error`), if any."""
    body = getattr(exc, "body", None)
    inner = body.get("error") if isinstance(body, dict) else None
    if isinstance(inner, dict):
        return str(inner.get("code") or inner.get("type") or "")
    return str(getattr(exc, "code", None) or getattr(exc, "type", None) or "")


def kind_of_status(status: int, detail: str, code: str = "") -> ErrorKind:
    """Classify an HTTP error status (and the server's words and code)."""
    if status == 402 or (status in (400, 403, 429) and _QUOTA_RE.search(f"{code} {detail}")):
        return "quota"
    if status == 401:
        return "auth"
    if status == 403:
        return "permission"
    if status == 404:
        return "not_found"
    if status == 413 or (status in (400, 422) and _CONTEXT_RE.search(detail)):
        return "context"
    if status == 429:
        return "rate_limit"
    if status >= 500:
        return "server"
    return "bad_request"


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
        if _QUOTA_RE.search(response.text):
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


def _wait_text(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.0f} min" if seconds >= 120 else f"{seconds:.0f} s"


@dataclass(frozen=True)
class ErrorContext:
    """What an error message needs to say how to fix things."""

    provider: str
    model: str
    base_url: str
    key_var: str
    base_url_hint: str
    retries: int
    secrets: tuple[str, ...] = field(default=(), repr=False)

    def error(
        self, kind: ErrorKind, detail: str, status: int | None = None, wait: float = 0.0
    ) -> BackendError:
        """A debater error of the right type whose message carries no secret."""
        code = f"HTTP {status}: " if status else ""
        said = f" ({code}{detail})" if detail else ""
        message = self._message(kind, said, wait)
        error_type = _ERROR_TYPES.get(kind, BackendError)
        return error_type(redact(message, self.secrets))

    def _message(self, kind: ErrorKind, said: str, wait: float) -> str:
        tries = f"after {self.retries} retries"
        messages: dict[ErrorKind, str] = {
            "auth": f"{self.provider} rejected the key{said}: check {self.key_var}",
            "permission": (
                f"{self.provider} refused access to {self.model!r}{said}: the key works, but "
                "this model, workspace or region is not open to it; check the key's "
                "permissions in the provider's console, or choose another model with --model"
            ),
            "quota": (
                f"{self.provider} says the account is out of credit or over its quota{said}: "
                "check billing and your plan in the provider's console; the run stopped "
                "without sending more"
            ),
            "retry_later": (
                f"{self.provider} rate-limits this key and asks to wait {_wait_text(wait)} "
                f"(retry-after){said}; run again after that (finished notes are saved), "
                "or lower --concurrency / set --rpm"
            ),
            "unreachable": (
                f"cannot reach {self.provider} at {self.base_url}{said}: is the server "
                f"running? check {self.base_url_hint}"
            ),
            "not_found": (
                f"{self.provider} does not know the model {self.model!r}{said}: choose another "
                f"with --model (or DEBATER_MODEL), or check {self.base_url_hint}"
            ),
            "context": (
                f"the request is too long for {self.model}{said}: shorten the note or choose "
                "a model with a larger context window with --model"
            ),
            "rate_limit": f"rate limited {tries}{said}; lower --concurrency or try later",
            "server": (
                f"{self.provider} is overloaded or failing {tries}{said}; try later or "
                "lower --concurrency"
            ),
            "bad_request": f"{self.provider} rejected the request{said}",
            "connection": (
                f"the connection to {self.provider} at {self.base_url} failed {tries}{said}; "
                "try again"
            ),
            "bad_answer": (
                f"{self.provider} at {self.base_url} answered in a format its API does not use"
                f"{said}: is this the right server? check {self.base_url_hint}"
            ),
            "timeout": (
                f"{self.provider} at {self.base_url} did not answer in time {tries}{said}: "
                f"the server may be overloaded; try later, raise --timeout, or check "
                f"{self.base_url_hint}"
            ),
            "truncated": f"{self.model}'s answer was cut off at the output token limit{said}",
            "refusal": f"{self.model} declined to answer{said}",
            "interrupted": f"{self.provider} broke off the answer{said}; try again",
        }
        return messages[kind]


_ERROR_TYPES: dict[ErrorKind, type[BackendError]] = {
    "auth": AuthError,
    "permission": PermissionDeniedError,
    "quota": QuotaError,
    "retry_later": RetryLaterError,
    "unreachable": ServerUnreachableError,
    "not_found": ModelNotFoundError,
    "context": ContextTooLongError,
    "rate_limit": RateLimitedError,
    # Overload that outlived the SDK's retries is as transient as a rate limit.
    "server": RateLimitedError,
    "connection": BackendConnectionError,
    "timeout": BackendConnectionError,
    "truncated": TruncatedError,
    "refusal": RefusalError,
}


def map_sdk_error(exc: Exception, sdk: ModuleType, ctx: ErrorContext) -> BackendError:
    """Turn an anthropic or openai SDK exception (same hierarchy names) into a debater error."""
    if isinstance(exc, sdk.APIStatusError):
        if exc.status_code < 400:  # an error event inside a stream that had begun well
            return ctx.error("interrupted", server_detail(exc))
        return status_error(exc, exc.status_code, ctx)
    if isinstance(exc, sdk.APITimeoutError):
        return ctx.error("timeout", "")
    if isinstance(exc, sdk.APIConnectionError):
        cause = exc.__cause__ or exc
        return ctx.error(connection_kind(cause), _first_line(cause))
    return BackendError(redact(f"{ctx.provider} call failed: {server_detail(exc)}", ctx.secrets))


def status_error(exc: BaseException, status: int, ctx: ErrorContext) -> BackendError:
    """The debater error for an HTTP error status, its words, code and `retry-after`."""
    detail = server_detail(exc)
    kind = kind_of_status(status, detail, error_code(exc))
    response = getattr(exc, "response", None)
    wait = retry_after(getattr(response, "headers", None)) if kind == "rate_limit" else None
    if wait is not None and wait > MAX_RETRY_WAIT:
        return ctx.error("retry_later", detail, status, wait)
    return ctx.error(kind, detail, status)


def connection_kind(cause: BaseException) -> ErrorKind:
    """Whether nothing answers at the address (after the SDK's retries) or a call broke off."""
    refused = isinstance(cause, ConnectionRefusedError) or type(cause).__name__ in (
        "ConnectError",
        "ConnectionRefusedError",
    )
    return "unreachable" if refused else "connection"


def map_stream_error(
    exc: Exception, sdk: ModuleType, ctx: ErrorContext, started: bool
) -> BackendError:
    """`map_sdk_error` for a stream: a connection lost once events came broke the answer off.

    openai wraps errors that happen while the body is read; anthropic lets httpx2's through.
    """
    import httpx2

    lost = started and isinstance(exc, sdk.APIConnectionError)
    if lost or isinstance(exc, httpx2.TransportError):
        return ctx.error("interrupted", _first_line(exc.__cause__ or exc))
    return map_sdk_error(exc, sdk, ctx)


def _first_line(exc: BaseException) -> str:
    reason = str(exc).strip()
    return reason.splitlines()[0] if reason else ""


def raise_for_stop(reason: str | None, ctx: ErrorContext, refusal: str = "") -> None:
    """After a stream's last piece: raise unless it ended normally, so it is never cached."""
    stop = "refusal" if refusal else normalise_stop(reason)
    if stop == "max_tokens":
        raise ctx.error("truncated", "")
    if stop == "refusal":
        said = refusal or ("content filter" if reason == "content_filter" else "")
        raise ctx.error("refusal", said)
    if stop == "other":
        raise ctx.error("interrupted", reason or "")
