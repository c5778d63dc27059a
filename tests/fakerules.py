"""What the real APIs accept, written from the providers' documentation and SDK sources.

The fake server's own knowledge, never debater's: a tokenizer, the Claude and OpenAI model
catalogues, and checks that turn a request body into the rejection the real API would answer
(or None). Every rule names where it was read. Structured-output schema rules are in
fakeschema.py; what is cached in fakecache.py; Ollama's context window in fakeollama.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from fakeschema import anthropic_schema_error, openai_schema_error

# ---- tokens: one deterministic count for everything the fake reports ----

# CJK ideographs, kana, hangul, CJK punctuation and full-width forms: one token each; any other
# text one token per 4 characters. Real tokenizers differ; the fake only needs to be stable.
_CJK = re.compile(
    "[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]"
)
_PIECE = re.compile(f"{_CJK.pattern}|(?:(?!{_CJK.pattern}).){{1,4}}", re.DOTALL)


def pieces(text: str) -> list[str]:
    """`text` cut into its tokens."""
    return _PIECE.findall(text)


def tokens(text: str) -> int:
    """How many tokens `text` counts for: 0 for no text, else at least 1."""
    return len(pieces(text))


def cut(text: str, limit: int) -> str:
    """The first `limit` tokens of `text`."""
    return "".join(pieces(text)[: max(limit, 0)])


def budget(text: str, thinking: int, limit: int | None) -> tuple[str, int, bool]:
    """Thinking first, then the answer, within `limit` output tokens: (text, thinking, cut).

    Thinking/reasoning tokens count against max_tokens / max_completion_tokens (anthropic
    resources/messages/messages.py, `thinking`: "Thinking tokens count toward your `max_tokens`
    limit";
    openai `completions.py` docstring of max_completion_tokens: "including visible output
    tokens and reasoning tokens"); promptfoo/promptfoo#10631 shows a budget eaten by thinking.
    """
    if limit is None:
        return text, thinking, False
    if thinking >= limit:
        return "", limit, True
    room = limit - thinking
    if tokens(text) > room:
        return cut(text, room), thinking, True
    return text, thinking, False


@dataclass(frozen=True)
class Rejection:
    """An error answer: HTTP status, error type, message, and OpenAI's param and code."""

    status: int
    kind: str
    message: str
    param: str | None = None
    code: str | None = None


def _invalid(message: str, param: str | None = None, code: str | None = None) -> Rejection:
    return Rejection(400, "invalid_request_error", message, param, code)


# ---- Anthropic: the model catalogue ----

EFFORTS = ("low", "medium", "high", "xhigh", "max")  # anthropic types/output_config_param.py
# Adaptive thinking tokens per output_config.effort: the fake's own deterministic choice.
THINKING_TOKENS = {"low": 600, "medium": 2000, "high": 5000, "xhigh": 10000, "max": 20000}


@dataclass(frozen=True)
class Claude:
    """What one Claude model family accepts."""

    max_output: int  # max_tokens ceiling
    cache_min: int  # tokens a cache breakpoint's prefix needs before anything is cached
    sampling: bool  # temperature / top_p / top_k accepted at any value
    forced_tools: bool  # tool_choice {"type": "tool"} / {"type": "any"} accepted
    always_thinks: bool  # adaptive thinking runs when `thinking` is omitted
    thinking: frozenset[str]  # thinking.type values accepted
    efforts: tuple[str, ...] = ()  # output_config.effort values accepted (none: no effort)
    default_effort: str = "high"
    prefill: bool = True  # a conversation may end with an assistant turn
    display: str = "summarized"  # default thinking.display
    no_disabling_at: tuple[str, ...] = ()  # efforts at which thinking may not be disabled


# Newest families (sonnet-5-5, opus-5-5, fable-5-1), sources:
# - max output 128K: langchain_anthropic/data/_profiles.py "max_output_tokens": 128000.
# - forced tool_choice rejected: langchain_anthropic/chat_models.py _supports_forced_tool_choice;
#   platform.claude.com/docs/en/models/sonnet-5-5/whats-new-sonnet-5-5 ("Forced tool use returns
#   an error"); vercel/ai#21364.
# - sampling parameters at non-default values rejected: _profiles.py "temperature": False;
#   chat_models.py _assert_valid_model_configuration; openrouter.ai/docs/cookbook/.../claude-5-5
#   ("Non-default temperature, top_p, and top_k are not supported").
# - thinking always adaptive, "disabled" and "enabled" rejected: chat_models.py
#   _assert_valid_model_configuration and its `thinking` docstring ("On Opus 5.5, thinking can't
#   be disabled"); platform.claude.com/docs/zh-CN/models/opus-5-5/overview ("Adaptive (always
#   on)"); the Sonnet 5.5 page lists accepted thinking types adaptive, between_tools
#   (apidog.com/blog/claude-sonnet-5-5-vs-sonnet-5).
# - display "omitted" by default: chat_models.py `thinking` docstring.
# - effort levels and defaults (medium on opus-5-5): profile_augmentations.toml
#   reasoning_effort_levels / reasoning_effort_default.
# - minimum cacheable prompt 512 tokens: openrouter.ai/docs/cookbook/.../claude-5-5 ("512-token
#   minimum cacheable prompt"), apidog.com/blog/claude-sonnet-5-5-vs-sonnet-5 (1,024 -> 512).
# - no assistant prefill: openrouter.ai/docs/cookbook/.../claude-5-5 ("neither is a final
#   assistant turn").
_ADAPTIVE = frozenset({"adaptive", "between_tools"})
NEWEST = Claude(
    max_output=128_000,
    cache_min=512,
    sampling=False,
    forced_tools=False,
    always_thinks=True,
    thinking=_ADAPTIVE,
    efforts=EFFORTS,
    prefill=False,
    display="omitted",
)
# Older families: thinking only when asked, with a budget ({"type": "enabled"}) or adaptive where
# the model has it ("Opus 4.6+" in the chat_models.py `thinking` docstring; Sonnet 4.6 "could be
# ... left adaptive": openrouter.ai/docs/cookbook/.../claude-5-sonnet); on the others adaptive
# is answered "adaptive thinking is not supported on this model" (chat_models.py comment).
# Max output: _profiles.py. Effort levels: profile_augmentations.toml (none listed for haiku-4-5
# and sonnet-4-5: no effort parameter, anthropic-sdk-csharp#132).
# Cache minimums: the docs' table quoted in anthropic-sdk-python#1194 (4,096 Opus 4.5/4.6 and
# Haiku 4.5; 1,024 Sonnet 4.5); Sonnet 4.6 caches only from 2,048 tokens as observed there.
_ENABLED = frozenset({"enabled", "disabled"})
OLDER = Claude(
    max_output=64_000,
    cache_min=1024,
    sampling=True,
    forced_tools=True,
    always_thinks=False,
    thinking=_ENABLED,
)
_FOUR_SIX = replace(
    OLDER,
    max_output=128_000,
    thinking=_ENABLED | {"adaptive"},
    efforts=("low", "medium", "high", "max"),
)
CLAUDE: dict[str, Claude] = {
    "claude-sonnet-5-5": NEWEST,
    "claude-opus-5-5": replace(NEWEST, default_effort="medium"),
    "claude-fable-5-1": NEWEST,
    # Haiku 5.5 shares the 5.5 changes (adaptive by default, sampling and prefill removed, 512
    # minimum: openrouter.ai/docs/cookbook/.../claude-5-5; manual thinking must become adaptive:
    # platform.claude.com/docs/en/models/haiku-5-5/migration-guide); forced tool use is not in
    # _supports_forced_tool_choice's list, and disabling thinking is not reported rejected.
    "claude-haiku-5-5": replace(NEWEST, forced_tools=True, thinking=_ADAPTIVE | {"disabled"}),
    # Sonnet 5: thinking adaptive by default, "disabled" accepted, "enabled" and non-default
    # sampling a 400 (platform.claude.com/docs/zh-CN/models/sonnet-5/migration-guide); forced
    # tool_choice supported and a 1,024-token cache minimum (apidog.com/blog/claude-sonnet-5-5-
    # vs-sonnet-5).
    "claude-sonnet-5": replace(
        NEWEST,
        cache_min=1024,
        forced_tools=True,
        thinking=frozenset({"adaptive", "disabled"}),
        prefill=True,
    ),
    # Opus 5: thinking on by default; disabling it at effort xhigh or max is a 400; 512-token
    # cache minimum (platform.claude.com/docs/en/about-claude/models/whats-new-opus-5; the check
    # in chat_models.py _assert_valid_model_configuration); no prefill (openrouter.ai/docs/
    # cookbook/.../claude-5-5: "already the case on Opus 5").
    "claude-opus-5": replace(
        NEWEST,
        forced_tools=True,
        thinking=frozenset({"adaptive", "disabled"}),
        no_disabling_at=("xhigh", "max"),
    ),
    # Fable 5: "disabled" and "enabled" thinking are both a 400 (platform.claude.com/docs/it/
    # models/fable-5/migration-guide); 512-token cache minimum (docs.litellm.ai prompt caching).
    "claude-fable-5": replace(
        NEWEST, forced_tools=True, thinking=frozenset({"adaptive"}), prefill=True
    ),
    # Opus 4.7 / 4.8: no thinking unless adaptive is asked for (whats-new-opus-5 on Opus 4.8),
    # budget_tokens removed and display "omitted" by default (chat_models.py `thinking`
    # docstring), "temperature": False in _profiles.py; cache minimums 2,048 and 1,024
    # (dev.to/creeta/claudes-prompt-cache-fails-silently-below-1024-tokens-1ch1).
    "claude-opus-4-7": replace(
        NEWEST,
        cache_min=2048,
        always_thinks=False,
        forced_tools=True,
        thinking=frozenset({"adaptive", "disabled"}),
        prefill=True,
    ),
    "claude-opus-4-8": replace(
        NEWEST,
        cache_min=1024,
        always_thinks=False,
        forced_tools=True,
        thinking=frozenset({"adaptive", "disabled"}),
        prefill=True,
    ),
    "claude-haiku-4-5": replace(OLDER, cache_min=4096),
    "claude-sonnet-4-5": OLDER,
    "claude-opus-4-5": replace(OLDER, cache_min=4096, efforts=("low", "medium", "high")),
    "claude-opus-4-6": replace(_FOUR_SIX, cache_min=4096),
    "claude-sonnet-4-6": replace(_FOUR_SIX, cache_min=2048),
}
_DATED = re.compile(r"-\d{8}$")  # claude-opus-4-5-20251101: a dated id of its family (_profiles.py)


def claude(model: str) -> Claude | None:
    """The family of a Claude model id, dated ids included; None for an unknown id."""
    return CLAUDE.get(_DATED.sub("", model))


def anthropic_rejection(body: Mapping[str, Any]) -> Rejection | None:
    """What the Messages API answers `body` when it refuses it, else None."""
    model = str(body.get("model", ""))
    family = claude(model)
    if family is None:
        # platform.claude.com/docs/en/api/errors: 404 not_found_error for an unknown model.
        return Rejection(404, "not_found_error", f"model: {model}")
    for check in _ANTHROPIC_CHECKS:
        message = check(body, family)
        if message:
            return _invalid(message)
    return None


def _max_tokens(body: Mapping[str, Any], family: Claude) -> str | None:
    # max_tokens is required (anthropic resources/messages/messages.py create(max_tokens: int));
    # above the model's output limit: OpenHands/OpenHands#11090 quotes the API's message.
    limit = body.get("max_tokens")
    if not isinstance(limit, int):
        return "max_tokens: Field required"
    if limit > family.max_output:
        return (
            f"max_tokens: {limit} > {family.max_output}, which is the maximum allowed number "
            f"of output tokens for {body.get('model')}"
        )
    return None


def _sampling(body: Mapping[str, Any], family: Claude) -> str | None:
    # Sources: see NEWEST (non-default values rejected; top_k at any value, as
    # _assert_valid_model_configuration does).
    if family.sampling:
        return None
    for name in ("temperature", "top_p"):
        if body.get(name) not in (None, 1):
            return f"{name}: this model does not support non-default sampling parameters"
    if body.get("top_k") is not None:
        return "top_k: this model does not support non-default sampling parameters"
    return None


def _forced(body: Mapping[str, Any]) -> bool:
    return (body.get("tool_choice") or {}).get("type") in ("tool", "any")


def _tool_choice(body: Mapping[str, Any], family: Claude) -> str | None:
    # Wording: ../shared/reference/llm-sdks.md §5 and vercel/ai#21364.
    if _forced(body) and not family.forced_tools:
        return 'tool_choice: type "tool" and "any" are not supported for this model.'
    return None


def _thinking(body: Mapping[str, Any], family: Claude) -> str | None:
    thinking = body.get("thinking")
    if thinking is None:
        return None
    kind = thinking.get("type")
    if kind not in family.thinking:
        if kind == "adaptive":  # the API's words, quoted in chat_models.py
            return "adaptive thinking is not supported on this model"
        return f"thinking.type: '{kind}' is not supported for this model"
    if kind == "enabled":
        return _budget(thinking.get("budget_tokens"), body.get("max_tokens"))
    effort = (body.get("output_config") or {}).get("effort")
    if kind == "disabled" and effort in family.no_disabling_at:
        # apidog.com/blog/claude-opus-5-api: "thinking disabled with xhigh or max effort
        # returns 400"; chat_models.py _assert_valid_model_configuration.
        return f"thinking.type: 'disabled' is not supported with output_config.effort '{effort}'"
    return None


def _budget(budget: Any, max_tokens: Any) -> str | None:
    # anthropic types/thinking_config_enabled_param.py: "Must be ≥1024 and less than max_tokens".
    if not isinstance(budget, int) or budget < 1024:
        return "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"
    if isinstance(max_tokens, int) and budget >= max_tokens:
        return "`max_tokens` must be greater than `thinking.budget_tokens`"
    return None


def thinks(body: Mapping[str, Any], family: Claude) -> bool:
    """Whether the model thinks before answering `body`."""
    kind = (body.get("thinking") or {}).get("type")
    if kind is None:
        return family.always_thinks
    return bool(kind != "disabled")


def _thinking_and_forced_tools(body: Mapping[str, Any], family: Claude) -> str | None:
    # mastra-ai/mastra#7507, can1357/oh-my-pi#341 (the API's message); platform.claude.com/docs/
    # en/build-with-claude/extended-thinking: "Thinking isn't compatible with... forced tool use".
    if _forced(body) and thinks(body, family):
        return "Thinking may not be enabled when tool_choice forces tool use."
    return None


def _effort(body: Mapping[str, Any], family: Claude) -> str | None:
    effort = (body.get("output_config") or {}).get("effort")
    if effort is None:
        return None
    if effort not in EFFORTS:  # anthropic types/output_config_param.py Literal
        return "output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'"
    if effort not in family.efforts:  # profile_augmentations.toml reasoning_effort_levels
        return f"output_config.effort: '{effort}' is not supported by this model"
    return None


def _prefill(body: Mapping[str, Any], family: Claude) -> str | None:
    # Sources: see NEWEST (no final assistant turn on the 5.5 models).
    messages = body.get("messages") or []
    if not family.prefill and messages and messages[-1].get("role") == "assistant":
        return (
            "This model does not support assistant message prefill. "
            "The conversation must end with a user message."
        )
    return None


def content_blocks(body: Mapping[str, Any]) -> list[tuple[str, int, int, dict[str, Any]]]:
    """Every system and message content block as (where, message index, block index, block)."""
    system = body.get("system") or []
    found = [("system", 0, j, b) for j, b in enumerate(_as_blocks(system))]
    for i, message in enumerate(body.get("messages") or []):
        found += [("messages", i, j, b) for j, b in enumerate(_as_blocks(message.get("content")))]
    return found


def _as_blocks(content: Any) -> list[dict[str, Any]]:
    """A content field as blocks: a plain string is one text block (Messages API shorthand)."""
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return [b for b in content or [] if isinstance(b, dict)]


def _empty_text(body: Mapping[str, Any], family: Claude) -> str | None:
    # anthropics/claude-code#59812 ("messages: text content blocks must be non-empty") and
    # #62379 ("messages.30.content.2.text: cache_control cannot be set for empty text blocks").
    # Only explicit blocks: those reports are about block lists, not string shorthands.
    system = body.get("system")
    places = [("system", j, b) for j, b in enumerate(system if isinstance(system, list) else [])]
    for i, message in enumerate(body.get("messages") or []):
        content = message.get("content")
        if isinstance(content, list):
            places += [(f"messages.{i}.content", j, b) for j, b in enumerate(content)]
    for place, j, block in places:
        if not isinstance(block, dict) or block.get("type", "text") != "text" or block.get("text"):
            continue
        if block.get("cache_control"):
            return f"{place}.{j}.text: cache_control cannot be set for empty text blocks"
        return f"{place.split('.')[0]}: text content blocks must be non-empty"
    return None


MAX_BREAKPOINTS = 4


def breakpoint_count(body: Mapping[str, Any]) -> int:
    """cache_control marks on tools, system and message blocks, plus a top-level one."""
    marks = sum(bool(t.get("cache_control")) for t in body.get("tools") or [])
    marks += sum(bool(b.get("cache_control")) for *_, b in content_blocks(body))
    # Automatic caching (top-level cache_control) uses one of the 4 slots: the Claude cookbook
    # quoted in lidge-jun/opencodex#4437 ("Automatic caching uses one slot").
    return marks + bool(body.get("cache_control"))


def _breakpoints(body: Mapping[str, Any], family: Claude) -> str | None:
    # The API's message: Wei-Shaw/sub2api#176, tghamm/Anthropic.SDK#50, continuedev/continue#6937.
    found = breakpoint_count(body)
    if found > MAX_BREAKPOINTS:
        return (
            f"A maximum of {MAX_BREAKPOINTS} blocks with cache_control may be provided. "
            f"Found {found}."
        )
    return None


def _output_format(body: Mapping[str, Any], family: Claude) -> str | None:
    fmt = (body.get("output_config") or {}).get("format")
    if not fmt:
        return None
    if fmt.get("type") != "json_schema" or not isinstance(fmt.get("schema"), dict):
        return "output_config.format: Input should be a valid json_schema format"
    return anthropic_schema_error(fmt["schema"], "output_config.format.schema")


def _strict_tools(body: Mapping[str, Any], family: Claude) -> str | None:
    # Strict tools get the same constrained decoding as output_config.format
    # (platform.claude.com/docs/en/build-with-claude/structured-outputs, `strict: true`).
    for i, tool in enumerate(body.get("tools") or []):
        if tool.get("strict") and isinstance(tool.get("input_schema"), dict):
            error = anthropic_schema_error(tool["input_schema"], f"tools.{i}.custom.input_schema")
            if error:
                return error
    return None


_ANTHROPIC_CHECKS: tuple[Callable[[Mapping[str, Any], Claude], str | None], ...] = (
    _max_tokens,
    _empty_text,
    _breakpoints,
    _sampling,
    _tool_choice,
    _thinking,
    _thinking_and_forced_tools,
    _effort,
    _prefill,
    _output_format,
    _strict_tools,
)


def claude_thinking(
    body: Mapping[str, Any], family: Claude, table: Mapping[str, int]
) -> tuple[int, str]:
    """The thinking tokens the model spends on `body` and how its thinking block shows.

    Adaptive thinking follows output_config.effort (its default: the family's, from
    profile_augmentations.toml); a budget ({"type": "enabled"}) caps it.
    """
    if not thinks(body, family):
        return 0, ""
    thinking = body.get("thinking") or {}
    effort = (body.get("output_config") or {}).get("effort") or family.default_effort
    spent = table[effort]
    if thinking.get("type") == "enabled":
        spent = min(spent, int(thinking["budget_tokens"]))
    # thinking.display: "summarized" or "omitted" (types/thinking_config_adaptive_param.py).
    return spent, thinking.get("display") or family.display


# ---- Anthropic: account-level refusals ----

# Real wording: anthropics/claude-quickstarts#229, anthropics/claude-code#4684 (a 400 with type
# invalid_request_error, not a 402).
CREDIT_TOO_LOW = (
    "Your credit balance is too low to access the Anthropic API. "
    "Please go to Plans & Billing to upgrade or purchase credits."
)
# 403 permission_error: platform.claude.com/docs/en/api/errors (quoted in
# brainqub3/jar3d_meta_expert#9); anthropics/claude-code#51610 shows the error shape.
NO_PERMISSION = "Your API key does not have permission to use the specified resource."


def anthropic_rate_limited(retry_after: float) -> Rejection:
    # Wording: Trae-AI/TRAE#625, stackblitz/bolt.new#8589.
    return Rejection(
        429,
        "rate_limit_error",
        "This request would exceed the rate limit for your organization (fake-org) of 50 "
        "requests per minute. For details, refer to: https://docs.anthropic.com/en/api/"
        "rate-limits. You can see the response headers for current usage. Please reduce the "
        f"prompt length or the maximum tokens requested, or try again later ({retry_after:g} s).",
    )


# ---- OpenAI: the model catalogue ----

# reasoning_effort values: openai types/shared/reasoning_effort.py.
REASONING_EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
# Reasoning tokens per reasoning_effort: the fake's own deterministic choice.
REASONING_TOKENS = {
    "none": 0,
    "minimal": 100,
    "low": 600,
    "medium": 2000,
    "high": 5000,
    "xhigh": 10000,
    "max": 20000,
}


@dataclass(frozen=True)
class GPT:
    """What one OpenAI model family accepts on Chat Completions."""

    reasoning: bool
    efforts: tuple[str, ...] = REASONING_EFFORTS
    default_effort: str = "medium"


# Reasoning models (gpt-5*, o-series) reject max_tokens and non-default temperature; the rule
# belongs to the model, so it holds behind gateways too (../shared/reference/llm-sdks.md §5;
# openai completions.py: max_tokens "is not compatible with o-series models"; the API's
# messages: griptape-ai/ComfyUI-Griptape#312, koosoli/ESPHomeDesigner#379 (gpt-5.4),
# holoviz/lumen#1087, johny-b/llmcomp#69 (gpt-5.4)).
# Default effort medium for models before gpt-5.1; gpt-5.1 defaults to none and takes none, low,
# medium, high (learn.microsoft.com/en-us/javascript/api/@azure/ai-projects/reasoningeffort;
# openai/openai-agents-python#2089). Later gpt-5.x: medium, as the brief's sources say nothing
# newer. Chat variants do not reason (chatgpt-web-dev/chatgpt-web#662); gpt-4o and gpt-4.1 are
# not reasoning models (developers.openai.com/api/docs/guides/reasoning).
OPENAI: tuple[tuple[re.Pattern[str], GPT], ...] = (
    (re.compile(r"gpt-5(\.\d+)?-chat(-latest)?$"), GPT(reasoning=False)),
    (
        re.compile(r"gpt-5\.1(-.*)?$"),
        GPT(True, ("none", "low", "medium", "high"), default_effort="none"),
    ),
    (re.compile(r"gpt-5(\.\d+)?(-.*)?$"), GPT(reasoning=True)),
    (re.compile(r"o[134](-.*)?$"), GPT(True, ("low", "medium", "high"))),
    (re.compile(r"gpt-4(o|\.1)(-.*)?$"), GPT(reasoning=False)),
)


def gpt(model: str) -> GPT | None:
    """The family of an OpenAI model name; None for a name OpenAI does not serve."""
    return next((family for pattern, family in OPENAI if pattern.match(model)), None)


def openai_rejection(body: Mapping[str, Any]) -> Rejection | None:
    """What Chat Completions answers `body` when it refuses it, else None."""
    family = gpt(str(body.get("model", "")))
    if family is not None and family.reasoning:
        rejection = _reasoning_params(body, family)
        if rejection:
            return rejection
    return _openai_schemas(body)


def _reasoning_params(body: Mapping[str, Any], family: GPT) -> Rejection | None:
    if "max_tokens" in body:
        return _invalid(
            "Unsupported parameter: 'max_tokens' is not supported with this model. "
            "Use 'max_completion_tokens' instead.",
            "max_tokens",
            "unsupported_parameter",
        )
    temperature = body.get("temperature")
    if temperature is not None and temperature != 1:
        return _invalid(
            f"Unsupported value: 'temperature' does not support {json.dumps(temperature)} with "
            "this model. Only the default (1) value is supported.",
            "temperature",
            "unsupported_value",
        )
    effort = body.get("reasoning_effort")
    if effort is not None and effort not in family.efforts:
        supported = ", ".join(f"'{e}'" for e in family.efforts)
        return _invalid(
            f"Unsupported value: '{effort}' is not supported with the '{body['model']}' model. "
            f"Supported values are: {supported}.",
            "reasoning_effort",
            "unsupported_value",
        )
    return None


def _openai_schemas(body: Mapping[str, Any]) -> Rejection | None:
    """Strict response_format and strict function schemas (fakeschema.openai_schema_error)."""
    fmt = body.get("response_format") or {}
    spec = fmt.get("json_schema") or {}
    if fmt.get("type") == "json_schema" and spec.get("strict"):
        error = openai_schema_error(spec.get("schema") or {})
        if error:
            message = f"Invalid schema for response_format '{spec.get('name')}': {error}"
            return _invalid(message, "response_format")
    for tool in body.get("tools") or []:
        function = tool.get("function") or {}
        error = function.get("strict") and openai_schema_error(function.get("parameters") or {})
        if error:
            return _invalid(f"Invalid schema for function '{function.get('name')}': {error}")
    return None


def openai_reasoning(body: Mapping[str, Any], table: Mapping[str, int]) -> int:
    """Reasoning tokens a model spends on `body` (0 for a model that does not reason)."""
    family = gpt(str(body.get("model", "")))
    if family is None or not family.reasoning:
        return 0
    return table[body.get("reasoning_effort") or family.default_effort]


# ---- OpenAI: account-level refusals ----

# 429 insufficient_quota with no retry-after: ChatGPTNextWeb/NextChat#3123, HeyPuter/puter#1977
# (the full message); not transient (../shared/reference/llm-sdks.md §5).
NO_QUOTA = Rejection(
    429,
    "insufficient_quota",
    "You exceeded your current quota, please check your plan and billing details. For more "
    "information on this error, read the docs: "
    "https://platform.openai.com/docs/guides/error-codes/api-errors.",
    None,
    "insufficient_quota",
)


def openai_no_access(model: str) -> Rejection:
    # A 403 for a model the project may not use: cursor/cursor#2953, Aider-AI/aider#1903.
    message = f"Project `proj_fake` does not have access to model `{model}`"
    return Rejection(403, "invalid_request_error", message, None, "model_not_found")


def openai_rate_limited(model: str, retry_after: float) -> Rejection:
    # Wording: openai/codex#10060; the SDK does not retry when retry-after exceeds
    # MAX_RETRY_AFTER_DELAY (openai/_constants.py: 2 * 60 seconds).
    return Rejection(
        429,
        "requests",
        f"Rate limit reached for {model} in organization org-fake on requests per min (RPM): "
        f"Limit 3, Used 3, Requested 1. Please try again in {retry_after:g}s. Visit "
        "https://platform.openai.com/account/rate-limits to learn more.",
        None,
        "rate_limit_exceeded",
    )
