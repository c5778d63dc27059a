"""How well the mock backend's stance finder reads real notes: recall and precision by hand labels.

    python benchmarks/mock_extractor.py FOLDER [--verbose]

FOLDER holds notes (`NAME.md` or `NAME.txt`), each beside its labels `NAME.labels.json`:

    {
      "language": "en",              # en, zh or zh-en (informative)
      "quotation_only": false,       # true: only quotations, excerpts or blurbs, no reaction
      "stances": [                   # the author's key stances, as a careful reader lists them
        {"lines": [12, 13], "position": "disagree", "note": "what the stance says"}
      ],
      "optional": [                  # real but minor reactions: finding them is neither
        {"lines": [20, 20], "note": "..."}   # rewarded nor punished
      ]
    }

`lines` are 1-based line numbers of the file, first and last inclusive, covering the author's own
words (not the quotation they react to). A quotation the author does not react to is not a stance,
and neither is a quoted speaker's "I think".

The note is loaded and segmented by debater itself (`debater.pipeline.prepare`), cut into the
chunks the pipeline sends, each chunk's minable passages made into the records a model receives
(`passage_record`), and the mock's `find_stances` run on them, as `MockBackend` does for an
extract request. A found stance covers the lines of all its passages (their ranges, not the span
between them). It matches a key stance when their lines overlap; each found stance matches at most
one key stance and each key stance at most one found stance (a maximum matching). A found stance
that matches no key stance but overlaps an optional one is left out of precision; any other is a
false positive. Recall is matched / key stances, precision matched / (found - optional); the
precision that counts stances on optional reactions as wrong is printed too.
Positions are reported (how many matched stances have the labelled position), not scored.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from debater.backends.mock.stances import find_stances, read_stances
from debater.llm.answers import ExtractedStance
from debater.llm.datablocks import passage_record
from debater.pipeline import chunks, prepare

Lines = set[int]
# What finds stances in a batch of passage records, given the note's header.
Finder = Callable[[list[dict[str, Any]], dict[str, str]], list[ExtractedStance]]


@dataclass
class Score:
    keys: int = 0
    found: int = 0
    matched: int = 0
    optional: int = 0
    same_position: int = 0
    quotation_only_found: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in ("keys", "found", "matched", "optional", "same_position"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.quotation_only_found += other.quotation_only_found

    @property
    def recall(self) -> float:
        return self.matched / self.keys if self.keys else 1.0

    @property
    def precision(self) -> float:
        scored = self.found - self.optional
        return self.matched / scored if scored else 1.0

    @property
    def strict_precision(self) -> float:
        """Precision with stances on optional reactions counted as false positives."""
        return self.matched / self.found if self.found else 1.0


def span(item: dict[str, Any]) -> Lines:
    first, last = item["lines"]
    return set(range(int(first), int(last) + 1))


def extract(
    path: Path, finder: Finder = find_stances
) -> tuple[list[ExtractedStance], dict[str, Lines]]:
    """The stances `finder` (the mock's, by default) finds in a note, asked as the pipeline asks,
    and each passage's lines."""
    prepared = prepare(path)
    lines = {p.id: set(range(p.lines[0], p.lines[1] + 1)) for p in prepared.passages}
    found: list[ExtractedStance] = []
    for group in chunks(prepared.passages):
        header = {"file": prepared.note.name, "title": prepared.title}
        found += finder([passage_record(p) for p in group], header)
    return found, lines


def stance_lines(stance: ExtractedStance, lines: dict[str, Lines]) -> Lines:
    return set().union(*(lines.get(i, set()) for i in stance.passage_ids))


def matching(found: Sequence[Lines], keys: Sequence[Lines]) -> dict[int, int]:
    """A maximum matching of found stances to key stances by overlap: {found: key}."""
    owner: dict[int, int] = {}  # key index -> found index

    def place(f: int, seen: set[int]) -> bool:
        for k, key in enumerate(keys):
            if k in seen or not found[f] & key:
                continue
            seen.add(k)
            if k not in owner or place(owner[k], seen):
                owner[k] = f
                return True
        return False

    for f in range(len(found)):
        place(f, set())
    return {f: k for k, f in owner.items()}


def score_note(path: Path, labels: dict[str, Any], finder: Finder = find_stances) -> Score:
    stances, lines = extract(path, finder)
    keys = labels.get("stances", [])
    key_lines = [span(k) for k in keys]
    optional = [span(o) for o in labels.get("optional", [])]
    found = [stance_lines(s, lines) for s in stances]
    matched = matching(found, key_lines)
    score = Score(keys=len(keys), found=len(stances), matched=len(matched))
    for f, stance in enumerate(stances):
        where = f"{min(found[f], default=0)}-{max(found[f], default=0)}"
        if f in matched:
            score.same_position += stance.position == keys[matched[f]].get("position")
        elif any(found[f] & o for o in optional):
            score.optional += 1
        else:
            score.extras.append(f"  + {where} {stance.position}: {stance.claim[:90]}")
    hit = set(matched.values())
    for k, key in enumerate(keys):
        if k not in hit:
            first, last = key["lines"]
            score.misses.append(f"  - {first}-{last} {key.get('position')}: {key.get('note', '')}")
    if labels.get("quotation_only"):
        score.quotation_only_found = len(stances)
    return score


def notes_in(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    found = []
    for label_path in sorted(folder.glob("*.labels.json")):
        stem = label_path.name.removesuffix(".labels.json")
        candidates = (folder / f"{stem}{ext}" for ext in (".md", ".txt"))
        note = next((c for c in candidates if c.exists()), None)
        if note is None:
            sys.exit(f"no note beside {label_path}")
        found.append((note, json.loads(label_path.read_text(encoding="utf-8"))))
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--verbose", "-v", action="store_true", help="list misses and extras")
    parser.add_argument("--rules", action="store_true", help="the rules alone, not weighed")
    args = parser.parse_args(argv)
    total = Score()
    print(f"{'note':34} {'keys':>4} {'found':>5} {'hit':>4} {'recall':>6} {'prec':>6}  quote-only")
    for path, labels in notes_in(args.folder):
        score = score_note(path, labels, read_stances if args.rules else find_stances)
        total.add(score)
        quote = f"{score.quotation_only_found} found" if labels.get("quotation_only") else ""
        print(
            f"{path.stem[:34]:34} {score.keys:4} {score.found:5} {score.matched:4} "
            f"{score.recall:6.2f} {score.precision:6.2f}  {quote}"
        )
        if args.verbose:
            print("\n".join(score.misses + score.extras))
    print(
        f"{'TOTAL':34} {total.keys:4} {total.found:5} {total.matched:4} "
        f"{total.recall:6.2f} {total.precision:6.2f}  {total.quotation_only_found} found"
    )
    print(
        f"same position as labelled: {total.same_position}/{total.matched}; "
        f"found on optional reactions (not scored): {total.optional}; "
        f"precision counting those as wrong: {total.strict_precision:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
