"""`debater run` through the real SDKs against the fake server: schema-constrained, no secrets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bundled import copy_notes
from debater.cli import app
from fakellm import FakeLLM

ROOT = Path(__file__).resolve().parents[1]
KEY = "sk-test-Sup3rSecretValue-0123456789"
runner = CliRunner()


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    copy_notes(folder)
    return folder


def _files_contain(folder: Path, secret: str) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def _run(args: list[str], env: dict[str, str]) -> tuple[int, dict[str, object], str]:
    result = runner.invoke(app, ["run", *args, "--json", "-q"], env=env)
    assert "Traceback" not in result.stderr
    return result.exit_code, json.loads(result.stdout or "{}"), result.stderr


def _check_outputs(folder: Path, summary: dict[str, object]) -> None:
    assert summary["notes"] == 3 and not summary["failed"]
    for sidecar in folder.glob("*.perspectives.json"):
        assert json.loads(sidecar.read_text())["stances"]
    assert not _files_contain(folder.parent, KEY)


def test_openai_compatible_server(notes: Path, fake_llm: FakeLLM) -> None:
    env = {"OPENAI_API_KEY": KEY}
    args = [str(notes), "-b", "openai", "--base-url", fake_llm.url + "/v1"]
    code, summary, _ = _run(args, env)
    assert code == 0
    _check_outputs(notes, summary)
    bodies = [c["json"] for c in fake_llm.calls if c["path"].endswith("/chat/completions")]
    assert len(bodies) == summary["requests"]
    assert all(b["response_format"]["type"] == "json_schema" for b in bodies)
    assert all(b["response_format"]["json_schema"]["strict"] for b in bodies)


def test_anthropic_through_its_base_url_variable(notes: Path, fake_llm: FakeLLM) -> None:
    env = {"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": fake_llm.url}
    code, summary, _ = _run([str(notes)], env)  # no --backend: the key selects anthropic
    assert code == 0
    _check_outputs(notes, summary)
    bodies = [c["json"] for c in fake_llm.calls if c["path"].endswith("/messages")]
    assert bodies and all(b["output_config"]["format"]["type"] == "json_schema" for b in bodies)
    assert all(b["system"][-1]["cache_control"]["type"] == "ephemeral" for b in bodies)


def test_langchain_model_by_module_and_class(notes: Path, fake_llm: FakeLLM) -> None:
    kwargs = {"model": "gpt-5.5", "base_url": fake_llm.url + "/v1", "api_key": KEY}
    args = [str(notes), "-b", "langchain", "--lc-model", "langchain_openai:ChatOpenAI"]
    code, summary, _ = _run([*args, "--lc-kwargs", json.dumps(kwargs)], {})
    assert code == 0
    _check_outputs(notes, summary)
    bodies = [c["json"] for c in fake_llm.calls if c["path"].endswith("/chat/completions")]
    assert bodies and all(b["response_format"]["type"] == "json_schema" for b in bodies)


def test_malformed_answers_are_repaired_or_reported_never_a_traceback(
    notes: Path, fake_llm: FakeLLM
) -> None:
    fake_llm.faults = {"malformed": 0.5}
    args = [str(notes), "-b", "openai", "--base-url", fake_llm.url + "/v1"]
    code, summary, _ = _run(args, {"OPENAI_API_KEY": KEY})
    assert code in (0, 1)
    failed = summary["failed"]
    assert isinstance(failed, list)
    assert all("invalid answer" in f["error"] for f in failed)
    assert not _files_contain(notes.parent, KEY)


def test_rejected_key_is_a_clear_error_without_the_key(notes: Path, fake_llm: FakeLLM) -> None:
    fake_llm.key = "the-right-key"
    args = [str(notes), "-b", "openai", "--base-url", fake_llm.url + "/v1"]
    result = runner.invoke(app, ["run", *args], env={"OPENAI_API_KEY": KEY})
    assert result.exit_code == 2
    assert "OPENAI_API_KEY" in result.stderr and KEY not in result.output
    assert "Traceback" not in result.stderr


def test_unknown_model_names_the_model_and_the_fix(notes: Path, fake_llm: FakeLLM) -> None:
    fake_llm.unknown_models = {"no-such-model"}
    args = [str(notes), "-b", "openai", "--base-url", fake_llm.url + "/v1", "-m", "no-such-model"]
    result = runner.invoke(app, ["run", *args], env={"OPENAI_API_KEY": KEY})
    assert result.exit_code == 2
    assert "no-such-model" in result.stderr and "--model" in result.stderr


def test_refused_connection_names_the_url(notes: Path) -> None:
    url = "http://127.0.0.1:9/v1"
    env = {"DEBATER_MAX_RETRIES": "0"}  # retries would only make the test slower
    result = runner.invoke(
        app, ["run", str(notes), "-b", "openai", "--base-url", url, "--json"], env=env
    )
    error = json.loads(result.stdout)["error"]
    assert result.exit_code == 2 and "cannot reach" in error and "127.0.0.1:9" in error
    assert result.stderr.count("cannot reach") == 1  # one line, not one per note


def test_a_fully_cached_run_never_imports_the_sdk(notes: Path, fake_llm: FakeLLM) -> None:
    args = ["run", str(notes), "-b", "openai", "--base-url", fake_llm.url + "/v1", "-q"]
    code = (
        "import sys\nfrom debater.cli import app\n"
        f"try:\n    app({args!r})\nexcept SystemExit:\n    pass\n"
        "print('openai' in sys.modules)"
    )
    env = {**os.environ, "OPENAI_API_KEY": KEY}
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
        for _ in range(2)
    ]
    assert [r.stdout.strip().splitlines()[-1] for r in runs] == ["True", "False"]
