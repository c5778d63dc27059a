"""A fake LLM server speaking the Anthropic Messages and OpenAI Chat Completions wire formats.

It answers sensibly: the wanted schema (`Extraction`, `Debate`, `Reply`) and the prompt text go to
the offline MockBackend, so a whole pipeline runs through the real SDKs. And it says no where the
real APIs say no: the model catalogues and checks of fakerules.py (unknown models, parameters a
model rejects, broken structured-output schemas, too many cache breakpoints), thinking and
reasoning tokens spent out of max_tokens, prompt caching as fakecache.py keeps it, and, when
asked, billing, permission and long rate-limit refusals. `ollama=True` plays an Ollama server
instead (fakeollama.py). A request with `"stream": true` gets the same answer as server-sent
events (fakewire.py). Faults (429, 500, 529, malformed JSON, truncation, refusals) come from a
seeded RNG; `script` queues canned replies. Every call is recorded in `calls`, with the usage the
fake computed for it.

    python tests/fakellm.py --port 8765 --latency 0.3 --fault-rate 0.1    # for benchmarks
    python tests/fakellm.py --ollama --num-ctx 4096                       # an Ollama server
    with FakeLLM() as fake: Anthropic(base_url=fake.url) / OpenAI(base_url=fake.url + "/v1")
"""

from __future__ import annotations

import argparse
import json
import os
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from fakebatch import FakeBatches
from fakecache import PromptCache, anthropic_plan, openai_plan
from fakeollama import DEFAULT_NUM_CTX, Ollama, answer_chat, not_found
from fakerules import (
    CREDIT_TOO_LOW,
    NO_PERMISSION,
    NO_QUOTA,
    REASONING_TOKENS,
    THINKING_TOKENS,
    Rejection,
    anthropic_rate_limited,
    anthropic_rejection,
    budget,
    claude,
    claude_thinking,
    openai_no_access,
    openai_rate_limited,
    openai_reasoning,
    openai_rejection,
    tokens,
)
from fakewire import (
    Ask,
    EventStream,
    Reply,
    Usage,
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
    "TensionsAnswer": "tensions",
}
PROSE = "Sure! Here are my thoughts on the note, in prose rather than JSON."
MODELS = {
    "object": "list",
    "data": [{"id": "fake-model", "object": "model", "created": 0, "owned_by": "x"}],
}
# Sampling temperature when a request names none: 1.0 on both APIs (platform.claude.com/docs/
# en/api/messages "Defaults to 1.0"; openai completions.py temperature docstring "Defaults to 1").
DEFAULT_TEMPERATURE = 1.0
# (status, headers, body): a dict or list goes out as JSON, a str as it is, an EventStream streamed
Canned = tuple[int, dict[str, str], Any]
Switch = bool | Iterable[str]  # on for every model, or for the models named
Commit = Callable[[], None]


def _nothing() -> None:
    """No cache entry to write: the request wrote nothing."""


def masked(key: str) -> str:
    """A key the way OpenAI echoes it back: a few characters each end, stars between."""
    return key[:8] + "*" * max(len(key) - 12, 4) + key[-4:]


def applies(switch: Switch, model: str) -> bool:
    """Whether a switch (True, False, or the models it is on for) is on for `model`."""
    return switch if isinstance(switch, bool) else model in set(switch)


class FakeLLM:
    """The server. Attributes may be changed between requests; counters are thread-safe.

    billing / permission / rate_limited: True for every model or the models they are on for;
    thinking_tokens / reasoning_tokens: tokens spent per effort level, over the defaults;
    ollama: play an Ollama server with a `num_ctx`-token window and `ollama_models` pulled.
    """

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
        billing: Switch = False,
        permission: Switch = False,
        rate_limited: Switch = False,
        rate_limit_retry_after: float = 3600.0,
        thinking_tokens: Mapping[str, int] | None = None,
        reasoning_tokens: Mapping[str, int] | None = None,
        ollama: bool = False,
        num_ctx: int = DEFAULT_NUM_CTX,
        ollama_models: Iterable[str] = ("qwen2.5", "llama3.2"),
    ) -> None:
        unknown = set(faults or {}) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults {sorted(unknown)}; choose from {FAULTS}")
        self.latency, self.key = latency, key
        self.faults = dict(faults or {})
        self.unknown_models = set(unknown_models)
        self.billing, self.permission, self.rate_limited = billing, permission, rate_limited
        self.rate_limit_retry_after = rate_limit_retry_after
        self.thinking_tokens = {**THINKING_TOKENS, **(thinking_tokens or {})}
        self.reasoning_tokens = {**REASONING_TOKENS, **(reasoning_tokens or {})}
        self.ollama = Ollama(ollama_models, num_ctx) if ollama else None
        self.anthropic_cache, self.openai_cache = PromptCache(), PromptCache()
        self.calls: list[dict[str, Any]] = []
        self.script: list[Canned] = []
        self.counts: Counter[str] = Counter()
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), _Handler)
        self._server.block_on_close = False  # keep-alive clients must not stall close()
        self._server.fake = self  # type: ignore[attr-defined]
        self.url = f"http://{host}:{self._server.server_address[1]}"
        self.batches = FakeBatches(self.url, self._live("anthropic"), self._live("openai"))

    def start(self) -> Self:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.05)  # close() waits up to one interval

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def stats(self) -> dict[str, int]:
        with self._lock:
            return dict(self.counts)

    def count(self, name: str) -> None:
        with self._lock:
            self.counts[name] += 1

    @property
    def temperatures(self) -> list[float]:
        """The temperature each answered chat call was sampled at, in order."""
        with self._lock:
            return [c["temperature"] for c in self.calls if "temperature" in c]

    def _random(self) -> float:
        with self._lock:
            return self._rng.random()

    def handle(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> Canned:
        """Answer one request: record it, then script, checks and the answer.

        Cache entries are read when the request arrives and written once it is answered (after
        `latency`), so requests in flight together never see each other's writes.
        """
        route = path.split("?", 1)[0]
        if FakeBatches.owns(route) and not self.ollama:
            return self._batch_call(method, path, headers, raw)
        body = json.loads(raw) if raw else None
        call: dict[str, Any] = {"method": method, "path": path, "headers": headers, "json": body}
        with self._lock:
            self.calls.append(call)
            self.counts["requests"] += 1
            canned = self.script.pop(0) if self.script else None
        commit: Commit = _nothing
        if canned is None:
            canned, commit = self._dispatch(method, route, headers, body, call)
        if self.latency:
            time.sleep(self.latency)
        commit()
        call["status"] = canned[0]
        return canned

    def _batch_call(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> Canned:
        """A batch API request (fakebatch.py), recorded; its items are not live requests."""
        call: dict[str, Any] = {"method": method, "path": path, "headers": headers, "json": None}
        with self._lock:
            self.calls.append(call)
            self.counts["batch_requests"] += 1
        wire = "anthropic" if "/messages/" in path else "openai"
        route = path.split("?", 1)[0]
        canned = self._gate(wire, headers, {}) or self.batches.handle(method, route, headers, raw)
        call["status"] = canned[0]
        return canned

    def _live(self, wire: str) -> Callable[[dict[str, str], dict[str, Any]], tuple[int, Any]]:
        """The live handler of `wire` for a batch item: (status, body), cache entries written."""
        answer = self._anthropic if wire == "anthropic" else self._openai

        def run(headers: dict[str, str], params: dict[str, Any]) -> tuple[int, Any]:
            (status, _, body), commit = answer(headers, params, {})
            commit()
            return status, body

        return run

    def _dispatch(
        self, method: str, route: str, headers: dict[str, str], body: Any, call: dict[str, Any]
    ) -> tuple[Canned, Commit]:
        request = body if isinstance(body, dict) else {}
        if method == "GET" and route.endswith("/models"):
            return (200, {}, self.ollama.models_list() if self.ollama else MODELS), _nothing
        if self.ollama:
            return self._ollama(method, route, request, call), _nothing
        if method == "POST" and route.endswith("/messages"):
            return self._anthropic(headers, request, call)
        if method == "POST" and route.endswith("/chat/completions"):
            return self._openai(headers, request, call)
        wire = "anthropic" if route.endswith("/messages") else "openai"
        return (
            404,
            {},
            error_body(wire, "not_found_error", f"no route {method} {route}"),
        ), _nothing

    # ---- checks every API makes before answering ----

    def _gate(self, wire: str, headers: dict[str, str], body: dict[str, Any]) -> Canned | None:
        """A 401 for a wrong key, 404 for an unknown model, then the account refusals."""
        sent = headers.get("x-api-key") or headers.get("authorization", "").removeprefix("Bearer ")
        if self.key is not None and sent != self.key:
            message = f"Incorrect API key provided: {masked(sent)}."
            return 401, {}, error_body(wire, "authentication_error", message, "invalid_api_key")
        model = str(body.get("model", ""))
        if model in self.unknown_models:
            return _refused(wire, _unknown_model(wire, model))
        for switch, refusal in self._account_refusals(wire, model):
            if applies(switch, model):
                return refusal
        return None

    def _account_refusals(self, wire: str, model: str) -> list[tuple[Switch, Canned]]:
        """Permission, rate limit and billing refusals, in the order they are checked."""
        wait = self.rate_limit_retry_after
        anthropic = wire == "anthropic"
        denied = Rejection(403, "permission_error", NO_PERMISSION)
        limited = anthropic_rate_limited(wait) if anthropic else openai_rate_limited(model, wait)
        broke = Rejection(400, "invalid_request_error", CREDIT_TOO_LOW) if anthropic else NO_QUOTA
        return [
            (self.permission, _refused(wire, denied if anthropic else openai_no_access(model))),
            (self.rate_limited, _refused(wire, limited, {"retry-after": f"{wait:g}"})),
            (self.billing, _refused(wire, broke)),  # NO_QUOTA: no retry-after header
        ]

    def _roll(self) -> str | None:
        r = self._random()
        for fault in FAULTS:
            r -= self.faults.get(fault, 0.0)
            if r < 0:
                return fault
        return None

    def _prechecks(
        self,
        wire: str,
        headers: dict[str, str],
        body: dict[str, Any],
        rules: Callable[[dict[str, Any]], Rejection | None],
    ) -> tuple[Canned | None, str | None]:
        """The error answer if the request fails before the model runs, and its fault."""
        refused = self._gate(wire, headers, body)
        if refused:
            return refused, None
        rejection = rules(body)
        if rejection:
            return _refused(wire, rejection), None
        fault = self._roll()
        if fault:
            self.count(f"fault_{fault}")
        if fault in ERROR_FAULTS:
            status, kind, message = ERROR_FAULTS[fault]
            return (status, {"retry-after-ms": "1"}, error_body(wire, kind, message)), fault
        return None, fault

    def _text(self, ask: Ask, fault: str | None, stops: tuple[str, str]) -> tuple[str, str]:
        """The mock's answer with the content fault applied, and its stop reason."""
        text = self._mock_answer(ask)
        if fault == "malformed":
            text = PROSE if self._random() < 0.5 else text[: len(text) // 2]
        elif fault == "truncated":
            text = text[: len(text) // 2]
        elif fault == "refusal":
            return "", "refusal"
        return text, stops[fault == "truncated"]

    # ---- Anthropic Messages ----

    def _anthropic(
        self, headers: dict[str, str], body: dict[str, Any], call: dict[str, Any]
    ) -> tuple[Canned, Commit]:
        failed, fault = self._prechecks("anthropic", headers, body, anthropic_rejection)
        if failed:
            return failed, _nothing
        ask = parse_anthropic(body)
        family = claude(ask.model)
        assert family is not None  # anthropic_rejection answers 404 for unknown models
        text, stop = self._text(ask, fault, ("end_turn", "max_tokens"))
        thinking, display = claude_thinking(body, family, self.thinking_tokens)
        text, thinking, cut = budget(text, thinking, body["max_tokens"])
        plan = anthropic_plan(self.anthropic_cache, ask.model, body, family.cache_min)
        usage = Usage(plan.uncached, plan.read, plan.written, thinking + tokens(text), thinking)
        usage.by_ttl = plan.by_ttl
        stop = "max_tokens" if cut and stop != "refusal" else stop  # a refusal stays one
        reply = Reply(text, stop, usage.anthropic(), thinking, display)
        message = anthropic_message(ask, reply)
        call.update(usage=reply.usage, thinking_tokens=thinking, temperature=_temperature(body))
        streamed = anthropic_events(message) if body.get("stream") else message
        return (200, {}, streamed), lambda: self.anthropic_cache.write(plan.writes)

    # ---- OpenAI Chat Completions ----

    def _openai(
        self, headers: dict[str, str], body: dict[str, Any], call: dict[str, Any]
    ) -> tuple[Canned, Commit]:
        failed, fault = self._prechecks("openai", headers, body, openai_rejection)
        if failed:
            return failed, _nothing
        ask = parse_openai(body)
        text, stop = self._text(ask, fault, ("stop", "length"))
        reasoning = openai_reasoning(body, self.reasoning_tokens)
        limit = body.get("max_completion_tokens", body.get("max_tokens"))
        text, reasoning, cut = budget(text, reasoning, limit)
        plan = openai_plan(self.openai_cache, ask.model, body)
        usage = Usage(plan.uncached, plan.read, 0, reasoning + tokens(text), reasoning)
        reply = Reply(text, "length" if cut and stop != "refusal" else stop, usage.openai())
        completion = openai_completion(ask, reply)
        call.update(usage=reply.usage, reasoning_tokens=reasoning, temperature=_temperature(body))
        include = bool((body.get("stream_options") or {}).get("include_usage"))
        streamed = openai_chunks(completion, include) if body.get("stream") else completion
        return (200, {}, streamed), lambda: self.openai_cache.write(plan.writes)

    # ---- Ollama ----

    def _ollama(
        self, method: str, route: str, body: dict[str, Any], call: dict[str, Any]
    ) -> Canned:
        assert self.ollama is not None
        chat = {("POST", "/api/chat"): True, ("POST", "/v1/chat/completions"): False}
        native = chat.get((method, route))
        if native is None:
            found = self.ollama.route(method, route, body)
            return found or (404, {"content-type": "text/plain"}, "404 page not found")
        model = str(body.get("model", ""))
        if model in self.unknown_models:
            return not_found(model)
        canned, turn = answer_chat(body, self.ollama, self._mock_answer, native)
        if turn is not None:
            call.update(
                temperature=turn.temperature,
                num_ctx=turn.num_ctx,
                num_predict=turn.num_predict,
                prompt_tokens=turn.sent_tokens,
                seen_tokens=turn.seen_tokens,
                seen=turn.seen,
            )
        return canned

    # ---- the mock's answer ----

    def _mock_answer(self, ask: Ask) -> str:
        """What the offline mock backend answers to the same prompt and schema."""
        from debater.backends.base import BackendOptions, Message, Request
        from debater.backends.mock import MockBackend
        from debater.llm import answers

        purpose = PURPOSES.get(ask.schema or "", "discuss")
        if ask.schema and purpose == "discuss":
            return "{}"  # a schema the mock does not know: an empty object
        messages = tuple(
            Message.user(text) if role == "user" else Message.assistant(text)
            for role, text in ask.messages
        )
        output = getattr(answers, ask.schema) if ask.schema else None
        request = Request(purpose=purpose, system=ask.system, messages=messages, output=output)
        try:
            return MockBackend(BackendOptions()).complete(request).text
        except Exception:
            if ask.wire != "ollama":
                raise  # a bug of the mock: a 500 shows it
            # A prompt Ollama's window cut to pieces: a model would still answer something.
            return "{}" if ask.schema else PROSE


def _temperature(body: Mapping[str, Any]) -> float:
    value = body.get("temperature")
    return DEFAULT_TEMPERATURE if value is None else float(value)


def _unknown_model(wire: str, model: str) -> Rejection:
    if wire == "anthropic":  # platform.claude.com/docs/en/api/errors: 404 not_found_error
        return Rejection(404, "not_found_error", f"model: {model}")
    message = f"The model `{model}` does not exist or you do not have access to it."
    return Rejection(404, "not_found_error", message, None, "model_not_found")


def _refused(wire: str, rejection: Rejection, headers: dict[str, str] | None = None) -> Canned:
    body = error_body(wire, rejection.kind, rejection.message, rejection.code, rejection.param)
    return rejection.status, dict(headers or {}), body


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
        """A stream, one HTTP chunk per event, so every event leaves when it is written."""
        self.send_response(status)
        headers = {"content-type": stream.content_type, **extra, "transfer-encoding": "chunked"}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        for text in stream.events:
            data = text.encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.write(b"0\r\n\r\n")


# ---- command line ----


def _fault_args(rate: float, pairs: list[str]) -> dict[str, float]:
    """`--fault-rate` spread evenly over every fault, then `--fault KIND=P` overrides."""
    faults = {fault: rate / len(FAULTS) for fault in FAULTS} if rate else {}
    for pair in pairs:
        kind, _, p = pair.partition("=")
        faults[kind] = float(p)
    return faults


def _switch(models: list[str] | None) -> Switch:
    """A switch flag: absent is off, bare is on for every model, with names on for those."""
    if models is None:
        return False
    return set(models) or True


def _levels(pairs: list[str]) -> dict[str, int]:
    """`EFFORT=TOKENS` pairs."""
    return {k: int(v) for k, _, v in (pair.partition("=") for pair in pairs)}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    add = parser.add_argument
    add("--host", default="127.0.0.1")
    add("--port", type=int, default=8765)
    add("--latency", type=float, default=0.0, help="seconds per request")
    add("--fault-rate", type=float, default=0.0, help="total fault probability")
    add("--fault", action="append", default=[], help=f"KIND=P, KIND in {FAULTS}")
    add("--seed", type=int, default=0)
    add("--key", help="the only key accepted (default: any)")
    add("--unknown-model", action="append", default=[], help="answer 404")
    for flag, what in (("billing", "no credit / no quota"), ("permission", "403")):
        add(f"--{flag}", nargs="*", metavar="MODEL", help=f"{what}, for every model or these")
    add("--rate-limited", nargs="*", metavar="MODEL", help="429 with a long retry-after")
    add("--rate-limit-retry-after", type=float, default=3600.0, help="seconds (default 3600)")
    add("--thinking-tokens", action="append", default=[], help="EFFORT=N (Claude thinking)")
    add("--reasoning-tokens", action="append", default=[], help="EFFORT=N (OpenAI reasoning)")
    add("--ollama", action="store_true", help="play an Ollama server")
    default_ctx = int(os.environ.get("OLLAMA_CONTEXT_LENGTH") or DEFAULT_NUM_CTX)
    add("--num-ctx", type=int, default=default_ctx, help="Ollama's window ($OLLAMA_CONTEXT_LENGTH)")
    add("--ollama-model", action="append", default=[], help="a pulled model (repeatable)")
    return parser


def main() -> None:
    args = _parser().parse_args()
    fake = FakeLLM(
        host=args.host,
        port=args.port,
        latency=args.latency,
        faults=_fault_args(args.fault_rate, args.fault),
        seed=args.seed,
        key=args.key,
        unknown_models=args.unknown_model,
        billing=_switch(args.billing),
        permission=_switch(args.permission),
        rate_limited=_switch(args.rate_limited),
        rate_limit_retry_after=args.rate_limit_retry_after,
        thinking_tokens=_levels(args.thinking_tokens),
        reasoning_tokens=_levels(args.reasoning_tokens),
        ollama=args.ollama,
        num_ctx=args.num_ctx,
        ollama_models=args.ollama_model or ("qwen2.5", "llama3.2"),
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
