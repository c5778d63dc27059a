"""The steps for one note: load, segment, extract, debate. Each backend step is one sync call.

A note is extracted chunk by chunk, each chunk sized to the model's context window with room
for the answer and the model's thinking. Every debate of a stance then carries the chunk it was
found in as a prefix shared with the other debates of that chunk (see `calls`), so the provider
caches it once and the stance is argued with its whole context in view.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from debater.clipping import clip
from debater.errors import (
    BackendError,
    ContextTooLongError,
    Deferred,
    RunStoppingError,
    TruncatedError,
)
from debater.job import WINDOW_SHARE, Job
from debater.llm.answers import Debate, ExtractedStance, Extraction, debate_answer
from debater.llm.requests import (
    DEBATE_MAX_TOKENS,
    NoteContext,
    debate_request,
    extract_budget,
    extract_request,
)
from debater.llm.structured import Check, ask
from debater.llm.tokens import estimate_tokens
from debater.llm.usage import Meter
from debater.notes.language import detect_language, matches_language
from debater.notes.load import load_note
from debater.notes.passages import note_title, segment
from debater.records import Note, NoteInfo, NoteResult, Passage, Perspective, Stance, StanceResult

CHUNK_TOKENS = 6000  # passages per extraction request when the window is large or unknown
MIN_CHUNK_TOKENS = 200
PASSAGE_OVERHEAD = 25  # tokens of each passage's JSON record besides its text
DEBATE_MIN_TOKENS = 1024  # below this a debate answer cannot be whole: shrink the context
TASK_TOKENS = 400  # the stance record and the task after the note in a debate request
QUOTE_CHARS = 600
MIN_SPLIT_CHARS = 2_000  # below this a context-length error is not about the note's size
CACHE_MARGIN = 0.8  # our estimate may undercount: a prefix this close to the minimum may cache


@dataclass
class Prepared:
    """A loaded, segmented note, ready for extraction; `chunks` are set by `extract`."""

    note: Note
    passages: list[Passage]
    language: str
    title: str = ""
    chunks: list[tuple[Passage, ...]] = field(default_factory=list)

    @property
    def by_id(self) -> dict[str, Passage]:
        return {p.id: p for p in self.passages}

    def context(self, passages: Sequence[Passage]) -> NoteContext:
        return NoteContext(self.note.name, self.title, self.language, tuple(passages))

    def chunk_of(self, stance: Stance) -> tuple[Passage, ...]:
        """The chunk the stance was found in (all minable passages if chunks are not planned)."""
        first = stance.passage_ids[0] if stance.passage_ids else ""
        for chunk in self.chunks:
            if any(p.id == first for p in chunk):
                return chunk
        return tuple(p for p in self.passages if p.minable)


def prepare(path: Path, language: str = "auto", max_bytes: int | None = None) -> Prepared:
    """Load and segment a note; raises NoteError for files to skip (or over `max_bytes`)."""
    note = load_note(path, max_bytes)
    lang = detect_language(note.body) if language == "auto" else language
    passages = segment(note)
    return Prepared(note, passages, lang, note_title(note, passages))


def passage_tokens(p: Passage) -> int:
    return estimate_tokens(p.text) + PASSAGE_OVERHEAD


def chunks(passages: Sequence[Passage], limit: int = CHUNK_TOKENS) -> Iterator[list[Passage]]:
    """Minable passages in groups of at most `limit` tokens (a huge passage is cut)."""
    group: list[Passage] = []
    size = 0
    for p in passages:
        if not p.minable:
            continue
        if passage_tokens(p) > limit:
            p = p.model_copy(update={"text": _cut(p.text, limit - PASSAGE_OVERHEAD)})
        if group and size + passage_tokens(p) > limit:
            yield group
            group, size = [], 0
        group.append(p)
        size += passage_tokens(p)
    if group:
        yield group


def _cut(text: str, tokens: int) -> str:
    """The start of `text` that fits in about `tokens` tokens."""
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if estimate_tokens(text[:mid]) <= tokens:
            low = mid
        else:
            high = mid - 1
    return text[:low]


def chunk_limit(job: Job) -> int:
    """Passage tokens per extraction chunk: the prompt, the answer and thinking must fit."""
    window = job.backend.context_window
    if window is None:
        return CHUNK_TOKENS
    system = estimate_tokens(job.prompts.extract.render("system")) + TASK_TOKENS
    effort = job.tuning.effort_for("extract")
    thinking = job.backend.facts.output_budget(0, effort)
    room = window * WINDOW_SHARE - system - thinking - extract_budget(0)
    limit = int(room / (1 + (extract_budget(1000) - extract_budget(0)) / 1000))
    return max(MIN_CHUNK_TOKENS, min(CHUNK_TOKENS, limit))


def _known_ids(ids: set[str]) -> Check:
    def check(value: Extraction) -> None:
        unknown = {i for s in value.stances for i in s.passage_ids} - ids
        if unknown:
            raise ValueError(f"passage_ids not in the note: {', '.join(sorted(unknown)[:5])}")

    return check


def to_stance(found: ExtractedStance, by_id: dict[str, Passage], seen: dict[str, int]) -> Stance:
    """A stance with its id, line range and quote worked out from its passages."""
    chosen = [by_id[i] for i in dict.fromkeys(found.passage_ids) if i in by_id]
    passages = sorted(chosen, key=lambda p: p.lines)  # the quote reads in the note's order
    key = "+".join(p.id for p in passages) or found.claim
    seen[key] = seen.get(key, 0) + 1
    digest = hashlib.sha256(f"{key}\x00{seen[key]}".encode()).hexdigest()[:10]
    runs = _runs(passages, by_id)
    quote = "\n…\n".join("\n".join(p.text for p in run) for run in runs)
    lines = (min(p.lines[0] for p in passages), max(p.lines[1] for p in passages))
    return Stance(
        id=f"s-{digest}",
        claim=found.claim,
        position=found.position,
        strength=found.strength,
        target=found.target,
        reasoning=found.reasoning,
        passage_ids=[p.id for p in passages],
        lines=lines,
        quote=clip(quote, QUOTE_CHARS),
        spans=[(run[0].lines[0], run[-1].lines[1]) for run in runs] if len(runs) > 1 else [],
        language=found.language,
        topics=[" ".join(t.split()) for t in found.topics if t.strip()][:3],
    )


def _runs(passages: Sequence[Passage], by_id: dict[str, Passage]) -> list[list[Passage]]:
    """The passages (in note order) grouped into runs of neighbours: a new run starts where
    passages between them are left out, which the quote marks with "…" and the source names."""
    place = {pid: n for n, pid in enumerate(by_id)}
    runs: list[list[Passage]] = []
    for n, p in enumerate(passages):
        if n and place[p.id] - place[passages[n - 1].id] == 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    return runs


def _halves(group: list[Passage]) -> tuple[list[Passage], list[Passage]] | None:
    """Split a chunk that did not fit; None when it cannot shrink further."""
    if len(group) > 1:
        return group[: len(group) // 2], group[len(group) // 2 :]
    text = group[0].text
    if len(text) < MIN_SPLIT_CHARS:
        return None
    return [group[0].model_copy(update={"text": text[: len(text) // 2]})], [
        group[0].model_copy(update={"text": text[len(text) // 2 :]})
    ]


def _extract_chunk(
    job: Job, prepared: Prepared, group: list[Passage], meter: Meter
) -> list[ExtractedStance]:
    """Stances in one chunk. A chunk too long for the model's window, or whose stances do not
    fit the answer's room, is halved until it fits (never a repair turn of a cut-off list)."""
    context = prepared.context(group)
    wanted = extract_budget(sum(passage_tokens(p) for p in group))
    prompt = estimate_tokens(job.prompts.extract.render("system") + context.text())
    request = extract_request(job.prompts, context, job.budget(prompt, wanted), job.tuning)
    check = _known_ids({p.id for p in group})
    halves = _halves(group)
    try:
        found = ask(
            job.backend, request, Extraction, job.prompts.repair, meter, check, split=bool(halves)
        )
    except (ContextTooLongError, TruncatedError):
        if halves is None:
            raise
        return [s for half in halves for s in _extract_chunk(job, prepared, half, meter)]
    return found.stances


def extract(job: Job, prepared: Prepared, meter: Meter) -> list[Stance]:
    """Every stance in the note: one backend call per chunk of passages."""
    by_id = prepared.by_id
    seen: dict[str, int] = {}
    prepared.chunks = [tuple(g) for g in chunks(prepared.passages, chunk_limit(job))]
    found: list[ExtractedStance] = []
    deferred: Deferred | None = None
    for group in prepared.chunks:
        try:
            found += _extract_chunk(job, prepared, list(group), meter)
        except Deferred as signal:  # batch mode: the other chunks join the same batch
            deferred = signal
    if deferred is not None:
        raise deferred
    return [to_stance(s, by_id, seen) for s in found if s.passage_ids]


def answer_language(job: Job, stance: Stance, prepared: Prepared) -> str:
    """`--language` if given, else the stance's own language, else the note's."""
    if job.settings.language != "auto":
        return job.settings.language
    return stance.language or prepared.language


@dataclass(frozen=True)
class DebatePlan:
    """How one stance is debated: with which part of the note, and whether that part is a
    prefix shared with other calls (`warm_key` names it when the provider would cache it)."""

    stance: Stance
    context: NoteContext
    shared: bool = False
    warm_key: Hashable | None = None
    related: tuple[str, ...] = ()  # claims of the author's other stances on the same passages


def _debate_context(job: Job, prepared: Prepared, stance: Stance) -> NoteContext:
    """The stance's chunk if it fits the window with a whole answer, else its neighbourhood."""
    chunk = prepared.chunk_of(stance)
    window = job.backend.context_window
    if window is None:
        return prepared.context(chunk)
    system = estimate_tokens(job.prompts.debate.render("system")) + TASK_TOKENS
    thinking = job.backend.facts.output_budget(0, job.tuning.effort_for("debate"))
    room = int(window * WINDOW_SHARE) - system - thinking - DEBATE_MIN_TOKENS
    if sum(passage_tokens(p) for p in chunk) <= room:
        return prepared.context(chunk)
    return prepared.context(neighbourhood(list(chunk), stance.passage_ids, room))


def neighbourhood(passages: list[Passage], ids: Sequence[str], tokens: int) -> list[Passage]:
    """The passages `ids` and as many neighbours either side as fit in `tokens`, in order."""
    picked = {i for i, p in enumerate(passages) if p.id in ids} or {0}
    used = sum(passage_tokens(passages[i]) for i in picked)
    low, high = min(picked), max(picked)
    while low > 0 or high < len(passages) - 1:
        grown = False
        for i in (low - 1, high + 1):
            if 0 <= i < len(passages) and used + passage_tokens(passages[i]) <= tokens:
                picked.add(i)
                used += passage_tokens(passages[i])
                grown = True
        low, high = min(picked), max(picked)
        if not grown:
            break
    return [passages[i] for i in sorted(picked)]


def cache_key(job: Job, purpose: str, system: str, context: NoteContext) -> Hashable | None:
    """A name for a prefix the provider would cache (system prompt and note), else None."""
    minimum = job.backend.facts.cache_min_tokens
    if minimum is None:
        return None
    tokens = estimate_tokens(system) + estimate_tokens(context.text())
    if tokens < minimum * CACHE_MARGIN:
        return None
    return (purpose, context.passages[0].id if context.passages else "")


def plan_debates(job: Job, prepared: Prepared, stances: Sequence[Stance]) -> list[DebatePlan]:
    """Each stance's context; stances that share one are marked so its prefix is cached."""
    contexts = [_debate_context(job, prepared, s) for s in stances]
    system = job.prompts.debate.render("system")
    plans = []
    for stance, context in zip(stances, contexts, strict=True):
        shared = contexts.count(context) > 1
        key = cache_key(job, "debate", system, context) if shared else None
        related = tuple(stances[i].claim for i in stance.siblings(stances))
        plans.append(DebatePlan(stance, context, shared, key, related))
    return plans


_LANGUAGE_NAMES = {
    "en": "English",
    "zh": "Chinese",
    "zh-en": "Chinese and English mixed as the author mixes them, with some Chinese at least",
}


def _in_language(language: str) -> Check:
    def check(value: Debate) -> None:
        text = " ".join(p.title + " " + p.argument for p in value.support + value.oppose)
        if not matches_language(text, language):
            said = _LANGUAGE_NAMES.get(language, language)
            raise ValueError(f"the perspectives must be written in language '{language}' ({said})")

    return check


def _argue(job: Job, plan: DebatePlan, prepared: Prepared, meter: Meter) -> Debate:
    language = answer_language(job, plan.stance, prepared)
    per_side = job.settings.per_side
    prompt = estimate_tokens(job.prompts.debate.render("system") + plan.context.text())
    budget = job.budget(prompt + TASK_TOKENS, max(DEBATE_MAX_TOKENS, 1024 + per_side * 1600))
    request = debate_request(
        job.prompts,
        plan.context,
        plan.stance,
        (per_side, language),
        budget,
        shared=plan.shared,
        tuning=job.tuning,
        related=plan.related,
    )
    answer = debate_answer(per_side)
    return ask(job.backend, request, answer, job.prompts.repair, meter, _in_language(language))


def debate(job: Job, plan: DebatePlan, prepared: Prepared, meter: Meter) -> StanceResult:
    """Perspectives on both sides of one stance; a failure is recorded on the stance.

    If the note around the stance does not fit the model's window, it is argued with its own
    passages only.
    """
    stance = plan.stance
    try:
        try:
            found = _argue(job, plan, prepared, meter)
        except ContextTooLongError:
            own = prepared.context([p for p in plan.context.passages if p.id in stance.passage_ids])
            if own == plan.context:
                raise
            found = _argue(job, DebatePlan(stance, own, related=plan.related), prepared, meter)
    except RunStoppingError:
        raise  # every later call would fail the same way: stop the run
    except BackendError as e:
        return StanceResult(**stance.model_dump(), error=str(e))
    per_side = job.settings.per_side
    perspectives = [Perspective(side="support", **p.model_dump()) for p in found.support[:per_side]]
    perspectives += [Perspective(side="oppose", **p.model_dump()) for p in found.oppose[:per_side]]
    return StanceResult(
        **stance.model_dump(),
        crux=found.crux,
        would_change_mind=found.would_change_mind,
        slips=found.slips,
        perspectives=perspectives,
    )


def note_date(note: Note) -> str:
    """When the note was written: front matter `date` (or `created`), else its file's time."""
    for key in ("date", "created"):
        value = note.front_matter.get(key)
        if isinstance(value, datetime | date):
            return value.isoformat()[:10]
        if isinstance(value, str) and value.strip():
            return value.strip()[:10]
    try:
        return datetime.fromtimestamp(note.path.stat().st_mtime, UTC).strftime("%Y-%m-%d")
    except OSError:
        return ""


def result_for(
    job: Job, prepared: Prepared, stances: list[StanceResult], meter: Meter
) -> NoteResult:
    """Assemble what the sidecars hold."""
    note = prepared.note
    info = NoteInfo(
        path=note.name,
        sha256=note.sha256,
        language=prepared.language,
        title=prepared.title,
        date=note_date(note),
    )
    return NoteResult(
        note=info,
        backend=job.backend.name,
        model=job.backend.model,
        created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        fingerprint=job.fingerprint(),
        language="" if job.settings.language == "auto" else job.settings.language,
        prompt_versions=job.prompts.versions(),
        stances=stances,
        usage=meter.snapshot(),
    )
