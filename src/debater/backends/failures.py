"""SDK errors as debater's errors: one line each, saying what to do, never holding a key."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import ModuleType
from typing import Literal

from debater.backends.sdk import MAX_RETRY_WAIT, QUOTA_RE, normalise_stop, retry_after
from debater.backends.secrets import redact
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
)

_CONTEXT_RE = re.compile(
    r"prompt is too long|context_length_exceeded|maximum context length|context window"
    r"|too many (?:input )?tokens",
    re.IGNORECASE,
)

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
    if status == 402 or (status in (400, 403, 429) and QUOTA_RE.search(f"{code} {detail}")):
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
