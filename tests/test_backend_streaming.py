"""`stream()` of the SDK backends through the real SDKs against the fake server's event streams."""

from __future__ import annotations

import shutil
import socket
import threading
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from debater.backends.anthropic import AnthropicBackend
from debater.backends.base import Backend, BackendOptions, Message, Part, Request
from debater.backends.langchain import LangChainBackend
from debater.backends.openai import OpenAIBackend
from debater.cache import CachedBackend
from debater.cli import app
from debater.errors import (
    AuthError,
    BackendError,
    RateLimitedError,
    RefusalError,
    TruncatedError,
)
from debater.llm.answers import Debate
from fakellm import FakeLLM
from fakewire import REFUSAL, EventStream, data_event, error_body, named_event

KEY = "sk-stream-test-SECRET-0123456789abcdef"
SEED = Path(__file__).parent / "data" / "seed_note.txt"
Make = Callable[[FakeLLM], Backend]


def make_openai(fake: FakeLLM) -> Backend:
    return OpenAIBackend(BackendOptions(base_url=fake.url + "/v1", max_retries=0, timeout=5.0))


def make_anthropic(fake: FakeLLM) -> Backend:
    return AnthropicBackend(BackendOptions(base_url=fake.url, max_retries=0, timeout=5.0))


def make_langchain(fake: FakeLLM) -> Backend:
    kwargs = {"base_url": fake.url + "/v1", "api_key": KEY, "model": "gpt-fake", "max_retries": 0}
    spec = "langchain_openai:ChatOpenAI"
    return LangChainBackend(BackendOptions(lc_model=spec, lc_kwargs=kwargs))


SDKS = {"openai": make_openai, "anthropic": make_anthropic}
ALL = {**SDKS, "langchain": make_langchain}


@pytest.fixture(autouse=True)
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)


def turn_request() -> Request:
    note = Message(role="user", parts=(Part(text="NOTE: tests matter.", cache=True),))
    return Request(
        purpose="discuss",
        system="You argue against the stance.",
        messages=(note, Message.user("I still think tests matter a great deal.")),
        max_tokens=300,
        temperature=0.3,
    )


def collect(backend: Backend, request: Request) -> tuple[list[str], BaseException | None]:
    """The pieces a stream yields, and the error it ends with, if any."""
    pieces: list[str] = []
    try:
        for piece in backend.stream(request):
            pieces.append(piece)
    except BackendError as exc:
        return pieces, exc
    return pieces, None


def without_stream(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in ("stream", "stream_options")}


def leaks(text: str) -> bool:
    return any(piece in text for piece in (KEY, KEY[:8], KEY[-6:], "SECRET"))


@pytest.mark.parametrize("make", ALL.values(), ids=ALL.keys())
class TestEveryBackend:
    def test_pieces_join_to_the_complete_answer(self, fake_llm: FakeLLM, make: Make) -> None:
        backend = make(fake_llm)
        pieces, error = collect(backend, turn_request())
        assert error is None and len(pieces) > 1
        streamed = fake_llm.calls[-1]["json"]
        assert streamed["stream"] is True
        assert "".join(pieces) == backend.complete(turn_request()).text
        plain = fake_llm.calls[-1]["json"]
        assert not plain.get("stream")
        assert without_stream(streamed) == without_stream(plain)  # the request complete() sends

    def test_truncation_raises_after_the_pieces(self, fake_llm: FakeLLM, make: Make) -> None:
        backend = make(fake_llm)
        full = backend.complete(turn_request()).text
        fake_llm.faults = {"truncated": 1.0}
        pieces, error = collect(backend, turn_request())
        assert isinstance(error, TruncatedError) and "output token limit" in str(error)
        assert pieces and "".join(pieces) == full[: len(full) // 2]

    def test_rejected_key_is_auth_error_without_the_key(
        self, fake_llm: FakeLLM, make: Make
    ) -> None:
        fake_llm.key = "the-right-key"
        pieces, error = collect(make(fake_llm), turn_request())
        assert isinstance(error, AuthError) and not pieces
        assert not leaks(str(error)) and not leaks("".join(traceback.format_exception(error)))

    def test_error_before_the_stream_is_mapped(self, fake_llm: FakeLLM, make: Make) -> None:
        fake_llm.faults = {"rate_limit": 1.0}
        pieces, error = collect(make(fake_llm), turn_request())
        assert isinstance(error, RateLimitedError) and not pieces

    def test_structured_request_comes_in_one_piece(self, fake_llm: FakeLLM, make: Make) -> None:
        update = {"purpose": "debate", "output": Debate, "max_tokens": 4096}
        request = turn_request().model_copy(update=update)
        pieces = list(make(fake_llm).stream(request))
        assert len(pieces) == 1
        Debate.model_validate_json(pieces[0])
        assert not fake_llm.calls[-1]["json"].get("stream")


@pytest.mark.parametrize("make", SDKS.values(), ids=SDKS.keys())
def test_refusal_raises(fake_llm: FakeLLM, make: Make) -> None:
    fake_llm.faults = {"refusal": 1.0}
    pieces, error = collect(make(fake_llm), turn_request())
    assert isinstance(error, RefusalError) and REFUSAL in str(error)
    assert "".join(pieces) == ""


def openai_chunk(delta: dict[str, Any], finish: str | None = None) -> str:
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m"}
    return data_event({**chunk, "choices": [choice]})


def test_openai_content_filter_is_a_refusal(fake_llm: FakeLLM) -> None:
    events = [openai_chunk({"content": "Well, "}), openai_chunk({}, "content_filter")]
    fake_llm.script.append((200, {}, EventStream([*events, data_event("[DONE]")])))
    pieces, error = collect(make_openai(fake_llm), turn_request())
    assert pieces == ["Well, "]
    assert isinstance(error, RefusalError) and "content filter" in str(error)


def test_openai_server_that_ignores_stream_is_a_clear_error(fake_llm: FakeLLM) -> None:
    fake_llm.script.append((200, {}, {"id": "c", "object": "chat.completion", "choices": []}))
    with pytest.raises(BackendError, match="no stream events"):
        list(make_openai(fake_llm).stream(turn_request()))


def test_anthropic_error_event_breaks_the_answer_off(fake_llm: FakeLLM) -> None:
    message = {"id": "m", "type": "message", "role": "assistant", "model": "m", "content": []}
    usage = {"input_tokens": 1, "output_tokens": 1}
    block = {"type": "text", "text": ""}
    events: list[dict[str, Any]] = [
        {"type": "message_start", "message": {**message, "usage": usage}},
        {"type": "content_block_start", "index": 0, "content_block": block},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "So"}},
        error_body("anthropic", "overloaded_error", "Overloaded (fake)."),
    ]
    fake_llm.script.append((200, {}, EventStream([named_event(e) for e in events])))
    pieces, error = collect(make_anthropic(fake_llm), turn_request())
    assert pieces == ["So"] and isinstance(error, BackendError)
    assert "broke off the answer (Overloaded (fake).)" in str(error)


@pytest.fixture
def cut_off() -> Iterator[str]:
    """A server that starts a stream (in both formats at once), then drops the connection."""
    events = [openai_chunk({"content": "Half"}), named_event({"type": "ping"})]
    server = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        with server:
            conn = server.accept()[0]
            while not conn.recv(1 << 16):  # a bare connect (a reachability check): next one
                conn.close()
                conn = server.accept()[0]
            with conn:
                _half_stream(conn)

    def _half_stream(conn: socket.socket) -> None:
        head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
        conn.sendall(head + b"transfer-encoding: chunked\r\n\r\n")
        for text in events:
            conn.sendall(b"%x\r\n%s\r\n" % (len(text), text.encode()))
        conn.sendall(b"ff\r\nthe rest never comes")

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"


@pytest.mark.parametrize("backend", [OpenAIBackend, AnthropicBackend])
def test_a_dropped_stream_is_a_backend_error(
    cut_off: str, backend: type[OpenAIBackend | AnthropicBackend]
) -> None:
    url = cut_off + ("/v1" if backend is OpenAIBackend else "")
    options = BackendOptions(base_url=url, max_retries=0, timeout=5.0)
    with pytest.raises(BackendError, match="broke off the answer"):
        list(backend(options).stream(turn_request()))


@pytest.mark.parametrize(
    ("kind", "error"), [("refusal", RefusalError), ("auth", AuthError)], ids=["refusal", "auth"]
)
def test_langchain_model_errors_are_mapped(kind: str, error: type[Exception]) -> None:
    options = {"error": kind, "message": f"no ({KEY})", "api_key": KEY}
    backend = LangChainBackend(BackendOptions(lc_model="lc_fakes:FailingFake", lc_kwargs=options))
    with pytest.raises(error) as caught:
        list(backend.stream(turn_request()))
    assert not leaks(str(caught.value))


class TestCache:
    def test_a_streamed_answer_is_cached(self, fake_llm: FakeLLM, tmp_path: Path) -> None:
        backend = CachedBackend(make_openai(fake_llm), tmp_path / "cache")
        first = list(backend.stream(turn_request()))
        calls = len(fake_llm.calls)
        second = list(backend.stream(turn_request()))
        assert len(fake_llm.calls) == calls and second == ["".join(first)]

    def test_a_truncated_stream_is_not(self, fake_llm: FakeLLM, tmp_path: Path) -> None:
        backend = CachedBackend(make_openai(fake_llm), tmp_path / "cache")
        fake_llm.faults = {"truncated": 1.0}
        with pytest.raises(TruncatedError):
            list(backend.stream(turn_request()))
        fake_llm.faults = {}
        assert len(list(backend.stream(turn_request()))) > 1  # asked again, streamed again
        assert len(fake_llm.calls) == 2


def test_discuss_streams_through_openai(fake_llm: FakeLLM, tmp_path: Path) -> None:
    note = tmp_path / "seed.txt"
    shutil.copy(SEED, note)
    url = fake_llm.url + "/v1"
    args = ["discuss", str(note), "--stance", "1", "-b", "openai", "--base-url", url]
    result = CliRunner().invoke(app, args, input="/quit\n")
    assert result.exit_code == 0, result.stderr
    streamed = [c for c in fake_llm.calls if (c["json"] or {}).get("stream")]
    assert len(streamed) == 1 and "debater (against): [mock]" in result.stdout
    transcript = tmp_path / "seed.discussion.md"
    text = transcript.read_text(encoding="utf-8")
    assert "**debater (against):** [mock]" in text and "### Summary" in text
    assert "saved session 1" in result.stderr
