"""A fake LLM server speaking the Anthropic Messages and OpenAI Chat Completions wire formats.

It answers sensibly: the wanted schema (`Extraction`, `Debate`, `Reply`) and the prompt text go to
the offline MockBackend, so a whole pipeline runs through the real SDKs. Faults (429, 500, 529,
malformed JSON, truncation, refusals) come from a seeded RNG; `script` queues canned replies.

    python tests/fakellm.py --port 8765 --latency 0.3 --fault-rate 0.1    # for benchmarks
    with FakeLLM() as fake: Anthropic(base_url=fake.url) / OpenAI(base_url=fake.url + "/v1")
"""

from __future__ import annotations

import argparse
import json
import random
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FAULTS = ("rate_limit", "server_error", "overloaded", "malformed", "truncated", "refusal")
ERROR_FAULTS = {
    "rate_limit": (429, "rate_limit_error", "Rate limited (fake)."),
    "server_error": (500, "api_error", "Internal server error (fake)."),
    "overloaded": (529, "overloaded_error", "Overloaded (fake)."),
}
PURPOSES = {
    "Extraction": "extract",
    "Debate": "debate",
    "Reply": "reply",
    "DiscussionSummary": "summary",
}
REFUSAL = "I can't help with that request (fake refusal)."
PROSE = "Sure! Here are my thoughts on the note, in prose rather than JSON."
MODELS = {
    "object": "list",
    "data": [{"id": "fake-model", "object": "model", "created": 0, "owned_by": "x"}],
}
Canned = tuple[int, dict[str, str], Any]  # (status, headers, body: dict/list -> JSON, str -> raw)


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


def masked(key: str) -> str:
    """A key the way OpenAI echoes it back: a few characters each end, stars between."""
    return key[:8] + "*" * max(len(key) - 12, 4) + key[-4:]


class FakeLLM:
    """The server. Attributes may be changed between requests; counters are thread-safe."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
        faults: dict[str, float] | None = None,
        seed: int = 0,
        key: str | None = None,
        unknown_models: Iterable[str] = (),
    ) -> None:
        unknown = set(faults or {}) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults {sorted(unknown)}; choose from {FAULTS}")
        self.latency, self.key = latency, key
        self.faults = dict(faults or {})
        self.unknown_models = set(unknown_models)
        self.calls: list[dict[str, Any]] = []
        self.script: list[Canned] = []
        self.counts: Counter[str] = Counter()
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._seen_prefixes: set[str] = set()
        self._server = ThreadingHTTPServer((host, port), _Handler)
        self._server.block_on_close = False  # keep-alive clients must not stall close()
        self._server.fake = self  # type: ignore[attr-defined]
        self.url = f"http://{host}:{self._server.server_address[1]}"

    def start(self) -> FakeLLM:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.05)  # close() waits up to one interval

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeLLM:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def stats(self) -> dict[str, int]:
        with self._lock:
            return dict(self.counts)

    def count(self, name: str) -> None:
        with self._lock:
            self.counts[name] += 1

    def _random(self) -> float:
        with self._lock:
            return self._rng.random()

    def handle(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> Canned:
        """Answer one request: record it, then script, auth, model and fault checks, then answer."""
        body = json.loads(raw) if raw else None
        with self._lock:
            self.calls.append({"method": method, "path": path, "headers": headers, "json": body})
            self.counts["requests"] += 1
            canned = self.script.pop(0) if self.script else None
        if self.latency:
            time.sleep(self.latency)
        wire = "anthropic" if path.endswith("/messages") else "openai"
        if canned is not None:
            return canned
        if method == "GET" and path.endswith("/models"):
            return 200, {}, MODELS
        if method != "POST" or not path.endswith(("/messages", "/chat/completions")):
            return 404, {}, error_body(wire, "not_found_error", f"no route {method} {path}")
        return self._check(wire, headers, body or {}) or self._answer(wire, body or {})

    def _check(self, wire: str, headers: dict[str, str], body: dict[str, Any]) -> Canned | None:
        """A 401 for a wrong key (echoing part of it, as OpenAI does) or a 404 for a model."""
        sent = headers.get("x-api-key") or headers.get("authorization", "").removeprefix("Bearer ")
        if self.key is not None and sent != self.key:
            message = f"Incorrect API key provided: {masked(sent)}."
            return 401, {}, error_body(wire, "authentication_error", message, "invalid_api_key")
        model = body.get("model", "")
        if model in self.unknown_models:
            message = f"The model `{model}` does not exist or you do not have access to it."
            return 404, {}, error_body(wire, "not_found_error", message, "model_not_found")
        return None

    def _roll(self) -> str | None:
        r = self._random()
        for fault in FAULTS:
            r -= self.faults.get(fault, 0.0)
            if r < 0:
                return fault
        return None

    def _answer(self, wire: str, body: dict[str, Any]) -> Canned:
        ask = parse_anthropic(body) if wire == "anthropic" else parse_openai(body)
        fault = self._roll()
        if fault:
            self.count(f"fault_{fault}")
        if fault in ERROR_FAULTS:
            status, kind, message = ERROR_FAULTS[fault]
            return status, {"retry-after-ms": "1"}, error_body(wire, kind, message)
        text = self._mock_answer(ask)
        if fault == "malformed":
            text = PROSE if self._random() < 0.5 else text[: len(text) // 2]
        elif fault == "truncated":
            text = text[: len(text) // 2]
        elif fault == "refusal":
            text = ""
        stops = {"anthropic": ("end_turn", "max_tokens"), "openai": ("stop", "length")}[wire]
        stop = "refusal" if fault == "refusal" else stops[fault == "truncated"]
        build = anthropic_message if wire == "anthropic" else openai_completion
        return 200, {}, build(ask, text, stop, self._seen(ask.cache_prefix))

    def _seen(self, prefix: str) -> bool:
        """Whether a cacheable `prefix` came before (a cache read then, else a write)."""
        with self._lock:
            seen = prefix in self._seen_prefixes
            self._seen_prefixes.add(prefix)
        return bool(prefix) and seen

    def _mock_answer(self, ask: Ask) -> str:
        """What the offline mock backend answers to the same prompt and schema."""
        from debater import answers
        from debater.backends.base import BackendOptions, Message, Request
        from debater.backends.mock import MockBackend

        purpose = PURPOSES.get(ask.schema or "", "discuss")
        if ask.schema and purpose == "discuss":
            return "{}"  # a schema the mock does not know: an empty object
        messages = tuple(
            Message.user(text) if role == "user" else Message.assistant(text)
            for role, text in ask.messages
        )
        output = getattr(answers, ask.schema) if ask.schema else None
        request = Request(purpose=purpose, system=ask.system, messages=messages, output=output)
        return MockBackend(BackendOptions()).complete(request).text


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the SDKs' connection pools expect
    # Headers and body go out in two sends; with Nagle's algorithm the body would wait for the
    # client's delayed ACK (40 ms on Linux), a cost no real API server makes anyone pay.
    disable_nagle_algorithm = True
    timeout = 30  # idle keep-alive connections end instead of holding a thread forever

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests and benchmarks read the recorded calls instead."""

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        headers = {k.lower(): v for k, v in self.headers.items()}
        fake: FakeLLM = self.server.fake  # type: ignore[attr-defined]
        try:
            status, extra, body = fake.handle(method, self.path, headers, raw)
        except Exception as exc:  # a bug here must show up in the client's error, not hang it
            status, extra, body = 500, {}, error_body("openai", "api_error", repr(exc))
        fake.count(f"status_{status}")
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        headers = {"content-type": "application/json", **extra, "content-length": str(len(data))}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def _fault_args(rate: float, pairs: list[str]) -> dict[str, float]:
    """`--fault-rate` spread evenly over every fault, then `--fault KIND=P` overrides."""
    faults = {fault: rate / len(FAULTS) for fault in FAULTS} if rate else {}
    for pair in pairs:
        kind, _, p = pair.partition("=")
        faults[kind] = float(p)
    return faults


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per request")
    parser.add_argument("--fault-rate", type=float, default=0.0, help="total fault probability")
    parser.add_argument("--fault", action="append", default=[], help=f"KIND=P, KIND in {FAULTS}")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--key", help="the only key accepted (default: any)")
    parser.add_argument("--unknown-model", action="append", default=[], help="answer 404")
    args = parser.parse_args()
    fake = FakeLLM(
        host=args.host,
        port=args.port,
        latency=args.latency,
        faults=_fault_args(args.fault_rate, args.fault),
        seed=args.seed,
        key=args.key,
        unknown_models=args.unknown_model,
    )
    print(fake.url, flush=True)
    try:
        fake.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        fake.close()


if __name__ == "__main__":
    main()
