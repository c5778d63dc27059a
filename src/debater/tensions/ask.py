"""One request per candidate group: the stances as data, the tensions the model names back."""

from __future__ import annotations

import logging
from typing import Any

from debater.job import Job
from debater.llm.answers import TensionsAnswer
from debater.llm.prompts import Prompt
from debater.llm.requests import tensions_request
from debater.llm.structured import ask
from debater.llm.usage import Meter
from debater.records import Tension
from debater.tensions.candidates import Group, VaultStance

log = logging.getLogger(__name__)


def ref(number: int) -> str:
    """How the request names the group's n-th stance (short, and never clashing across notes)."""
    return f"S{number}"


def stance_record(number: int, vs: VaultStance) -> dict[str, Any]:
    """The fields of a stance the model needs to weigh it against the others."""
    s = vs.stance
    return {
        "ref": ref(number),
        "note": vs.note,
        "date": vs.date,
        "claim": s.claim,
        "position": s.position,
        "strength": s.strength,
        "target": s.target,
        "reasoning": s.reasoning,
        "topics": s.topics,
        "language": s.language,
    }


def ask_group(job: Job, prompt: Prompt, group: Group, meter: Meter) -> list[Tension]:
    """The tensions the backend finds in `group` (the request is cached like any other)."""
    records = [stance_record(n, vs) for n, vs in enumerate(group.members, 1)]
    request = tensions_request(prompt, group.shared, records, job.tuning)
    answer = ask(job.backend, request, TensionsAnswer, job.prompts.repair, meter)
    return tensions_from(answer, group)


def tensions_from(answer: TensionsAnswer, group: Group) -> list[Tension]:
    """The answer's tensions with their stances; one naming a stance not in the group (or
    fewer than two) is dropped."""
    by_ref = {ref(n): vs for n, vs in enumerate(group.members, 1)}
    found = []
    for t in answer.tensions:
        ids = list(dict.fromkeys(t.stance_ids))
        unknown = [i for i in ids if i not in by_ref]
        if unknown or len(ids) < 2:
            log.debug("dropped a tension naming %s of group %s", ids, group.shared)
            continue
        sides = [by_ref[i].side() for i in ids]
        found.append(
            Tension(kind=t.kind, explanation=t.explanation, question=t.question, stances=sides)
        )
    return found
