"""A rough, deterministic token count: enough for estimates and the mock's usage figures."""

from __future__ import annotations

import math
import re

# Han characters, CJK punctuation and full-width forms: about one token each.
_WIDE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


def estimate_tokens(text: str) -> int:
    """About one token per Han character and one per four other characters."""
    wide = len(_WIDE.findall(text))
    return wide + math.ceil((len(text) - wide) / 4)
