"""Input tokens per stance: debater's requests against the naive design, over the bundled notes.

debater sends each stance once, with only its own passages, and both sides in one answer;
the naive design sends the whole note once per stance per side. Requests are built by the real
request builders (system prompt included) and counted with debater's token estimate; stances
come from the mock backend's extraction.

    python benchmarks/tokens.py
"""

from __future__ import annotations

from pathlib import Path

from _common import SOURCES, table

from debater.backends.base import BackendOptions, Request
from debater.backends.mock import MockBackend
from debater.llm.requests import Prompts, debate_request, extract_request
from debater.llm.structured import Meter
from debater.llm.tokens import estimate_tokens
from debater.pipeline import Job, answer_language, chunks, extract, prepare


def request_tokens(request: Request) -> int:
    """Estimated input tokens of a request: its system prompt and every message."""
    return estimate_tokens(request.system) + sum(estimate_tokens(m.text) for m in request.messages)


def note_tokens(job: Job, path: Path) -> tuple[int, int, int, int]:
    """(stances, extraction tokens, debate tokens, naive tokens) for one note."""
    prepared = prepare(path)
    prompts, per_side = job.prompts, job.options.per_side
    extraction = sum(
        request_tokens(extract_request(prompts, path.name, prepared.language, group))
        for group in chunks(prepared.passages)
    )
    by_id = prepared.by_id
    debate = naive = 0
    stances = extract(job, prepared, Meter())
    for stance in stances:
        language = answer_language(job, stance, prepared)
        own = [by_id[i] for i in stance.passage_ids]
        debate += request_tokens(debate_request(prompts, stance, own, per_side, language))
        whole = debate_request(prompts, stance, prepared.passages, per_side, language)
        naive += 2 * request_tokens(whole)
    return len(stances), extraction, debate, naive


def per_stance(total: int, stances: int) -> str:
    return f"{total / stances:.0f}"


def main() -> None:
    job = Job(MockBackend(BackendOptions()), Prompts.load())
    rows: list[list[object]] = []
    totals = [0, 0, 0, 0]
    for path in SOURCES:
        counts = note_tokens(job, path)
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        rows.append(_row(path.name, *counts))
    rows.append(_row("all notes", *totals))
    header = ["note", "stances", "debate/stance", "+extraction", "naive/stance", "ratio", "ratio+"]
    print("input tokens per stance (estimated)")
    print(table(rows, header))
    print("ratio = naive / debate; ratio+ = naive / (debate + debater's extraction call)")


def _row(name: str, stances: int, extraction: int, debate: int, naive: int) -> list[object]:
    if not stances:
        return [name, 0, "-", "-", "-", "-", "-"]
    return [
        name,
        stances,
        per_stance(debate, stances),
        per_stance(debate + extraction, stances),
        per_stance(naive, stances),
        f"{naive / debate:.2f}",
        f"{naive / (debate + extraction):.2f}",
    ]


if __name__ == "__main__":
    main()
