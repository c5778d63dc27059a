"""`debater tensions`: the author's own stances that pull against each other, across notes.

A small vault with planted contradictions (English and Chinese, months apart) is run through the
mock, then read back from its sidecars: found, named by both notes, cached, asked again only
where a note changed, written for Obsidian, and the same through the providers' SDKs on the
wire.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import debater
from debater.backends.mock.tensions import tension_kind
from debater.cli import app
from debater.config import Settings
from debater.llm.answers import FoundTension, TensionsAnswer
from debater.notes.discover import find_notes
from debater.outputs.report import collect_entries
from debater.outputs.tensions_markdown import render_tensions, wikilink
from debater.records import StanceResult
from debater.tensions import VaultTensions, find_tensions
from debater.tensions.ask import tensions_from
from debater.tensions.candidates import (
    MAX_GROUP,
    Group,
    VaultStance,
    candidate_groups,
    normalized,
    split,
    vault_stances,
)
from fakellm import FakeLLM

runner = CliRunner()
KEY = "sk-test-Sup3rSecretValue-0123456789"
NOTES = {
    "remote-march.md": (
        "2024-03-01",
        "> Remote work boosts productivity.\n\nI agree. People skip the commute and focus better.",
    ),
    "later/remote-october.md": (
        "2024-10-12",
        "> Remote work boosts productivity.\n\nI disagree. Teams lose the hallway conversations.",
    ),
    "远程-春.md": ("2023-04-02", "> 远程办公提高效率。\n\n我同意。通勤时间省下来了。"),
    "远程-秋.md": ("2023-11-20", "> 远程办公提高效率。\n\n我不同意。团队失去了面对面交流。"),
    "nuclear.md": (
        "2024-01-05",
        "> Nuclear power is too dangerous.\n\nI strongly disagree. Its deaths per TWh are tiny.",
    ),
    "nuclear-doubt.md": (
        "2024-02-05",
        "> Nuclear power is too dangerous.\n\nI am not sure, maybe it is.",
    ),
}


def write_vault(folder: Path) -> Path:
    for name, (date, body) in NOTES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ndate: {date}\n---\n{body}\n", encoding="utf-8")
    return folder


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """The planted vault, run by the mock: every note has its sidecars."""
    folder = write_vault(tmp_path / "vault")
    summary = debater.run([folder], backend="mock", per_side=1)
    assert summary.written == len(NOTES) and not summary.failed
    return folder


def cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env)
    assert "Traceback" not in result.stderr, result.stderr
    return result.exit_code, result.stdout, result.stderr


def tensions_json(folder: Path, *extra: str) -> dict[str, Any]:
    code, out, err = cli("tensions", str(folder), "--json", "-b", "mock", *extra)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def pairs(data: dict[str, Any]) -> dict[frozenset[str], str]:
    """Each tension's notes, with its kind."""
    return {frozenset(s["note"] for s in t["stances"]): t["kind"] for t in data["tensions"]}


def mock_tensions(folder: Path) -> VaultTensions:
    with debater.open_job(Settings(backend="mock"), folder) as job:
        return find_tensions(job, [folder])


# ---- found by the mock ----


def test_planted_contradictions_are_found_naming_both_notes(vault: Path) -> None:
    found = pairs(tensions_json(vault))
    assert found[frozenset({"remote-march.md", "later/remote-october.md"})] == "contradiction"
    assert found[frozenset({"远程-春.md", "远程-秋.md"})] == "contradiction"


def test_a_firm_stance_and_a_doubt_about_it_are_a_doubt(vault: Path) -> None:
    assert pairs(tensions_json(vault))[frozenset({"nuclear.md", "nuclear-doubt.md"})] == "doubt"


def test_json_has_exactly_the_documented_shape(vault: Path) -> None:
    data = tensions_json(vault)
    assert set(data) == {"tensions"} and data["tensions"]
    for t in data["tensions"]:
        assert set(t) == {"kind", "explanation", "question", "stances"}
        for s in t["stances"]:
            assert set(s) == {"note", "id", "claim", "position", "strength", "lines", "date"}
            assert isinstance(s["lines"], list) and len(s["lines"]) == 2
    october = next(
        s for t in data["tensions"] for s in t["stances"] if s["note"].endswith("october.md")
    )
    assert october["date"] == "2024-10-12" and october["position"] == "disagree"


def test_explanations_are_in_the_stances_language(vault: Path) -> None:
    data = tensions_json(vault)
    by_notes = {frozenset(s["note"] for s in t["stances"]): t for t in data["tensions"]}
    chinese = by_notes[frozenset({"远程-春.md", "远程-秋.md"})]
    english = by_notes[frozenset({"remote-march.md", "later/remote-october.md"})]
    assert chinese["explanation"].startswith("[mock]") and "立场相反" in chinese["explanation"]
    assert "opposite sides" in english["explanation"]


def test_the_readable_list_names_notes_lines_and_question(vault: Path) -> None:
    code, out, err = cli("tensions", str(vault), "-b", "mock")
    assert code == 0
    assert "contradiction" in out and "later/remote-october.md:" in out and "question:" in out
    assert "groups" in err


# ---- cached and incremental ----


def test_an_unchanged_vault_sends_no_request(vault: Path) -> None:
    first = mock_tensions(vault)
    assert first.groups and first.usage.requests == first.groups
    again = mock_tensions(vault)
    assert again.usage.requests == 0 and again.usage.cache_hits == first.groups
    assert again.tensions == first.tensions
    _, _, err = cli("tensions", str(vault), "-b", "mock")
    assert f"0 requests, {first.groups} cache hits" in err


def test_an_edited_note_asks_again_only_for_its_groups(vault: Path) -> None:
    mock_tensions(vault)
    note = vault / "远程-秋.md"
    note.write_text(note.read_text(encoding="utf-8") + "\n我觉得远程办公让人孤独。\n", "utf-8")
    debater.run([vault], backend="mock", per_side=1)
    stances = vault_stances(collect_entries([vault]).entries)
    groups = candidate_groups(stances)
    touched = [g for g in groups if any(m.note == "远程-秋.md" for m in g.members)]
    again = mock_tensions(vault)
    assert 0 < again.usage.requests == len(touched) < len(groups)


# ---- --write ----


def test_write_saves_wikilinks_at_the_root(vault: Path) -> None:
    code, _, err = cli("tensions", str(vault), "-b", "mock", "--write")
    assert code == 0, err
    text = (vault / "debater-tensions.md").read_text(encoding="utf-8")
    assert text.startswith('---\ngenerator: "debater ')
    assert "[[remote-march]]" in text and "[[later/remote-october]]" in text
    assert "[[远程-秋]]" in text and "lines 4-6" in text
    assert cli("tensions", str(vault), "-b", "mock", "--write")[0] == 0  # ours: replaced


def test_write_never_replaces_a_file_debater_did_not_write(vault: Path) -> None:
    mine = vault / "debater-tensions.md"
    mine.write_text("# My own list of tensions\n", encoding="utf-8")
    code, _, err = cli("tensions", str(vault), "-b", "mock", "--write")
    assert code == 2 and "--overwrite" in err
    assert mine.read_text(encoding="utf-8") == "# My own list of tensions\n"
    assert cli("tensions", str(vault), "-b", "mock", "--write", "--overwrite")[0] == 0
    assert "[[remote-march]]" in mine.read_text(encoding="utf-8")


def test_the_tensions_file_is_not_a_note(vault: Path) -> None:
    cli("tensions", str(vault), "-b", "mock", "--write")
    assert vault / "debater-tensions.md" not in find_notes([vault]).notes


def test_wikilinks_keep_other_extensions_and_avoid_breaking_names() -> None:
    assert wikilink("a/b.md") == "[[a/b]]" and wikilink("c.txt") == "[[c.txt]]"
    assert wikilink("x|y.md") == "[x|y.md](<x|y.md>)"
    assert render_tensions([]).endswith("No tensions found.\n")


# ---- notes not yet run, and --run ----


def test_notes_without_sidecars_are_named(tmp_path: Path) -> None:
    folder = write_vault(tmp_path / "fresh")
    code, out, err = cli("tensions", str(folder), "-b", "mock", "--json")
    assert code == 0 and json.loads(out) == {"tensions": []}
    assert "not yet run" in err and "remote-march.md" in err and "--run" in err


def test_run_first_writes_the_sidecars_then_finds_tensions(tmp_path: Path) -> None:
    folder = write_vault(tmp_path / "fresh")
    data = tensions_json(folder, "--run", "-q")
    assert frozenset({"remote-march.md", "later/remote-october.md"}) in pairs(data)
    assert list(folder.glob("*.perspectives.json"))


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = cli("tensions", str(tmp_path / "nope"), "-b", "mock")
    assert code == 2 and "no such file or folder" in err


# ---- through the providers' SDKs, against the fake server ----


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_sdk_answers_are_schema_valid_and_the_command_exits_0(
    vault: Path, fake_llm: FakeLLM, provider: str
) -> None:
    if provider == "openai":
        env = {"OPENAI_API_KEY": KEY}
        args = ["-b", "openai", "--base-url", fake_llm.url + "/v1", "--model", "gpt-4.1-mini"]
    else:
        env = {"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": fake_llm.url}
        args = ["-b", "anthropic"]
    code, out, err = cli("tensions", str(vault), "--json", *args, env=env)
    assert code == 0, err
    asked = [c for c in fake_llm.calls if _schema_name(c) == "TensionsAnswer"]
    assert asked and all(c["status"] == 200 for c in asked)
    found = pairs(json.loads(out))
    assert found[frozenset({"remote-march.md", "later/remote-october.md"})] == "contradiction"


def _schema_name(call: dict[str, Any]) -> str:
    """The answer a call asked for: its schema's name (OpenAI) or title (Anthropic)."""
    body = call["json"] or {}
    fmt = ((body.get("response_format") or {}).get("json_schema") or {}).get("name")
    schema = ((body.get("output_config") or {}).get("format") or {}).get("schema") or {}
    return str(fmt or schema.get("title") or "")


# ---- grouping and answers, unit by unit ----


def _vs(note: str, sid: str, topics: list[str], target: str | None = None) -> VaultStance:
    stance = StanceResult(
        id=sid,
        claim=f"claim {sid}",
        position="agree",
        strength="firm",
        target=target,
        passage_ids=[],
        lines=(1, 1),
        quote="",
        topics=topics,
    )
    return VaultStance(note, "2024-01-01", stance)


def test_topics_and_targets_meet_whatever_their_case_and_width() -> None:
    assert normalized("  ＡＩ  Safety。") == normalized("ai safety") == "ai safety"
    stances = [_vs("a.md", "s1", ["ＡＩ"]), _vs("b.md", "s2", ["ai"]), _vs("c.md", "s3", ["x"])]
    stances += [_vs("d.md", "s4", [], "Cats rule."), _vs("e.md", "s5", [], "cats  RULE")]
    groups = candidate_groups(stances)
    assert sorted(tuple(m.note for m in g.members) for g in groups) == [
        ("a.md", "b.md"),
        ("d.md", "e.md"),
    ]


def test_groups_with_the_same_members_are_asked_once() -> None:
    stances = [_vs("a.md", "s1", ["x", "y"]), _vs("b.md", "s2", ["x", "y"])]
    (group,) = candidate_groups(stances)
    assert group.shared == ("topic: x", "topic: y")


def test_large_groups_are_cut_into_bounded_parts_covering_every_stance() -> None:
    stances = [_vs(f"n{i:03}.md", f"s{i}", ["big"]) for i in range(100)]
    parts = split(stances)
    assert all(2 <= len(p) <= MAX_GROUP for p in parts)
    assert [vs for p in parts for vs in p] == stances


def test_a_stance_added_changes_only_the_parts_near_it() -> None:
    stances = [_vs(f"n{i:03}.md", f"s{i}", ["big"]) for i in range(100)]
    before = {tuple(vs.key for vs in p) for p in split(stances)}
    grown = [*stances[:50], _vs("n049z.md", "new", ["big"]), *stances[50:]]
    changed = {tuple(vs.key for vs in p) for p in split(grown)} - before
    assert 1 <= len(changed) <= 2 < len(before)


def test_a_tension_naming_a_stance_outside_the_group_is_dropped() -> None:
    group = Group(("topic: x",), (_vs("a.md", "s1", ["x"]), _vs("b.md", "s2", ["x"])))
    answer = TensionsAnswer(
        tensions=[
            FoundTension(kind="doubt", explanation="e", question="q", stance_ids=["S1", "S9"]),
            FoundTension(kind="doubt", explanation="e", question="q", stance_ids=["S1", "S1"]),
            FoundTension(kind="principle", explanation="e", question="q", stance_ids=["S2", "S1"]),
        ]
    )
    (kept,) = tensions_from(answer, group)
    assert kept.kind == "principle" and [s.note for s in kept.stances] == ["b.md", "a.md"]


def _record(
    ref: str, claim: str, position: str, strength: str, topics: list[str]
) -> dict[str, Any]:
    fields = {"ref": ref, "note": f"{ref}.md", "date": "", "claim": claim, "target": None}
    return {**fields, "position": position, "strength": strength, "topics": topics}


def test_the_mock_tells_a_contradiction_from_a_principle_by_the_claims_words() -> None:
    agree = _record("S1", "Cities should ban cars downtown", "own-idea", "firm", ["cars"])
    against = _record("S2", "Cities should not ban cars downtown", "disagree", "firm", ["cars"])
    other = _record("S3", "My street needs more parking for cars", "disagree", "moderate", ["cars"])
    assert tension_kind(agree, against) == "contradiction"
    assert tension_kind(agree, other) == "principle"
    assert tension_kind(against, other) is None  # the same side
    assert tension_kind(agree, {**other, "topics": ["parking"]}) is None  # nothing shared
