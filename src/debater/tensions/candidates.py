"""Candidate groups for tensions, found cheaply: stances that share a topic tag or a target.

Each group becomes one model request, so a vault needs one call per group, never one per pair.
A large group is cut into parts of at most `MAX_GROUP` stances where a stance's own hash says
so (content-defined cuts), so an edited note shifts the parts around its own stances only.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from debater.outputs.report_data import ReportEntry
from debater.records import StanceResult, TensionStance

MAX_GROUP = 12
MIN_PART = 2
CUT_ONE_IN = 6  # after MIN_PART stances, a part ends at a stance whose hash says so, 1 in 6
_EDGES = " \t.,;:!?-–—\"'“”‘’「」『』()（）。，；：！？、…"


@dataclass(frozen=True)
class VaultStance:
    """A stance of the vault: the note it is in (as shown), that note's date, the stance."""

    note: str
    date: str
    stance: StanceResult

    @property
    def key(self) -> tuple[str, str]:
        return (self.note, self.stance.id)

    def side(self) -> TensionStance:
        """The stance as one side of a tension."""
        s = self.stance
        return TensionStance(
            note=self.note,
            id=s.id,
            claim=s.claim,
            position=s.position,
            strength=s.strength or "moderate",
            lines=s.lines,
            date=self.date,
        )


@dataclass(frozen=True)
class Group:
    """Stances asked about together, sorted by (note, id); `shared` says what joins them."""

    shared: tuple[str, ...]
    members: tuple[VaultStance, ...]


def vault_stances(entries: Iterable[ReportEntry]) -> list[VaultStance]:
    """Every stance in the sidecars read (notes not yet run have none)."""
    return [
        VaultStance(e.path, e.result.note.date, s)
        for e in entries
        if e.result is not None
        for s in e.result.stances
    ]


def normalized(text: str) -> str:
    """Text compared as a key: full-width as half-width, case folded, spaces collapsed."""
    folded = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return folded.strip(_EDGES)


def _keys(s: StanceResult) -> set[str]:
    keys = {f"topic: {t}" for t in map(normalized, s.topics) if t}
    target = normalized(s.target or "")
    return keys | {f"target: {target}"} if target else keys


def candidate_groups(stances: Iterable[VaultStance], limit: int = MAX_GROUP) -> list[Group]:
    """Groups of two to `limit` stances sharing a topic or a target; groups with the same
    members are asked once, with everything they share."""
    by_key: dict[str, dict[tuple[str, str], VaultStance]] = {}
    for vs in stances:
        for key in _keys(vs.stance):
            by_key.setdefault(key, {})[vs.key] = vs
    parts: dict[tuple[tuple[str, str], ...], list[str]] = {}
    members: dict[tuple[tuple[str, str], ...], tuple[VaultStance, ...]] = {}
    for key in sorted(by_key):
        found = sorted(by_key[key].values(), key=lambda vs: vs.key)
        if len(found) < 2:
            continue
        for part in split(found, limit):
            ids = tuple(vs.key for vs in part)
            parts.setdefault(ids, []).append(key)
            members[ids] = tuple(part)
    return [Group(tuple(shared), members[ids]) for ids, shared in parts.items()]


def split(found: list[VaultStance], limit: int = MAX_GROUP) -> list[list[VaultStance]]:
    """`found` in parts of `MIN_PART` to `limit` stances, cut where a stance's hash says."""
    if len(found) <= limit:
        return [found]
    parts: list[list[VaultStance]] = []
    part: list[VaultStance] = []
    for vs in found:
        part.append(vs)
        if len(part) >= limit or (len(part) >= MIN_PART and _cuts_after(vs)):
            parts.append(part)
            part = []
    if len(part) == 1 and len(parts[-1]) < limit:
        parts[-1].append(part[0])
    elif len(part) == 1:
        parts.append([parts[-1].pop(), part[0]])
    elif part:
        parts.append(part)
    return parts


def _cuts_after(vs: VaultStance) -> bool:
    digest = hashlib.sha256(f"{vs.note}\x00{vs.stance.id}".encode()).digest()
    return digest[0] % CUT_ONE_IN == 0
