"""Prompt caching as the providers describe it: prefixes written by completed requests, read back.

Anthropic caches at explicit breakpoints (cache_control), in the order tools -> system ->
messages; OpenAI caches every long prompt automatically, in 128-token steps. A request reads what
was written before it arrived and writes when it completes (FakeLLM commits after answering), so
requests in flight together never see each other's entries.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from fakerules import content_blocks, pieces, tokens


class PromptCache:
    """The prefixes written so far, by key (their hash includes the model); thread-safe."""

    def __init__(self) -> None:
        self._keys: set[str] = set()
        self._lock = threading.Lock()

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._keys

    def write(self, keys: Iterable[str]) -> None:
        with self._lock:
            self._keys.update(keys)

    def clear(self) -> None:
        with self._lock:
            self._keys.clear()


@dataclass
class CachePlan:
    """What one request reads from and writes to the cache, in tokens."""

    read: int = 0
    written: int = 0
    uncached: int = 0
    by_ttl: dict[str, int] = field(default_factory=dict)  # written tokens per TTL
    writes: tuple[str, ...] = ()  # keys to write once the request has completed


# ---- Anthropic: explicit breakpoints ----


@dataclass(frozen=True)
class _Block:
    key: str  # what the prefix hash covers
    tokens: int
    ttl: str | None  # "5m" or "1h" when the block carries cache_control


def _ttl(marked: Mapping[str, Any]) -> str | None:
    control = marked.get("cache_control")
    # cache_control {"type": "ephemeral", "ttl": "5m" | "1h"}, 5m by default
    # (../shared/reference/llm-sdks.md §1.7; anthropic types/cache_control_ephemeral_param.py).
    return (control.get("ttl") or "5m") if isinstance(control, dict) else None


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _anthropic_blocks(body: Mapping[str, Any]) -> list[_Block]:
    """The prompt as the cache sees it: the output schema, tools, system, then messages.

    The structured-output schema is part of the prefix: a request with another schema reads
    nothing cached (observed on Claude: repost.aws/questions/QU8vD_0LztT7KBTuNs86Kpug, "only
    changing the schema between requests causes a prompt caching miss").
    """
    blocks = []
    schema = ((body.get("output_config") or {}).get("format") or {}).get("schema")
    if schema:
        text = _canonical(schema)
        blocks.append(_Block("format:" + text, tokens(text), None))
    for tool in body.get("tools") or []:
        text = _canonical({k: v for k, v in tool.items() if k != "cache_control"})
        blocks.append(_Block("tool:" + text, tokens(text), _ttl(tool)))
    for where, i, _, block in content_blocks(body):
        said = block.get("text") if block.get("type", "text") == "text" else None
        text = said if isinstance(said, str) else _canonical(block)
        role = "system" if where == "system" else body["messages"][i].get("role", "")
        blocks.append(_Block(f"{role}:{text}", tokens(text), _ttl(block)))
    if body.get("cache_control") and blocks:  # automatic caching: the last cacheable block
        last = blocks[-1]
        blocks[-1] = _Block(last.key, last.tokens, _ttl(body))
    return blocks


def anthropic_plan(
    cache: PromptCache, model: str, body: Mapping[str, Any], minimum: int
) -> CachePlan:
    """Cache reads and writes of a Messages request.

    Only breakpoints cache; one whose prefix is shorter than the model's `minimum` caches nothing
    and is no error (anthropic-sdk-python#1194 quoting the docs: "Shorter prompts cannot be
    cached ... no error is returned"). The read is the longest earlier-written prefix up to the
    last breakpoint; the write runs from there to the last breakpoint; input_tokens is the rest
    (../shared/reference/llm-sdks.md §1.7: total = input + cache_creation + cache_read).
    """
    prefixes = list(_prefixes(model, _anthropic_blocks(body)))
    total = prefixes[-1][1] if prefixes else 0
    marks = [i for i, (_, _, ttl) in enumerate(prefixes) if ttl]
    if not marks:
        return CachePlan(uncached=total)
    read = max((n for key, n, _ in prefixes[: marks[-1] + 1] if key in cache), default=0)
    writable = [prefixes[i] for i in marks if prefixes[i][1] >= minimum]
    by_ttl: dict[str, int] = {}
    reached = read
    for _, n, ttl in writable:
        if n > reached:
            by_ttl[str(ttl)] = by_ttl.get(str(ttl), 0) + n - reached
            reached = n
    written = sum(by_ttl.values())
    writes = tuple(key for key, _, _ in writable)
    return CachePlan(read, written, total - read - written, by_ttl, writes)


def _prefixes(model: str, blocks: list[_Block]) -> Iterator[tuple[str, int, str | None]]:
    """(prefix key, tokens so far, ttl of its last block) after each block."""
    digest = hashlib.sha256(model.encode())
    count = 0
    for block in blocks:
        digest.update(block.key.encode() + b"\0")
        count += block.tokens
        yield digest.hexdigest(), count, block.ttl


# ---- OpenAI: automatic prefix caching ----

# developers.openai.com/docs/guides/prompt-caching: caching "is enabled automatically for prompts
# that are 1024 tokens or longer"; hits are exact prefix matches, "occurring in increments of
# 128 tokens" (openai-cookbook examples/Prompt_Caching_201.ipynb), reported in
# usage.prompt_tokens_details.cached_tokens; tools must be identical between requests; "The
# structured output schema serves as a prefix to the system message" (the docs, quoted in
# community.openai.com/t/prompt-caching-not-applied-when-schema-changes/967577).
OPENAI_MINIMUM, OPENAI_STEP = 1024, 128


def _openai_segments(body: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(role, text) of the prompt in order: the response schema, tools, then messages."""
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        yield "response_format", _canonical(fmt.get("json_schema") or {})
    for tool in body.get("tools") or []:
        yield "tool", _canonical(tool)
    for message in body.get("messages") or []:
        content = message.get("content")
        if not isinstance(content, str):
            content = "".join(p.get("text", "") for p in content or [] if isinstance(p, dict))
        yield message.get("role", ""), content


def openai_plan(cache: PromptCache, model: str, body: Mapping[str, Any]) -> CachePlan:
    """Cache reads and writes of a Chat Completions request (`uncached` + `read` = prompt)."""
    digest = hashlib.sha256(model.encode())
    count, steps = 0, []
    for role, text in _openai_segments(body):
        digest.update(b"\0" + role.encode() + b"\0")
        for piece in pieces(text):
            digest.update(piece.encode())
            count += 1
            if count % OPENAI_STEP == 0 and count >= OPENAI_MINIMUM:
                steps.append((count, digest.hexdigest()))
    read = max((n for n, key in steps if key in cache), default=0)
    return CachePlan(read=read, uncached=count - read, writes=tuple(key for _, key in steps))
