"""OpenAIBackend and OllamaBackend through the real openai SDK against the fake server."""

from __future__ import annotations

import json
import socket
import traceback
from typing import Any

import httpx2
import pytest

from debater.backends.base import BackendOptions, Message, Part, Request
from debater.backends.openai import OllamaBackend, OpenAIBackend
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
)
from debater.llm.answers import Debate
from fakellm import FakeLLM
from fakewire import REFUSAL, error_body

KEY = "sk-proj-test-SECRET-0123456789abcdef"


def leaks(text: str) -> bool:
    """Whether any recognisable piece of KEY is in `text`."""
    return any(piece in text for piece in (KEY, KEY[:8], KEY[-6:], "SECRET"))


@pytest.fixture
def env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)


def make(fake: FakeLLM, **options: Any) -> OpenAIBackend:
    settings: dict[str, Any] = {"base_url": fake.url + "/v1", "max_retries": 0, "timeout": 5.0}
    return OpenAIBackend(BackendOptions(**{**settings, **options}))


LONG_NOTE = "NOTE: I think tests matter, because they say what the code must do. " * 90


def debate_request(note_text: str = "NOTE: ", **fields: Any) -> Request:
    note = Message(role="user", parts=(Part(text=note_text, cache=True), Part(text="I think so.")))
    return Request(
        purpose="debate",
        system="You steelman views.",
        messages=(note,),
        output=Debate,
        **fields,
    )


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/v1"


def openai_body(content: str | None, finish: str, **message: object) -> dict[str, object]:
    """A complete chat completion without usage, as some compatible servers send it."""
    choice = {
        "index": 0,
        "finish_reason": finish,
        "message": {"role": "assistant", "content": content, **message},
    }
    return {"id": "c", "object": "chat.completion", "created": 0, "model": "m", "choices": [choice]}


@pytest.mark.usefixtures("env_key")
class TestRequests:
    def test_strict_json_schema(self, fake_llm: FakeLLM) -> None:
        fake_llm.key = KEY
        response = make(fake_llm).complete(debate_request())
        Debate.model_validate(response.parsed)
        assert response.stop_reason == "end"
        sent = fake_llm.calls[-1]
        assert sent["path"] == "/v1/chat/completions"
        fmt = sent["json"]["response_format"]
        assert fmt["type"] == "json_schema"
        spec = fmt["json_schema"]
        assert spec["name"] == "Debate" and spec["strict"] is True
        assert spec["schema"]["additionalProperties"] is False
        assert set(spec["schema"]["required"]) == set(Debate.model_fields)
        assert sent["json"]["messages"] == [
            {"role": "system", "content": "You steelman views."},
            {"role": "user", "content": "NOTE: I think so."},
        ]

    def test_a_reasoning_model_behind_a_gateway_gets_max_completion_tokens(
        self, fake_llm: FakeLLM
    ) -> None:
        response = make(fake_llm).complete(debate_request(max_tokens=321, temperature=0.2))
        body = fake_llm.calls[-1]["json"]
        assert body["model"] == "gpt-5.5" and "max_tokens" not in body
        assert body["max_completion_tokens"] > 321  # room for its reasoning
        assert "temperature" not in body
        assert response.stop_reason == "end" and response.usage.thinking_tokens > 0

    def test_a_vendor_prefixed_model_is_known_by_its_family(self, fake_llm: FakeLLM) -> None:
        backend = make(fake_llm, model="openai/gpt-5.5")
        assert backend.facts.family == "gpt-5.5"

    def test_effort_becomes_reasoning_effort(self, fake_llm: FakeLLM) -> None:
        make(fake_llm).complete(debate_request(effort="low"))
        assert fake_llm.calls[-1]["json"]["reasoning_effort"] == "low"

    def test_a_local_model_gets_max_tokens_and_temperature(self, fake_llm: FakeLLM) -> None:
        make(fake_llm, model="qwen2.5").complete(debate_request(max_tokens=321, temperature=0.2))
        body = fake_llm.calls[-1]["json"]
        assert body["max_tokens"] == 321 and "max_completion_tokens" not in body
        assert body["temperature"] == 0.2 and "reasoning_effort" not in body

    def test_official_api_gets_max_completion_tokens(self) -> None:
        bodies = []

        def handler(request: httpx2.Request) -> httpx2.Response:
            bodies.append(json.loads(request.content))
            return httpx2.Response(200, json=openai_body("{}", "stop"))

        client = httpx2.Client(transport=httpx2.MockTransport(handler))
        backend = OpenAIBackend(BackendOptions(max_retries=0, http_client=client))
        backend.complete(debate_request(max_tokens=321, effort="low"))
        assert "max_tokens" not in bodies[0] and bodies[0]["max_completion_tokens"] > 321
        assert bodies[0]["model"] == OpenAIBackend.default_model

    def test_usage_with_cached_tokens(self, fake_llm: FakeLLM) -> None:
        backend = make(fake_llm)
        first = backend.complete(debate_request(LONG_NOTE)).usage
        second = backend.complete(debate_request(LONG_NOTE)).usage
        assert first.cache_read_tokens == 0 and second.cache_read_tokens > 0
        assert second.input_tokens == first.input_tokens - second.cache_read_tokens

    def test_missing_usage_is_tolerated(self, fake_llm: FakeLLM) -> None:
        fake_llm.script.append((200, {}, openai_body('{"a": 1}', "stop")))
        response = make(fake_llm).complete(debate_request())
        assert response.parsed == {"a": 1} and response.usage.input_tokens == 0

    def test_plain_text(self, fake_llm: FakeLLM) -> None:
        request = Request(purpose="discuss", system="", messages=(Message.user("Hi"),))
        response = make(fake_llm).complete(request)
        assert response.parsed is None and response.text
        body = fake_llm.calls[-1]["json"]
        assert "response_format" not in body and "temperature" not in body
        assert body["messages"] == [{"role": "user", "content": "Hi"}]

    def test_env_base_url(self, fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("OPENAI_BASE_URL", fake_llm.url + "/v1")
        backend = OpenAIBackend(BackendOptions(max_retries=0))
        assert backend.base_url == fake_llm.url + "/v1"
        backend.complete(debate_request())
        assert fake_llm.calls


@pytest.mark.usefixtures("env_key")
class TestAnswers:
    def test_refusal(self, fake_llm: FakeLLM) -> None:
        fake_llm.faults = {"refusal": 1.0}
        response = make(fake_llm).complete(debate_request())
        assert response.stop_reason == "refusal" and response.refusal == REFUSAL
        assert response.parsed is None

    def test_content_filter_is_a_refusal(self, fake_llm: FakeLLM) -> None:
        fake_llm.script.append((200, {}, openai_body(None, "content_filter")))
        response = make(fake_llm).complete(debate_request())
        assert response.stop_reason == "refusal" and response.refusal

    def test_truncated(self, fake_llm: FakeLLM) -> None:
        fake_llm.faults = {"truncated": 1.0}
        response = make(fake_llm).complete(debate_request())
        assert response.stop_reason == "max_tokens" and response.parsed is None and response.text

    def test_malformed_json_keeps_text(self, fake_llm: FakeLLM) -> None:
        fake_llm.faults = {"malformed": 1.0}
        for _ in range(3):
            response = make(fake_llm).complete(debate_request())
            assert response.parsed is None and response.text and response.stop_reason == "end"


@pytest.mark.usefixtures("env_key")
class TestErrors:
    def test_rejected_key_is_redacted(self, fake_llm: FakeLLM) -> None:
        fake_llm.key = "the-right-key"
        with pytest.raises(AuthError) as caught:
            make(fake_llm).complete(debate_request())
        message = str(caught.value)
        assert "OPENAI_API_KEY" in message and "Incorrect API key" in message
        assert not leaks(message)
        assert not leaks("".join(traceback.format_exception(caught.value)))

    def test_full_key_echo_is_redacted(self, fake_llm: FakeLLM) -> None:
        fake_llm.script.append((401, {}, error_body("openai", "invalid_request_error", KEY)))
        with pytest.raises(AuthError) as caught:
            make(fake_llm).complete(debate_request())
        assert not leaks(str(caught.value))

    def test_unknown_model(self, fake_llm: FakeLLM) -> None:
        fake_llm.unknown_models = {"gpt-nope"}
        with pytest.raises(ModelNotFoundError, match="gpt-nope") as caught:
            make(fake_llm, model="gpt-nope").complete(debate_request())
        assert "--model" in str(caught.value)

    def test_rate_limit_is_retried_then_reported(self, fake_llm: FakeLLM) -> None:
        fake_llm.faults = {"rate_limit": 1.0}
        with pytest.raises(RateLimitedError, match="after 2 retries"):
            make(fake_llm, max_retries=2).complete(debate_request())
        assert len(fake_llm.calls) == 3

    def test_server_error_is_retried_then_transient(self, fake_llm: FakeLLM) -> None:
        fake_llm.faults = {"server_error": 1.0}
        with pytest.raises(RateLimitedError):
            make(fake_llm, max_retries=1).complete(debate_request())
        assert len(fake_llm.calls) == 2

    def test_insufficient_quota_is_not_retried(self, fake_llm: FakeLLM) -> None:
        fake_llm.billing = True
        with pytest.raises(QuotaError, match="billing") as caught:
            make(fake_llm, max_retries=4).complete(debate_request())
        assert len(fake_llm.calls) == 1 and "concurrency" not in str(caught.value)

    def test_a_long_retry_after_is_reported(self, fake_llm: FakeLLM) -> None:
        fake_llm.rate_limited = True
        fake_llm.rate_limit_retry_after = 600
        with pytest.raises(RetryLaterError, match="10 min"):
            make(fake_llm, max_retries=4).complete(debate_request())
        assert len(fake_llm.calls) == 1

    def test_403_is_a_permission_problem(self, fake_llm: FakeLLM) -> None:
        fake_llm.permission = True
        with pytest.raises(PermissionDeniedError, match="the key works"):
            make(fake_llm).complete(debate_request())

    def test_context_length_exceeded(self, fake_llm: FakeLLM) -> None:
        message = "This model's maximum context length is 128000 tokens."
        body = error_body("openai", "invalid_request_error", message, "context_length_exceeded")
        fake_llm.script.append((400, {}, body))
        with pytest.raises(ContextTooLongError):
            make(fake_llm).complete(debate_request())

    def test_connection_refused_names_the_url(self) -> None:
        url = closed_port_url()
        backend = OpenAIBackend(BackendOptions(base_url=url, max_retries=0, timeout=2.0))
        with pytest.raises(ServerUnreachableError, match=url) as caught:
            backend.complete(debate_request())
        assert "OPENAI_BASE_URL" in str(caught.value)


@pytest.mark.usefixtures("env_key")
@pytest.mark.parametrize("content_type", ["text/html", "application/json"])
def test_junk_answer_is_a_clear_error(fake_llm: FakeLLM, content_type: str) -> None:
    fake_llm.script.append((200, {"content-type": content_type}, "<html>a portal</html>"))
    with pytest.raises(BackendError, match="is this the right server"):
        make(fake_llm).complete(debate_request())


def test_empty_choices_are_an_other_stop(fake_llm: FakeLLM) -> None:
    body = {"id": "c", "object": "chat.completion", "created": 0, "model": "m", "choices": []}
    fake_llm.script.append((200, {}, body))
    assert make(fake_llm).complete(debate_request()).stop_reason == "other"


class TestKeys:
    def test_missing_key_says_how_to_fix(self) -> None:
        with pytest.raises(AuthError, match="OPENAI_API_KEY is not set: export it") as caught:
            OpenAIBackend(BackendOptions())
        assert "--base-url" in str(caught.value) and "--backend" in str(caught.value)

    def test_local_server_needs_no_key(self, fake_llm: FakeLLM) -> None:
        make(fake_llm).complete(debate_request())
        assert fake_llm.calls[-1]["headers"]["authorization"] == "Bearer not-needed"

    def test_status(self, fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch) -> None:
        assert not OpenAIBackend.status(BackendOptions()).ready
        assert OpenAIBackend.status(BackendOptions(base_url=fake_llm.url + "/v1")).ready
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        status = OpenAIBackend.status(BackendOptions())
        assert status.ready and not leaks(status.detail)


class TestOllama:
    def test_preset(self) -> None:
        backend = OllamaBackend(BackendOptions())
        assert backend.base_url == "http://127.0.0.1:11434/v1"
        assert backend.model == OllamaBackend.default_model and backend.name == "ollama"

    def test_sends_a_dummy_key_not_the_openai_key(
        self, fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        options = BackendOptions(base_url=fake_llm.url + "/v1", max_retries=0)
        response = OllamaBackend(options).complete(debate_request())
        assert response.parsed is not None
        assert fake_llm.calls[-1]["headers"]["authorization"] == "Bearer ollama"

    def test_status_reachable(self, fake_llm: FakeLLM) -> None:
        status = OllamaBackend.status(BackendOptions(base_url=fake_llm.url + "/v1"))
        assert status.ready and fake_llm.calls[-1]["path"] == "/v1/models"

    def test_status_unreachable(self) -> None:
        url = closed_port_url()
        status = OllamaBackend.status(BackendOptions(base_url=url))
        assert not status.ready and url in status.detail and "ollama serve" in status.detail

    def test_connection_error_says_start_ollama(self) -> None:
        options = BackendOptions(base_url=closed_port_url(), max_retries=0)
        with pytest.raises(ServerUnreachableError, match="ollama serve"):
            OllamaBackend(options).complete(debate_request())
