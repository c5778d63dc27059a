"""The mock's weighing: what the rules find is kept, dropped or added to by a fitted model."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

from debater.backends.mock import weighing
from debater.backends.mock.stances import find_stances, read_stances
from debater.backends.mock.weighing import WEIGHED_FROM

# A note's worth of passages: a quotation and the author's disagreement with it, then plain
# prose with no marker at all (an argument the rules cannot see), then more quotations.
NOTE = [
    ("quote", "“Remote work kills culture.”"),
    ("paragraph", "I disagree: culture is what people do, not where they sit."),
    ("paragraph", "Offices reward being seen more than doing the work, and I have watched it."),
    ("quote", "“Meetings are where work goes to die.”"),
    ("quote", "“Slack is a meeting that never ends.”"),
    ("quote", "“Managers fear what they cannot watch.”"),
    ("quote", "“The commute is the last free hour.”"),
    ("quote", "“Trust scales badly.”"),
]


def records(items: list[tuple[str, str]] = NOTE) -> list[dict[str, Any]]:
    return [
        {"id": f"p{i}", "kind": kind, "lines": [i + 1, i + 1], "section": [], "text": text}
        for i, (kind, text) in enumerate(items)
    ]


def ids(weights: dict[str, float], items: list[tuple[str, str]] = NOTE) -> list[list[str]]:
    return [s.passage_ids for s in find_stances(records(items), {"title": "Remote"}, weights)]


def test_the_rules_alone_see_only_the_marked_reaction() -> None:
    assert [s.passage_ids for s in read_stances(records())] == [["p0", "p1"]]


def test_a_likely_passage_the_rules_passed_over_becomes_an_own_idea() -> None:
    speaking = {"bias": -4.0, "cue_first_person": 8.0}  # the author's "I": very likely a stance
    found = find_stances(records(), {"title": "Remote"}, speaking)
    assert [s.passage_ids for s in found] == [["p0", "p1"], ["p2"]]
    assert found[1].position == "own-idea" and found[1].claim.startswith("Offices reward")


def test_an_unlikely_stance_is_dropped_and_nothing_is_added_where_none_is_kept() -> None:
    assert ids({"bias": -8.0}) == []
    assert ids({"bias": 8.0, "in_stance": -20.0}) == []  # the rules' one stance dropped


def test_quotations_alone_get_no_stance_however_likely() -> None:
    quotes = [("quote", f"“Saying number {n}.”") for n in range(WEIGHED_FROM + 2)]
    assert ids({"bias": 8.0}, quotes) == []


def test_a_short_batch_is_read_by_the_rules_alone() -> None:
    short = NOTE[: WEIGHED_FROM - 1]
    assert ids({"bias": -8.0}, short) == [["p0", "p1"]]
    assert ids({"bias": 8.0}, short) == [["p0", "p1"]]


def test_features_follow_the_candidates_in_order() -> None:
    items = [*NOTE[:2], ("heading", "Part two"), ("code", "print(1)"), ("paragraph", " ")]
    rows = weighing.features(records(items), read_stances(records(items)), "Remote")
    assert len(rows) == len(weighing.candidates(records(items))) == 2
    assert rows[0]["kind_quote"] == 1 and rows[1]["own_words_of_stance"] == 1
    assert rows[1]["after_quote"] == 1 and rows[1]["cue_disagree"] == 1


def test_the_fitted_weights_are_shipped_and_say_where_they_come_from() -> None:
    path = resources.files("debater") / "data" / "mock_weights.json"
    shipped = json.loads(path.read_text(encoding="utf-8"))
    assert sum(shipped["fitted_on"].values()) >= 200  # hand-labelled real notes
    assert weighing.fitted() == pytest.approx(shipped["weights"])
    assert weighing.fitted()["own_words_of_stance"] > 0  # a rule's stance makes one more likely


def test_a_report_of_someone_elses_view_is_never_added() -> None:
    reported = [*NOTE[:2], ("paragraph", "作者认为封城之后，人们的第一感受是流放感。"), *NOTE[3:]]
    assert ids({"bias": 8.0}, reported) == [["p0", "p1"]]
