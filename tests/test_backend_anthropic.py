"""AnthropicBackend through the real anthropic SDK against the fake server."""

from __future__ import annotations

import socket
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx2
import pytest

from debater.backends.anthropic import AnthropicBackend
from debater.backends.base import BackendOptions, Message, Part, Request
from debater.errors import (
    AuthError,
    BackendError,
    ContextTooLongError,
    ModelNotFoundError,
    PermissionDeniedError,
    QuotaError,
    RateLimitedError,
    RetryLaterError,
    ServerUnreachableError,
    UsageError,
)
from debater.llm.answers import Debate, Extraction
from fakellm import FakeLLM
from fakewire import REFUSAL, error_body

KEY = "sk-ant-test-SECRET-0123456789abcdef"


def leaks(text: str) -> bool:
    """Whether any recognisable piece of KEY is in `text`."""
    return any(piece in text for piece in (KEY, KEY[:8], KEY[-6:], "SECRET"))


@pytest.fixture
def env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)


def make(fake: FakeLLM, **options: Any) -> AnthropicBackend:
    settings: dict[str, Any] = {"base_url": fake.url, "max_retries": 0, "timeout": 5.0}
    return AnthropicBackend(BackendOptions(**{**settings, **options}))


LONG_NOTE = "NOTE: I think tests matter, because they say what the code must do. " * 60


def debate_request(note_text: str = "NOTE: I think tests matter.", **fields: Any) -> Request:
    note = Message(role="user", parts=(Part(text=note_text, cache=True),))
    question = Message.user("Argue both sides.")
    return Request(
        purpose="debate",
        system="You steelman views.",
        messages=(note, question),
        output=Debate,
        **fields,
    )


@pytest.mark.usefixtures("env_key")
class TestRequests:
    def test_native_structured_output(self, fake_llm: FakeLLM) -> None:
        fake_llm.key = KEY
        response = make(fake_llm).complete(debate_request())
        Debate.model_validate(response.parsed)
        assert response.stop_reason == "end" and response.text.startswith("{")
        sent = fake_llm.calls[-1]
        assert sent["path"] == "/v1/messages"
        assert sent["headers"]["authorization"] == f"Bearer {KEY}"
        fmt = sent["json"]["output_config"]["format"]
        assert fmt["type"] == "json_schema" and fmt["schema"]["title"] == "Debate"
        assert "tools" not in sent["json"] and "temperature" not in sent["json"]

    def test_cache_control_on_system_and_marked_parts(self, fake_llm: FakeLLM) -> None:
        make(fake_llm).complete(debate_request())
        body = fake_llm.calls[-1]["json"]
        assert body["system"] == [
            {"type": "text", "text": "You steelman views.", "cache_control": {"type": "ephemeral"}}
        ]
        note, question = body["messages"]
        assert note["content"][0]["cache_control"] == {"type": "ephemeral"}
        assert "cache_control" not in question["content"][0]

    def test_at_most_four_breakpoints(self, fake_llm: FakeLLM) -> None:
        parts = tuple(Part(text=f"part {i}", cache=True) for i in range(6))
        request = debate_request().model_copy(
            update={"messages": (Message(role="user", parts=parts),)}
        )
        make(fake_llm).complete(request)
        body = fake_llm.calls[-1]["json"]
        marked = [b for b in body["messages"][0]["content"] if "cache_control" in b]
        assert [b["text"] for b in marked] == ["part 3", "part 4", "part 5"]

    def test_usage_reports_cache_writes_then_reads(self, fake_llm: FakeLLM) -> None:
        backend = make(fake_llm)
        first = backend.complete(debate_request(LONG_NOTE)).usage
        second = backend.complete(debate_request(LONG_NOTE)).usage
        assert first.cache_write_tokens > 0 and first.cache_read_tokens == 0
        assert second.cache_read_tokens == first.cache_write_tokens
        assert second.cache_write_tokens == 0 and second.output_tokens > 0

    def test_a_prefix_below_the_minimum_is_not_cached(self, fake_llm: FakeLLM) -> None:
        backend = make(fake_llm)
        backend.complete(debate_request())
        usage = backend.complete(debate_request()).usage
        assert usage.cache_read_tokens == usage.cache_write_tokens == 0

    def test_tool_mode_on_a_model_that_takes_a_forced_tool(self, fake_llm: FakeLLM) -> None:
        backend = make(fake_llm, structured="tool", model="claude-haiku-4-5")
        response = backend.complete(debate_request())
        assert Debate.model_validate(response.parsed)
        assert Debate.model_validate_json(response.text)
        body = fake_llm.calls[-1]["json"]
        assert body["tool_choice"] == {"type": "tool", "name": "Debate"}
        assert body["tools"][0]["name"] == "Debate" and "output_config" not in body

    def test_tool_mode_on_the_default_model_uses_native_output(
        self, fake_llm: FakeLLM, caplog: pytest.LogCaptureFixture
    ) -> None:
        backend = make(fake_llm, structured="tool")
        assert "cannot work" in caplog.text
        for _ in range(3):
            assert Debate.model_validate(backend.complete(debate_request()).parsed)
        body = fake_llm.calls[-1]["json"]
        assert "tool_choice" not in body and "format" in body["output_config"]
        assert caplog.text.count("cannot work") == 1

    def test_temperature_only_for_models_that_take_it(self, fake_llm: FakeLLM) -> None:
        # create() has no temperature kwarg: the call would raise TypeError if it were one.
        make(fake_llm, model="claude-haiku-4-5").complete(debate_request(temperature=0.3))
        assert fake_llm.calls[-1]["json"]["temperature"] == 0.3
        make(fake_llm).complete(debate_request(temperature=0.3))
        assert "temperature" not in fake_llm.calls[-1]["json"]

    def test_the_budget_leaves_room_for_thinking(self, fake_llm: FakeLLM) -> None:
        response = make(fake_llm).complete(debate_request(max_tokens=1536, effort="low"))
        body = fake_llm.calls[-1]["json"]
        assert body["output_config"]["effort"] == "low" and body["max_tokens"] > 1536
        assert response.stop_reason == "end" and Debate.model_validate(response.parsed)
        assert 0 < response.usage.thinking_tokens < response.usage.output_tokens

    def test_no_effort_sent_to_a_model_without_one(self, fake_llm: FakeLLM) -> None:
        make(fake_llm, model="claude-sonnet-4-5").complete(debate_request(effort="high"))
        body = fake_llm.calls[-1]["json"]
        assert "effort" not in body["output_config"] and body["max_tokens"] == 4096

    def test_large_max_tokens_needs_no_streaming(self, fake_llm: FakeLLM) -> None:
        make(fake_llm, model="claude-haiku-4-5").complete(debate_request(max_tokens=64000))
        assert fake_llm.calls[-1]["json"]["max_tokens"] == 64000
        make(fake_llm).complete(debate_request(max_tokens=200_000))
        assert fake_llm.calls[-1]["json"]["max_tokens"] == 128_000  # the model's limit

    def test_one_client_shared_by_threads(
        self, fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        fake_llm.latency = 0.05
        backend = make(fake_llm)
        built: list[object] = []
        build = backend._build_client

        def counting(*args: Any) -> Any:
            built.append(args)
            return build(*args)

        monkeypatch.setattr(backend, "_build_client", counting)
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: backend.complete(debate_request()), range(16)))
        assert all(a.parsed for a in answers) and fake_llm.stats()["requests"] == 16
        assert len(built) == 1  # one SDK client (and connection pool) for every thread

    def test_plain_text(self, fake_llm: FakeLLM) -> None:
        request = Request(purpose="discuss", system="", messages=(Message.user("Hello"),))
        response = make(fake_llm).complete(request)
        assert response.parsed is None and response.text and response.stop_reason == "end"
        assert "output_config" not in fake_llm.calls[-1]["json"]
        assert "system" not in fake_llm.calls[-1]["json"]

    def test_model_default_and_override(self, fake_llm: FakeLLM) -> None:
        assert make(fake_llm).model == AnthropicBackend.default_model
        make(fake_llm, model="claude-haiku-5-5").complete(debate_request())
        assert fake_llm.calls[-1]["json"]["model"] == "claude-haiku-5-5"

    def test_http_client_option(self) -> None:
        seen = []

        def handler(request: httpx2.Request) -> httpx2.Response:
            seen.append(request.url)
            return httpx2.Response(500, json=error_body("anthropic", "api_error", "boom"))

        client = httpx2.Client(transport=httpx2.MockTransport(handler))
        backend = AnthropicBackend(BackendOptions(max_retries=0, http_client=client))
        with pytest.raises(RateLimitedError):
            backend.complete(debate_request())
        assert str(seen[0]) == "https://api.anthropic.com/v1/messages"

    def test_auth_token_is_used_when_no_api_key(
        self, fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("ANTHROPIC_API_KEY")
        monkeypatch.setenv("ANTHROPIC_AUTH_TOKEN", "token-123456")
        make(fake_llm).complete(debate_request())
        assert fake_llm.calls[-1]["headers"]["authorization"] == "Bearer token-123456"


@pytest.mark.usefixtures("env_key")
class TestAnswers:
    def test_refusal(self, fake_llm: FakeLLM) -> None:
        fake_llm.faults = {"refusal": 1.0}
        response = make(fake_llm).complete(debate_request())
        assert response.stop_reason == "refusal" and response.refusal == REFUSAL
        assert response.parsed is None

    def test_truncated(self, fake_llm: FakeLLM) -> None:
        fake_llm.faults = {"truncated": 1.0}
        response = make(fake_llm).complete(debate_request())
        assert response.stop_reason == "max_tokens"
        assert response.parsed is None and response.text

    def test_malformed_json_keeps_text(self, fake_llm: FakeLLM) -> None:
        fake_llm.faults = {"malformed": 1.0}
        for _ in range(3):  # both kinds: prose and broken JSON
            response = make(fake_llm).complete(debate_request())
            assert response.parsed is None and response.text and response.stop_reason == "end"

    def test_extraction_schema(self, fake_llm: FakeLLM) -> None:
        request = Request(
            purpose="extract",
            system="Find stances.",
            messages=(Message.user("x"),),
            output=Extraction,
        )
        Extraction.model_validate(make(fake_llm).complete(request).parsed)


@pytest.mark.usefixtures("env_key")
class TestErrors:
    def test_rejected_key_is_redacted(self, fake_llm: FakeLLM) -> None:
        fake_llm.key = "the-right-key"
        with pytest.raises(AuthError) as caught:
            make(fake_llm).complete(debate_request())
        message = str(caught.value)
        assert "ANTHROPIC_API_KEY" in message and "Incorrect API key" in message
        assert not leaks(message)
        assert not leaks("".join(traceback.format_exception(caught.value)))

    def test_full_key_echo_is_redacted(self, fake_llm: FakeLLM) -> None:
        fake_llm.script.append(
            (401, {}, error_body("anthropic", "authentication_error", f"key {KEY} is bad"))
        )
        with pytest.raises(AuthError) as caught:
            make(fake_llm).complete(debate_request())
        assert not leaks(str(caught.value))

    def test_403_is_a_permission_problem_not_a_bad_key(self, fake_llm: FakeLLM) -> None:
        fake_llm.permission = True
        with pytest.raises(PermissionDeniedError, match="the key works") as caught:
            make(fake_llm).complete(debate_request())
        assert "--model" in str(caught.value)

    def test_an_empty_credit_balance_stops_at_once(self, fake_llm: FakeLLM) -> None:
        fake_llm.billing = True
        with pytest.raises(QuotaError, match="billing"):
            make(fake_llm, max_retries=4).complete(debate_request())
        assert len(fake_llm.calls) == 1

    def test_a_long_retry_after_is_reported_not_slept_through(self, fake_llm: FakeLLM) -> None:
        fake_llm.rate_limited = True
        fake_llm.rate_limit_retry_after = 3600
        with pytest.raises(RetryLaterError, match=r"1\.0 h"):
            make(fake_llm, max_retries=4).complete(debate_request())
        assert len(fake_llm.calls) == 1

    def test_unknown_model(self, fake_llm: FakeLLM) -> None:
        fake_llm.unknown_models = {"claude-nope"}
        with pytest.raises(ModelNotFoundError, match="claude-nope") as caught:
            make(fake_llm, model="claude-nope").complete(debate_request())
        assert "--model" in str(caught.value)

    def test_rate_limit_is_retried_then_reported(self, fake_llm: FakeLLM) -> None:
        fake_llm.faults = {"rate_limit": 1.0}
        with pytest.raises(RateLimitedError, match="after 2 retries") as caught:
            make(fake_llm, max_retries=2).complete(debate_request())
        assert "--concurrency" in str(caught.value)
        assert [c["headers"]["x-stainless-retry-count"] for c in fake_llm.calls] == ["0", "1", "2"]

    @pytest.mark.parametrize("fault", ["server_error", "overloaded"])
    def test_server_errors_are_retried_then_transient(self, fake_llm: FakeLLM, fault: str) -> None:
        fake_llm.faults = {fault: 1.0}
        with pytest.raises(RateLimitedError, match="overloaded"):
            make(fake_llm, max_retries=1).complete(debate_request())
        assert len(fake_llm.calls) == 2

    def test_retry_then_success(self, fake_llm: FakeLLM) -> None:
        fake_llm.script.append((429, {"retry-after-ms": "1"}, error_body("anthropic", "x", "slow")))
        response = make(fake_llm, max_retries=1).complete(debate_request())
        assert response.parsed is not None and len(fake_llm.calls) == 2

    @pytest.mark.parametrize(
        ("status", "message"),
        [(400, "prompt is too long: 250000 tokens > 200000 maximum"), (413, "Request too large")],
    )
    def test_context_too_long(self, fake_llm: FakeLLM, status: int, message: str) -> None:
        fake_llm.script.append(
            (status, {}, error_body("anthropic", "invalid_request_error", message))
        )
        with pytest.raises(ContextTooLongError):
            make(fake_llm).complete(debate_request())

    def test_connection_refused_names_the_url(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        backend = AnthropicBackend(BackendOptions(base_url=url, max_retries=0, timeout=2.0))
        with pytest.raises(ServerUnreachableError, match=url) as caught:
            backend.complete(debate_request())
        assert "--base-url" in str(caught.value)


@pytest.mark.usefixtures("env_key")
@pytest.mark.parametrize("content_type", ["text/html", "application/json"])
def test_junk_answer_is_a_clear_error(fake_llm: FakeLLM, content_type: str) -> None:
    fake_llm.script.append((200, {"content-type": content_type}, "<html>a portal</html>"))
    with pytest.raises(BackendError, match="is this the right server"):
        make(fake_llm).complete(debate_request())


@pytest.mark.usefixtures("env_key")
def test_missing_package_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "anthropic", None)
    with pytest.raises(UsageError, match="pip install anthropic"):
        AnthropicBackend(BackendOptions())


def test_missing_key_says_how_to_fix() -> None:
    with pytest.raises(AuthError, match="ANTHROPIC_API_KEY is not set: export it") as caught:
        AnthropicBackend(BackendOptions())
    assert "--backend" in str(caught.value)


def test_status_never_shows_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not AnthropicBackend.status(BackendOptions()).ready
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    status = AnthropicBackend.status(BackendOptions())
    assert status.ready and not leaks(status.detail)
