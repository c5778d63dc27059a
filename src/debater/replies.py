"""Rebuttal rounds: under each perspective, the strongest answer from the other side."""

from __future__ import annotations

from debater.errors import BackendError, RunStoppingError
from debater.job import Job
from debater.llm.answers import Reply
from debater.llm.requests import NoteContext, reply_request
from debater.llm.structured import ask
from debater.llm.usage import Meter
from debater.pipeline import Prepared, answer_language
from debater.records import Perspective, StanceResult

OTHER_SIDE = {"support": "oppose", "oppose": "support"}


def _reply_to(
    job: Job,
    context: NoteContext,
    stance: StanceResult,
    p: Perspective,
    language: str,
    meter: Meter,
    depth: int,
) -> Perspective:
    """`p` with its reply tree filled in down to `depth` more levels."""
    if depth <= 0:
        return p
    request = reply_request(job.prompts, context, stance, p, language, job.tuning)
    try:
        found = ask(job.backend, request, Reply, job.prompts.repair, meter)
    except RunStoppingError:
        raise
    except BackendError as e:
        return p.model_copy(update={"error": f"no reply: {e}"})  # re-asked on the next run
    reply = Perspective(side=OTHER_SIDE[p.side], holders=[], **found.model_dump())  # type: ignore[arg-type]
    reply = _reply_to(job, context, stance, reply, language, meter, depth - 1)
    return p.model_copy(update={"replies": [reply]})


def reply_tree(
    job: Job,
    context: NoteContext,
    stance: StanceResult,
    p: Perspective,
    prepared: Prepared,
    meter: Meter,
) -> Perspective:
    """One perspective of a stance with its replies, `depth - 1` levels deep."""
    language = answer_language(job, stance, prepared)
    return _reply_to(job, context, stance, p, language, meter, job.settings.depth - 1)
