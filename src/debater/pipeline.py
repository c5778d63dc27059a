"""The steps for one note: load, segment, extract, debate. Each backend step is one sync call."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from debater.answers import Debate, ExtractedStance, Extraction
from debater.backends.base import Backend
from debater.calls import Prompts, debate_request, extract_request
from debater.errors import AuthError, BackendError, ContextTooLongError, ModelNotFoundError
from debater.language import detect_language, matches_language
from debater.models import Note, NoteInfo, NoteResult, Passage, Perspective, Stance, StanceResult
from debater.notes import load_note
from debater.passages import segment
from debater.structured import Check, Meter, ask

CHUNK_CHARS = 24_000  # passages per extraction request, so every request fits a small window
QUOTE_CHARS = 600
MIN_SPLIT_CHARS = 2_000  # below this a context-length error is not about the note's size


@dataclass(frozen=True)
class Options:
    """What shapes a run's answers (besides the backend and the prompts)."""

    per_side: int = 3
    language: str = "auto"
    depth: int = 1


@dataclass
class Job:
    """A backend with the prompts and options of one run; shared by every note."""

    backend: Backend
    prompts: Prompts
    options: Options = field(default_factory=Options)

    def fingerprint(self) -> str:
        """Identifies what a sidecar was made with, so an up-to-date note can be skipped."""
        data = {
            **self.backend.identity,
            "options": [self.options.per_side, self.options.language, self.options.depth],
            "prompts": self.prompts.hashes(),
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


@dataclass
class Prepared:
    """A loaded, segmented note, ready for extraction."""

    note: Note
    passages: list[Passage]
    language: str

    @property
    def by_id(self) -> dict[str, Passage]:
        return {p.id: p for p in self.passages}


def prepare(path: Path, language: str = "auto") -> Prepared:
    """Load and segment a note; raises NoteError for files to skip."""
    note = load_note(path)
    lang = detect_language(note.body) if language == "auto" else language
    return Prepared(note, segment(note), lang)


def chunks(passages: Sequence[Passage], limit: int = CHUNK_CHARS) -> Iterator[list[Passage]]:
    """Minable passages in groups of at most `limit` characters (a huge passage is cut)."""
    group: list[Passage] = []
    size = 0
    for p in passages:
        if not p.minable:
            continue
        if len(p.text) > limit:
            p = p.model_copy(update={"text": p.text[:limit]})
        if group and size + len(p.text) > limit:
            yield group
            group, size = [], 0
        group.append(p)
        size += len(p.text)
    if group:
        yield group


def _known_ids(ids: set[str]) -> Check:
    def check(value: Extraction) -> None:
        unknown = {i for s in value.stances for i in s.passage_ids} - ids
        if unknown:
            raise ValueError(f"passage_ids not in the note: {', '.join(sorted(unknown)[:5])}")

    return check


def to_stance(found: ExtractedStance, by_id: dict[str, Passage], seen: dict[str, int]) -> Stance:
    """A stance with its id, line range and quote worked out from its passages."""
    passages = [by_id[i] for i in dict.fromkeys(found.passage_ids) if i in by_id]
    key = "+".join(p.id for p in passages) or found.claim
    seen[key] = seen.get(key, 0) + 1
    digest = hashlib.sha256(f"{key}\x00{seen[key]}".encode()).hexdigest()[:10]
    quote = "\n".join(p.text for p in passages)
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
        quote=quote[:QUOTE_CHARS],
        language=found.language,
    )


def _halves(group: list[Passage]) -> tuple[list[Passage], list[Passage]] | None:
    """Split a chunk that did not fit the model's window; None when it cannot shrink further."""
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
    """Stances in one chunk; a chunk too long for the model is halved until it fits."""
    request = extract_request(job.prompts, prepared.note.name, prepared.language, group)
    check = _known_ids({p.id for p in group})
    try:
        return ask(job.backend, request, Extraction, job.prompts.repair, meter, check).stances
    except ContextTooLongError:
        halves = _halves(group)
        if halves is None:
            raise
        return [s for half in halves for s in _extract_chunk(job, prepared, half, meter)]


def extract(job: Job, prepared: Prepared, meter: Meter) -> list[Stance]:
    """Every stance in the note: one backend call per chunk of passages."""
    by_id = prepared.by_id
    seen: dict[str, int] = {}
    found = [
        s
        for group in chunks(prepared.passages)
        for s in _extract_chunk(job, prepared, group, meter)
    ]
    return [to_stance(s, by_id, seen) for s in found if s.passage_ids]


def answer_language(job: Job, stance: Stance, prepared: Prepared) -> str:
    """`--language` if given, else the stance's own language, else the note's."""
    if job.options.language != "auto":
        return job.options.language
    return stance.language or prepared.language


def _in_language(language: str) -> Check:
    def check(value: Debate) -> None:
        text = " ".join(p.title + " " + p.argument for p in value.support + value.oppose)
        if not matches_language(text, language):
            raise ValueError(f"the perspectives must be written in language '{language}'")

    return check


def debate(job: Job, stance: Stance, prepared: Prepared, meter: Meter) -> StanceResult:
    """Perspectives on both sides of one stance; a failure is recorded on the stance."""
    by_id = prepared.by_id
    passages = [by_id[i] for i in stance.passage_ids if i in by_id]
    language = answer_language(job, stance, prepared)
    request = debate_request(job.prompts, stance, passages, job.options.per_side, language)
    try:
        check = _in_language(language)
        found = ask(job.backend, request, Debate, job.prompts.repair, meter, check)
    except (AuthError, ModelNotFoundError):
        raise  # every later call would fail the same way: stop the run
    except BackendError as e:
        return StanceResult(**stance.model_dump(), error=str(e))
    per_side = job.options.per_side
    perspectives = [Perspective(side="support", **p.model_dump()) for p in found.support[:per_side]]
    perspectives += [Perspective(side="oppose", **p.model_dump()) for p in found.oppose[:per_side]]
    return StanceResult(
        **stance.model_dump(),
        crux=found.crux,
        would_change_mind=found.would_change_mind,
        perspectives=perspectives,
    )


def result_for(
    job: Job, prepared: Prepared, stances: list[StanceResult], meter: Meter
) -> NoteResult:
    """Assemble what the sidecars hold."""
    note = prepared.note
    return NoteResult(
        note=NoteInfo(path=note.name, sha256=note.sha256, language=prepared.language),
        backend=job.backend.name,
        model=job.backend.model,
        created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        fingerprint=job.fingerprint(),
        prompt_versions=job.prompts.versions(),
        stances=stances,
        usage=meter.snapshot(),
    )
