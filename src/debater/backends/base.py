"""The one small interface every backend implements: a request in, a response out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from debater.errors import UsageError
from debater.llm.model_facts import Effort, ModelFacts, facts_for

if TYPE_CHECKING:
    from debater.batches.api import BatchAPI

StopReason = Literal["end", "max_tokens", "refusal", "other"]


@lru_cache(maxsize=64)
def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A model's JSON Schema, built once per model (it is asked for on every request)."""
    return model.model_json_schema()


class Part(BaseModel):
    """A piece of a message; `cache` marks the end of a prefix several requests share."""

    model_config = ConfigDict(frozen=True)

    text: str
    cache: bool = False


class Message(BaseModel):
    model_config = ConfigDict(frozen=True)

    role: Literal["user", "assistant"]
    parts: tuple[Part, ...]

    @classmethod
    def user(cls, *texts: str) -> Message:
        return cls(role="user", parts=tuple(Part(text=t) for t in texts))

    @classmethod
    def assistant(cls, text: str) -> Message:
        return cls(role="assistant", parts=(Part(text=text),))

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.parts)


class Request(BaseModel):
    """What the pipeline asks of a backend. `output` is the pydantic model of the wanted answer.

    `max_tokens` is room for the answer itself; a backend whose model thinks adds room for the
    thinking that `effort` asks for (see `ModelFacts.output_budget`).
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    purpose: str
    system: str
    messages: tuple[Message, ...]
    output: type[BaseModel] | None = Field(default=None, exclude=True)
    max_tokens: int = 4096
    temperature: float | None = None
    effort: Effort | None = None
    prompt_hash: str = ""

    def output_schema(self) -> dict[str, Any] | None:
        """The JSON Schema of the wanted answer, if one is wanted."""
        return None if self.output is None else json_schema(self.output)

    def with_messages(self, *extra: Message) -> Request:
        """This request with more messages appended (used for a repair turn)."""
        return self.model_copy(update={"messages": (*self.messages, *extra)})


class TokenUsage(BaseModel):
    """Tokens of one answer: `input_tokens` is the uncached part of the prompt, and
    `output_tokens` includes `thinking_tokens`."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    thinking_tokens: int = 0


class Response(BaseModel):
    """A backend's answer: raw text, the parsed JSON object when the backend produced one."""

    text: str = ""
    parsed: dict[str, Any] | None = None
    stop_reason: StopReason = "end"
    refusal: str | None = None
    usage: TokenUsage = Field(default_factory=TokenUsage)
    model: str = ""
    cached: bool = False

    @property
    def complete(self) -> bool:
        """Whether the answer ended normally (worth caching and parsing)."""
        return self.stop_reason == "end"


class BackendOptions(BaseModel):
    """How to build a backend. Keys are never here: backends read them from the environment."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model: str | None = None
    base_url: str | None = None
    timeout: float = 120.0
    max_retries: int = 4
    structured: Literal["native", "tool"] = "native"
    context_window: int | None = None
    lc_model: str | None = None
    lc_kwargs: dict[str, Any] = Field(default_factory=dict)
    http_client: Any = Field(default=None, exclude=True)


class Resolved(NamedTuple):
    """Which model at which address a backend talks to, and what is known about that model."""

    model: str
    base_url: str | None
    facts: ModelFacts


class BackendStatus(BaseModel):
    """Whether a backend can be used now, and if not, what to do about it."""

    ready: bool
    detail: str


class Backend(ABC):
    """A language model behind one method. Implementations must be safe to call from threads.

    `facts` says what the model accepts and how it behaves (thinking, prompt caching, limits);
    the pipeline sizes chunks, budgets and the order of calls by it.
    """

    name: str = ""
    description: ClassVar[str] = ""
    default_model: ClassVar[str] = ""
    # The window to plan for when it cannot be asked (a dry run), if the model's is unknown.
    assumed_window: ClassVar[int | None] = None
    model: str
    base_url: str | None = None
    facts: ModelFacts = ModelFacts()

    @property
    def context_window(self) -> int | None:
        """Tokens the model takes in and puts out per request, if known."""
        return self.facts.context_window

    @classmethod
    def resolve(cls, options: BackendOptions) -> Resolved:
        """Model, address and facts from the options and the environment; no key is needed,
        so `--dry-run` knows exactly what a real run would use (and its cache keys)."""
        model = options.model or cls.default_model or cls.name
        facts = facts_for(model).with_window(options.context_window)
        return Resolved(model, options.base_url, facts)

    @classmethod
    def status(cls, options: BackendOptions) -> BackendStatus:
        """Readiness without sending a request or revealing a secret."""
        return BackendStatus(ready=True, detail=cls.description or "ready")

    @abstractmethod
    def complete(self, request: Request) -> Response:
        """Send one request and return the answer; raise a `debater.errors.BackendError`."""

    def stream(self, request: Request) -> Iterator[str]:
        """The answer in pieces as they arrive; a structured answer always comes whole."""
        if request.output is not None:
            return iter((self.complete(request).text,))
        return self.stream_text(request)

    def stream_text(self, request: Request) -> Iterator[str]:
        """A free-text answer in pieces; by default all at once (override to really stream)."""
        yield self.complete(request).text

    def close(self) -> None:  # noqa: B027 - most backends hold nothing to release
        """Release clients and connections."""

    def batch_api(self) -> BatchAPI:
        """The provider's batch API, for `run --batch`; most backends have none."""
        raise UsageError(no_batch_api(f"the {self.name} backend"))

    @property
    def identity(self) -> dict[str, str]:
        """What distinguishes this backend's answers in the cache (never a secret)."""
        return identity(self.name, self.model, self.base_url)


def no_batch_api(what: str) -> str:
    return (
        f"batch mode needs Anthropic's or OpenAI's API (or --backend mock to try it), and {what} "
        "has no batch API: run without --batch"
    )


def identity(name: str, model: str, base_url: str | None) -> dict[str, str]:
    return {"backend": name, "model": model, "base_url": base_url or ""}


class WrapperBackend(Backend):
    """Forwards every call to `inner`; subclasses add one behaviour (a cache, a rate limit)."""

    def __init__(self, inner: Backend) -> None:
        self.inner = inner
        self.name = inner.name
        self.model = inner.model
        self.base_url = inner.base_url
        self.facts = inner.facts

    @property
    def identity(self) -> dict[str, str]:
        return self.inner.identity

    @property
    def context_window(self) -> int | None:
        return self.inner.context_window

    def complete(self, request: Request) -> Response:
        return self.inner.complete(request)

    def stream(self, request: Request) -> Iterator[str]:
        return self.inner.stream(request)

    def close(self) -> None:
        self.inner.close()
