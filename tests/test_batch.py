"""`run --batch`: thirty notes through each provider's batch API on the fake server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bundled import copy_notes
from debater.cli import app
from fakellm import FakeLLM

runner = CliRunner()
NOTES = 30
FAST = ("--poll-interval", "0.01")


def make_vault(folder: Path, count: int = NOTES) -> Path:
    """`count` different notes made from the bundled ones (a tag makes every request differ)."""
    sources = sorted(copy_notes(folder.parent / "bundled").glob("*.md"))
    folder.mkdir()
    for number in range(count):
        text = sources[number % len(sources)].read_text(encoding="utf-8")
        tagged = [f"{line} ({number})" if len(line) > 12 else line for line in text.split("\n")]
        (folder / f"note-{number:02d}.md").write_text("\n".join(tagged), encoding="utf-8")
    return folder


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return make_vault(tmp_path / "vault")


def provider_args(
    provider: str, fake: FakeLLM, monkeypatch: pytest.MonkeyPatch | None = None
) -> tuple[str, ...]:
    """The flags (and, with `monkeypatch`, the environment) that point a provider at the fake."""
    if monkeypatch is not None:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    if provider == "anthropic":
        if monkeypatch is not None:
            monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
        return ("-b", "anthropic")
    return ("-b", "openai", "--base-url", f"{fake.url}/v1")


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def batch_run(vault: Path, args: tuple[str, ...], *extra: str) -> dict[str, object]:
    code, out, err = run("run", vault, *args, "--batch", *FAST, "--json", "-q", *extra)
    assert code == 0, err
    summary: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return summary


def creates(fake: FakeLLM) -> int:
    """Batches created on the fake."""
    return sum(
        c["method"] == "POST" and c["path"].rstrip("/").endswith(("/messages/batches", "/batches"))
        for c in fake.calls
    )


def live_calls(fake: FakeLLM) -> int:
    return sum(c["path"].endswith(("/messages", "/chat/completions")) for c in fake.calls)


def sidecars(vault: Path) -> int:
    return len(list(vault.glob("*.perspectives.json")))


@pytest.mark.parametrize("provider", ["anthropic", "openai"])
def test_thirty_notes_in_two_batches_and_no_live_request(
    provider: str, vault: Path, fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = batch_run(vault, provider_args(provider, fake_llm, monkeypatch))
    assert summary["written"] == NOTES and not summary["failed"] and sidecars(vault) == NOTES
    assert live_calls(fake_llm) == 0
    assert creates(fake_llm) == summary["batches"] == 2  # extractions, then debates
    assert summary["requests"] == fake_llm.batches.items_run
    assert isinstance(summary["cost_usd"], float) and summary["cost_usd"] > 0
    again = batch_run(vault, provider_args(provider, fake_llm))
    assert again["up_to_date"] == NOTES and creates(fake_llm) == 2


@pytest.mark.parametrize("provider", ["anthropic", "openai"])
def test_errored_items_are_asked_again_and_end_in_the_sidecars(
    provider: str, vault: Path, fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_llm.batches.errored_once = 7
    summary = batch_run(vault, provider_args(provider, fake_llm, monkeypatch))
    assert summary["written"] == NOTES and not summary["failed"] and sidecars(vault) == NOTES
    assert fake_llm.batches.errored_once == 0 and live_calls(fake_llm) == 0
    assert creates(fake_llm) == 3  # the errored extractions rode along with the debates


def test_errored_items_can_be_asked_live(
    vault: Path, fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_llm.batches.errored_once = 4
    args = provider_args("anthropic", fake_llm, monkeypatch)
    summary = batch_run(vault, args, "--batch-retry-live")
    assert summary["written"] == NOTES and live_calls(fake_llm) == 4 and creates(fake_llm) == 2


def test_an_expired_batch_is_sent_again(
    vault: Path, fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_llm.batches.expire = 1
    summary = batch_run(vault, provider_args("openai", fake_llm, monkeypatch))
    assert summary["written"] == NOTES and creates(fake_llm) == 3


def test_no_wait_then_list_cancel_and_collect(
    vault: Path, fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_llm.batches.polls_to_end = 10**6
    args = provider_args("anthropic", fake_llm, monkeypatch)
    first = batch_run(vault, args, "--no-wait")
    assert first["waiting"] == NOTES and first["batches"] == 1 and sidecars(vault) == 0
    second = batch_run(vault, args, "--no-wait")  # its requests are in the pending batch
    assert second["batches"] == 0 and creates(fake_llm) == 1
    code, out, _ = run("batches", "--folder", vault, "--json")
    listed = json.loads(out)
    assert code == 0 and [b["status"] for b in listed] == ["in_progress"]
    assert len(listed[0]["items"]) == NOTES and listed[0]["id"].startswith("msgbatch_")
    code, out, err = run("batches", "cancel", "--folder", vault)
    assert code == 0 and "canceling" in out, err
    fake_llm.batches.polls_to_end = 1
    done = batch_run(vault, args)  # collects the cancelled batch, sends its requests again
    assert done["written"] == NOTES and sidecars(vault) == NOTES and creates(fake_llm) == 3
    code, out, _ = run("batches", "--folder", vault)
    lines = out.splitlines()
    assert code == 0 and len(lines) == 3 and all("  ended  " in line for line in lines)


def test_dry_run_prices_the_batch_at_half(vault: Path) -> None:
    prices = []
    for extra in ((), ("--batch",)):
        code, out, err = run("run", vault, "-b", "anthropic", "--dry-run", "--json", *extra)
        assert code == 0, err
        prices.append(json.loads(out)["cost_usd"])
    assert prices[0] > 0 and prices[1] == pytest.approx(prices[0] / 2, rel=1e-3)


@pytest.mark.parametrize(
    "args",
    [
        ("-b", "ollama"),
        ("-b", "langchain", "--lc-model", "lc_fakes:ToolFake"),
    ],
)
def test_backends_without_a_batch_api_say_so_at_once(vault: Path, args: tuple[str, ...]) -> None:
    code, _, err = run("run", vault, *args, "--batch")
    assert code == 2 and "batch mode needs Anthropic's or OpenAI's API" in err


def test_a_compatible_server_without_batches_says_so(vault: Path) -> None:
    with FakeLLM(ollama=True) as server:
        code, _, err = run(
            "run", vault, "-b", "openai", "--base-url", f"{server.url}/v1", "--batch"
        )
    assert code == 2 and "batch mode needs Anthropic's or OpenAI's API" in err
    assert "has no batch API" in err and sidecars(vault) == 0


def test_mock_batches_work_offline(vault: Path) -> None:
    summary = batch_run(vault, ("-b", "mock"))
    assert summary["written"] == NOTES and summary["batches"] == 2


@pytest.mark.slow
def test_a_kill_while_a_batch_runs_never_sends_it_again(
    vault: Path, fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_llm.batches.polls_to_end = 10**6
    args = provider_args("openai", fake_llm, monkeypatch)
    command = [sys.executable, "-m", "debater", "run", str(vault), *args, "--batch", *FAST, "-q"]
    child = subprocess.Popen(command, env=os.environ.copy(), stderr=subprocess.PIPE)
    records = vault / ".debater" / "batches"
    deadline = time.monotonic() + 60
    while not any('"pending"' in p.read_text() for p in records.glob("*.json")):
        assert time.monotonic() < deadline and child.poll() is None, "no batch was submitted"
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert creates(fake_llm) == 1
    fake_llm.batches.polls_to_end = 1
    summary = batch_run(vault, args)
    assert summary["written"] == NOTES and creates(fake_llm) == 2  # only the debates' batch
    assert summary["batches"] == 1 and live_calls(fake_llm) == 0


def test_the_front_door_runs_in_batches(vault: Path) -> None:
    import debater

    summary = debater.run([vault], backend="mock", batch=True, poll_interval=0.01)
    assert summary.written == NOTES and summary.batches == 2


def test_no_batch_on_the_line_wins_over_the_config_file(vault: Path) -> None:
    (vault / "debater.toml").write_text('batch = true\nbackend = "mock"\n', encoding="utf-8")
    code, out, err = run("run", vault, "--no-batch", "--json", "-q")
    assert code == 0 and json.loads(out)["batches"] == 0, err
    assert not (vault / ".debater" / "batches").exists()


def test_a_batch_whose_id_was_not_kept_is_found_by_its_label(
    vault: Path, fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    from debater.batches.openai import OpenAIBatches

    submit = OpenAIBatches.submit

    def dies_after_submitting(
        self: OpenAIBatches, items: list[dict[str, object]], label: str
    ) -> str:
        submit(self, items, label)
        raise SystemExit(137)  # killed before the id is written down

    args = provider_args("openai", fake_llm, monkeypatch)
    with monkeypatch.context() as patch:
        patch.setattr(OpenAIBatches, "submit", dies_after_submitting)
        code, _, _ = run("run", vault, *args, "--batch", *FAST, "-q")
    assert code == 137 and creates(fake_llm) == 1
    summary = batch_run(vault, args)
    assert summary["written"] == NOTES and creates(fake_llm) == 2 and summary["batches"] == 1


def test_the_fake_refuses_what_the_batch_apis_refuse(fake_llm: FakeLLM) -> None:
    import anthropic
    import openai

    claude = anthropic.Anthropic(api_key="k", base_url=fake_llm.url, max_retries=0)
    params = {"model": "claude-sonnet-5-5", "max_tokens": 64, "messages": []}
    for ids in (["bad id!"], ["a", "a"]):
        with pytest.raises(anthropic.BadRequestError, match="custom_id"):
            claude.messages.batches.create(
                requests=[{"custom_id": i, "params": params} for i in ids]  # type: ignore[typeddict-item]
            )
    gpt = openai.OpenAI(api_key="k", base_url=f"{fake_llm.url}/v1", max_retries=0)
    with pytest.raises(openai.BadRequestError, match="jsonl"):
        gpt.files.create(file=("batch.txt", b"{}\n"), purpose="batch")
    lines = [
        {"custom_id": f"r{n}", "method": "POST", "url": "/v1/chat/completions", "body": body}
        for n, body in enumerate([{"model": "gpt-5.5"}, {"model": "gpt-4.1"}])
    ]
    data = "".join(json.dumps(line) + "\n" for line in lines).encode()
    upload = gpt.files.create(file=("batch.jsonl", data), purpose="batch")
    batch = gpt.batches.create(
        input_file_id=upload.id, endpoint="/v1/chat/completions", completion_window="24h"
    )
    assert batch.status == "failed" and batch.errors and batch.errors.data
    assert batch.errors.data[0].code == "mismatched_model"
