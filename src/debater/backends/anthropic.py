"""Claude through the official anthropic SDK: native JSON output, prompt caching, cache usage."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel

from debater.backends.base import (
    Backend,
    BackendOptions,
    BackendStatus,
    Message,
    Request,
    Resolved,
    Response,
    TokenUsage,
    json_schema,
)
from debater.backends.failures import ErrorContext, map_sdk_error, map_stream_error, raise_for_stop
from debater.backends.sdk import (
    LazyClient,
    guarded_http_client,
    import_sdk,
    normalise_stop,
    parse_object,
    require_sdk,
    sdk_timeout,
)
from debater.backends.secrets import missing_key
from debater.llm.model_facts import facts_for

if TYPE_CHECKING:
    import anthropic
    from anthropic.types import Message as SDKMessage

    from debater.batches.anthropic import AnthropicBatches

log = logging.getLogger(__name__)
KEY_VARS = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN")
DEFAULT_URL = "https://api.anthropic.com"
EPHEMERAL = {"type": "ephemeral"}
MAX_BREAKPOINTS = 4  # the API's limit on cache_control markers per request


def _key() -> tuple[str, str]:
    """The first Anthropic credential set in the environment, as (variable, value)."""
    for var in KEY_VARS:
        value = os.environ.get(var, "")
        if value:
            return var, value
    raise missing_key("ANTHROPIC_API_KEY")


class AnthropicBackend(Backend):
    name = "anthropic"
    description = "Claude via the anthropic SDK (ANTHROPIC_API_KEY)"
    # Balanced current model; the SDK lists no deprecation for it.
    default_model: ClassVar[str] = "claude-sonnet-5-5"

    def __init__(self, options: BackendOptions) -> None:
        key_var, key = _key()
        require_sdk("anthropic", "anthropic")
        self.model, self.base_url, self.facts = self.resolve(options)
        self._tool_mode = options.structured == "tool" and self._can_force_tools()
        self._errors = ErrorContext(
            provider="Anthropic",
            model=self.model,
            base_url=self.base_url or DEFAULT_URL,
            key_var=key_var,
            base_url_hint="--base-url / ANTHROPIC_BASE_URL",
            retries=options.max_retries,
            secrets=(key,),
        )
        credential = {"api_key": key} if key_var == "ANTHROPIC_API_KEY" else {"auth_token": key}
        # An explicit timeout also lifts the SDK's "streaming is required" guard for big max_tokens.
        self._lazy: LazyClient[anthropic.Anthropic] = LazyClient(
            lambda: self._build_client(credential, options)
        )

    def _build_client(self, credential: dict[str, str], options: BackendOptions) -> Any:
        sdk = import_sdk("anthropic", "anthropic")
        return sdk.Anthropic(
            **credential,
            base_url=self.base_url,
            timeout=sdk_timeout(options.timeout),
            max_retries=options.max_retries,
            http_client=guarded_http_client(sdk, options.http_client),
        )

    @classmethod
    def resolve(cls, options: BackendOptions) -> Resolved:
        model = options.model or cls.default_model
        base_url = options.base_url or os.environ.get("ANTHROPIC_BASE_URL") or None
        return Resolved(
            model, base_url, facts_for(model, "anthropic").with_window(options.context_window)
        )

    def _can_force_tools(self) -> bool:
        """Whether `--structured tool` can work; if not, say so once and use native JSON."""
        if self.facts.forced_tool_choice:
            return True
        log.warning(
            "%s does not accept a forced tool choice, so --structured tool cannot work with it; "
            "asking for native JSON-schema output instead",
            self.model,
        )
        return False

    @property
    def _client(self) -> anthropic.Anthropic:
        return self._lazy.get()

    @classmethod
    def status(cls, options: BackendOptions) -> BackendStatus:
        if importlib.util.find_spec("anthropic") is None:
            return BackendStatus(ready=False, detail="pip install anthropic")
        for var in KEY_VARS:
            if os.environ.get(var):
                return BackendStatus(ready=True, detail=f"{var} is set")
        return BackendStatus(ready=False, detail=str(missing_key("ANTHROPIC_API_KEY")))

    def complete(self, request: Request) -> Response:
        import anthropic

        try:
            message = self._client.messages.create(**self._params(request))
        except anthropic.APIError as exc:
            raise map_sdk_error(exc, anthropic, self._errors) from None
        except json.JSONDecodeError:
            raise self._errors.error("bad_answer", "not JSON") from None
        # Without strict validation the SDK passes junk through (a proxy's HTML page, say).
        if not isinstance(message, anthropic.types.Message) or message.content is None:
            raise self._errors.error("bad_answer", "")
        return self._response(message, request.output)

    def stream_text(self, request: Request) -> Iterator[str]:
        import anthropic
        import httpx2

        stop, refusal, events = None, "", 0
        try:
            with self._client.messages.create(**self._params(request), stream=True) as stream:
                for event in stream:
                    events += 1
                    if event.type == "content_block_delta" and event.delta.type == "text_delta":
                        yield event.delta.text
                    elif event.type == "message_delta":
                        stop, details = event.delta.stop_reason, event.delta.stop_details
                        refusal = (details.explanation or "") if details else ""
        except (anthropic.APIError, httpx2.TransportError) as exc:
            raise map_stream_error(exc, anthropic, self._errors, events > 0) from None
        except json.JSONDecodeError:
            raise self._errors.error("bad_answer", "not JSON") from None
        if not events:  # a proxy's page, say: no events in it
            raise self._errors.error("bad_answer", "no stream events")
        raise_for_stop(stop, self._errors, refusal)

    def close(self) -> None:
        self._lazy.close()

    def batch_api(self) -> AnthropicBatches:
        from debater.batches.anthropic import AnthropicBatches

        return AnthropicBatches(self)

    def _params(self, request: Request) -> dict[str, Any]:
        """The keyword arguments of `messages.create` for `request`."""
        params: dict[str, Any] = {
            "model": self.model,
            # Thinking counts against max_tokens: the budget leaves room for it.
            "max_tokens": self.facts.output_budget(request.max_tokens, request.effort),
            "messages": _messages(request.messages, MAX_BREAKPOINTS - bool(request.system)),
        }
        if request.system:
            params["system"] = [
                {"type": "text", "text": request.system, "cache_control": EPHEMERAL}
            ]
        config: dict[str, Any] = {}
        if request.output is not None and self._tool_mode:
            params.update(_forced_tool(request.output))
        elif request.output is not None:
            config["format"] = {"type": "json_schema", "schema": _native_schema(request.output)}
        if effort := self.facts.effort_param(request.effort):
            config["effort"] = effort
        if config:
            params["output_config"] = config
        if request.temperature is not None and self.facts.temperature:
            # anthropic >= 1.0 dropped sampling kwargs; models that still take them read the body.
            params["extra_body"] = {"temperature": request.temperature}
        return params

    def _response(self, message: SDKMessage, output: type[BaseModel] | None) -> Response:
        text = "".join(block.text for block in message.content if block.type == "text")
        parsed = parse_object(text) if output is not None else None
        tool_input = next((b.input for b in message.content if b.type == "tool_use"), None)
        if self._tool_mode and isinstance(tool_input, dict):
            parsed, text = tool_input, json.dumps(tool_input, ensure_ascii=False)
        stop = normalise_stop(message.stop_reason)
        refusal = None
        if stop == "refusal":
            explanation = message.stop_details.explanation if message.stop_details else None
            refusal = explanation or text or "the model declined to answer"
            parsed = None
        return Response(
            text=text,
            parsed=parsed,
            stop_reason=stop,
            refusal=refusal,
            usage=_usage(message),
            model=message.model or self.model,
        )


def _messages(messages: tuple[Message, ...], breakpoints: int) -> list[dict[str, Any]]:
    """Messages as content blocks; the last `breakpoints` cache marks get `cache_control`."""
    marked = [(i, j) for i, m in enumerate(messages) for j, p in enumerate(m.parts) if p.cache]
    keep = set(marked[-breakpoints:]) if breakpoints > 0 else set()
    result = []
    for i, message in enumerate(messages):
        blocks: list[dict[str, Any]] = []
        for j, part in enumerate(message.parts):
            if not part.text:
                continue  # the API rejects empty text blocks
            block: dict[str, Any] = {"type": "text", "text": part.text}
            if (i, j) in keep:
                block["cache_control"] = EPHEMERAL
            blocks.append(block)
        result.append({"role": message.role, "content": blocks})
    return result


def _forced_tool(output: type[BaseModel]) -> dict[str, Any]:
    """Ask for `output` as the input of a tool the model must call (older models, gateways)."""
    name = output.__name__
    tool = {
        "name": name,
        "description": f"Record the answer as a {name}.",
        "input_schema": json_schema(output),
    }
    return {"tools": [tool], "tool_choice": {"type": "tool", "name": name}}


def _usage(message: SDKMessage) -> TokenUsage:
    """Token counts; `input_tokens` is the uncached part, as Anthropic reports it."""
    usage = message.usage
    details = usage.output_tokens_details
    return TokenUsage(
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cache_read_tokens=usage.cache_read_input_tokens or 0,
        cache_write_tokens=usage.cache_creation_input_tokens or 0,
        thinking_tokens=details.thinking_tokens if details else 0,
    )


@lru_cache(maxsize=32)  # the SDK rebuilds the schema from scratch on every call otherwise
def _native_schema(output: type[BaseModel]) -> dict[str, Any]:
    import anthropic

    schema: dict[str, Any] = anthropic.transform_schema(output)
    return schema
