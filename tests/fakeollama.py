"""Ollama as the fake serves it: a context window that cuts long prompts silently.

Facts from the ollama repository (github.com/ollama/ollama, read at v0.33.0-rc2) and the
installed python client (ollama/_client.py, _types.py) and langchain_ollama/chat_models.py:

- the window is num_ctx tokens, 4,096 by default below 24 GiB of VRAM (docs/context-length.mdx),
  set by OLLAMA_CONTEXT_LENGTH for the server or by `options.num_ctx` on /api/chat; the /v1
  endpoint has no way to set it (openai/openai.go reads no num_ctx);
- a prompt that does not fit is cut without an error, twice: server/prompt.go chatPrompt drops
  whole messages from the front, always keeping system messages and the last message; then
  llm/llama_server.go completionPromptForRequest, when the prompt is still >= num_ctx tokens,
  keeps its first num_keep tokens (4, api/types.go DefaultOptions; options.num_keep on /api/chat)
  and its end, cutting it to num_ctx - (num_ctx - num_keep) / 2 tokens (context shift, on by
  default: server/sched.go) -- so a long system prompt keeps only its first few tokens then;
- generation is not capped by the window: context shift makes room (the prompt cut above leaves
  about half the window for the answer), so only num_predict cuts an answer;
- /v1/chat/completions maps max_tokens to num_predict, has no max_completion_tokens field (so
  ignores it), samples at temperature 1.0 and top_p 1.0 when they are absent, and honours
  response_format json_schema (openai/openai.go FromChatRequest); /api/chat samples at 0.8
  (api/types.go DefaultOptions) unless options.temperature says otherwise;
- a stopped-at-num_predict answer is done_reason "length" (llm/llama_server.go);
- an unknown model is a 404 {"error": "model 'x' not found"} (server/routes.go ChatHandler).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from fakerules import cut, pieces, tokens
from fakewire import (
    Ask,
    Reply,
    Usage,
    ollama_chat,
    ollama_lines,
    openai_chunks,
    openai_completion,
    parse_openai,
)

DEFAULT_NUM_CTX = 4096
NUM_KEEP = 4
V1_TEMPERATURE = 1.0
NATIVE_TEMPERATURE = 0.8
VERSION = "0.33.0"
TRAINED_CONTEXT = 32768  # the model's own limit, reported by /api/show
Canned = tuple[int, dict[str, str], Any]
Messages = list[tuple[str, str]]


def prompt_tokens(messages: Messages) -> int:
    return sum(tokens(text) for _, text in messages)


def fit(messages: Messages, num_ctx: int, num_keep: int = NUM_KEEP) -> Messages:
    """The part of `messages` the model sees in a window of `num_ctx` tokens."""
    return _shift(_drop_old(messages, num_ctx), num_ctx, num_keep)


def _drop_old(messages: Messages, num_ctx: int) -> Messages:
    """server/prompt.go chatPrompt: drop messages from the front, keeping system messages."""
    for i in range(len(messages)):
        system = [m for m in messages[:i] if m[0] == "system"]
        kept = system + messages[i:]
        if prompt_tokens(kept) <= num_ctx or i == len(messages) - 1:
            return kept
    return messages


def _shift(messages: Messages, num_ctx: int, num_keep: int) -> Messages:
    """llm/llama_server.go: keep the first num_keep tokens and the end (the tokenizer's BOS,
    which llama_server adds to num_keep, is not part of the fake's text)."""
    owned = [(i, p) for i, (_, text) in enumerate(messages) for p in pieces(text)]
    if len(owned) <= num_ctx - 1:
        return messages
    keep = min(num_keep, num_ctx - 1)
    limit = num_ctx - max((num_ctx - keep) // 2, 1)
    kept = owned[:keep] + owned[keep + len(owned) - limit :]
    texts: dict[int, str] = {}
    for i, piece in kept:
        texts[i] = texts.get(i, "") + piece
    return [(messages[i][0], texts[i]) for i in sorted(texts)]


def full_name(model: str) -> str:
    """A model name with its tag: `qwen2.5` is `qwen2.5:latest` (types/model ParseName)."""
    return model if ":" in model else f"{model}:latest"


@dataclass
class Ollama:
    """The Ollama server the fake plays: its pulled models, its window, what is loaded."""

    models: Iterable[str] = ("qwen2.5", "llama3.2")
    num_ctx: int = DEFAULT_NUM_CTX
    loaded: dict[str, int] = field(default_factory=dict)  # model -> context_length
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.models = {full_name(m) for m in self.models}

    def has(self, model: str) -> bool:
        return full_name(model) in set(self.models)

    def load(self, model: str, num_ctx: int) -> None:
        with self._lock:
            self.loaded[full_name(model)] = num_ctx

    def route(self, method: str, path: str, body: dict[str, Any]) -> Canned | None:
        """The answer to a native /api/* request other than /api/chat, or None."""
        if (method, path) == ("GET", "/api/version"):
            return 200, {}, {"version": VERSION}
        if (method, path) == ("GET", "/api/tags"):
            return 200, {}, {"models": [_model(m) for m in sorted(self.models)]}
        if (method, path) == ("GET", "/api/ps"):
            with self._lock:
                loaded = sorted(self.loaded.items())
            return 200, {}, {"models": [_loaded(m, ctx) for m, ctx in loaded]}
        if (method, path) == ("POST", "/api/show"):
            return self._show(str(body.get("model") or body.get("name") or ""))
        return None

    def _show(self, model: str) -> Canned:
        if not self.has(model):
            return not_found(model)
        info = {"general.architecture": "fake", "fake.context_length": TRAINED_CONTEXT}
        show = {
            "modelfile": f"FROM {full_name(model)}\n",
            "parameters": "",
            "template": "{{ .Prompt }}",
            "details": _details(),
            "model_info": info,
            "capabilities": ["completion", "tools"],
        }
        return 200, {}, show

    def models_list(self) -> dict[str, Any]:
        """GET /v1/models as Ollama serves it (openai/openai.go ListCompletion)."""
        data = [
            {"id": m, "object": "model", "created": 0, "owned_by": "library"}
            for m in sorted(self.models)
        ]
        return {"object": "list", "data": data}


def not_found(model: str) -> Canned:
    return 404, {}, {"error": f"model '{model}' not found"}


def _details() -> dict[str, Any]:
    return {"format": "gguf", "family": "fake", "families": ["fake"], "parameter_size": "7B"}


def _model(name: str) -> dict[str, Any]:
    return {"name": name, "model": name, "size": 1, "digest": "fake", "details": _details()}


def _loaded(name: str, context: int) -> dict[str, Any]:
    expires = "2099-01-01T00:00:00Z"
    return {**_model(name), "expires_at": expires, "size_vram": 1, "context_length": context}


@dataclass
class Turn:
    """One chat request as the model sees it, and what the fake records of it."""

    ask: Ask
    num_ctx: int
    temperature: float
    num_predict: int | None
    sent_tokens: int  # prompt tokens sent
    seen: Messages  # what is left of the prompt after the window cut

    @property
    def seen_tokens(self) -> int:
        return prompt_tokens(self.seen)


def turn(body: dict[str, Any], num_ctx: int, native: bool) -> Turn:
    """What a /api/chat (`native`) or /v1/chat/completions request asks, cut to the window."""
    options = (body.get("options") or {}) if native else {}
    num_ctx = int(options.get("num_ctx") or num_ctx)
    if native:
        temperature = options.get("temperature", NATIVE_TEMPERATURE)
        num_predict = options.get("num_predict")
    else:
        temperature = body.get("temperature")
        temperature = V1_TEMPERATURE if temperature is None else temperature
        num_predict = body.get("max_tokens")  # max_completion_tokens: no such field
    ask = parse_openai(body, "ollama")
    sent = [("system", ask.system)] if ask.system else []
    sent += ask.messages
    seen = fit(sent, num_ctx, int(options.get("num_keep", NUM_KEEP)))
    ask.system = "\n\n".join(text for role, text in seen if role == "system")
    ask.messages = [(role, text) for role, text in seen if role != "system"]
    predict = int(num_predict) if num_predict is not None and num_predict >= 0 else None
    return Turn(ask, num_ctx, float(temperature), predict, prompt_tokens(sent), seen)


def answer_chat(
    body: dict[str, Any], server: Ollama, answer: Callable[[Ask], str], native: bool
) -> tuple[Canned, Turn | None]:
    """An /api/chat or Ollama /v1/chat/completions answer, and the turn it answered."""
    model = str(body.get("model", ""))
    if not server.has(model):
        status, headers, error = not_found(model)
        if native:
            return (status, headers, error), None
        v1 = {"message": error["error"], "type": "not_found_error", "param": None, "code": None}
        return (status, headers, {"error": v1}), None  # openai/openai.go NewError
    chat = turn(body, server.num_ctx, native)
    server.load(model, chat.num_ctx)
    text = answer(chat.ask)
    length = chat.num_predict is not None and tokens(text) > chat.num_predict
    if length:
        text = cut(text, chat.num_predict or 0)
    reason = "length" if length else "stop"
    build = _native if native else _v1
    return build(body, chat, text, reason), chat


def _native(body: dict[str, Any], chat: Turn, text: str, reason: str) -> Canned:
    final = {
        "done_reason": reason,
        "total_duration": 1,
        "load_duration": 1,
        "prompt_eval_count": chat.seen_tokens,
        "prompt_eval_duration": 1,
        "eval_count": tokens(text),
        "eval_duration": 1,
    }
    model = str(body.get("model"))
    if body.get("stream", True):  # ollama/_client.py: stream defaults to True in ChatOllama
        return 200, {}, ollama_lines(model, text, **final)
    return 200, {}, ollama_chat(model, text, True, **final)


def _v1(body: dict[str, Any], chat: Turn, text: str, reason: str) -> Canned:
    usage = Usage(input=chat.seen_tokens, output=tokens(text)).openai(details=False)
    reply = Reply(text, reason, usage)
    completion = openai_completion(chat.ask, reply, system_fingerprint="fp_ollama")
    completion["model"] = body.get("model")
    if body.get("stream"):
        include = bool((body.get("stream_options") or {}).get("include_usage"))
        return 200, {}, openai_chunks(completion, include)
    return 200, {}, completion
