"""The wire formats the fake server speaks: requests read, answers and event streams built.

Anthropic Messages and OpenAI Chat Completions, as JSON bodies or, when the request says
`"stream": true`, as the server-sent events each API streams the same answer in.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

REFUSAL = "I can't help with that request (fake refusal)."
PIECE = 16  # characters per streamed piece: several pieces for any answer, in any script


@dataclass
class Ask:
    """What a request asks for, whichever wire format it came in."""

    wire: str  # "anthropic" | "openai"
    model: str
    schema: str | None  # name of the wanted answer model, if any
    tool: bool  # answer through a tool call rather than text
    system: str
    messages: list[tuple[str, str]]  # (role, text)
    cache_prefix: str  # the prompt up to the last cache mark (anthropic) or the system text


@dataclass
class EventStream:
    """A `text/event-stream` body: the server sends it one event at a time."""

    events: list[str]


def _text_of(content: Any) -> str:
    """Text of a content field: a string or a list of text blocks/parts."""
    if isinstance(content, str):
        return content
    return "".join(b.get("text", "") for b in content or [] if isinstance(b, dict))


def parse_anthropic(body: dict[str, Any]) -> Ask:
    system = body.get("system") or []
    blocks = [{"type": "text", "text": system}] if isinstance(system, str) else list(system)
    messages = []
    for m in body.get("messages", []):
        content = m.get("content")
        blocks += [{"text": content}] if isinstance(content, str) else list(content or [])
        messages.append((m["role"], _text_of(content)))
    marks = [i for i, b in enumerate(blocks) if isinstance(b, dict) and b.get("cache_control")]
    prefix = _text_of(blocks[: marks[-1] + 1]) if marks else ""
    schema = ((body.get("output_config") or {}).get("format") or {}).get("schema") or {}
    choice = body.get("tool_choice") or {}
    tool_name = choice.get("name") or (body.get("tools") or [{}])[0].get("name")
    tool = choice.get("type") in ("tool", "any") and bool(tool_name)
    name = tool_name if tool else schema.get("title")
    return Ask("anthropic", body.get("model", ""), name, tool, _text_of(system), messages, prefix)


def parse_openai(body: dict[str, Any]) -> Ask:
    system = [_text_of(m.get("content")) for m in body.get("messages", []) if m["role"] == "system"]
    messages = [
        (m["role"], _text_of(m.get("content")))
        for m in body.get("messages", [])
        if m["role"] in ("user", "assistant")
    ]
    fmt = (body.get("response_format") or {}).get("json_schema") or {}
    tools = body.get("tools") or []
    tool_name = tools[0]["function"]["name"] if tools else None
    text = "\n\n".join(system)
    schema = tool_name or fmt.get("name")
    return Ask("openai", body.get("model", ""), schema, bool(tool_name), text, messages, text)


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def tokens(text: str) -> int:
    return max(1, len(text) // 4)


def prompt_tokens(ask: Ask) -> int:
    return tokens(ask.system + "".join(text for _, text in ask.messages))


def anthropic_message(ask: Ask, text: str, stop: str, cached: bool) -> dict[str, Any]:
    """A Messages API answer; a seen cache prefix counts as read, a new one as written."""
    prefix = tokens(ask.cache_prefix) if ask.cache_prefix else 0
    usage = {
        "input_tokens": max(prompt_tokens(ask) - prefix, 1),
        "output_tokens": tokens(text),
        "cache_read_input_tokens": prefix if cached else 0,
        "cache_creation_input_tokens": 0 if cached else prefix,
    }
    content: list[dict[str, Any]] = [{"type": "text", "text": text}] if text else []
    arguments = _json_or_none(text) if ask.tool and stop == "end_turn" else None
    if isinstance(arguments, dict):
        content = [{"type": "tool_use", "id": "toolu_fake", "name": ask.schema, "input": arguments}]
        stop = "tool_use"
    body: dict[str, Any] = {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": ask.model,
        "content": content,
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": usage,
    }
    if stop == "refusal":
        body["stop_details"] = {"type": "refusal", "category": None, "explanation": REFUSAL}
    return body


def openai_completion(ask: Ask, text: str, finish: str, cached: bool) -> dict[str, Any]:
    """A Chat Completions answer; a seen system prompt counts as cached, as OpenAI does."""
    prompt, output = prompt_tokens(ask), tokens(text)
    usage = {
        "prompt_tokens": prompt,
        "completion_tokens": output,
        "total_tokens": prompt + output,
        "prompt_tokens_details": {"cached_tokens": tokens(ask.cache_prefix) if cached else 0},
    }
    message: dict[str, Any] = {"role": "assistant", "content": text or None, "refusal": None}
    if finish == "refusal":
        message["refusal"], finish = REFUSAL, "stop"
    elif ask.tool and finish == "stop":
        call = {
            "id": "call_fake",
            "type": "function",
            "function": {"name": ask.schema, "arguments": text},
        }
        message.update(content=None, tool_calls=[call])
        finish = "tool_calls"
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": ask.model,
        "usage": usage,
        "choices": [{"index": 0, "finish_reason": finish, "message": message, "logprobs": None}],
    }


def error_body(wire: str, kind: str, message: str, code: str | None = None) -> dict[str, Any]:
    if wire == "anthropic":
        return {"type": "error", "error": {"type": kind, "message": message}, "request_id": "req"}
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def pieces(text: str) -> list[str]:
    """`text` cut into the pieces a stream sends it in."""
    return [text[i : i + PIECE] for i in range(0, len(text), PIECE)]


def named_event(data: dict[str, Any]) -> str:
    """One server-sent event as Anthropic sends them: named after its type."""
    return f"event: {data['type']}\ndata: {json.dumps(data)}\n\n"


def data_event(data: dict[str, Any] | str) -> str:
    """One server-sent event as OpenAI sends them: data only."""
    return f"data: {data if isinstance(data, str) else json.dumps(data)}\n\n"


def anthropic_events(message: dict[str, Any]) -> EventStream:
    """A Messages API answer as the events the streaming API sends for it."""
    usage = message["usage"]
    start = {**message, "content": [], "stop_reason": None, "usage": {**usage, "output_tokens": 1}}
    start.pop("stop_details", None)
    events = [{"type": "message_start", "message": start}]
    for index, block in enumerate(message["content"]):
        events += _block_events(index, block)
    delta = {key: message.get(key) for key in ("stop_reason", "stop_sequence", "stop_details")}
    events += [{"type": "message_delta", "delta": delta, "usage": usage}, {"type": "message_stop"}]
    return EventStream([named_event(e) for e in events])


def _block_events(index: int, block: dict[str, Any]) -> list[dict[str, Any]]:
    """A content block: its empty start, its text or tool input in pieces, its stop."""
    tool = block["type"] == "tool_use"
    empty = {**block, "input": {}} if tool else {**block, "text": ""}
    text = json.dumps(block["input"]) if tool else block["text"]
    kind, field = ("input_json_delta", "partial_json") if tool else ("text_delta", "text")
    return [
        {"type": "content_block_start", "index": index, "content_block": empty},
        *(
            {"type": "content_block_delta", "index": index, "delta": {"type": kind, field: p}}
            for p in pieces(text)
        ),
        {"type": "content_block_stop", "index": index},
    ]


def openai_chunks(completion: dict[str, Any], include_usage: bool) -> EventStream:
    """A chat completion as `chat.completion.chunk` events, ending with `[DONE]`."""
    choice = completion["choices"][0]
    message = choice["message"]
    deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
    deltas += [{"content": p} for p in pieces(message.get("content") or "")]
    deltas += [{"refusal": p} for p in pieces(message.get("refusal") or "")]
    for index, call in enumerate(message.get("tool_calls") or []):
        deltas.append({"tool_calls": [{**call, "index": index}]})
    head = {key: completion[key] for key in ("id", "created", "model")}

    def chunk(choices: list[dict[str, Any]], **extra: Any) -> str:
        return data_event({**head, "object": "chat.completion.chunk", "choices": choices, **extra})

    events = [chunk([{"index": 0, "delta": d, "finish_reason": None}]) for d in deltas]
    events.append(chunk([{"index": 0, "delta": {}, "finish_reason": choice["finish_reason"]}]))
    if include_usage:
        events.append(chunk([], usage=completion["usage"]))
    return EventStream([*events, data_event("[DONE]")])
