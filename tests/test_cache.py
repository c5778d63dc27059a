"""The cache wrapper: same request answered from disk, failures re-asked, no secrets stored."""

from __future__ import annotations

import threading
from pathlib import Path

from pydantic import BaseModel

from debater.backends.base import Message, Request, Response
from debater.cache import CachedBackend, cache_info, clear_cache, open_store, request_key
from scripted import ScriptedBackend


class Answer(BaseModel):
    ok: bool


class Other(BaseModel):
    """Another wanted shape: another schema."""

    ok: bool
    why: str


def _request(text: str = "hi", **kw: object) -> Request:
    return Request(
        purpose="t",
        system="s",
        messages=(Message.user(text),),
        output=Answer,
        **kw,  # type: ignore[arg-type]
    )


def test_second_identical_request_is_served_from_disk(tmp_path: Path) -> None:
    inner = ScriptedBackend(answers=[Response(text='{"ok": true}')])
    cached = CachedBackend(inner, tmp_path / "c")
    first = cached.complete(_request())
    second = cached.complete(_request())
    assert not first.cached and second.cached
    assert second.text == first.text
    assert len(inner.history) == 1


def test_cache_survives_reopening(tmp_path: Path) -> None:
    CachedBackend(ScriptedBackend(answers=[Response(text='{"ok": true}')]), tmp_path).complete(
        _request()
    )
    again = CachedBackend(ScriptedBackend(), tmp_path)  # would fail if it asked: no answers
    assert again.complete(_request()).cached


def test_key_changes_with_everything_that_shapes_the_answer() -> None:
    identity = {"backend": "b", "model": "m", "base_url": ""}
    base = request_key(identity, _request())
    assert request_key(identity, _request("other")) != base
    assert request_key(identity, _request(max_tokens=10)) != base
    assert request_key(identity, _request(prompt_hash="v2")) != base
    assert request_key({**identity, "model": "m2"}, _request()) != base
    assert request_key({**identity, "base_url": "http://x"}, _request()) != base
    assert request_key(identity, _request(temperature=0.2)) != base
    assert request_key(identity, _request(effort="low")) != base
    assert request_key(identity, _request().model_copy(update={"system": "s2"})) != base
    assert request_key(identity, _request().model_copy(update={"output": Other})) != base
    assert request_key(identity, _request()) == base


def test_invalid_and_truncated_answers_are_not_cached(tmp_path: Path) -> None:
    inner = ScriptedBackend(
        answers=[
            Response(text="not json"),
            Response(text='{"ok": true', stop_reason="max_tokens"),
            Response(text='{"ok": true}'),
        ]
    )
    cached = CachedBackend(inner, tmp_path)
    for _ in range(3):
        cached.complete(_request())
    assert len(inner.history) == 3
    assert cached.complete(_request()).cached


def test_corrupt_cache_is_moved_aside(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / "cache.db").write_bytes(b"this is not a database" * 100)
    store = open_store(folder)
    store.set("k", "v")
    assert store.get("k") == "v"
    store.close()
    assert any(p.name.startswith("cache.corrupt-") for p in tmp_path.iterdir())


def test_info_and_clear(tmp_path: Path) -> None:
    cached = CachedBackend(ScriptedBackend(answers=[Response(text='{"ok": true}')]), tmp_path)
    cached.complete(_request())
    cached.close()
    assert cache_info(tmp_path).entries == 1
    assert clear_cache(tmp_path) == 1
    assert cache_info(tmp_path).entries == 0


def test_threads_share_one_cache(tmp_path: Path) -> None:
    inner = ScriptedBackend(answers=[Response(text='{"ok": true}') for _ in range(16)])
    cached = CachedBackend(inner, tmp_path)
    threads = [
        threading.Thread(target=cached.complete, args=(_request(str(i)),)) for i in range(16)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache_info(tmp_path).entries == 16
