"""Keeping keys secret: every message debater shows passes through `redact`."""

from __future__ import annotations

import os
import re

from debater.errors import AuthError

SECRET_VARS = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "OPENAI_API_KEY")
OTHER_BACKENDS = "mock, anthropic, openai, ollama, langchain"

# Key-shaped tokens: provider prefixes, bearer headers and keys a server echoes half-masked.
_TOKEN_RE = re.compile(
    r"\b(?:sk|pk|rk)-[A-Za-z0-9_\-.*]{6,}"
    r"|(?i:bearer)\s+[^\s)\]}\"']+"
    r"|[A-Za-z0-9_\-.]*\*{3,}[A-Za-z0-9_\-.]*"
)
REDACTED = "[redacted]"


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
