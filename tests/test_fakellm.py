"""The fake server: bodies that pass the SDKs' strict validation, and the real APIs' refusals.

One test per rule of fakerules.py / fakecache.py / fakeollama.py, driving the fake through the real
SDKs (max_retries=0, strict response validation) or raw HTTP where an SDK would not send the body.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Protocol

import anthropic
import ollama
import openai
import pytest

from debater.llm.answers import Debate, Extraction, Reply
from fakecache import PromptCache, openai_plan
from fakellm import FAULTS, FakeLLM, _fault_args
from fakeollama import fit
from fakerules import claude, cut, tokens

# Tests that use claude-opus-4-5 on purpose: the SDK warns it is deprecated.
pytestmark = pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")

NOTE = "Dario thinks AI won't have gaps. 我不同意: data is the hard part."
PLAIN = "claude-haiku-4-5"  # no thinking unless asked, sampling and forced tools accepted
NEWEST = ("claude-sonnet-5-5", "claude-opus-5-5", "claude-fable-5-1")
LONG = "The same long instructions, word for word. " * 120
LONG_TOKENS = tokens(LONG)  # 1,290
EPHEMERAL = {"type": "ephemeral"}


class Server(Protocol):
    """A fake server, in this process or another: where it listens."""

    url: str


class Remote:
    def __init__(self, url: str) -> None:
        self.url = url


def strict_anthropic(fake: Server, retries: int = 0) -> anthropic.Anthropic:
    # An explicit timeout lifts the SDK's "streaming is required" guard on big max_tokens.
    return anthropic.Anthropic(
        api_key="k",
        base_url=fake.url,
        max_retries=retries,
        timeout=30,
        _strict_response_validation=True,
    )


def strict_openai(fake: Server, retries: int = 0) -> openai.OpenAI:
    return openai.OpenAI(
        api_key="k",
        base_url=fake.url + "/v1",
        max_retries=retries,
        _strict_response_validation=True,
    )


def ask_anthropic(fake: Server, model: str = PLAIN, max_tokens: int = 4000, **extra: Any) -> Any:
    extra.setdefault("messages", [{"role": "user", "content": NOTE}])
    return strict_anthropic(fake).messages.create(model=model, max_tokens=max_tokens, **extra)


def ask_openai(fake: FakeLLM, model: str = "gpt-4.1", **extra: Any) -> Any:
    extra.setdefault("messages", [{"role": "user", "content": NOTE}])
    return strict_openai(fake).chat.completions.create(model=model, **extra)


def rejected(call: Any, error: type[Exception] = anthropic.BadRequestError) -> str:
    """The message of the error `call()` raises."""
    with pytest.raises(error) as caught:
        call()
    return str(caught.value)


def post(fake: FakeLLM, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    """A raw JSON POST: (status, decoded body)."""
    data = json.dumps(body).encode()
    request = urllib.request.Request(fake.url + path, data, {"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def get(fake: FakeLLM, path: str) -> Any:
    with urllib.request.urlopen(fake.url + path, timeout=5) as answer:
        return json.loads(answer.read())


def native(model: type[Any]) -> dict[str, Any]:
    return {"format": {"type": "json_schema", "schema": anthropic.transform_schema(model)}}


def strict_format(schema: dict[str, Any], name: str = "Answer") -> dict[str, Any]:
    return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}


def cached_system(text: str = LONG, ttl: str | None = None) -> list[dict[str, Any]]:
    control = {**EPHEMERAL, "ttl": ttl} if ttl else EPHEMERAL
    return [{"type": "text", "text": text, "cache_control": control}]


# ---- what the fake answers: the mock's answers in bodies the SDKs accept ----


def test_anthropic_native_answers_come_from_the_mock(fake_llm: FakeLLM) -> None:
    for model in (Extraction, Debate, Reply):
        message = ask_anthropic(fake_llm, output_config=native(model))
        assert message.stop_reason == "end_turn"
        model.model_validate_json(message.content[0].text)


def test_anthropic_tool_use(fake_llm: FakeLLM) -> None:
    tool = {"name": "Debate", "input_schema": Debate.model_json_schema()}
    message = ask_anthropic(fake_llm, tools=[tool], tool_choice={"type": "tool", "name": "Debate"})
    block = message.content[0]
    assert message.stop_reason == "tool_use" and block.type == "tool_use"
    Debate.model_validate(block.input)


@pytest.mark.parametrize("fault", ["refusal", "truncated", "malformed"])
def test_anthropic_content_faults_are_valid_bodies(fake_llm: FakeLLM, fault: str) -> None:
    fake_llm.faults = {fault: 1.0}
    message = ask_anthropic(fake_llm, output_config=native(Debate))
    expected = {"refusal": "refusal", "truncated": "max_tokens", "malformed": "end_turn"}
    assert message.stop_reason == expected[fault]
    assert fake_llm.stats()[f"fault_{fault}"] == 1


def test_openai_json_schema_and_tools(fake_llm: FakeLLM) -> None:
    schema = openai.pydantic_function_tool(Reply)["function"]["parameters"]
    completion = ask_openai(fake_llm, response_format=strict_format(schema, "Reply"))
    Reply.model_validate_json(completion.choices[0].message.content)
    completion = ask_openai(fake_llm, tools=[openai.pydantic_function_tool(Reply)])
    call = completion.choices[0].message.tool_calls[0]
    assert completion.choices[0].finish_reason == "tool_calls"
    Reply.model_validate_json(call.function.arguments)


def test_openai_plain_text_and_refusal(fake_llm: FakeLLM) -> None:
    assert ask_openai(fake_llm).choices[0].message.content
    fake_llm.faults = {"refusal": 1.0}
    assert ask_openai(fake_llm).choices[0].message.refusal


def stream_anthropic(fake: FakeLLM, model: str = PLAIN, **extra: Any) -> tuple[list[str], Any]:
    """The text pieces and the final message of a streamed Messages request."""
    with strict_anthropic(fake).messages.stream(
        model=model, max_tokens=8000, messages=[{"role": "user", "content": NOTE}], **extra
    ) as stream:
        return list(stream.text_stream), stream.get_final_message()


def test_anthropic_stream_is_the_same_answer_in_events(fake_llm: FakeLLM) -> None:
    plain = ask_anthropic(fake_llm, max_tokens=8000).content[0].text
    pieces, message = stream_anthropic(fake_llm)
    assert len(pieces) > 1 and "".join(pieces) == plain == message.content[0].text
    assert message.stop_reason == "end_turn" and message.usage.output_tokens > 1
    assert fake_llm.stats()["status_200"] == 2


@pytest.mark.parametrize("fault", ["truncated", "refusal"])
def test_anthropic_stream_faults(fake_llm: FakeLLM, fault: str) -> None:
    fake_llm.faults = {fault: 1.0}
    _, message = stream_anthropic(fake_llm)
    assert message.stop_reason == {"truncated": "max_tokens", "refusal": "refusal"}[fault]
    assert (message.stop_details is not None) == (fault == "refusal")


def test_anthropic_stream_of_a_tool_call(fake_llm: FakeLLM) -> None:
    tool = {"name": "Debate", "input_schema": Debate.model_json_schema()}
    choice = {"type": "tool", "name": "Debate"}
    _, message = stream_anthropic(fake_llm, tools=[tool], tool_choice=choice)
    assert message.stop_reason == "tool_use" and message.content[0].type == "tool_use"
    Debate.model_validate(message.content[0].input)


def test_openai_stream_is_the_same_answer_in_chunks(fake_llm: FakeLLM) -> None:
    plain = ask_openai(fake_llm).choices[0].message.content
    chunks = list(ask_openai(fake_llm, stream=True, stream_options={"include_usage": True}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert len(chunks) > 3 and text == plain
    assert chunks[-2].choices[0].finish_reason == "stop"
    assert not chunks[-1].choices and chunks[-1].usage.completion_tokens > 0


@pytest.mark.parametrize("fault", ["truncated", "refusal"])
def test_openai_stream_faults(fake_llm: FakeLLM, fault: str) -> None:
    fake_llm.faults = {fault: 1.0}
    chunks = list(ask_openai(fake_llm, stream=True))
    refusal = "".join(c.choices[0].delta.refusal or "" for c in chunks)
    assert chunks[-1].choices[0].finish_reason == {"truncated": "length", "refusal": "stop"}[fault]
    assert bool(refusal) == (fault == "refusal")


def test_openai_stream_of_a_tool_call(fake_llm: FakeLLM) -> None:
    tools = [openai.pydantic_function_tool(Reply)]
    with strict_openai(fake_llm).chat.completions.stream(
        model="gpt-4.1", messages=[{"role": "user", "content": NOTE}], tools=tools
    ) as stream:
        completion = stream.get_final_completion()
    calls = completion.choices[0].message.tool_calls or []
    assert completion.choices[0].finish_reason == "tool_calls"
    Reply.model_validate(calls[0].function.parsed_arguments)


def test_stream_errors_come_before_the_stream(fake_llm: FakeLLM) -> None:
    fake_llm.faults = {"overloaded": 1.0}
    with pytest.raises(openai.InternalServerError):
        ask_openai(fake_llm, stream=True)
    assert fake_llm.calls[-1]["json"]["stream"] is True


def test_errors_have_the_real_shape(fake_llm: FakeLLM) -> None:
    fake_llm.faults = {"overloaded": 1.0}
    with pytest.raises(anthropic.OverloadedError) as caught:
        ask_anthropic(fake_llm)
    assert caught.value.type == "overloaded_error"
    fake_llm.faults, fake_llm.key = {}, "right"
    with pytest.raises(openai.AuthenticationError) as denied:
        ask_openai(fake_llm)
    assert denied.value.code == "invalid_api_key" and "Incorrect API key" in denied.value.message


def test_script_overrides_and_counts(fake_llm: FakeLLM) -> None:
    fake_llm.script.append((429, {"retry-after-ms": "1"}, {"type": "error", "error": {}}))
    strict_anthropic(fake_llm, retries=1).messages.create(
        model=PLAIN, max_tokens=10, messages=[{"role": "user", "content": "hi"}]
    )
    stats = fake_llm.stats()
    assert stats["requests"] == 2 and stats["status_429"] == 1 and stats["status_200"] == 1


def test_calls_record_status_usage_and_temperature(fake_llm: FakeLLM) -> None:
    ask_anthropic(fake_llm, extra_body={"temperature": 0.3})
    ask_openai(fake_llm)
    first, second = fake_llm.calls
    assert first["status"] == second["status"] == 200
    assert first["usage"]["output_tokens"] > 0 and second["usage"]["completion_tokens"] > 0
    assert fake_llm.temperatures == [0.3, 1.0]  # the APIs' default is 1


def test_models_listing(fake_llm: FakeLLM) -> None:
    assert [m.id for m in strict_openai(fake_llm).models.list()] == ["fake-model"]


def test_faults_are_seeded() -> None:
    def run() -> list[str | None]:
        with FakeLLM(faults={"rate_limit": 0.5}, seed=7) as fake:
            return [fake._roll() for _ in range(20)]

    assert run() == run() and {None, "rate_limit"} == set(run())


def test_fault_arguments() -> None:
    faults = _fault_args(0.6, ["refusal=0.5"])
    assert faults["refusal"] == 0.5 and faults["rate_limit"] == pytest.approx(0.1)
    assert set(faults) == set(FAULTS)
    with pytest.raises(ValueError, match="unknown faults"):
        FakeLLM(faults={"gremlins": 1.0})


def test_tokens_are_counted_one_way() -> None:
    assert tokens("") == 0 and tokens("abc") == 1 and tokens("abcdefgh") == 2
    assert tokens("我不同意") == 4 and tokens("ab我cd") == 3
    assert cut("abcdefgh我们", 3) == "abcdefgh我"


# ---- Anthropic: the model catalogue ----


def test_unknown_claude_model_is_404_and_dated_ids_match_their_family(fake_llm: FakeLLM) -> None:
    with pytest.raises(anthropic.NotFoundError) as caught:
        ask_anthropic(fake_llm, model="claude-nope-9")
    assert caught.value.type == "not_found_error" and "model: claude-nope-9" in str(caught.value)
    assert claude("claude-sonnet-5-5-20260928") == claude("claude-sonnet-5-5")
    assert claude("claude-opus-4-5-20251101") is not None and claude("claude-opus-5-6") is None
    fake_llm.unknown_models = {PLAIN}
    with pytest.raises(anthropic.NotFoundError):
        ask_anthropic(fake_llm)


@pytest.mark.parametrize("model", NEWEST)
@pytest.mark.parametrize("choice", [{"type": "tool", "name": "Debate"}, {"type": "any"}])
def test_newest_models_reject_forced_tool_choice(
    fake_llm: FakeLLM, model: str, choice: dict[str, str]
) -> None:
    tool = {"name": "Debate", "input_schema": Debate.model_json_schema()}
    message = rejected(lambda: ask_anthropic(fake_llm, model, tools=[tool], tool_choice=choice))
    assert 'tool_choice: type "tool" and "any" are not supported for this model.' in message
    ask_anthropic(fake_llm, model, tools=[tool], tool_choice={"type": "auto"})


@pytest.mark.parametrize("model", NEWEST)
def test_newest_models_reject_sampling_parameters(fake_llm: FakeLLM, model: str) -> None:
    for sampling in ({"temperature": 0.3}, {"top_p": 0.9}, {"top_k": 5}):
        assert "sampling" in rejected(
            lambda s=sampling: ask_anthropic(fake_llm, model, extra_body=s)
        )
    ask_anthropic(fake_llm, model, extra_body={"temperature": 1})  # the default is accepted


@pytest.mark.parametrize("model", NEWEST)
def test_newest_models_always_think(fake_llm: FakeLLM, model: str) -> None:
    disabled = {"type": "disabled"}
    enabled = {"type": "enabled", "budget_tokens": 2048}
    assert "'disabled'" in rejected(lambda: ask_anthropic(fake_llm, model, thinking=disabled))
    assert "'enabled'" in rejected(lambda: ask_anthropic(fake_llm, model, thinking=enabled))
    message = ask_anthropic(fake_llm, model, max_tokens=30000)
    thinking = message.content[0]
    assert thinking.type == "thinking" and thinking.thinking == "" and thinking.signature
    assert message.content[1].type == "text" and message.stop_reason == "end_turn"


@pytest.mark.parametrize(
    ("model", "default"),
    [("claude-sonnet-5-5", 5000), ("claude-opus-5-5", 2000), ("claude-fable-5-1", 5000)],
)
def test_thinking_tokens_follow_the_effort(fake_llm: FakeLLM, model: str, default: int) -> None:
    def spent(**extra: Any) -> int:
        usage = ask_anthropic(fake_llm, model, max_tokens=30000, **extra).usage
        assert usage.output_tokens > usage.output_tokens_details.thinking_tokens
        return int(usage.output_tokens_details.thinking_tokens)

    assert spent() == default
    assert [spent(output_config={"effort": e}) for e in ("low", "max")] == [600, 20000]
    fake_llm.thinking_tokens["low"] = 42
    assert spent(output_config={"effort": "low"}) == 42
    with FakeLLM(thinking_tokens={"high": 7}) as other:
        message = ask_anthropic(other, "claude-sonnet-5-5", output_config={"effort": "high"})
        assert message.usage.output_tokens_details.thinking_tokens == 7
    bad = {"effort": "extreme"}
    assert "output_config.effort" in rejected(
        lambda: ask_anthropic(fake_llm, model, output_config=bad)
    )


def test_disabling_thinking_where_a_family_allows_it(fake_llm: FakeLLM) -> None:
    disabled = {"type": "disabled"}
    message = ask_anthropic(fake_llm, "claude-sonnet-5", thinking=disabled)
    assert [b.type for b in message.content] == ["text"]
    ask_anthropic(fake_llm, "claude-opus-5", thinking=disabled, output_config={"effort": "high"})
    assert "effort 'xhigh'" in rejected(
        lambda: ask_anthropic(
            fake_llm, "claude-opus-5", thinking=disabled, output_config={"effort": "xhigh"}
        )
    )
    assert "'disabled'" in rejected(
        lambda: ask_anthropic(fake_llm, "claude-fable-5", thinking=disabled)
    )
    plain = ask_anthropic(fake_llm, "claude-opus-4-8")  # thinks only when asked
    assert plain.usage.output_tokens_details is None
    assert "sampling" in rejected(
        lambda: ask_anthropic(fake_llm, "claude-opus-4-7", extra_body={"temperature": 0})
    )


def test_thinking_counts_against_max_tokens(fake_llm: FakeLLM) -> None:
    eaten = ask_anthropic(fake_llm, "claude-sonnet-5-5", max_tokens=4000)  # thinks 5,000
    assert eaten.stop_reason == "max_tokens" and [b.type for b in eaten.content] == ["thinking"]
    assert eaten.usage.output_tokens == eaten.usage.output_tokens_details.thinking_tokens == 4000
    full = ask_anthropic(fake_llm, "claude-sonnet-5-5", max_tokens=30000)
    answer = tokens(full.content[1].text)
    short = ask_anthropic(fake_llm, "claude-sonnet-5-5", max_tokens=5000 + answer // 2)
    assert short.stop_reason == "max_tokens" and short.content[1].text == cut(
        full.content[1].text, answer // 2
    )
    assert short.usage.output_tokens == 5000 + answer // 2


def test_thinking_streams_before_the_text(fake_llm: FakeLLM) -> None:
    pieces, message = stream_anthropic(fake_llm, "claude-sonnet-5-5")
    assert [b.type for b in message.content] == ["thinking", "text"]
    assert message.content[0].signature.startswith("sig_fake_")
    assert "".join(pieces) == message.content[1].text
    assert message.usage.output_tokens_details.thinking_tokens == 5000


def test_older_models_take_forced_tools_and_temperature(fake_llm: FakeLLM) -> None:
    tool = {"name": "Debate", "input_schema": Debate.model_json_schema()}
    choice = {"type": "tool", "name": "Debate"}
    for model in ("claude-haiku-4-5", "claude-sonnet-4-5", "claude-opus-4-6", "claude-sonnet-4-6"):
        message = ask_anthropic(
            fake_llm, model, tools=[tool], tool_choice=choice, extra_body={"temperature": 0.2}
        )
        assert message.stop_reason == "tool_use" and message.usage.output_tokens_details is None


def test_budget_thinking_rules(fake_llm: FakeLLM) -> None:
    def think(budget: int, max_tokens: int = 8000, **extra: Any) -> Any:
        thinking = {"type": "enabled", "budget_tokens": budget}
        return ask_anthropic(fake_llm, "claude-sonnet-4-5", max_tokens, thinking=thinking, **extra)

    assert "greater than or equal to 1024" in rejected(lambda: think(1000))
    assert "must be greater than `thinking.budget_tokens`" in rejected(lambda: think(8000))
    tool = {"name": "Debate", "input_schema": Debate.model_json_schema()}
    forced: dict[str, Any] = {"tools": [tool], "tool_choice": {"type": "any"}}
    assert "forces tool use" in rejected(lambda: think(2048, **forced))
    message = think(2048)  # spends its budget: the default effort would think 5,000
    assert message.usage.output_tokens_details.thinking_tokens == 2048
    assert message.content[0].thinking  # summarized by default on these models


def test_adaptive_thinking_only_where_the_model_has_it(fake_llm: FakeLLM) -> None:
    adaptive = {"type": "adaptive"}
    for model in ("claude-haiku-4-5", "claude-sonnet-4-5", "claude-opus-4-5"):
        assert "adaptive thinking is not supported" in rejected(
            lambda m=model: ask_anthropic(fake_llm, m, thinking=adaptive)
        )
    message = ask_anthropic(fake_llm, "claude-sonnet-4-6", 30000, thinking=adaptive)
    assert message.usage.output_tokens_details.thinking_tokens == 5000


def test_effort_only_on_models_with_levels(fake_llm: FakeLLM) -> None:
    low, xhigh = {"effort": "low"}, {"effort": "xhigh"}
    assert "effort" in rejected(
        lambda: ask_anthropic(fake_llm, "claude-haiku-4-5", output_config=low)
    )
    assert "'xhigh'" in rejected(
        lambda: ask_anthropic(fake_llm, "claude-opus-4-6", output_config=xhigh)
    )
    ask_anthropic(fake_llm, "claude-opus-4-6", output_config={"effort": "max"})
    ask_anthropic(fake_llm, "claude-opus-4-5", output_config=low)


def test_max_tokens_required_and_capped(fake_llm: FakeLLM) -> None:
    body = {"model": PLAIN, "messages": [{"role": "user", "content": "hi"}]}
    status, answer = post(fake_llm, "/v1/messages", body)
    assert status == 400 and answer["error"]["message"] == "max_tokens: Field required"
    message = rejected(lambda: ask_anthropic(fake_llm, PLAIN, 64001))
    assert "max_tokens: 64001 > 64000" in message
    ask_anthropic(fake_llm, "claude-sonnet-5-5", 128000)


def test_structured_output_schema_limits(fake_llm: FakeLLM) -> None:
    def fmt(schema: dict[str, Any]) -> Any:
        return lambda: ask_anthropic(
            fake_llm, output_config={"format": {"type": "json_schema", "schema": schema}}
        )

    loose = {"type": "object", "properties": {"a": {"type": "string"}}}
    assert "'additionalProperties' must be explicitly set to false" in rejected(fmt(loose))
    bounded = {
        **loose,
        "additionalProperties": False,
        "properties": {"n": {"type": "integer", "minimum": 0}},
    }
    assert "'minimum' is not supported" in rejected(fmt(bounded))
    items = {"type": "array", "items": {"type": "string"}, "minItems": 2}
    listed = {"type": "object", "additionalProperties": False, "properties": {"xs": items}}
    assert "minItems" in rejected(fmt(listed))
    tool = {"name": "T", "strict": True, "input_schema": loose}
    assert "tools.0.custom.input_schema" in rejected(lambda: ask_anthropic(fake_llm, tools=[tool]))
    ask_anthropic(fake_llm, tools=[{**tool, "strict": False}])  # only strict tools are checked


def test_at_most_four_cache_breakpoints(fake_llm: FakeLLM) -> None:
    blocks = [{"type": "text", "text": f"part {i}", "cache_control": EPHEMERAL} for i in range(5)]
    messages = [{"role": "user", "content": blocks}]
    message = rejected(lambda: ask_anthropic(fake_llm, messages=messages))
    assert "A maximum of 4 blocks with cache_control may be provided. Found 5." in message
    messages[0]["content"] = blocks[:4]
    assert "Found 5" in rejected(
        lambda: ask_anthropic(fake_llm, messages=messages, cache_control=EPHEMERAL)
    )
    ask_anthropic(fake_llm, messages=messages)


def test_empty_text_blocks_are_rejected(fake_llm: FakeLLM) -> None:
    empty: list[dict[str, Any]] = [
        {"role": "user", "content": [{"type": "text", "text": ""}, {"type": "text", "text": "x"}]}
    ]
    assert "text content blocks must be non-empty" in rejected(
        lambda: ask_anthropic(fake_llm, messages=empty)
    )
    empty[0]["content"][0]["cache_control"] = EPHEMERAL
    assert (
        "messages.0.content.0.text: cache_control cannot be set for empty text blocks"
        in rejected(lambda: ask_anthropic(fake_llm, messages=empty))
    )


def test_newest_models_take_no_prefill(fake_llm: FakeLLM) -> None:
    turns = [{"role": "user", "content": NOTE}, {"role": "assistant", "content": "{"}]
    assert "prefill" in rejected(
        lambda: ask_anthropic(fake_llm, "claude-sonnet-5-5", messages=turns)
    )
    ask_anthropic(fake_llm, PLAIN, messages=turns)


# ---- Anthropic: prompt caching ----


def cache_usage(fake: FakeLLM, model: str = PLAIN, **extra: Any) -> Any:
    extra.setdefault("system", cached_system())
    return ask_anthropic(fake, model, max_tokens=30000, **extra).usage


@pytest.mark.parametrize(
    ("model", "minimum"),
    [
        ("claude-sonnet-5-5", 512),
        ("claude-sonnet-4-5", 1024),
        ("claude-sonnet-4-6", 2048),
        ("claude-haiku-4-5", 4096),
        ("claude-opus-4-6", 4096),
    ],
)
def test_breakpoints_below_the_minimum_cache_nothing(
    fake_llm: FakeLLM, model: str, minimum: int
) -> None:
    below = "abcd" * (minimum - 1)
    for _ in range(2):
        usage = cache_usage(fake_llm, model, system=cached_system(below))
        assert usage.cache_creation_input_tokens == usage.cache_read_input_tokens == 0
    usage = cache_usage(fake_llm, model, system=cached_system(below + "abcd"))
    assert usage.cache_creation_input_tokens == minimum


def test_cache_writes_then_reads_the_longest_prefix(fake_llm: FakeLLM) -> None:
    first = cache_usage(fake_llm, "claude-sonnet-4-5")
    assert (first.cache_creation_input_tokens, first.cache_read_input_tokens) == (LONG_TOKENS, 0)
    assert (
        first.input_tokens == tokens(NOTE)
        and first.cache_creation.ephemeral_5m_input_tokens == LONG_TOKENS
    )
    second = cache_usage(fake_llm, "claude-sonnet-4-5")
    assert (second.cache_creation_input_tokens, second.cache_read_input_tokens) == (0, LONG_TOKENS)
    # A later breakpoint: the system prefix is read, the rest up to the breakpoint written.
    note = {"type": "text", "text": LONG, "cache_control": {**EPHEMERAL, "ttl": "1h"}}
    messages = [{"role": "user", "content": [note, {"type": "text", "text": "Argue."}]}]
    third = cache_usage(fake_llm, "claude-sonnet-4-5", messages=messages)
    assert (
        third.cache_read_input_tokens == LONG_TOKENS
        and third.cache_creation_input_tokens == LONG_TOKENS
    )
    assert third.cache_creation.ephemeral_1h_input_tokens == LONG_TOKENS and third.input_tokens == 2
    # No breakpoint, no cache: nothing is read even though the prefix is stored.
    plain = cache_usage(fake_llm, "claude-sonnet-4-5", system=LONG)
    assert plain.cache_read_input_tokens == 0 and plain.input_tokens == LONG_TOKENS + tokens(NOTE)


def test_cache_order_is_tools_system_messages(fake_llm: FakeLLM) -> None:
    tool = {"name": "lookup", "description": LONG, "input_schema": {"type": "object"}}
    cache_usage(fake_llm, "claude-sonnet-4-5", tools=[tool])
    again = cache_usage(fake_llm, "claude-sonnet-4-5", tools=[tool])
    assert again.cache_read_input_tokens > LONG_TOKENS  # tools and system
    other = {**tool, "description": LONG + "!"}
    changed = cache_usage(fake_llm, "claude-sonnet-4-5", tools=[other])
    assert changed.cache_read_input_tokens == 0  # a changed tool changes every later prefix


def test_cache_key_includes_the_model_and_the_schema(fake_llm: FakeLLM) -> None:
    cache_usage(fake_llm, "claude-sonnet-4-5", output_config=native(Reply))
    assert cache_usage(
        fake_llm, "claude-sonnet-4-5", output_config=native(Reply)
    ).cache_read_input_tokens
    other_schema = cache_usage(fake_llm, "claude-sonnet-4-5", output_config=native(Debate))
    assert other_schema.cache_read_input_tokens == 0
    other_model = cache_usage(fake_llm, "claude-opus-4-6", output_config=native(Reply))
    assert other_model.cache_read_input_tokens == 0


def test_cache_entries_are_readable_once_their_request_completed() -> None:
    with FakeLLM(latency=0.3) as fake:
        usages: list[Any] = []
        threads = [
            threading.Thread(target=lambda: usages.append(cache_usage(fake, "claude-sonnet-4-5")))
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [u.cache_creation_input_tokens for u in usages] == [LONG_TOKENS, LONG_TOKENS]
        assert cache_usage(fake, "claude-sonnet-4-5").cache_read_input_tokens == LONG_TOKENS


# ---- Anthropic: account refusals ----


def test_anthropic_billing_permission_and_long_rate_limit() -> None:
    with FakeLLM(billing={"claude-opus-4-6"}, permission={"claude-opus-4-5"}) as fake:
        ask_anthropic(fake)
        assert "credit balance is too low" in rejected(
            lambda: ask_anthropic(fake, "claude-opus-4-6")
        )
        with pytest.raises(anthropic.PermissionDeniedError) as denied:
            ask_anthropic(fake, "claude-opus-4-5")
        assert denied.value.type == "permission_error"
        fake.rate_limited = True
        with pytest.raises(anthropic.RateLimitError) as limited:
            ask_anthropic(fake)
        assert limited.value.response.headers["retry-after"] == "3600"
        assert "retry-after-ms" not in limited.value.response.headers


# ---- OpenAI: reasoning models ----

REASONING = ("gpt-5.5", "gpt-5.4", "gpt-5.4-mini", "gpt-5", "o3", "o4-mini")


@pytest.mark.parametrize("model", REASONING)
def test_reasoning_models_reject_max_tokens(fake_llm: FakeLLM, model: str) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        ask_openai(fake_llm, model, max_tokens=300)
    assert caught.value.code == "unsupported_parameter" and caught.value.param == "max_tokens"
    assert "Use 'max_completion_tokens' instead." in caught.value.message
    ask_openai(fake_llm, model, max_completion_tokens=30000)


@pytest.mark.parametrize("model", REASONING)
def test_reasoning_models_take_only_the_default_temperature(fake_llm: FakeLLM, model: str) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        ask_openai(fake_llm, model, temperature=0.2)
    assert caught.value.code == "unsupported_value"
    assert "'temperature' does not support 0.2 with this model" in caught.value.message
    ask_openai(fake_llm, model, temperature=1)


@pytest.mark.parametrize("model", ["gpt-4o", "gpt-4.1-mini", "gpt-5-chat-latest", "my-local-model"])
def test_other_models_take_max_tokens_and_temperature(fake_llm: FakeLLM, model: str) -> None:
    completion = ask_openai(fake_llm, model, max_tokens=3, temperature=0.2)
    assert completion.choices[0].finish_reason == "length"
    assert completion.usage.completion_tokens == 3
    assert completion.usage.completion_tokens_details.reasoning_tokens == 0


def test_reasoning_tokens_count_against_max_completion_tokens(fake_llm: FakeLLM) -> None:
    full = ask_openai(fake_llm, "gpt-5.5", max_completion_tokens=30000)
    answer = tokens(full.choices[0].message.content)
    assert full.usage.completion_tokens_details.reasoning_tokens == 2000  # medium by default
    assert full.usage.completion_tokens == 2000 + answer
    eaten = ask_openai(fake_llm, "gpt-5.5", max_completion_tokens=1500)
    assert eaten.choices[0].finish_reason == "length" and not eaten.choices[0].message.content
    low = ask_openai(fake_llm, "gpt-5.5", reasoning_effort="low", max_completion_tokens=600 + 2)
    assert low.choices[0].finish_reason == "length" and tokens(low.choices[0].message.content) == 2
    fake_llm.reasoning_tokens["high"] = 9
    high = ask_openai(fake_llm, "gpt-5.5", reasoning_effort="high")
    assert high.usage.completion_tokens_details.reasoning_tokens == 9
    none = ask_openai(fake_llm, "gpt-5.1")  # gpt-5.1 reasons only when asked
    assert none.usage.completion_tokens_details.reasoning_tokens == 0
    with pytest.raises(openai.BadRequestError, match="'minimal' is not supported"):
        ask_openai(fake_llm, "gpt-5.1", reasoning_effort="minimal")


def test_unknown_openai_names_are_served_unless_unknown(fake_llm: FakeLLM) -> None:
    assert ask_openai(fake_llm, "whatever-the-server-has").choices[0].message.content
    fake_llm.unknown_models = {"gpt-nope"}
    with pytest.raises(openai.NotFoundError) as caught:
        ask_openai(fake_llm, "gpt-nope")
    assert caught.value.code == "model_not_found"


# ---- OpenAI: strict structured outputs ----


def test_strict_schema_rules(fake_llm: FakeLLM) -> None:
    def schema_error(schema: dict[str, Any]) -> str:
        with pytest.raises(openai.BadRequestError) as caught:
            ask_openai(fake_llm, response_format=strict_format(schema))
        assert caught.value.param == "response_format"
        return str(caught.value.body["message"])  # type: ignore[index]

    sub: dict[str, Any] = {
        "type": "object",
        "properties": {"b": {"type": "string"}},
        "required": ["b"],
    }
    top = {
        "type": "object",
        "properties": {"a": sub},
        "required": ["a"],
        "additionalProperties": False,
    }
    assert schema_error(top) == (
        "Invalid schema for response_format 'Answer': In context=('properties', 'a'), "
        "'additionalProperties' is required to be supplied and to be false."
    )
    sub["additionalProperties"] = False
    sub["properties"]["c"] = {"type": "integer"}
    assert "'required' is required to be supplied" in schema_error(top)
    assert "Missing 'c'." in schema_error(top)
    sub["required"] = ["b", "c"]
    sub["properties"]["c"] = {"allOf": [{"type": "integer"}]}
    assert "'allOf' is not permitted." in schema_error(top)
    assert "got 'type: \"array\"'" in schema_error({"type": "array", "items": {"type": "string"}})
    deep: dict[str, Any] = {"type": "string"}
    for _ in range(11):
        deep = {
            "type": "object",
            "properties": {"x": deep},
            "required": ["x"],
            "additionalProperties": False,
        }
    assert "11 levels of nesting exceeds limit of 10." in schema_error(deep)
    sub["properties"]["c"] = {"type": "integer"}
    ask_openai(fake_llm, response_format=strict_format(top))
    loose = strict_format({"type": "object", "properties": {"a": {"type": "string"}}})
    loose["json_schema"]["strict"] = False
    ask_openai(fake_llm, response_format=loose)  # only strict schemas are checked


def test_strict_function_schemas_too(fake_llm: FakeLLM) -> None:
    tool = openai.pydantic_function_tool(Reply)
    tool["function"]["parameters"]["additionalProperties"] = True
    with pytest.raises(openai.BadRequestError, match="Invalid schema for function 'Reply'"):
        ask_openai(fake_llm, tools=[tool])


# ---- OpenAI: automatic prompt caching ----


def test_openai_caches_long_prompts_in_128_token_steps(fake_llm: FakeLLM) -> None:
    system = {"role": "system", "content": LONG}  # 1,290 tokens: cached up to 1,280

    def cached(model: str = "gpt-4.1", question: str = NOTE, **extra: Any) -> int:
        messages = [system, {"role": "user", "content": question}]
        usage = ask_openai(fake_llm, model, messages=messages, **extra).usage
        return int(usage.prompt_tokens_details.cached_tokens)

    assert cached() == 0
    assert cached(question="Another question entirely.") == 1280
    assert cached("gpt-4o") == 0  # caches are per model
    assert (
        cached(
            response_format=strict_format(
                openai.pydantic_function_tool(Reply)["function"]["parameters"], "Reply"
            )
        )
        == 0
    )
    short = ask_openai(fake_llm, messages=[{"role": "user", "content": "x" * 4000}])
    again = ask_openai(fake_llm, messages=[{"role": "user", "content": "x" * 4000}])
    assert (
        short.usage.prompt_tokens == 1000 and again.usage.prompt_tokens_details.cached_tokens == 0
    )


def test_openai_cache_plan_steps() -> None:
    cache = PromptCache()
    body = {"messages": [{"role": "user", "content": "abcd" * 1300}]}
    plan = openai_plan(cache, "m", body)
    assert (plan.read, plan.uncached, len(plan.writes)) == (0, 1300, 3)  # 1024, 1152, 1280
    cache.write(plan.writes)
    assert openai_plan(cache, "m", body).read == 1280


# ---- OpenAI: account refusals ----


def test_openai_quota_permission_and_long_rate_limit() -> None:
    with FakeLLM(billing=True) as fake:
        with pytest.raises(openai.RateLimitError) as caught:
            strict_openai(fake, retries=2).chat.completions.create(
                model="gpt-5.5", messages=[{"role": "user", "content": "hi"}]
            )
        assert (
            caught.value.code == "insufficient_quota" and caught.value.type == "insufficient_quota"
        )
        assert "retry-after" not in caught.value.response.headers
    with FakeLLM(
        permission={"gpt-5.5"}, rate_limited={"gpt-4.1"}, rate_limit_retry_after=600
    ) as fake:
        with pytest.raises(openai.PermissionDeniedError) as denied:
            ask_openai(fake, "gpt-5.5")
        assert denied.value.code == "model_not_found"
        with pytest.raises(openai.RateLimitError) as limited:
            strict_openai(fake, retries=2).chat.completions.create(
                model="gpt-4.1", messages=[{"role": "user", "content": "hi"}]
            )
        assert limited.value.response.headers["retry-after"] == "600"
        assert len(fake.calls) == 2  # the SDK does not wait 600 s: no retry


# ---- Ollama ----


def ollama_v1(fake: FakeLLM) -> Any:
    """The openai SDK pointed at the fake Ollama's /v1 (untyped: plain dicts go in)."""
    return openai.OpenAI(api_key="ollama", base_url=fake.url + "/v1", max_retries=0)


def test_ollama_window_cuts_long_prompts_silently() -> None:
    note = "STANCE-AT-START I disagree. " + "Filler sentence in the middle. " * 300 + "LAST WORDS."
    with FakeLLM(ollama=True, num_ctx=512) as fake:
        client = ollama_v1(fake)
        messages = [{"role": "system", "content": "SYS"}, {"role": "user", "content": note}]
        completion = client.chat.completions.create(model="qwen2.5", messages=messages)
        call = fake.calls[-1]
    assert completion.choices[0].finish_reason == "stop"
    assert call["prompt_tokens"] == 1 + tokens(note) and call["seen_tokens"] == 512 - 254
    assert completion.usage.prompt_tokens == call["seen_tokens"]
    (_, system), (_, seen) = call["seen"]
    assert system == "SYS" and "STANCE-AT-START" not in seen and seen.endswith("LAST WORDS.")


def test_ollama_drops_whole_old_messages_first() -> None:
    turns = [
        ("system", "Rules."),
        ("user", "a" * 400),
        ("assistant", "b" * 400),
        ("user", "c" * 40),
    ]
    assert fit(turns, 120) == [("system", "Rules."), ("assistant", "b" * 400), ("user", "c" * 40)]
    assert fit(turns, 4096) == turns


def test_ollama_v1_parameters() -> None:
    schema = openai.pydantic_function_tool(Reply)["function"]["parameters"]
    with FakeLLM(ollama=True) as fake:
        ask = ollama_v1(fake).chat.completions.create
        cut_short = ask(model="qwen2.5", messages=[{"role": "user", "content": NOTE}], max_tokens=3)
        ignored = ask(
            model="qwen2.5", messages=[{"role": "user", "content": NOTE}], max_completion_tokens=3
        )
        structured = ask(
            model="qwen2.5",
            messages=[{"role": "user", "content": NOTE}],
            response_format=strict_format(schema, "Reply"),
            temperature=0.2,
        )
        assert (
            cut_short.choices[0].finish_reason == "length"
            and cut_short.usage.completion_tokens == 3
        )
        assert ignored.choices[0].finish_reason == "stop" and ignored.usage.completion_tokens > 3
        Reply.model_validate_json(structured.choices[0].message.content or "")
        assert fake.temperatures == [1.0, 1.0, 0.2]  # 1.0 when the request names none
        assert [m.id for m in ollama_v1(fake).models.list()] == [
            "llama3.2:latest",
            "qwen2.5:latest",
        ]


def test_ollama_native_api() -> None:
    with FakeLLM(ollama=True, num_ctx=2048, ollama_models=["qwen2.5"]) as fake:
        client = ollama.Client(host=fake.url)
        assert [m.model for m in client.list().models] == ["qwen2.5:latest"]
        assert client.ps().models == []
        assert get(fake, "/api/version")["version"]
        assert (client.show("qwen2.5").modelinfo or {})["fake.context_length"] == 32768
        lines = list(
            client.chat(
                model="qwen2.5",
                messages=[{"role": "user", "content": NOTE}],
                options={"num_ctx": 8192, "num_predict": 5},
                stream=True,
            )
        )
        assert len(lines) > 1 and lines[-1].done and lines[-1].done_reason == "length"
        assert lines[-1].eval_count == 5 and lines[-1].prompt_eval_count == tokens(NOTE)
        assert [(m.model, m.context_length) for m in client.ps().models] == [
            ("qwen2.5:latest", 8192)
        ]
        whole = client.chat(model="qwen2.5", messages=[{"role": "user", "content": NOTE}])
        assert whole.done_reason == "stop" and fake.temperatures == [0.8, 0.8]
        assert fake.calls[-1]["num_ctx"] == 2048
        with pytest.raises(ollama.ResponseError, match=r"model 'llama3\.2' not found"):
            client.chat(model="llama3.2", messages=[{"role": "user", "content": NOTE}])


def test_chat_ollama_structured_output() -> None:
    from langchain_ollama import ChatOllama

    with FakeLLM(ollama=True) as fake:
        model = ChatOllama(model="qwen2.5", base_url=fake.url, temperature=0)
        debate = model.with_structured_output(Debate).invoke(NOTE)
        body = fake.calls[-1]["json"]
    assert isinstance(debate, Debate) and body["format"]["title"] == "Debate"
    assert body["options"]["temperature"] == 0 and fake.temperatures == [0.0]


# ---- the command line ----


def serve(*flags: str) -> tuple[subprocess.Popen[str], str]:
    script = Path(__file__).with_name("fakellm.py")
    process = subprocess.Popen(
        [sys.executable, str(script), "--port", "0", *flags], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def test_command_line_serves_until_killed() -> None:
    process, url = serve("--latency", "0.01")
    try:
        with urllib.request.urlopen(f"{url}/v1/models", timeout=5) as answer:
            assert b"fake-model" in answer.read()
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_command_line_modes() -> None:
    process, url = serve("--billing", "claude-opus-4-6", "--thinking-tokens", "high=7")
    try:
        fake = Remote(url)
        assert "credit balance" in rejected(lambda: ask_anthropic(fake, "claude-opus-4-6"))
        usage = ask_anthropic(fake, "claude-sonnet-5-5").usage
        assert usage.output_tokens_details.thinking_tokens == 7
    finally:
        process.terminate()
        process.wait(timeout=5)
    process, url = serve("--ollama", "--num-ctx", "1024", "--ollama-model", "mistral")
    try:
        with urllib.request.urlopen(f"{url}/api/tags", timeout=5) as answer:
            assert json.loads(answer.read())["models"][0]["name"] == "mistral:latest"
    finally:
        process.terminate()
        process.wait(timeout=5)
