"""Error types whose messages say how to fix the problem."""

from __future__ import annotations


class DebaterError(Exception):
    """Base of every error debater reports to a user."""


class UsageError(DebaterError):
    """The command was asked for something it cannot do as configured (exit code 2)."""


class NoteError(DebaterError):
    """A note cannot be read or processed."""


class BackendError(DebaterError):
    """A backend call failed. `transient` errors may succeed if tried again later."""

    transient = False


class AuthError(BackendError):
    """The provider rejected the credentials."""


class ModelNotFoundError(BackendError):
    """The provider does not know the model."""


class BackendConnectionError(BackendError):
    """The backend could not be reached."""

    transient = True


class RateLimitedError(BackendError):
    """Rate limits or overload persisted through every retry."""

    transient = True


class ContextTooLongError(BackendError):
    """The request does not fit the model's context window."""


class InvalidOutputError(BackendError):
    """The answer did not match the wanted shape, even after a repair attempt."""


class RefusalError(BackendError):
    """The model declined to answer."""


class TruncatedError(BackendError):
    """The answer was cut off by the output token limit."""
