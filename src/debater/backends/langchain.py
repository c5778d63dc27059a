"""Any LangChain chat model, named as `package.module:ClassName` plus keyword arguments."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar, cast

from pydantic import BaseModel, ValidationError

from debater.backends.base import (
    Backend,
    BackendOptions,
    BackendStatus,
    Request,
    Resolved,
    Response,
    TokenUsage,
)
from debater.backends.failures import (
    ErrorContext,
    ErrorKind,
    raise_for_stop,
    server_detail,
    status_error,
)
from debater.backends.local_server import OLLAMA_DEFAULT_WINDOW
from debater.backends.sdk import import_sdk, normalise_stop
from debater.backends.secrets import redact
from debater.errors import BackendError, UsageError
from debater.llm.model_facts import facts_for

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import AIMessage, BaseMessage

SPEC_HELP = "--lc-model package.module:ClassName, e.g. langchain_ollama:ChatOllama"
SECRET_WORDS = {"key", "token", "secret", "password"}
# What integrations call the output limit: ChatAnthropic, ChatOpenAI; Google; ChatOllama; HF.
LIMIT_FIELDS = ("max_tokens", "max_output_tokens", "num_predict", "max_new_tokens")


def load_chat_model(
    spec: str, kwargs: dict[str, Any], defaults: dict[str, Any] | None = None
) -> BaseChatModel:
    """Import `spec` ("package.module:ClassName"), check it is a chat model, build it.

    `defaults` fill in arguments the class accepts and `kwargs` leaves out.
    """
    import_sdk("langchain_core", "langchain-core")
    from langchain_core.language_models import BaseChatModel

    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise UsageError(f"expected {SPEC_HELP}; got {spec!r}")
    cls: Any = _import_module(module_name)
    for part in attr.split("."):
        cls = getattr(cls, part, None)
        if cls is None:
            raise UsageError(f"{module_name} has no {attr}: check {SPEC_HELP}")
    if not (isinstance(cls, type) and issubclass(cls, BaseChatModel)):
        raise UsageError(f"{spec} is not a LangChain chat model (a BaseChatModel subclass)")
    for name, value in (defaults or {}).items():
        if value is not None and _accepts(cls, name):
            kwargs.setdefault(name, value)
    try:
        model: BaseChatModel = cls(**kwargs)
    except (ValidationError, TypeError, ValueError) as exc:
        detail = redact(" ".join(str(exc).split())[:300], _secrets(kwargs))
        raise UsageError(f"cannot build {spec} from --lc-kwargs: {detail}") from None
    return model


def _accepts(cls: type[BaseChatModel], name: str) -> bool:
    """Whether the model class has a field (or field alias) called `name`."""
    return any(key == name or info.alias == name for key, info in cls.model_fields.items())


def _import_module(name: str) -> Any:
    """Import a module, or name the pip package that provides it."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        top = (exc.name or name).split(".")[0]
        if importlib.util.find_spec(top) is None:
            package = top.replace("_", "-")
            raise UsageError(f"cannot import {name}: pip install {package}") from None
        raise UsageError(f"cannot import {name}: {exc}") from None


def _secrets(kwargs: dict[str, Any]) -> tuple[str, ...]:
    """String values of arguments named like secrets (api_key, auth_token; not max_tokens)."""
    return tuple(
        value
        for name, value in kwargs.items()
        if isinstance(value, str) and SECRET_WORDS & set(name.lower().split("_"))
    )


class LangChainBackend(Backend):
    name = "langchain"
    description = "any LangChain chat model (--lc-model package.module:Class, --lc-kwargs)"
    default_model: ClassVar[str] = ""

    def __init__(self, options: BackendOptions) -> None:
        if not options.lc_model:
            raise UsageError(f"the langchain backend needs {SPEC_HELP}")
        kwargs = dict(options.lc_kwargs)
        defaults = {
            "model": options.model,
            "base_url": options.base_url,
            "timeout": options.timeout,
            "max_retries": options.max_retries,
        }
        self._chat = load_chat_model(options.lc_model, kwargs, defaults)
        self.model, self.base_url, self.facts = self.resolve(options)
        self._user_set = set(options.lc_kwargs)
        self._limit_field = next((f for f in LIMIT_FIELDS if self._has_field(f)), None)
        self._errors = ErrorContext(
            provider=options.lc_model,
            model=self.model,
            base_url=self.base_url or "the provider's default address",
            key_var="the key in --lc-kwargs or the provider's environment variable",
            base_url_hint="base_url in --lc-kwargs",
            retries=int(getattr(self._chat, "max_retries", 0) or 0),
            secrets=_secrets(kwargs),
        )

    @classmethod
    def resolve(cls, options: BackendOptions) -> Resolved:
        """The model named in --lc-kwargs (or --model), else the chat model's class name."""
        kwargs = options.lc_kwargs
        class_name = (options.lc_model or "").rpartition(":")[2].rsplit(".", 1)[-1]
        model = str(kwargs.get("model") or kwargs.get("model_name") or options.model or class_name)
        base_url = str(kwargs.get("base_url") or options.base_url or "") or None
        return Resolved(model, base_url, facts_for(model).with_window(options.context_window))

    @classmethod
    def status(cls, options: BackendOptions) -> BackendStatus:
        if importlib.util.find_spec("langchain_core") is None:
            return BackendStatus(ready=False, detail="pip install langchain-core")
        if not options.lc_model:
            return BackendStatus(ready=False, detail=f"needs {SPEC_HELP}")
        return BackendStatus(ready=True, detail=options.lc_model)

    @property
    def context_window(self) -> int | None:
        """--context-window, else the model's `num_ctx`; an Ollama model runs with 4,096 unless
        told otherwise, and drops what does not fit without a word."""
        if self.facts.context_window:
            return self.facts.context_window
        num_ctx = getattr(self._chat, "num_ctx", None)
        if isinstance(num_ctx, int) and num_ctx > 0:
            return num_ctx
        ollama = type(self._chat).__module__.startswith("langchain_ollama")
        return OLLAMA_DEFAULT_WINDOW if ollama else None

    def complete(self, request: Request) -> Response:
        from langchain_core.exceptions import ModelRefusalError, OutputParserException

        messages = self._messages(request)
        chat = self._tuned(request)
        try:
            with self._mapped_errors():
                if request.output is None:
                    raw = chat.invoke(messages)
                    return self._response(raw, raw.text, None)
                return self._structured(chat, messages, request.output)
        except ModelRefusalError as exc:
            refusal = redact(server_detail(exc), self._errors.secrets)
            return Response(stop_reason="refusal", refusal=refusal, model=self.model)
        except OutputParserException as exc:  # no usable structured answer: repair it
            return Response(text=str(getattr(exc, "llm_output", "") or ""), model=self.model)
        except Exception as exc:
            # langchain-openai parses with the SDK, which raises on a cut-off answer
            if type(exc).__name__ != "LengthFinishReasonError":
                raise
            return Response(stop_reason="max_tokens", model=self.model)

    def stream_text(self, request: Request) -> Iterator[str]:
        from langchain_core.exceptions import ModelRefusalError

        reason, refusal = None, ""
        try:
            with self._mapped_errors():
                for chunk in self._tuned(request).stream(self._messages(request)):
                    reason = _finish_reason(chunk) or reason
                    refusal += chunk.additional_kwargs.get("refusal") or ""
                    if chunk.text:
                        yield chunk.text
        except ModelRefusalError as exc:
            raise self._errors.error("refusal", server_detail(exc)) from None
        raise_for_stop(reason, self._errors, refusal)

    @contextmanager
    def _mapped_errors(self) -> Iterator[None]:
        """LangChain's provider-neutral errors, and the raw ones some integrations let through
        (ChatOllama: ConnectionError, ollama.ResponseError), as debater's one-line errors.
        Refusals and unparsable answers pass through for the caller to handle."""
        from langchain_core.exceptions import ModelError, ModelRefusalError, OutputParserException

        try:
            yield
        except (ModelRefusalError, OutputParserException):
            raise
        except Exception as exc:
            mapped = self._foreign_error(exc)  # integrations' errors carry their SDK's status
            if mapped is None and isinstance(exc, ModelError):
                mapped = self._errors.error(_kind_of(exc), server_detail(exc))
            if mapped is None:
                raise
            raise mapped from None

    def _foreign_error(self, exc: Exception) -> BackendError | None:
        """A debater error for an exception outside LangChain's hierarchy, if it is a known kind."""
        status = getattr(exc, "status_code", None)
        if isinstance(status, int) and status >= 400:
            return status_error(exc, status, self._errors)
        if isinstance(exc, ConnectionError) or type(exc).__name__ == "ConnectError":
            return self._errors.error("unreachable", _first_words(exc))
        if isinstance(exc, TimeoutError) or type(exc).__name__.endswith("Timeout"):
            return self._errors.error("timeout", "")
        return None

    def _tuned(self, request: Request) -> BaseChatModel:
        """The chat model with this request's output bound, effort and temperature, under
        whatever names its integration uses (set in --lc-kwargs, they are left alone)."""
        update: dict[str, Any] = {}
        if self._limit_field is not None:
            update[self._limit_field] = self.facts.output_budget(request.max_tokens, request.effort)
        effort = self.facts.effort_param(request.effort)
        if effort and self._has_field("reasoning_effort"):
            update["reasoning_effort"] = effort
        temperature = request.temperature
        if temperature is not None and self.facts.temperature and self._has_field("temperature"):
            update["temperature"] = temperature
        update = {k: v for k, v in update.items() if k not in self._user_set}
        return self._chat.model_copy(update=update) if update else self._chat

    def _has_field(self, name: str) -> bool:
        return _accepts(type(self._chat), name)

    def _messages(self, request: Request) -> list[BaseMessage]:
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        result: list[BaseMessage] = [SystemMessage(request.system)] if request.system else []
        for message in request.messages:
            kind = HumanMessage if message.role == "user" else AIMessage
            result.append(kind(message.text))
        return result

    def _structured(
        self, chat: BaseChatModel, messages: list[BaseMessage], output: type[BaseModel]
    ) -> Response:
        """Native JSON-schema output where the integration offers it (ChatAnthropic defaults
        to a tool call, which the newest Claude models may answer in text instead)."""
        method = {"method": "json_schema"} if _takes_json_schema(type(chat)) else {}
        try:
            runnable = chat.with_structured_output(output, include_raw=True, **method)
        except NotImplementedError:
            raise UsageError(
                f"{type(chat).__name__} cannot give structured output "
                "(it has no bind_tools); choose another LangChain model"
            ) from None
        # include_raw=True always gives {"raw", "parsed", "parsing_error"}
        result = cast("dict[str, Any]", runnable.invoke(messages))
        raw, parsed = result["raw"], result["parsed"]
        if isinstance(parsed, BaseModel):
            parsed = parsed.model_dump(mode="json")
        if isinstance(parsed, dict) and result.get("parsing_error") is None:
            return self._response(raw, json.dumps(parsed, ensure_ascii=False), parsed)
        return self._response(raw, _raw_answer(raw), None)

    def _response(self, raw: AIMessage, text: str, parsed: dict[str, Any] | None) -> Response:
        refusal = raw.additional_kwargs.get("refusal")
        stop = "refusal" if refusal else normalise_stop(_finish_reason(raw))
        if stop == "refusal":
            refusal, parsed = refusal or text or "the model declined to answer", None
        return Response(
            text=text,
            parsed=parsed,
            stop_reason=stop,
            refusal=refusal,
            usage=_usage(raw),
            model=self.model,
        )

    def close(self) -> None:
        """LangChain models own their clients; nothing to release here."""


def _takes_json_schema(cls: type[BaseChatModel]) -> bool:
    """Whether the class's `with_structured_output` has a `method` that can be "json_schema"."""
    method = inspect.signature(cls.with_structured_output).parameters.get("method")
    return method is not None and "json_schema" in str(method.annotation)


def _first_words(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 200 else text[:197] + "..."


def _raw_answer(raw: AIMessage) -> str:
    """What the model actually said when it did not parse: tool-call arguments, else text."""
    if raw.tool_calls:
        return json.dumps(raw.tool_calls[0]["args"], ensure_ascii=False)
    if raw.invalid_tool_calls:
        return str(raw.invalid_tool_calls[0].get("args") or "")
    return raw.text


def _finish_reason(raw: BaseMessage) -> str | None:
    """Why the model stopped, under whichever name the provider's integration uses."""
    metadata = raw.response_metadata or {}
    keys = ("stop_reason", "finish_reason", "done_reason")
    return next((metadata[k] for k in keys if metadata.get(k)), None)


def _kind_of(exc: Exception) -> ErrorKind:
    """Classify LangChain's provider-neutral model errors."""
    from langchain_core import exceptions as lc

    kinds: list[tuple[type[Exception], ErrorKind]] = [
        (lc.ModelAuthenticationError, "auth"),
        (lc.ModelPermissionDeniedError, "permission"),
        (lc.ModelNotFoundError, "not_found"),
        (lc.ContextOverflowError, "context"),
        (lc.ModelRateLimitError, "rate_limit"),
        (lc.ModelAPIError, "server"),
        (lc.ModelTimeoutError, "timeout"),
        (lc.ModelConnectionError, "unreachable"),
    ]
    return next((kind for cls, kind in kinds if isinstance(exc, cls)), "bad_request")


def _usage(raw: AIMessage) -> TokenUsage:
    """Token counts with `input_tokens` the uncached part, matching the other backends."""
    usage = raw.usage_metadata
    if not usage:
        return TokenUsage()
    details = usage.get("input_token_details") or {}
    read, written = details.get("cache_read") or 0, details.get("cache_creation") or 0
    output = usage.get("output_token_details") or {}
    return TokenUsage(
        input_tokens=max(usage.get("input_tokens", 0) - read - written, 0),
        output_tokens=usage.get("output_tokens", 0),
        cache_read_tokens=read,
        cache_write_tokens=written,
        thinking_tokens=output.get("reasoning") or 0,
    )
