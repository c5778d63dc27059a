"""What debater knows about model families: the parameters each accepts, how it thinks, when
prompt caching engages, its limits and its prices. Every backend builds its requests from this.

The table is `debater/data/models.toml`; a model that matches no entry gets cautious defaults
for its provider, so an unknown model is never sent a parameter it might reject.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from debater.errors import UsageError

Effort = Literal["low", "medium", "high"]
Provider = Literal["anthropic", "openai", "local"]
Thinking = Literal["none", "optional", "adaptive", "reasoning"]
EFFORTS: tuple[Effort, ...] = ("low", "medium", "high")

# Room left in `max_tokens` for thinking, by effort: thinking counts against the output limit,
# and a budget without room for it cuts the answer off (the repair then costs a second call).
THINKING_ROOM: dict[Effort, int] = {"low": 4096, "medium": 8192, "high": 16384}
# Thinking tokens a call typically spends, by effort: what `--dry-run` counts and prices.
THINKING_TYPICAL: dict[Effort, int] = {"low": 600, "medium": 2000, "high": 5000}
_BOUNDARY = "-.:@_"  # what may follow a family prefix: "gpt-5" names "gpt-5.5", not "gpt-50"


class Price(BaseModel):
    """USD per million tokens; cache reads and writes default to the input price."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    input: float
    output: float
    cache_read: float | None = None
    cache_write: float | None = None


class ModelFacts(BaseModel):
    """One model family: what its API accepts and how it behaves."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    family: str = ""
    provider: Provider = "local"
    forced_tool_choice: bool = True
    temperature: bool = True  # accepts a temperature other than the default
    thinking: Thinking = "none"
    effort_levels: tuple[Effort, ...] = ()
    default_effort: Effort | None = None
    cache_min_tokens: int | None = None  # None: no prompt caching
    context_window: int | None = None
    max_output: int | None = None
    token_param: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"
    price: Price | None = None

    @property
    def thinks(self) -> bool:
        """Whether every answer spends output tokens on thinking first."""
        return self.thinking in ("adaptive", "reasoning")

    def effort_param(self, wanted: Effort | None) -> Effort | None:
        """The effort to send, if the model accepts one."""
        return wanted if wanted in self.effort_levels else None

    def thinking_effort(self, wanted: Effort | None) -> Effort | None:
        """How hard the model will think on a request asking for `wanted` (None: not at all)."""
        if not self.thinks:
            return None
        return self.effort_param(wanted) or self.default_effort or "high"

    def with_window(self, tokens: int | None) -> ModelFacts:
        """These facts with the context window set by the user, if they set one."""
        return self if tokens is None else self.model_copy(update={"context_window": tokens})

    def output_budget(self, answer_tokens: int, effort: Effort | None) -> int:
        """`max_tokens` for an answer of up to `answer_tokens`, with room for thinking."""
        thinking = self.thinking_effort(effort)
        total = answer_tokens + (THINKING_ROOM[thinking] if thinking else 0)
        return min(total, self.max_output) if self.max_output else total


@lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    text = (resources.files("debater") / "data" / "models.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _family_key(model: str, keys: list[str]) -> str | None:
    """The longest table key that `model` starts with at a word boundary."""
    name = model.lower().rsplit("/", 1)[-1]  # gateways name models "openai/gpt-5.5"
    matches = [
        k for k in keys if name.startswith(k) and (len(name) == len(k) or name[len(k)] in _BOUNDARY)
    ]
    return max(matches, key=len, default=None)


@lru_cache(maxsize=256)
def facts_for(model: str, fallback: Provider = "local") -> ModelFacts:
    """The facts for `model`, or the cautious defaults of the `fallback` provider."""
    table = _table()
    key = _family_key(model, list(table["models"]))
    if key is not None:
        return ModelFacts(family=key, **table["models"][key])
    return ModelFacts(family=f"defaults.{fallback}", **table["defaults"][fallback])


def load_prices(override: Path | None = None) -> tuple[dict[str, Price], str]:
    """Prices by model prefix, and a label saying where they came from and how old they are."""
    table = _table()
    prices = {k: Price(**v["price"]) for k, v in table["models"].items() if "price" in v}
    label = f"built-in prices dated {table.get('date', '?')}"
    if override is not None:
        try:
            data = tomllib.loads(override.read_text(encoding="utf-8"))
            prices.update({k: Price(**v) for k, v in data.get("models", {}).items()})
        except (OSError, tomllib.TOMLDecodeError, ValidationError, TypeError) as e:
            detail = " ".join(str(e).split())[:200]
            raise UsageError(f"cannot read price table {override}: {detail}") from None
        label = f"prices from {override}, dated {data.get('date', '?')}"
    return prices, label


def price_for(model: str, prices: dict[str, Price]) -> Price | None:
    key = _family_key(model, list(prices))
    return prices[key] if key is not None else None
