"""Fit the mock's weighing model to hand-labelled real notes, and measure it on notes it was not
fitted to.

    python benchmarks/fit_mock_weights.py FOLDER [FOLDER ...] [--write]

Each FOLDER holds notes with their labels, as `benchmarks/mock_extractor.py` reads them. For every
candidate passage (see `debater.backends.mock.weighing`) the label is 1 when its lines overlap a key
stance, 0 when they overlap none; passages on optional reactions are left out. The model is a
logistic regression with balanced classes and an L2 penalty, fitted by gradient descent (no
dependency beyond the standard library).

It prints, for each folder, what the rules alone and the weighed finder score there when the
weights were fitted to the OTHER folders only (so each figure is on notes the weights never saw),
then fits on all folders; `--write` saves those weights to src/debater/data/mock_weights.json.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mock_extractor import Score, notes_in, score_note, span

from debater.backends.mock import weighing
from debater.backends.mock.stances import find_stances, read_stances
from debater.llm.answers import ExtractedStance
from debater.llm.datablocks import passage_record
from debater.pipeline import chunks, prepare

WEIGHTS = Path(__file__).resolve().parents[1] / "src" / "debater" / "data" / "mock_weights.json"
EPOCHS, RATE, PENALTY = 300, 0.5, 1e-3

Example = tuple[weighing.Features, int]


@dataclass
class Batch:
    """One request's worth of a labelled note: its records and header, and the note's labels."""

    records: list[dict[str, Any]]
    header: dict[str, str]
    keys: list[set[int]]
    optional: list[set[int]]


def batches(path: Path, labels: dict[str, Any]) -> list[Batch]:
    """A labelled note, cut into the batches the pipeline sends."""
    prepared = prepare(path)
    header = {"file": prepared.note.name, "title": prepared.title}
    keys = [span(k) for k in labels.get("stances", [])]
    optional = [span(o) for o in labels.get("optional", [])]
    groups = chunks(prepared.passages)
    return [Batch([passage_record(p) for p in g], header, keys, optional) for g in groups]


def examples(batch: Batch) -> list[Example]:
    """Each candidate's features with its label (candidates on optional reactions left out)."""
    found = read_stances(batch.records, batch.header)
    rows = weighing.features(batch.records, found, batch.header["title"])
    out = []
    for record, row in zip(weighing.candidates(batch.records), rows, strict=True):
        lines = set(range(record["lines"][0], record["lines"][1] + 1))
        if any(lines & k for k in batch.keys):
            out.append((row, 1))
        elif not any(lines & o for o in batch.optional):
            out.append((row, 0))
    return out


def fit(data: Sequence[Example]) -> dict[str, float]:
    """Logistic regression, classes balanced, by full-batch gradient descent."""
    positives = sum(y for _, y in data) or 1
    balance = {1: len(data) / (2 * positives), 0: len(data) / (2 * max(len(data) - positives, 1))}
    weights: dict[str, float] = {}
    for _ in range(EPOCHS):
        gradient: dict[str, float] = {}
        for row, y in data:
            error = (weighing.likelihood(row, weights) - y) * balance[y]
            for name, value in row.items():
                gradient[name] = gradient.get(name, 0.0) + error * value
        for name in gradient.keys() | weights.keys():
            step = gradient.get(name, 0.0) / len(data) + PENALTY * weights.get(name, 0.0)
            weights[name] = weights.get(name, 0.0) - RATE * step
    return {name: round(w, 4) for name, w in sorted(weights.items())}


def score(notes: list[tuple[Path, dict[str, Any]]], weights: dict[str, float] | None) -> Score:
    """The finder's score on these notes: rules alone (weights None) or weighed by `weights`."""

    def weighed(records: list[dict[str, Any]], header: dict[str, str]) -> list[ExtractedStance]:
        return find_stances(records, header, weights)

    total = Score()
    for path, labels in notes:
        total.add(score_note(path, labels, read_stances if weights is None else weighed))
    return total


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--write", action="store_true", help=f"save the weights to {WEIGHTS}")
    args = parser.parse_args(argv)
    sets = {folder.name: notes_in(folder) for folder in args.folders}
    data = {
        name: [e for note in notes for b in batches(*note) for e in examples(b)]
        for name, notes in sets.items()
    }
    print(f"{'held out':14} {'notes':>5} {'rules':>11} {'weighed':>11}  (recall/precision)")
    for name, notes in sets.items():
        others = [e for other, rows in data.items() if other != name for e in rows]
        rules, weighed = score(notes, None), score(notes, fit(others) if others else None)
        print(
            f"{name:14} {len(notes):5} {rules.recall:5.2f}/{rules.precision:4.2f} "
            f"{weighed.recall:5.2f}/{weighed.precision:4.2f}"
        )
    weights = fit([e for rows in data.values() for e in rows])
    if args.write:
        fitted_on = {name: len(notes) for name, notes in sets.items()}
        record = {"fitted_on": fitted_on, "weights": weights}
        WEIGHTS.write_text(
            json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(f"wrote {WEIGHTS} ({len(weights)} weights, {sum(fitted_on.values())} notes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
