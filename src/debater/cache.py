"""The on-disk cache of backend answers, as a wrapper backend: neither side knows of it."""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from debater.backends.base import Backend, Request, Response, WrapperBackend
from debater.errors import DiskFullError, disk_full
from debater.llm.structured import lenient_json

log = logging.getLogger(__name__)
SIZE_LIMIT = 1 << 30


def request_key(identity: dict[str, str], request: Request) -> str:
    """sha256 over everything that shapes the answer; never a key or a timeout."""
    payload = {
        **identity,
        "purpose": request.purpose,
        "system": request.system,
        "messages": [m.model_dump() for m in request.messages],
        "schema": request.output_schema(),
        "max_tokens": request.max_tokens,
        "temperature": request.temperature,
        "effort": request.effort,
        "prompt": request.prompt_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _full(error: Exception) -> bool:
    """Whether a write failed because the disk is full (SQLite or the file system says so)."""
    return getattr(error, "errno", None) == errno.ENOSPC or "full" in str(error).lower()


def open_store(directory: Path) -> Any:
    """Open (or create) the cache folder; a corrupt database is moved aside and started afresh."""
    import diskcache

    directory.mkdir(parents=True, exist_ok=True)
    settings = {"size_limit": SIZE_LIMIT, "eviction_policy": "least-recently-used"}
    try:
        return diskcache.Cache(str(directory), **settings)
    except sqlite3.DatabaseError as e:
        aside = directory.with_name(f"{directory.name}.corrupt-{int(time.time())}")
        log.warning("cache at %s is unreadable (%s); moved it to %s", directory, e, aside)
        shutil.move(str(directory), str(aside))
        directory.mkdir(parents=True)
        return diskcache.Cache(str(directory), **settings)


def _worth_keeping(request: Request, response: Response) -> bool:
    """Only complete answers that fit the wanted shape are cached, so failures are re-asked."""
    if not response.complete:
        return False
    if request.output is None:
        return True
    data = response.parsed if response.parsed is not None else lenient_json(response.text)
    try:
        request.output.model_validate(data)
    except ValidationError:
        return False
    return True


class CachedBackend(WrapperBackend):
    """Answers from disk when the same request was answered before; otherwise asks `inner`."""

    def __init__(self, inner: Backend, directory: Path, *, read_only: bool = False) -> None:
        super().__init__(inner)
        self.directory = directory
        self.read_only = read_only
        self._store = open_store(directory)

    def _stored(self, key: str) -> Response | None:
        stored = self._store.get(key)
        if not isinstance(stored, str):
            return None
        return Response.model_validate_json(stored).model_copy(update={"cached": True})

    def _keep(self, key: str, response: Response) -> None:
        if self.read_only:
            return
        try:
            self._store.set(key, response.model_dump_json(), tag=f"model:{self.model}")
        except (sqlite3.OperationalError, OSError) as e:
            if _full(e):
                raise DiskFullError(disk_full(f"the cache ({self.directory})")) from None
            raise

    def complete(self, request: Request) -> Response:
        key = request_key(self.inner.identity, request)
        stored = self._stored(key)
        if stored is not None:
            return stored
        response = self.inner.complete(request)
        if _worth_keeping(request, response):
            self._keep(key, response)
        return response

    def stream(self, request: Request) -> Iterator[str]:
        """A stored answer in one piece; otherwise the inner stream, stored once it ends."""
        key = request_key(self.inner.identity, request)
        stored = self._stored(key)
        if stored is not None:
            yield stored.text
            return
        pieces: list[str] = []
        for piece in self.inner.stream(request):
            pieces.append(piece)
            yield piece
        text = "".join(pieces)
        if text.strip():  # a stream that ended without raising counts as complete
            self._keep(key, Response(text=text))

    def close(self) -> None:
        self._store.close()
        super().close()


class CacheInfo(BaseModel):
    directory: str
    entries: int
    bytes: int


def cache_info(directory: Path) -> CacheInfo:
    """How many answers the cache holds and its size on disk."""
    if not directory.is_dir():
        return CacheInfo(directory=str(directory), entries=0, bytes=0)
    with open_store(directory) as store:
        return CacheInfo(directory=str(directory), entries=len(store), bytes=store.volume())


def clear_cache(directory: Path) -> int:
    """Remove every cached answer; return how many there were."""
    if not directory.is_dir():
        return 0
    with open_store(directory) as store:
        count = len(store)
        store.clear()
        return count
