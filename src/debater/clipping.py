"""Shortening text for display: cut at a clause or word boundary, marked with an ellipsis."""

from __future__ import annotations

_CLAUSE_MARKS = ",，;；:：、"


def clip(text: str, limit: int) -> str:
    """Text of at most `limit` characters, cut at a clause or word boundary with an ellipsis."""
    text = text.strip()
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    clause = max(head.rfind(mark) for mark in _CLAUSE_MARKS)
    if clause >= limit // 2:
        return head[:clause].rstrip() + "…"
    space = max(head.rfind(" "), head.rfind("\n"))
    if space >= limit // 2:
        return head[:space].rstrip() + "…"
    return head.rstrip() + "…"
