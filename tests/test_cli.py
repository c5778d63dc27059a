"""The command line, end to end with the mock backend, through typer's CliRunner."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bundled import copy_notes
from debater.cli import app

ROOT = Path(__file__).resolve().parents[1]
SEED = Path(__file__).parent / "data" / "seed_note.txt"
runner = CliRunner()


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    """A temporary copy of the bundled example notes plus the seed note."""
    folder = tmp_path / "notes"
    copy_notes(folder)
    shutil.copy(SEED, folder / "seed.txt")
    return folder


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_help_imports_no_sdk() -> None:
    code = (
        "import sys\nfrom debater.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = {'anthropic', 'openai', 'langchain_core', 'httpx2'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_version() -> None:
    code, out, _ = _run("--version")
    assert code == 0 and out.startswith("debater ")


def test_python_dash_m_works() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "debater", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("debater ")


def test_run_without_backend_names_every_option_and_writes_nothing(notes: Path) -> None:
    before = _snapshot(notes)
    code, out, err = _run("run", str(notes))
    assert code == 2
    assert "--backend mock" in err and "ANTHROPIC_API_KEY" in err and "OPENAI_API_KEY" in err
    assert out == ""
    assert _snapshot(notes) == before


def test_run_writes_sidecars_and_never_touches_notes(notes: Path) -> None:
    before = _snapshot(notes)
    code, out, _ = _run("run", str(notes), "--backend", "mock", "--json", "--quiet")
    assert code == 0, out
    summary = json.loads(out)
    assert summary["notes"] == 4 and not summary["failed"] and summary["requests"] > 0
    assert summary["perspectives"] == summary["stances"] * 6
    for name in before:
        assert Path(name).read_bytes() == before[name]
    # The sidecar speaks the note's main language: both bilingual notes are mostly Chinese.
    for note, against in (
        ("seed.txt", "### 反对"),
        ("reading-review-deep-work.md", "### 反对"),
        ("obsidian-ai-policy.md", "### Against"),
    ):
        stem = Path(note).stem
        data = json.loads((notes / f"{stem}.perspectives.json").read_text())
        assert data["stances"], note
        md = (notes / f"{stem}.perspectives.md").read_text()
        assert md.startswith("---\nsource:") and against in md, note


def test_rerun_sends_zero_requests(notes: Path) -> None:
    _run("run", str(notes), "--backend", "mock", "--quiet")
    code, out, _ = _run("run", str(notes), "--backend", "mock", "--json", "--quiet")
    again = json.loads(out)
    assert code == 0 and again["requests"] == 0 and again["up_to_date"] == 4
    code, out, _ = _run("run", str(notes), "--backend", "mock", "--json", "--quiet", "--force")
    forced = json.loads(out)
    assert forced["requests"] == 0 and forced["cache_hits"] > 0 and forced["written"] == 4


def test_outputs_are_never_taken_as_notes(notes: Path) -> None:
    _run("run", str(notes), "--backend", "mock", "--quiet")
    _, out, _ = _run("run", str(notes), "--backend", "mock", "--json", "--quiet", "--force")
    assert json.loads(out)["notes"] == 4
    assert not list(notes.glob("*.perspectives.perspectives.*"))


def test_format_and_include(notes: Path) -> None:
    code, _, _ = _run(
        "run", str(notes), "-b", "mock", "--format", "json", "--include", "seed.*", "-q"
    )
    assert code == 0
    assert (notes / "seed.perspectives.json").exists()
    assert not (notes / "seed.perspectives.md").exists()
    assert not (notes / "remote-work-journal.perspectives.json").exists()


def test_skipped_files_are_reported(notes: Path) -> None:
    (notes / "empty.md").write_text("")
    (notes / "binary.txt").write_bytes(b"\x89PNG\x00\x00\x01")
    code, out, _ = _run("run", str(notes), "-b", "mock", "--json", "-q")
    skipped = {Path(s["path"]).name: s["reason"] for s in json.loads(out)["skipped"]}
    assert code == 0
    assert set(skipped) == {"empty.md", "binary.txt"}


def test_stances_table_and_json() -> None:
    code, out, _ = _run("stances", str(SEED), "-b", "mock", "--no-cache", "--json")
    found = json.loads(out)
    assert code == 0 and len(found) >= 12
    assert {"claim", "position", "strength", "lines", "quote"} <= set(found[0])
    code, out, _ = _run("stances", str(SEED), "-b", "mock", "--no-cache")
    assert code == 0 and "disagree" in out


def test_perspectives_for_a_claim_and_from_stdin(tmp_path: Path) -> None:
    code, out, _ = _run("perspectives", "Remote work kills innovation.", "-b", "mock", "--no-cache")
    assert code == 0 and "### For" in out and "### Against" in out
    code, out, _ = _run(
        "perspectives", "-", "-b", "mock", "--no-cache", input="我觉得AI会取代搜索引擎。"
    )
    assert code == 0 and "### 反对" in out and "### Against" not in out
    code, out, _ = _run(
        "perspectives",
        "-",
        "-b",
        "mock",
        "--no-cache",
        "--language",
        "en",
        input="我觉得AI会取代搜索引擎。",
    )
    assert code == 0 and "### Against" in out


def test_cache_info_and_clear(notes: Path) -> None:
    _run("run", str(notes), "-b", "mock", "-q")
    code, out, _ = _run("cache", "info", str(notes), "--json")
    assert code == 0 and json.loads(out)["entries"] > 0
    code, out, _ = _run("cache", "clear", str(notes), "--yes")
    assert code == 0 and "removed" in out
    _, out, _ = _run("cache", "info", str(notes), "--json")
    assert json.loads(out)["entries"] == 0


def test_schema_describes_the_json_sidecar(notes: Path) -> None:
    code, out, _ = _run("schema")
    schema = json.loads(out)
    assert code == 0
    assert {"note", "backend", "model", "stances", "usage"} <= set(schema["properties"])


def test_prompts_show_and_override(tmp_path: Path) -> None:
    code, out, _ = _run("prompts", "show", "debate")
    assert code == 0 and out.startswith("version:")
    (tmp_path / "debate.md").write_text("version: 9\n=== system ===\nS\n=== user ===\n$stance\n")
    code, out, _ = _run("prompts", "show", "debate", "--prompts-dir", str(tmp_path))
    assert code == 0 and out.startswith("version: 9")
    code, _, err = _run("prompts", "show", "nonsense")
    assert code == 2 and "unknown prompt" in err


def test_backends_lists_every_builtin() -> None:
    code, out, _ = _run("backends", "--json")
    names = {row["name"]: row for row in json.loads(out)}
    assert code == 0
    assert {"mock", "anthropic", "openai", "ollama", "langchain"} <= set(names)
    assert names["mock"]["ready"] and not names["anthropic"]["ready"]


def test_bad_flag_values_exit_2(notes: Path) -> None:
    code, _, err = _run("run", str(notes), "-b", "mock", "--per-side", "0")
    assert code == 2 and "--per-side" in err
    code, _, err = _run("run", str(notes), "-b", "nonsense")
    assert code == 2 and "unknown backend" in err


def test_gb18030_copy_of_the_seed_gives_the_same_stances(tmp_path: Path) -> None:
    gb = tmp_path / "seed-gb.txt"
    gb.write_bytes(SEED.read_text(encoding="utf-8").encode("gb18030"))
    _, utf8, _ = _run("stances", str(SEED), "-b", "mock", "--no-cache", "--json")
    code, legacy, _ = _run("stances", str(gb), "-b", "mock", "--no-cache", "--json")
    assert code == 0
    assert [(s["claim"], s["position"], s["lines"]) for s in json.loads(legacy)] == [
        (s["claim"], s["position"], s["lines"]) for s in json.loads(utf8)
    ]


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    code, out, err = _run("run", str(tmp_path / "nope"), "-b", "mock")
    assert code == 2 and "no such file or folder" in err and out == ""


def test_perspectives_leaves_the_current_folder_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    code, _, _ = _run("perspectives", "Tests should be fast.", "-b", "mock")
    assert code == 0 and list(work.iterdir()) == []
    assert (tmp_path / "xdg-cache" / "debater" / "cache").is_dir()


def test_a_plug_in_backend_is_found_through_its_entry_point(notes: Path) -> None:
    code, out, _ = _run("backends", "--json")
    assert code == 0 and "planned" in {b["name"] for b in json.loads(out)}
    code, out, err = _run("run", str(notes), "-b", "planned", "--json", "-q")
    summary = json.loads(out)
    assert code == 0, err
    assert summary["written"] == summary["notes"] > 0
