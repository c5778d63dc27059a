"""LangChainBackend: the `module:Class` loader, fakes from lc_fakes, and ChatOpenAI on the fake."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage

from debater.backends.base import BackendOptions, Message, Request
from debater.backends.langchain import LangChainBackend
from debater.errors import (
    AuthError,
    ContextTooLongError,
    ModelNotFoundError,
    RateLimitedError,
    UsageError,
)
from debater.llm.answers import Debate
from fakellm import FakeLLM

KEY = "sk-lc-test-SECRET-0123456789abcdef"
DEBATE = {
    "support": [
        {
            "title": "t",
            "argument": "a",
            "kind": "logical",
            "strength": "strong",
            "strength_reason": "r",
            "holders": [],
        }
    ],
    "oppose": [],
    "crux": "c",
    "would_change_mind": [],
    "slips": [],
}


def make(spec: str = "lc_fakes:ToolFake", **kwargs: Any) -> LangChainBackend:
    return LangChainBackend(BackendOptions(lc_model=spec, lc_kwargs=kwargs))


def tool_fake(*messages: AIMessage) -> LangChainBackend:
    return make(responses=list(messages))


def debate_request() -> Request:
    return Request(
        purpose="debate", system="Steelman.", messages=(Message.user("x"),), output=Debate
    )


def tool_call(args: dict[str, Any]) -> AIMessage:
    return AIMessage(content="", tool_calls=[{"name": "Debate", "args": args, "id": "call_1"}])


class TestFakes:
    def test_structured_answer(self) -> None:
        response = tool_fake(tool_call(DEBATE)).complete(debate_request())
        assert response.parsed == DEBATE and Debate.model_validate_json(response.text)
        assert response.stop_reason == "end"

    def test_parsing_error_keeps_the_arguments(self) -> None:
        response = tool_fake(tool_call({"crux": 3})).complete(debate_request())
        assert response.parsed is None and response.text == '{"crux": 3}'

    def test_no_tool_call_keeps_the_text(self) -> None:
        response = tool_fake(AIMessage(content="Just prose.")).complete(debate_request())
        assert response.parsed is None and response.text == "Just prose."

    def test_plain_text_with_usage(self) -> None:
        usage = {
            "input_tokens": 10,
            "output_tokens": 3,
            "total_tokens": 13,
            "input_token_details": {"cache_read": 4},
        }
        answer = AIMessage(content="Hello.", usage_metadata=usage)
        request = Request(purpose="discuss", system="", messages=(Message.user("Hi"),))
        response = tool_fake(answer).complete(request)
        assert response.text == "Hello." and response.parsed is None
        assert (response.usage.input_tokens, response.usage.cache_read_tokens) == (6, 4)
        assert response.usage.output_tokens == 3

    def test_truncation_from_metadata(self) -> None:
        answer = AIMessage(content='{"su', response_metadata={"finish_reason": "length"})
        request = Request(purpose="discuss", system="", messages=(Message.user("Hi"),))
        assert tool_fake(answer).complete(request).stop_reason == "max_tokens"

    def test_model_name(self) -> None:
        assert tool_fake(AIMessage(content="")).model == "ToolFake"
        assert make(responses=[], model="llama-x").model == "llama-x"


class TestErrors:
    @pytest.mark.parametrize(
        ("kind", "error"),
        [
            ("auth", AuthError),
            ("not_found", ModelNotFoundError),
            ("rate_limit", RateLimitedError),
            ("context", ContextTooLongError),
        ],
    )
    def test_model_errors_are_mapped(self, kind: str, error: type[Exception]) -> None:
        backend = make("lc_fakes:FailingFake", error=kind, message=f"bad key {KEY}", api_key=KEY)
        with pytest.raises(error) as caught:
            backend.complete(debate_request())
        assert KEY not in str(caught.value) and "SECRET" not in str(caught.value)

    def test_refusal_is_an_answer(self) -> None:
        backend = make("lc_fakes:FailingFake", error="refusal", message="declined")
        response = backend.complete(debate_request())
        assert response.stop_reason == "refusal" and response.refusal == "declined"


class TestLoader:
    @pytest.mark.parametrize(
        ("spec", "message"),
        [
            ("lc_fakes.ToolFake", "package.module:ClassName"),
            ("langchain_nothere:ChatNothing", "pip install langchain-nothere"),
            ("lc_fakes:Missing", "lc_fakes has no Missing"),
            ("lc_fakes:NotAChatModel", "not a LangChain chat model"),
        ],
    )
    def test_bad_specs(self, spec: str, message: str) -> None:
        with pytest.raises(UsageError, match=message):
            make(spec)

    def test_bad_kwargs(self) -> None:
        with pytest.raises(UsageError, match="cannot build lc_fakes:ToolFake"):
            make(responses="not a list", api_key=KEY)

    def test_needs_a_spec(self) -> None:
        with pytest.raises(UsageError, match="--lc-model"):
            LangChainBackend(BackendOptions())
        assert not LangChainBackend.status(BackendOptions()).ready
        assert LangChainBackend.status(BackendOptions(lc_model="lc_fakes:ToolFake")).ready


class TestChatOpenAI:
    def kwargs(self, fake: FakeLLM) -> dict[str, Any]:
        return {"base_url": fake.url + "/v1", "api_key": KEY, "model": "gpt-fake"}

    def test_parsed_debate_through_the_fake_server(self, fake_llm: FakeLLM) -> None:
        backend = make("langchain_openai:ChatOpenAI", **self.kwargs(fake_llm))
        response = backend.complete(debate_request())
        Debate.model_validate(response.parsed)
        assert backend.model == "gpt-fake" and response.usage.output_tokens > 0
        body = fake_llm.calls[-1]["json"]
        assert body["response_format"]["json_schema"]["name"] == "Debate"

    def test_options_fill_in_the_model(self, fake_llm: FakeLLM) -> None:
        kwargs = self.kwargs(fake_llm)
        del kwargs["model"]
        options = BackendOptions(
            lc_model="langchain_openai:ChatOpenAI", lc_kwargs=kwargs, model="gpt-other"
        )
        LangChainBackend(options).complete(debate_request())
        assert fake_llm.calls[-1]["json"]["model"] == "gpt-other"

    def test_options_fill_in_max_retries(self, fake_llm: FakeLLM) -> None:
        options = BackendOptions(
            lc_model="langchain_openai:ChatOpenAI", lc_kwargs=self.kwargs(fake_llm), max_retries=1
        )
        backend = LangChainBackend(options)
        fake_llm.faults = {"rate_limit": 1.0}
        with pytest.raises(RateLimitedError):
            backend.complete(debate_request())
        assert len(fake_llm.calls) == 2

    def test_rejected_key_is_redacted(self, fake_llm: FakeLLM) -> None:
        fake_llm.key = "the-right-key"
        backend = make("langchain_openai:ChatOpenAI", **self.kwargs(fake_llm))
        with pytest.raises(AuthError) as caught:
            backend.complete(debate_request())
        message = str(caught.value)
        assert all(piece not in message for piece in (KEY, KEY[:8], KEY[-6:], "SECRET"))
