"""A fake LLM server speaking the Anthropic Messages and OpenAI Chat Completions wire formats.

It answers sensibly: the wanted schema (`Extraction`, `Debate`, `Reply`) and the prompt text go to
the offline MockBackend, so a whole pipeline runs through the real SDKs. A request with
`"stream": true` gets the same answer as server-sent events (the wire formats are in fakewire.py).
Faults (429, 500, 529, malformed JSON, truncation, refusals) come from a seeded RNG; `script`
queues canned replies.

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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from fakewire import (
    Ask,
    EventStream,
    anthropic_events,
    anthropic_message,
    error_body,
    openai_chunks,
    openai_completion,
    parse_anthropic,
    parse_openai,
)

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
PROSE = "Sure! Here are my thoughts on the note, in prose rather than JSON."
MODELS = {
    "object": "list",
    "data": [{"id": "fake-model", "object": "model", "created": 0, "owned_by": "x"}],
}
# (status, headers, body): a dict or list goes out as JSON, a str as it is, an EventStream as SSE
Canned = tuple[int, dict[str, str], Any]


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
        answer = build(ask, text, stop, self._seen(ask.cache_prefix))
        return 200, {}, _streamed(wire, answer, body) if body.get("stream") else answer

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


def _streamed(wire: str, answer: dict[str, Any], body: dict[str, Any]) -> EventStream:
    """`answer` as the events its API streams when asked to."""
    if wire == "anthropic":
        return anthropic_events(answer)
    return openai_chunks(answer, bool((body.get("stream_options") or {}).get("include_usage")))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the SDKs' connection pools expect
    # Headers and body go out in two sends; with Nagle's algorithm the body would wait for the
    # client's delayed ACK (40 ms on Linux), a cost no real API server makes anyone pay.
    disable_nagle_algorithm = True
    timeout = 30  # idle keep-alive connections end instead of holding a thread forever

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests and benchmarks read the recorded calls instead."""

    def handle(self) -> None:
        try:
            super().handle()
        except ConnectionError:  # a client that stopped reading a stream before its end
            self.close_connection = True

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
        if isinstance(body, EventStream):
            self._send_events(status, extra, body)
            return
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        headers = {"content-type": "application/json", **extra, "content-length": str(len(data))}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_events(self, status: int, extra: dict[str, str], stream: EventStream) -> None:
        """Server-sent events, one HTTP chunk each, so every event leaves when it is written."""
        self.send_response(status)
        headers = {"content-type": "text/event-stream", **extra, "transfer-encoding": "chunked"}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        for text in stream.events:
            data = text.encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.write(b"0\r\n\r\n")


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
