"""`run --dry-run`: how many notes, stances, calls and tokens a run would take, and its cost.

Nothing is sent. Stances are estimated with the offline heuristic extractor; token counts are
rendered from the real prompts; cached answers are counted as free.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from debater.answers import Extraction
from debater.backends.base import BackendOptions, Request
from debater.backends.mock import MockBackend
from debater.backends.registry import backend_class
from debater.cache import open_store, request_key
from debater.calls import Prompts, debate_request, extract_request
from debater.config import Settings
from debater.discover import find_notes
from debater.errors import NoteError, UsageError
from debater.pipeline import Prepared, chunks, prepare, to_stance
from debater.session import backend_name
from debater.tokens import estimate_tokens

OUTPUT_PER_STANCE = 120  # extraction answer tokens per stance found
OUTPUT_PER_PERSPECTIVE = 160
OUTPUT_PER_DEBATE = 150  # crux and what would change the author's mind


class Estimate(BaseModel):
    backend: str
    model: str
    notes: int = 0
    skipped: int = 0
    stances: int = 0
    calls: int = 0
    cached_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = None
    prices: str = ""

    def describe(self) -> str:
        cost = (
            "unknown (model not in the price table)"
            if self.cost_usd is None
            else (f"${self.cost_usd:.4f}")
        )
        return (
            f"dry run with {self.backend} ({self.model}), nothing sent:\n"
            f"  notes           {self.notes} ({self.skipped} skipped)\n"
            f"  stances (est.)  {self.stances}\n"
            f"  calls           {self.calls} ({self.cached_calls} already cached, free)\n"
            f"  input tokens    ~{self.input_tokens}\n"
            f"  output tokens   ~{self.output_tokens}\n"
            f"  cost            {cost}  [{self.prices}]"
        )


def load_prices(override: Path | None) -> tuple[dict[str, Any], str]:
    """The price table (USD per million tokens) and a label saying where it came from."""
    if override is not None:
        try:
            data = tomllib.loads(override.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise UsageError(f"cannot read price table {override}: {e}") from None
        return data, f"prices from {override}, dated {data.get('date', '?')}"
    text = (resources.files("debater") / "data" / "prices.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return data, f"built-in prices dated {data.get('date', '?')}"


class _Counter:
    """Adds up calls and tokens; a call whose answer is cached costs nothing."""

    def __init__(self, estimate: Estimate, store: Any, identity: dict[str, str]) -> None:
        self.estimate, self.store, self.identity = estimate, store, identity

    def add(self, request: Request, output_tokens: int) -> None:
        self.estimate.calls += 1
        if self.store is not None and request_key(self.identity, request) in self.store:
            self.estimate.cached_calls += 1
            return
        text = request.system + "".join(m.text for m in request.messages)
        self.estimate.input_tokens += estimate_tokens(text)
        self.estimate.output_tokens += output_tokens


def _count_note(
    prepared: Prepared, prompts: Prompts, settings: Settings, counter: _Counter
) -> None:
    mock = MockBackend(BackendOptions())
    by_id = prepared.by_id
    seen: dict[str, int] = {}
    for group in chunks(prepared.passages):
        request = extract_request(prompts, prepared.note.name, prepared.language, group)
        found = Extraction.model_validate(mock.complete(request).parsed)
        stances = [to_stance(s, by_id, seen) for s in found.stances if s.passage_ids]
        counter.add(request, OUTPUT_PER_STANCE * max(1, len(stances)))
        counter.estimate.stances += len(stances)
        for stance in stances:
            passages = [by_id[i] for i in stance.passage_ids]
            language = stance.language if settings.language == "auto" else settings.language
            debate = debate_request(prompts, stance, passages, settings.per_side, language)
            answer = OUTPUT_PER_DEBATE + 2 * settings.per_side * OUTPUT_PER_PERSPECTIVE
            counter.add(debate, answer)
            replies = 2 * settings.per_side * (settings.depth - 1)
            counter.estimate.calls += replies
            counter.estimate.input_tokens += replies * estimate_tokens(debate.system)
            counter.estimate.output_tokens += replies * OUTPUT_PER_PERSPECTIVE


def estimate_run(paths: list[Path], settings: Settings, root: Path) -> Estimate:
    """Count what `run` would do with these settings, sending nothing."""
    name = backend_name(settings)
    cls = backend_class(name)
    model = settings.model or cls.default_model or name
    estimate = Estimate(backend=name, model=model)
    folder = settings.cache_dir or root / ".debater" / "cache"
    store = open_store(folder) if folder.is_dir() and not settings.no_cache else None
    identity = {"backend": name, "model": model, "base_url": settings.base_url or ""}
    counter = _Counter(estimate, store, identity)
    prompts = Prompts.load(settings.prompts_dir)
    found = find_notes(paths, settings.include, settings.exclude)
    estimate.skipped = len(found.skipped)
    for path in found.notes:
        try:
            prepared = prepare(path, settings.language)
        except NoteError:
            estimate.skipped += 1
            continue
        estimate.notes += 1
        _count_note(prepared, prompts, settings, counter)
    prices, estimate.prices = load_prices(settings.prices_file)
    rate = prices.get("models", {}).get(model)
    if rate is not None:
        billable_in = estimate.input_tokens * rate["input"]
        estimate.cost_usd = round((billable_in + estimate.output_tokens * rate["output"]) / 1e6, 6)
    if store is not None:
        store.close()
    return estimate
