"""The wire formats the fake server speaks: requests read, answers and event streams built.

Anthropic Messages and OpenAI Chat Completions, as JSON bodies or, when the request says
`"stream": true`, as the server-sent events each API streams the same answer in; Ollama's native
chat answers as JSON or NDJSON lines.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

REFUSAL = "I can't help with that request (fake refusal)."
PIECE = 16  # characters per streamed piece: several pieces for any answer, in any script


@dataclass
class Ask:
    """What a request asks for, whichever wire format it came in."""

    wire: str  # "anthropic" | "openai" | "ollama"
    model: str
    schema: str | None  # name of the wanted answer model, if any
    tool: bool  # answer through a tool call rather than text
    system: str
    messages: list[tuple[str, str]]  # (role, text)


@dataclass
class Reply:
    """What the model answers: its text, why it stopped, and the usage the API reports."""

    text: str
    stop: str  # the wire's stop reason: end_turn / max_tokens / refusal, stop / length / refusal
    usage: dict[str, Any]
    thinking: int = 0  # thinking tokens spent before the text (Anthropic)
    display: str = "omitted"  # how the thinking block shows: "omitted" or "summarized"


@dataclass
class EventStream:
    """A streamed body: the server sends it one event (or NDJSON line) at a time."""

    events: list[str]
    content_type: str = "text/event-stream"


@dataclass
class Usage:
    """Token counts of one answer, as each wire format reports them."""

    input: int = 0  # uncached prompt tokens
    cache_read: int = 0
    cache_write: int = 0
    output: int = 0  # thinking or reasoning included
    thinking: int = 0
    by_ttl: dict[str, int] = field(default_factory=dict)

    def anthropic(self) -> dict[str, Any]:
        usage: dict[str, Any] = {
            "input_tokens": self.input,
            "output_tokens": self.output,
            "cache_read_input_tokens": self.cache_read,
            "cache_creation_input_tokens": self.cache_write,
            "cache_creation": {
                "ephemeral_5m_input_tokens": self.by_ttl.get("5m", 0),
                "ephemeral_1h_input_tokens": self.by_ttl.get("1h", 0),
            },
        }
        if self.thinking:  # anthropic types/output_tokens_details.py
            usage["output_tokens_details"] = {"thinking_tokens": self.thinking}
        return usage

    def openai(self, details: bool = True) -> dict[str, Any]:
        prompt = self.input + self.cache_read
        usage: dict[str, Any] = {
            "prompt_tokens": prompt,
            "completion_tokens": self.output,
            "total_tokens": prompt + self.output,
        }
        if details:  # openai types/completion_usage.py; Ollama reports no details
            usage["prompt_tokens_details"] = {"cached_tokens": self.cache_read}
            usage["completion_tokens_details"] = {"reasoning_tokens": self.thinking}
        return usage


def _text_of(content: Any) -> str:
    """Text of a content field: a string or a list of text blocks/parts."""
    if isinstance(content, str):
        return content
    return "".join(b.get("text", "") for b in content or [] if isinstance(b, dict))


def parse_anthropic(body: dict[str, Any]) -> Ask:
    system = body.get("system") or []
    messages = [(m["role"], _text_of(m.get("content"))) for m in body.get("messages", [])]
    schema = ((body.get("output_config") or {}).get("format") or {}).get("schema") or {}
    choice = body.get("tool_choice") or {}
    tool_name = choice.get("name") or (body.get("tools") or [{}])[0].get("name")
    tool = choice.get("type") in ("tool", "any") and bool(tool_name)
    name = tool_name if tool else schema.get("title")
    return Ask("anthropic", body.get("model", ""), name, tool, _text_of(system), messages)


def parse_openai(body: dict[str, Any], wire: str = "openai") -> Ask:
    """A Chat Completions request; Ollama's native /api/chat has the same messages."""
    messages = body.get("messages", [])
    system = [_text_of(m.get("content")) for m in messages if m["role"] == "system"]
    talk = [(m["role"], _text_of(m.get("content"))) for m in messages if m["role"] != "system"]
    fmt = (body.get("response_format") or {}).get("json_schema") or {}
    tools = body.get("tools") or []
    tool_name = tools[0]["function"]["name"] if tools else None
    schema = tool_name or fmt.get("name")
    if isinstance(body.get("format"), dict):  # Ollama's native `format`: a JSON schema
        schema = body["format"].get("title")
    text = "\n\n".join(system)
    return Ask(wire, body.get("model", ""), schema, bool(tool_name), text, talk)


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _thinking_block(reply: Reply) -> dict[str, Any]:
    """The thinking block that opens an answer; its text is empty when display is omitted."""
    summary = f"(fake thinking summary: {reply.thinking} tokens)"
    thinking = summary if reply.display == "summarized" else ""
    signature = "sig_fake_" + hashlib.sha256(str(reply.thinking).encode()).hexdigest()[:24]
    return {"type": "thinking", "thinking": thinking, "signature": signature}


def anthropic_message(ask: Ask, reply: Reply) -> dict[str, Any]:
    """A Messages API answer: a thinking block when the model thought, then text or a tool call."""
    stop = reply.stop
    content: list[dict[str, Any]] = [{"type": "text", "text": reply.text}] if reply.text else []
    arguments = _json_or_none(reply.text) if ask.tool and stop == "end_turn" else None
    if isinstance(arguments, dict):
        content = [{"type": "tool_use", "id": "toolu_fake", "name": ask.schema, "input": arguments}]
        stop = "tool_use"
    if reply.thinking:
        content.insert(0, _thinking_block(reply))
    body: dict[str, Any] = {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": ask.model,
        "content": content,
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": reply.usage,
    }
    if stop == "refusal":
        body["stop_details"] = {"type": "refusal", "category": None, "explanation": REFUSAL}
    return body


def openai_completion(ask: Ask, reply: Reply, **extra: Any) -> dict[str, Any]:
    """A Chat Completions answer (`extra`: fields a compatible server adds)."""
    finish = reply.stop
    message: dict[str, Any] = {"role": "assistant", "content": reply.text or None, "refusal": None}
    if finish == "refusal":
        message["refusal"], finish = REFUSAL, "stop"
    elif ask.tool and finish == "stop":
        call = {
            "id": "call_fake",
            "type": "function",
            "function": {"name": ask.schema, "arguments": reply.text},
        }
        message.update(content=None, tool_calls=[call])
        finish = "tool_calls"
    choice = {"index": 0, "finish_reason": finish, "message": message, "logprobs": None}
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": ask.model,
        "usage": reply.usage,
        "choices": [choice],
        **extra,
    }


def ollama_chat(model: str, text: str, done: bool, **final: Any) -> dict[str, Any]:
    """One object of Ollama's /api/chat answer (api/types.go ChatResponse; Metrics when done)."""
    body: dict[str, Any] = {
        "model": model,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "message": {"role": "assistant", "content": text},
        "done": done,
    }
    return {**body, **final}


def ollama_lines(model: str, text: str, **final: Any) -> EventStream:
    """An /api/chat answer as the NDJSON lines Ollama streams (ollama/_client.py reads lines)."""
    lines = [ollama_chat(model, p, False) for p in stream_pieces(text)]
    lines.append(ollama_chat(model, "", True, **final))
    return EventStream([json.dumps(line) + "\n" for line in lines], "application/x-ndjson")


def error_body(
    wire: str, kind: str, message: str, code: str | None = None, param: str | None = None
) -> dict[str, Any]:
    """An error answer: Anthropic's shape, or OpenAI's (which Ollama's /v1 copies)."""
    if wire == "anthropic":
        return {"type": "error", "error": {"type": kind, "message": message}, "request_id": "req"}
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def stream_pieces(text: str) -> list[str]:
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
    start["usage"].pop("output_tokens_details", None)
    events = [{"type": "message_start", "message": start}]
    for index, block in enumerate(message["content"]):
        events += _block_events(index, block)
    delta = {key: message.get(key) for key in ("stop_reason", "stop_sequence", "stop_details")}
    events += [{"type": "message_delta", "delta": delta, "usage": usage}, {"type": "message_stop"}]
    return EventStream([named_event(e) for e in events])


def _block_events(index: int, block: dict[str, Any]) -> list[dict[str, Any]]:
    """A content block: its empty start, its content in pieces, its stop."""
    if block["type"] == "thinking":
        return _thinking_events(index, block)
    tool = block["type"] == "tool_use"
    empty = {**block, "input": {}} if tool else {**block, "text": ""}
    text = json.dumps(block["input"]) if tool else block["text"]
    kind, name = ("input_json_delta", "partial_json") if tool else ("text_delta", "text")
    return [
        {"type": "content_block_start", "index": index, "content_block": empty},
        *(_delta(index, {"type": kind, name: p}) for p in stream_pieces(text)),
        {"type": "content_block_stop", "index": index},
    ]


def _thinking_events(index: int, block: dict[str, Any]) -> list[dict[str, Any]]:
    """A thinking block streams its text (none when omitted), then its signature."""
    empty = {"type": "thinking", "thinking": "", "signature": ""}
    return [
        {"type": "content_block_start", "index": index, "content_block": empty},
        *(_delta(index, {"type": "thinking_delta", "thinking": p}) for p in _of(block, "thinking")),
        _delta(index, {"type": "signature_delta", "signature": block["signature"]}),
        {"type": "content_block_stop", "index": index},
    ]


def _of(block: dict[str, Any], name: str) -> list[str]:
    return stream_pieces(block[name])


def _delta(index: int, delta: dict[str, Any]) -> dict[str, Any]:
    return {"type": "content_block_delta", "index": index, "delta": delta}


def openai_chunks(completion: dict[str, Any], include_usage: bool) -> EventStream:
    """A chat completion as `chat.completion.chunk` events, ending with `[DONE]`."""
    choice = completion["choices"][0]
    message = choice["message"]
    deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
    deltas += [{"content": p} for p in stream_pieces(message.get("content") or "")]
    deltas += [{"refusal": p} for p in stream_pieces(message.get("refusal") or "")]
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
