"""The fake server's bodies pass the SDKs' strict validation, so it cannot drift from the wire."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import anthropic
import openai
import pytest

from debater.answers import Debate, Extraction, Reply
from fakellm import FAULTS, FakeLLM, _fault_args

NOTE = "Dario thinks AI won't have gaps. 我不同意: data is the hard part."


def strict_anthropic(fake: FakeLLM, retries: int = 0) -> anthropic.Anthropic:
    return anthropic.Anthropic(
        api_key="k", base_url=fake.url, max_retries=retries, _strict_response_validation=True
    )


def strict_openai(fake: FakeLLM) -> openai.OpenAI:
    return openai.OpenAI(
        api_key="k", base_url=fake.url + "/v1", max_retries=0, _strict_response_validation=True
    )


def ask_anthropic(fake: FakeLLM, **extra: Any) -> Any:
    return strict_anthropic(fake).messages.create(
        model="m", max_tokens=100, messages=[{"role": "user", "content": NOTE}], **extra
    )


def ask_openai(fake: FakeLLM, **extra: Any) -> Any:
    return strict_openai(fake).chat.completions.create(
        model="m", messages=[{"role": "user", "content": NOTE}], **extra
    )


def native(model: type[Any]) -> dict[str, Any]:
    return {"format": {"type": "json_schema", "schema": anthropic.transform_schema(model)}}


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
    fmt = {"type": "json_schema", "json_schema": {"name": "Reply", "schema": schema}}
    completion = ask_openai(fake_llm, response_format=fmt)
    Reply.model_validate_json(completion.choices[0].message.content)
    completion = ask_openai(fake_llm, tools=[openai.pydantic_function_tool(Reply)])
    call = completion.choices[0].message.tool_calls[0]
    assert completion.choices[0].finish_reason == "tool_calls"
    Reply.model_validate_json(call.function.arguments)


def test_openai_plain_text_and_refusal(fake_llm: FakeLLM) -> None:
    assert ask_openai(fake_llm).choices[0].message.content
    fake_llm.faults = {"refusal": 1.0}
    assert ask_openai(fake_llm).choices[0].message.refusal


def stream_anthropic(fake: FakeLLM, **extra: Any) -> tuple[list[str], Any]:
    """The text pieces and the final message of a streamed Messages request."""
    with strict_anthropic(fake).messages.stream(
        model="m", max_tokens=100, messages=[{"role": "user", "content": NOTE}], **extra
    ) as stream:
        return list(stream.text_stream), stream.get_final_message()


def test_anthropic_stream_is_the_same_answer_in_events(fake_llm: FakeLLM) -> None:
    plain = ask_anthropic(fake_llm).content[0].text
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
        model="m", messages=[{"role": "user", "content": NOTE}], tools=tools
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
        model="m", max_tokens=10, messages=[{"role": "user", "content": "hi"}]
    )
    stats = fake_llm.stats()
    assert stats["requests"] == 2 and stats["status_429"] == 1 and stats["status_200"] == 1


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


def test_command_line_serves_until_killed() -> None:
    script = Path(__file__).with_name("fakellm.py")
    process = subprocess.Popen(
        [sys.executable, str(script), "--port", "0", "--latency", "0.01"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        with urllib.request.urlopen(f"{url}/v1/models", timeout=5) as answer:
            assert b"fake-model" in answer.read()
    finally:
        process.terminate()
        process.wait(timeout=5)
