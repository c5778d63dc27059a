"""A rough, deterministic token count: enough for estimates and the mock's usage figures."""

from __future__ import annotations

import math

from debater.notes.language import WIDE


def estimate_tokens(text: str) -> int:
    """About one token per Han character and one per four other characters."""
    wide = len(WIDE.findall(text))
    return wide + math.ceil((len(text) - wide) / 4)
