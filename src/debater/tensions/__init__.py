"""Tensions: the author's own stances that contradict or pull against each other, vault-wide.

    with debater.open_job(settings, folder) as job:
        found = find_tensions(job, [folder])

It reads the stances from the sidecars `debater run` wrote (a note without one is listed in
`pending`), groups them cheaply (`candidates`) and asks the job's backend once per group (`ask`),
so the answers are cached like every other call: an unchanged vault sends no request.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from debater.errors import BackendError, RunStoppingError
from debater.job import Job
from debater.llm.prompts import load_prompt
from debater.llm.usage import Meter
from debater.outputs.report import collect_entries
from debater.outputs.report_data import ReportEntry
from debater.records import Tension, Usage
from debater.tensions.ask import ask_group
from debater.tensions.candidates import Group, candidate_groups, vault_stances
from debater.workers import DaemonPool

__all__ = ["VaultTensions", "find_tensions", "tensions_in"]


@dataclass
class VaultTensions:
    """What `find_tensions` found, and what it could not look at."""

    tensions: list[Tension] = field(default_factory=list)
    notes: int = 0
    stances: int = 0
    groups: int = 0
    pending: list[str] = field(default_factory=list)  # notes with no sidecar yet
    failed: list[str] = field(default_factory=list)  # groups whose request failed, and why
    usage: Usage = field(default_factory=Usage)


def find_tensions(
    job: Job, paths: list[Path], include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()
) -> VaultTensions:
    """The tensions among the stances of every note under `paths` that has a sidecar."""
    return tensions_in(job, collect_entries(paths, include, exclude).entries)


def tensions_in(job: Job, entries: list[ReportEntry]) -> VaultTensions:
    """The tensions among the stances of notes already read (as `collect_entries` gives them)."""
    stances = vault_stances(entries)
    groups = candidate_groups(stances)
    found = VaultTensions(notes=len(entries), stances=len(stances), groups=len(groups))
    found.pending = [e.path for e in entries if e.result is None]
    meter = Meter()
    answers = _ask_all(job, groups, meter)
    for group, answer in zip(groups, answers, strict=True):
        if isinstance(answer, BackendError):
            found.failed.append(f"{', '.join(group.shared)}: {answer}")
        else:
            found.tensions += answer
    found.tensions = _distinct(found.tensions)
    found.usage = meter.snapshot()
    return found


def _ask_all(job: Job, groups: list[Group], meter: Meter) -> list[list[Tension] | BackendError]:
    """Every group's tensions, asked concurrently, in the groups' order; a run-stopping
    error (no key, no server) stops at once, any other failure stays with its group."""
    if not groups:
        return []
    prompt = load_prompt("tensions", job.settings.prompts_dir)
    pool = DaemonPool(min(job.settings.concurrency, len(groups)))
    try:
        futures = [pool.submit(ask_group, job, prompt, g, meter) for g in groups]
        return [_result(f) for f in futures]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _result(future: Future[list[Tension]]) -> list[Tension] | BackendError:
    error = future.exception()
    if error is None:
        return future.result()
    if isinstance(error, BackendError) and not isinstance(error, RunStoppingError):
        return error
    raise error


def _distinct(tensions: Iterable[Tension]) -> list[Tension]:
    """Each set of stances once: groups that overlap may name the same tension."""
    seen: set[frozenset[tuple[str, str]]] = set()
    kept = []
    for t in tensions:
        key = frozenset((s.note, s.id) for s in t.stances)
        if key not in seen:
            seen.add(key)
            kept.append(t)
    return kept
