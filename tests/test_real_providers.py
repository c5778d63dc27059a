"""The defaults meet the providers' rules: each case a person with a real key would hit first.

The fake server enforces what the providers document (tests/fakerules.py): the newest Claude
models think within max_tokens and refuse forced tools and temperature, prompt caching starts
at a minimum prefix, reasoning models refuse max_tokens, Ollama cuts what overflows its window
without a word, and quota errors are not transient.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from debater.cli import app
from fakellm import FakeLLM

SEED = Path(__file__).parent / "data" / "seed_note.txt"
KEY = "sk-test-Sup3rSecretValue-0123456789"
runner = CliRunner()


def run(args: list[str], env: dict[str, str]) -> tuple[int, dict[str, Any], str]:
    result = runner.invoke(app, ["run", *args, "--json", "-q"], env=env)
    assert "Traceback" not in result.stderr
    return result.exit_code, json.loads(result.stdout or "{}"), result.stderr


def purposes(fake: FakeLLM) -> list[str]:
    """What each call asked for, from its schema."""
    names = []
    for call in fake.calls:
        body = call["json"] or {}
        schema = ((body.get("output_config") or {}).get("format") or {}).get("schema") or {}
        fmt = ((body.get("response_format") or {}).get("json_schema") or {}).get("name")
        names.append(str(schema.get("title") or fmt or ""))
    return names


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    shutil.copy(SEED, folder / "seed.txt")
    return folder


def test_anthropic_default_model_works_without_repairs_and_reads_the_cache(
    seed: Path, fake_llm: FakeLLM
) -> None:
    env = {"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": fake_llm.url}
    code, summary, _ = run([str(seed), "-b", "anthropic"], env)
    assert code == 0 and not summary["failed"] and summary["stances"] >= 12
    bodies = [c["json"] for c in fake_llm.calls]
    assert all(b["model"] == "claude-sonnet-5-5" for b in bodies)
    # One call per stance and one extraction: no repair turn was needed.
    assert summary["requests"] == summary["stances"] + 1
    assert all(c["status"] == 200 for c in fake_llm.calls)
    assert summary["cache_read_tokens"] > 0 and summary["cache_write_tokens"] > 0
    assert summary["thinking_tokens"] > 0
    assert all("temperature" not in b and "tool_choice" not in b for b in bodies)


def test_the_first_debate_writes_the_cache_before_the_rest_read_it(
    seed: Path, fake_llm: FakeLLM
) -> None:
    env = {"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": fake_llm.url}
    run([str(seed), "-b", "anthropic", "-j", "8"], env)
    debates = [
        c
        for c in fake_llm.calls
        if c["json"]["output_config"]["format"]["schema"]["title"] == "Debate"
    ]
    writes = [c for c in debates if c["usage"]["cache_creation_input_tokens"]]
    assert len(writes) == 1 and writes[0] is debates[0]
    assert all(c["usage"]["cache_read_input_tokens"] for c in debates[1:])


def test_structured_tool_on_the_default_model_never_fails_note_by_note(
    seed: Path, fake_llm: FakeLLM
) -> None:
    env = {"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": fake_llm.url}
    code, summary, stderr = run([str(seed), "-b", "anthropic", "--structured", "tool"], env)
    assert code == 0 and not summary["failed"]
    assert stderr.count("forced tool choice") == 1
    assert all("tool_choice" not in c["json"] for c in fake_llm.calls)


def test_a_reasoning_model_behind_a_gateway(seed: Path, fake_llm: FakeLLM) -> None:
    env = {"OPENAI_API_KEY": KEY}
    args = [str(seed), "-b", "openai", "--base-url", fake_llm.url + "/v1", "--model", "gpt-5.5"]
    code, summary, _ = run([*args, "--temperature", "0.3"], env)
    assert code == 0 and not summary["failed"] and summary["stances"] >= 12
    bodies = [c["json"] for c in fake_llm.calls]
    assert all("max_tokens" not in b and "temperature" not in b for b in bodies)
    assert all(b["max_completion_tokens"] > 0 for b in bodies)
    assert summary["thinking_tokens"] > 0


def test_langchain_chat_anthropic_on_the_default_model(seed: Path, fake_llm: FakeLLM) -> None:
    kwargs = {"model": "claude-sonnet-5-5", "base_url": fake_llm.url, "api_key": KEY}
    args = [str(seed), "-b", "langchain", "--lc-model", "langchain_anthropic:ChatAnthropic"]
    code, summary, _ = run([*args, "--lc-kwargs", json.dumps(kwargs)], {})
    assert code == 0 and not summary["failed"] and summary["stances"] >= 12
    bodies = [c["json"] for c in fake_llm.calls]
    assert all(b["output_config"]["format"]["type"] == "json_schema" for b in bodies)
    assert all("tool_choice" not in b for b in bodies)
    assert summary["requests"] == summary["stances"] + 1  # no repairs: thinking had room


def test_langchain_chat_ollama_respects_the_window(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "long.md").write_text(long_note(30_000), encoding="utf-8")
    with FakeLLM(ollama=True, ollama_models=("qwen2.5:7b",)) as fake:
        kwargs = {"model": "qwen2.5:7b", "base_url": fake.url}
        args = [str(folder), "-b", "langchain", "--lc-model", "langchain_ollama:ChatOllama"]
        code, summary, _ = run([*args, "--lc-kwargs", json.dumps(kwargs), "--per-side", "1"], {})
        seen = [c["seen_tokens"] == c["prompt_tokens"] for c in fake.calls if "seen" in c]
    assert code == 0 and not summary["failed"]
    assert seen and all(seen)  # nothing was cut from any prompt
    assert stance_spread(folder / "long.perspectives.json") == (True, True)


def long_note(size: int) -> str:
    """A long note: neutral prose, with an opinion every so often, from start to end."""
    filler = (
        "The chapter goes on to describe how the archive was organised, which boxes held "
        "the letters and which the ledgers, and how the clerks numbered every page by hand. "
    )
    parts: list[str] = []
    n = 0
    while sum(map(len, parts)) < size:
        parts.append(f"## Part {n}\n\n{filler * 3}\n\nI think point {n} of this chapter is wrong.")
        n += 1
    return "\n\n".join(parts) + "\n"


def stance_spread(sidecar: Path) -> tuple[bool, bool]:
    """Whether stances were found in the note's first fifth and in its last fifth."""
    result = json.loads(sidecar.read_text(encoding="utf-8"))
    total = len(sidecar.with_name("long.md").read_text(encoding="utf-8").splitlines())
    firsts = [s["lines"][0] for s in result["stances"]]
    return any(f <= total / 5 for f in firsts), any(f >= total * 4 / 5 for f in firsts)


def test_ollama_finds_stances_from_the_first_to_the_last_fifth_of_a_60_kb_note(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "long.md").write_text(long_note(60_000), encoding="utf-8")
    with FakeLLM(ollama=True, ollama_models=("qwen2.5:7b",)) as fake:
        args = [str(folder), "-b", "ollama", "--base-url", fake.url + "/v1", "-m", "qwen2.5:7b"]
        code, summary, _ = run([*args, "--per-side", "1"], {})
        chats = [c for c in fake.calls if c["path"].endswith("/chat/completions")]
    assert code == 0 and not summary["failed"]
    assert all(c["seen_tokens"] == c["prompt_tokens"] for c in chats)  # nothing dropped
    assert all(c["temperature"] == 0.2 for c in chats)  # not Ollama's 1.0
    assert stance_spread(folder / "long.perspectives.json") == (True, True)


def test_a_quota_error_stops_the_run_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    for i in range(20):
        (folder / f"n{i}.md").write_text(f"I think idea {i} is sound.\n", encoding="utf-8")
    with FakeLLM(billing=True) as fake:
        env = {"OPENAI_API_KEY": KEY, "DEBATER_MAX_RETRIES": "4"}
        args = [str(folder), "-b", "openai", "--base-url", fake.url + "/v1", "-j", "4", "-q"]
        result = runner.invoke(app, ["run", *args], env=env)
        sent = len(fake.calls)
    assert result.exit_code == 2 and sent <= 2 * 4
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "quota" in lines[0] and "billing" in lines[0]
