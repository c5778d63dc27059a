"""Error types whose messages say how to fix the problem."""

from __future__ import annotations


class DebaterError(Exception):
    """Base of every error debater reports to a user."""


class Deferred(Exception):
    """Not an error: in batch mode the answer will come from a provider's batch, so the note
    waits for a later pass of the run."""


class UsageError(DebaterError):
    """The command was asked for something it cannot do as configured (exit code 2)."""


class NoteError(DebaterError):
    """A note cannot be read or processed."""


class BackendError(DebaterError):
    """A backend call failed; the note it was for is reported failed, the run goes on."""


class RunStoppingError(BackendError):
    """Every later call would fail the same way: the run stops at once (exit code 2)."""


class AuthError(RunStoppingError):
    """The provider rejected the credentials."""


class PermissionDeniedError(RunStoppingError):
    """The key is valid but may not use this model, workspace or region."""


class ModelNotFoundError(RunStoppingError):
    """The provider does not know the model."""


class QuotaError(RunStoppingError):
    """The account is out of credit or over its quota: a billing problem, not a transient one."""


class RetryLaterError(RunStoppingError):
    """The provider asked to wait longer than is worth waiting within a run."""


class ServerUnreachableError(RunStoppingError):
    """Nothing answers at the backend's address (connection refused, unknown host)."""


class DiskFullError(RunStoppingError):
    """The disk holding the cache or the notes is full: every later write fails too."""


def disk_full(where: object) -> str:
    """What to say when the disk holding `where` is full."""
    return (
        f"the disk holding {where} is full: free some space there, or keep the cache "
        "elsewhere with --cache-dir (or none with --no-cache); finished notes are saved"
    )


class BackendConnectionError(BackendError):
    """The connection failed or timed out part-way, even after retries."""


class RateLimitedError(BackendError):
    """Rate limits or overload persisted through every retry."""


class ContextTooLongError(BackendError):
    """The request does not fit the model's context window."""


class InvalidOutputError(BackendError):
    """The answer did not match the wanted shape, even after a repair attempt."""


class RefusalError(BackendError):
    """The model declined to answer."""


class TruncatedError(BackendError):
    """The answer was cut off by the output token limit."""
