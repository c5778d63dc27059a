"""`run --dry-run`: the real run, with a stand-in backend that sends nothing and counts instead.

The engine and pipeline run exactly as they would (up-to-date notes skipped, earlier stances
kept, chunks sized to the model's window, shared prefixes ordered for the prompt cache); the
disk cache answers what it can, and the offline extractor answers the rest. Every answer that
is not cached is counted: prompt tokens as the provider's prompt cache would bill them, typical
output and thinking tokens for the step, priced from the model table.
"""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from debater.backends.base import Backend, BackendOptions, Request, Resolved, Response, TokenUsage
from debater.backends.mock import MockBackend
from debater.backends.registry import backend_class
from debater.cache import CachedBackend
from debater.config import Settings
from debater.job import backend_name, backend_options, job_for
from debater.llm.model_facts import THINKING_TYPICAL, Price, load_prices, price_for
from debater.llm.tokens import estimate_tokens

# Typical answer sizes in tokens (a model's, not the mock's placeholders).
OUTPUT_PER_STANCE = 120  # one extracted stance: claim, target, reasons, ids
OUTPUT_PER_PERSPECTIVE = 160
OUTPUT_BASE = {"extract": 50, "debate": 150, "reply": 160, "summary": 250, "discuss": 200}
# A model finds 0.8x to 2.5x the stances the offline extractor finds (20 where one found 55).
STANCE_RANGE = (0.8, 2.5)
STANCE_STEPS = ("debate", "reply")
LARGE_CALLS, LARGE_COST = 2_000, 20.0  # a dry run above either says so plainly


class DryRunBackend(Backend):
    """Stands in for the configured backend: answers offline, counts what each call would use."""

    def __init__(self, name: str, resolved: Resolved, assumed_window: int | None) -> None:
        self.name = name
        self.model, self.base_url, self.facts = resolved
        self._window = resolved.facts.context_window or assumed_window
        self._mock = MockBackend(BackendOptions())
        self._lock = threading.Lock()
        self._prefixes: set[str] = set()
        self.by_step: dict[str, TokenUsage] = defaultdict(TokenUsage)

    @property
    def context_window(self) -> int | None:
        return self._window

    def complete(self, request: Request) -> Response:
        answer = self._mock.complete(request)
        usage = self._usage(request, answer)
        with self._lock:
            step = self.by_step[request.purpose]
            for name, value in usage:
                setattr(step, name, getattr(step, name) + value)
        return answer.model_copy(update={"usage": usage, "model": self.model})

    def _usage(self, request: Request, answer: Response) -> TokenUsage:
        prompt = estimate_tokens(request.system) + sum(
            estimate_tokens(m.text) for m in request.messages
        )
        read, written = self._cached(request)
        output = _typical_output(request.purpose, answer.parsed)
        effort = self.facts.thinking_effort(request.effort)
        thinking = THINKING_TYPICAL[effort] if effort else 0
        if self.facts.provider != "anthropic":  # no write premium: a write is plain input
            written = 0
        return TokenUsage(
            input_tokens=max(prompt - read - written, 0),
            output_tokens=output + thinking,
            cache_read_tokens=read,
            cache_write_tokens=written,
            thinking_tokens=thinking,
        )

    def _cached(self, request: Request) -> tuple[int, int]:
        """(read, written) prompt-cache tokens: the system prompt and any shared note part."""
        minimum = self.facts.cache_min_tokens
        if minimum is None:
            return 0, 0
        parts = [p for m in request.messages for p in m.parts]
        marked = max((i for i, p in enumerate(parts) if p.cache), default=-1)
        prefix = request.system + "".join(p.text for p in parts[: marked + 1])
        tokens = estimate_tokens(prefix)
        if tokens < minimum:
            return 0, 0
        key = hashlib.sha256(f"{request.purpose}\x00{prefix}".encode()).hexdigest()
        with self._lock:
            seen = key in self._prefixes
            self._prefixes.add(key)
        return (tokens, 0) if seen else (0, tokens)


def _typical_output(purpose: str, parsed: dict[str, Any] | None) -> int:
    base = OUTPUT_BASE.get(purpose, 200)
    if purpose == "extract" and parsed:
        return base + OUTPUT_PER_STANCE * len(parsed.get("stances") or [])
    if purpose == "debate" and parsed:
        sides = len(parsed.get("support") or []) + len(parsed.get("oppose") or [])
        return base + OUTPUT_PER_PERSPECTIVE * sides
    return base


def cost(usage: TokenUsage, price: Price, anthropic: bool) -> float:
    """USD for `usage` at `price`; cache writes cost 1.25x input on Anthropic when not listed."""
    write = price.cache_write or price.input * (1.25 if anthropic else 1.0)
    read = price.cache_read if price.cache_read is not None else price.input
    total = (
        usage.input_tokens * price.input
        + usage.cache_read_tokens * read
        + usage.cache_write_tokens * write
        + usage.output_tokens * price.output
    )
    return total / 1e6


class Estimate(BaseModel):
    """What `--dry-run` prints (`--json`: this object)."""

    backend: str
    model: str
    notes: int = 0
    skipped: int = 0
    up_to_date: int = 0
    stances: int = 0
    stances_range: tuple[int, int] = (0, 0)
    calls: int = 0
    cached_calls: int = 0
    input_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    output_tokens: int = 0
    thinking_tokens: int = 0
    cost_usd: float | None = None
    cost_range_usd: tuple[float, float] | None = None
    prices: str = ""

    def describe(self) -> str:
        low, high = self.stances_range
        lines = [
            f"dry run with {self.backend} ({self.model}), nothing sent:",
            f"  notes           {self.notes} ({self.up_to_date} up to date, "
            f"{self.skipped} skipped)",
            f"  stances         {self.stances} found offline; a model may find {low}-{high}",
            f"  calls           {self.calls} ({self.cached_calls} already cached, free)",
            f"  input tokens    ~{self.input_tokens:,} uncached, ~{self.cache_write_tokens:,} "
            f"written to and ~{self.cache_read_tokens:,} read from the prompt cache",
            f"  output tokens   ~{self.output_tokens:,}, of which ~{self.thinking_tokens:,} "
            "thinking",
            f"  cost            {self._cost()}  [{self.prices}]",
            "  (counts rest on the offline extractor's stances and typical answer sizes;",
            "   the range allows for a model finding fewer or many more stances)",
        ]
        if self.large:
            lines.insert(0, f"debater: {self.large}")
        return "\n".join(lines)

    @property
    def large(self) -> str:
        """A plain warning when the run is big enough to deserve a second look."""
        high = self.cost_range_usd[1] if self.cost_range_usd else 0.0
        if self.calls < LARGE_CALLS and high < LARGE_COST:
            return ""
        cost = f", up to ${high:,.2f}" if high >= LARGE_COST else ""
        return (
            f"this is a large run: {self.calls:,} calls{cost}. Check the notes it takes "
            "(--include/--exclude, --max-note-size) before running it."
        )

    def _cost(self) -> str:
        if self.cost_usd is None or self.cost_range_usd is None:
            return "unknown (model not in the price table; see --prices)"
        low, high = self.cost_range_usd
        return f"~${self.cost_usd:.4f} (${low:.4f}-${high:.4f})"


def add(total: TokenUsage, usage: TokenUsage) -> TokenUsage:
    return TokenUsage(**{name: getattr(total, name) + value for name, value in usage})


def estimate_from(
    backend: DryRunBackend,
    summary: Any,
    prices: dict[str, Price],
    label: str,
    discount: float = 1.0,
) -> Estimate:
    """The estimate for a finished dry run (`summary` is the engine's Summary), with the
    prices multiplied by `discount` (the batch APIs bill half)."""
    stance_part, fixed = TokenUsage(), TokenUsage()
    for step, usage in backend.by_step.items():
        if step in STANCE_STEPS:
            stance_part = add(stance_part, usage)
        else:
            fixed = add(fixed, usage)
    everything = add(stance_part, fixed)
    estimate = Estimate(
        backend=backend.name,
        model=backend.model,
        notes=summary.notes,
        skipped=len(summary.skipped),
        up_to_date=summary.up_to_date,
        stances=summary.stances,
        stances_range=tuple(round(summary.stances * f) for f in STANCE_RANGE),
        calls=summary.requests + summary.cache_hits,
        cached_calls=summary.cache_hits,
        prices=label,
        **everything.model_dump(),
    )
    price = price_for(backend.model, prices)
    if price is not None:
        anthropic = backend.facts.provider == "anthropic"
        base = cost(fixed, price, anthropic) * discount
        varying = cost(stance_part, price, anthropic) * discount
        estimate.cost_usd = round(base + varying, 6)
        estimate.cost_range_usd = (
            round(base + varying * STANCE_RANGE[0], 6),
            round(base + varying * STANCE_RANGE[1], 6),
        )
    return estimate


def open_dry_run(settings: Settings, root: Path) -> tuple[Backend, DryRunBackend]:
    """A stand-in for the configured backend, behind a read-only view of its cache.

    Needs no key and creates no folder; the cache is read with the real backend's identity.
    """
    name = backend_name(settings)
    cls = backend_class(name)
    dry = DryRunBackend(name, cls.resolve(backend_options(settings)), cls.assumed_window)
    folder = settings.cache_dir or root / ".debater" / "cache"
    if settings.no_cache or not folder.is_dir():
        return dry, dry
    return CachedBackend(dry, folder, read_only=True), dry


def estimate_run(paths: list[Path], settings: Settings, root: Path) -> Estimate:
    """Work through the run these settings describe, sending nothing, and price it."""
    from debater.engine import run_notes

    backend, dry = open_dry_run(settings, root)
    try:
        summary = run_notes(job_for(settings, backend), paths, write=False)
    finally:
        backend.close()
    prices, label = load_prices(settings.prices_file)
    if not settings.batch:
        return estimate_from(dry, summary, prices, label)
    from debater.batches.api import BATCH_DISCOUNT

    label += f"; batch price: {1 - BATCH_DISCOUNT:.0%} off"
    return estimate_from(dry, summary, prices, label, BATCH_DISCOUNT)
