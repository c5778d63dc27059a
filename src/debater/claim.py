"""Perspectives on a claim typed on the command line, with no note behind it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from debater.job import Job
from debater.llm.usage import Meter
from debater.notes.language import detect_language
from debater.pipeline import Prepared, debate, plan_debates, result_for
from debater.records import Note, NoteResult, Passage, Stance


def claim_prepared(claim: str, language: str) -> Prepared:
    """A one-passage note holding just the claim."""
    digest = hashlib.sha256(claim.encode("utf-8")).hexdigest()
    passage = Passage(id=f"p-{digest[:10]}", text=claim, kind="paragraph", lines=(1, 1))
    note = Note(path=Path("claim"), sha256=digest, encoding="utf-8", text=claim, body=claim)
    lang = detect_language(claim) if language == "auto" else language
    return Prepared(note, [passage], lang)


def claim_stance(prepared: Prepared) -> Stance:
    """The claim of a one-passage note, held as the person's own idea."""
    passage = prepared.passages[0]
    return Stance(
        id=f"s-{prepared.note.sha256[:10]}",
        claim=passage.text,
        position="own-idea",
        strength=None,  # nothing says how firmly it is held
        passage_ids=[passage.id],
        lines=passage.lines,
        quote=passage.text,
        language=prepared.language,
    )


def claim_result(job: Job, claim: str) -> NoteResult:
    """Both sides of `claim`, held as the user's own idea."""
    prepared = claim_prepared(claim, job.settings.language)
    stance = claim_stance(prepared)
    meter = Meter()
    [plan] = plan_debates(job, prepared, [stance])
    return result_for(job, prepared, [debate(job, plan, prepared, meter)], meter)
