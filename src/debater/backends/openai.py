"""OpenAI and OpenAI-compatible servers (Ollama, vLLM, llama.cpp, LM Studio) via the openai SDK."""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import urllib.request
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from pydantic import BaseModel

from debater.backends.base import (
    Backend,
    BackendOptions,
    BackendStatus,
    Request,
    Resolved,
    Response,
    TokenUsage,
    no_batch_api,
)
from debater.backends.failures import ErrorContext, map_sdk_error, map_stream_error, raise_for_stop
from debater.backends.local_server import OLLAMA_DEFAULT_WINDOW, ollama_window, reported_window
from debater.backends.sdk import (
    LazyClient,
    guarded_http_client,
    import_sdk,
    normalise_stop,
    parse_object,
    require_sdk,
    sdk_timeout,
)
from debater.backends.secrets import missing_key, redact
from debater.errors import UsageError
from debater.llm.model_facts import facts_for

if TYPE_CHECKING:
    import openai
    from openai.types.chat import ChatCompletion

    from debater.batches.api import BatchAPI

OFFICIAL_HOST = "api.openai.com"
PLACEHOLDER_KEY = "not-needed"  # compatible servers ignore the key, but the SDK insists on one
SERVER_HINT = "or point --base-url / OPENAI_BASE_URL at a compatible server"


def _is_official(base_url: str | None) -> bool:
    return base_url is None or urlsplit(base_url).hostname == OFFICIAL_HOST


class OpenAIBackend(Backend):
    name = "openai"
    description = "OpenAI, or any OpenAI-compatible server via --base-url (OPENAI_API_KEY)"
    # Current general model; the SDK lists no deprecation for it.
    default_model: ClassVar[str] = "gpt-5.5"
    provider: ClassVar[str] = "OpenAI"
    key_hint: ClassVar[str] = "OPENAI_API_KEY"
    url_hint: ClassVar[str] = "--base-url / OPENAI_BASE_URL"
    # Sent when the user sets no --temperature; None leaves the server's own default.
    default_temperature: ClassVar[float | None] = None

    def __init__(self, options: BackendOptions) -> None:
        self.model, self.base_url, self.facts = self.resolve(options)
        key = self._api_key(self.base_url)
        require_sdk("openai", "openai")
        self._official = _is_official(self.base_url)
        self._window: int | None = None
        self._errors = ErrorContext(
            provider=self.provider,
            model=self.model,
            base_url=self.base_url or f"https://{OFFICIAL_HOST}/v1",
            key_var=self.key_hint,
            base_url_hint=self.url_hint,
            retries=options.max_retries,
        )  # no secrets listed: redact() always removes the keys set in the environment
        self._lazy: LazyClient[openai.OpenAI] = LazyClient(lambda: self._build_client(key, options))

    def _build_client(self, key: str, options: BackendOptions) -> Any:
        if not self._official and self.base_url:
            self._check_reachable(self.base_url)
        sdk = import_sdk("openai", "openai")
        return sdk.OpenAI(
            api_key=key,
            base_url=self.base_url,
            timeout=sdk_timeout(options.timeout),
            max_retries=options.max_retries,
            http_client=guarded_http_client(sdk, options.http_client),
        )

    @property
    def _client(self) -> openai.OpenAI:
        return self._lazy.get()

    def _check_reachable(self, url: str) -> None:
        """A local server that is not running is known at once, not after the SDK's retries
        (seconds of backoff per note for a forgotten `ollama serve`)."""
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            socket.create_connection((parts.hostname or "localhost", port), timeout=3).close()
        except (ConnectionRefusedError, socket.gaierror) as e:
            raise self._errors.error("unreachable", str(e)) from None
        except OSError:
            return  # slow or filtered: the SDK's own timeouts and retries decide

    @property
    def context_window(self) -> int | None:
        """The table's window, else what a local server reports (asked once)."""
        if self._window is None:
            self._window = self.facts.context_window or self._reported_window() or 0
        return self._window or None

    def _reported_window(self) -> int | None:
        if self._official or self.base_url is None:
            return None
        return reported_window(self.base_url, self.model)

    @classmethod
    def resolve(cls, options: BackendOptions) -> Resolved:
        """The model's family decides the parameters, whatever the host (gateways included)."""
        model = options.model or cls.default_model
        base_url = cls._base_url(options)
        fallback = "openai" if _is_official(base_url) else "local"
        facts = facts_for(model, fallback).with_window(options.context_window)
        return Resolved(model, base_url, facts)

    @classmethod
    def _base_url(cls, options: BackendOptions) -> str | None:
        return options.base_url or os.environ.get("OPENAI_BASE_URL") or None

    @classmethod
    def _api_key(cls, base_url: str | None) -> str:
        """The key from the environment; only api.openai.com requires one."""
        key = os.environ.get("OPENAI_API_KEY", "")
        if not key and _is_official(base_url):
            raise missing_key("OPENAI_API_KEY", SERVER_HINT)
        return key or PLACEHOLDER_KEY

    @classmethod
    def status(cls, options: BackendOptions) -> BackendStatus:
        if importlib.util.find_spec("openai") is None:
            return BackendStatus(ready=False, detail="pip install openai")
        base_url = cls._base_url(options)
        where = f" (server {redact(base_url)})" if base_url else ""
        if os.environ.get("OPENAI_API_KEY"):
            return BackendStatus(ready=True, detail=f"OPENAI_API_KEY is set{where}")
        if not _is_official(base_url):
            return BackendStatus(ready=True, detail=f"no key needed{where}")
        return BackendStatus(ready=False, detail=str(missing_key("OPENAI_API_KEY", SERVER_HINT)))

    def complete(self, request: Request) -> Response:
        import openai
        from openai.types.chat import ChatCompletion

        try:
            completion = self._client.chat.completions.create(**self._params(request))
        except openai.APIError as exc:
            raise map_sdk_error(exc, openai, self._errors) from None
        except json.JSONDecodeError:
            raise self._errors.error("bad_answer", "not JSON") from None
        # Without strict validation the SDK passes junk through (a web page at the URL, say).
        if not isinstance(completion, ChatCompletion) or completion.choices is None:
            raise self._errors.error("bad_answer", "")
        return self._response(completion, request.output)

    def stream_text(self, request: Request) -> Iterator[str]:
        import openai

        finish, refusal, chunks = None, "", 0
        try:
            with self._client.chat.completions.create(
                **self._params(request), stream=True
            ) as stream:
                for chunk in stream:
                    chunks += 1
                    if not chunk.choices:  # the closing usage chunk has none
                        continue
                    choice = chunk.choices[0]
                    finish = choice.finish_reason or finish
                    refusal += choice.delta.refusal or ""
                    if choice.delta.content:
                        yield choice.delta.content
        except openai.APIError as exc:
            raise map_stream_error(exc, openai, self._errors, chunks > 0) from None
        except json.JSONDecodeError:
            raise self._errors.error("bad_answer", "not JSON") from None
        if not chunks:  # a server that ignores "stream": its answer holds no events
            raise self._errors.error("bad_answer", "no stream events")
        raise_for_stop(finish, self._errors, refusal)

    def close(self) -> None:
        self._lazy.close()

    def batch_api(self) -> BatchAPI:
        """OpenAI's Batch API; another server must answer its `GET /batches` to be used."""
        from debater.batches.openai import OpenAIBatches

        if not self._official:
            self._probe_batches()
        return OpenAIBatches(self)

    def _probe_batches(self) -> None:
        import openai

        try:
            self._client.batches.list(limit=1)
        except openai.APIStatusError as exc:
            if exc.status_code in (400, 404, 405, 501):  # no such route on this server
                where = f"the server at {redact(self.base_url or '')}"
                raise UsageError(no_batch_api(where)) from None
            raise map_sdk_error(exc, openai, self._errors) from None
        except openai.APIError as exc:
            raise map_sdk_error(exc, openai, self._errors) from None

    def _params(self, request: Request) -> dict[str, Any]:
        """The keyword arguments of `chat.completions.create` for `request`."""
        messages = [{"role": "system", "content": request.system}] if request.system else []
        messages += [{"role": m.role, "content": m.text} for m in request.messages]
        # Reasoning models reject max_tokens and any temperature but 1; their reasoning counts
        # against the output limit. Compatible servers often know only max_tokens.
        facts = self.facts
        params: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            facts.token_param: facts.output_budget(request.max_tokens, request.effort),
        }
        if request.output is not None:
            params["response_format"] = _json_schema_format(request.output)
        if effort := facts.effort_param(request.effort):
            params["reasoning_effort"] = effort
        temperature = request.temperature
        if temperature is None:
            temperature = self.default_temperature
        if temperature is not None and facts.temperature:
            params["temperature"] = temperature
        return params

    def _response(self, completion: ChatCompletion, output: type[BaseModel] | None) -> Response:
        model = completion.model or self.model
        if not completion.choices:  # an empty list: the server chose to say nothing
            return Response(stop_reason="other", usage=_usage(completion), model=model)
        choice = completion.choices[0]
        text = choice.message.content or ""
        refusal = choice.message.refusal
        stop = "refusal" if refusal else normalise_stop(choice.finish_reason)
        if stop == "refusal" and not refusal:
            refusal = text or "the provider's content filter stopped the answer"
        parsed = parse_object(text) if output is not None and stop != "refusal" else None
        return Response(
            text=text,
            parsed=parsed,
            stop_reason=stop,
            refusal=refusal,
            usage=_usage(completion),
            model=model,
        )


class OllamaBackend(OpenAIBackend):
    """A local Ollama server through its OpenAI-compatible endpoint; no key needed."""

    name = "ollama"
    description = "a local Ollama server (no key; ollama serve)"
    # Multilingual and good at schema-following among common local models (notes mix languages).
    default_model: ClassVar[str] = "qwen2.5"
    default_url: ClassVar[str] = "http://127.0.0.1:11434/v1"
    provider: ClassVar[str] = "Ollama"
    key_hint: ClassVar[str] = "the server's authentication (Ollama itself needs no key)"
    url_hint: ClassVar[str] = "--base-url, or start Ollama with `ollama serve`"
    # Without a temperature Ollama's OpenAI endpoint samples at 1.0, overriding the model's
    # tuned default (ollama openai/openai.go); JSON answers from small models want it low.
    default_temperature: ClassVar[float | None] = 0.2
    assumed_window: ClassVar[int | None] = OLLAMA_DEFAULT_WINDOW

    def batch_api(self) -> BatchAPI:
        raise UsageError(no_batch_api("Ollama"))

    def _reported_window(self) -> int | None:
        """What the server runs the model with (`ollama ps`), else Ollama's default, 4,096.

        Ollama drops what does not fit its window without a word, so chunking must respect it.
        """
        return ollama_window(self.base_url or self.default_url, self.model)

    @classmethod
    def _base_url(cls, options: BackendOptions) -> str:
        return options.base_url or cls.default_url

    @classmethod
    def _api_key(cls, base_url: str | None) -> str:
        return "ollama"

    @classmethod
    def status(cls, options: BackendOptions) -> BackendStatus:
        if importlib.util.find_spec("openai") is None:
            return BackendStatus(ready=False, detail="pip install openai")
        base_url = cls._base_url(options)
        shown = redact(base_url)
        try:
            with urllib.request.urlopen(f"{base_url.rstrip('/')}/models", timeout=0.5):
                return BackendStatus(ready=True, detail=f"Ollama answers at {shown}")
        except (OSError, ValueError):
            return BackendStatus(
                ready=False,
                detail=f"Ollama is not reachable at {shown}: start it with `ollama serve`, "
                "or pass --base-url",
            )


@lru_cache(maxsize=32)  # building the strict schema costs milliseconds on every request
def _json_schema_format(output: type[BaseModel]) -> dict[str, Any]:
    """A strict `response_format` for `output`, with the schema as the SDK makes it strict."""
    import openai

    schema = openai.pydantic_function_tool(output)["function"].get("parameters", {})
    return {
        "type": "json_schema",
        "json_schema": {"name": output.__name__, "schema": schema, "strict": True},
    }


def _usage(completion: ChatCompletion) -> TokenUsage:
    """Token counts with `input_tokens` the uncached part, matching the other backends."""
    usage = completion.usage
    if usage is None:  # compatible servers may leave it out
        return TokenUsage()
    details = usage.prompt_tokens_details
    read = (details.cached_tokens or 0) if details else 0
    written = (details.cache_write_tokens or 0) if details else 0
    output = usage.completion_tokens_details
    return TokenUsage(
        input_tokens=max(usage.prompt_tokens - read - written, 0),
        output_tokens=usage.completion_tokens,
        cache_read_tokens=read,
        cache_write_tokens=written,
        thinking_tokens=(output.reasoning_tokens or 0) if output else 0,
    )
