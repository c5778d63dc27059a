"""The edges of a real vault, through the CLI: nothing lost, nothing leaked, nothing outside."""

from __future__ import annotations

import errno
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from debater.cli import app
from debater.notes.load import load_note
from debater.outputs import files
from fakellm import FakeLLM

runner = CliRunner()
OPINION = "I think {} is a fine idea, because it saves time.\n"


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any], str]:
    result = runner.invoke(app, ["run", *args, "--json", "-q"], env=env)
    assert "Traceback" not in result.stderr
    return result.exit_code, json.loads(result.stdout or "{}"), result.stderr


def note(folder: Path, name: str, topic: str = "tea") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(OPINION.format(topic), encoding="utf-8")
    return path


def test_notes_that_share_a_stem_keep_their_own_results(tmp_path: Path) -> None:
    for suffix, topic in ((".md", "tea"), (".txt", "coffee"), (".markdown", "cocoa")):
        note(tmp_path, "essay" + suffix, topic)
    code, summary, _ = run(str(tmp_path), "-b", "planned")
    assert code == 0 and summary["written"] == 3
    for suffix, topic in ((".md", "tea"), (".txt", "coffee"), (".markdown", "cocoa")):
        sidecar = tmp_path / f"essay{suffix}.perspectives.json"
        assert topic in json.loads(sidecar.read_text())["stances"][0]["claim"]
    assert not (tmp_path / "essay.perspectives.json").exists()
    assert run(str(tmp_path), "-b", "planned")[1]["up_to_date"] == 3


def test_a_file_debater_did_not_write_is_never_replaced(tmp_path: Path) -> None:
    note(tmp_path, "journal.md")
    mine = tmp_path / "journal.perspectives.md"
    mine.write_text("My own thoughts on the other side.\n", encoding="utf-8")
    mine.chmod(0o640)
    code, summary, _ = run(str(tmp_path), "-b", "planned")
    assert code == 1 and "--overwrite" in summary["failed"][0]["error"]
    assert mine.read_text() == "My own thoughts on the other side.\n"
    assert mine.stat().st_mode & 0o777 == 0o640
    assert not (tmp_path / "journal.perspectives.json").exists()  # both or neither
    code, _, _ = run(str(tmp_path), "-b", "planned", "--overwrite")
    assert code == 0 and "debater" in mine.read_text()


def test_links_out_of_the_folder_are_not_followed(tmp_path: Path) -> None:
    vault, outside = tmp_path / "vault", tmp_path / "outside"
    note(vault, "mine.md")
    secret = note(outside, "secret.md", "leaking")
    note(outside / "sub", "other.md")
    (vault / "p.md").symlink_to(secret)
    (vault / "linked").symlink_to(outside / "sub", target_is_directory=True)
    with FakeLLM() as fake:
        args = [str(vault), "-b", "openai", "--base-url", fake.url + "/v1", "-m", "qwen2.5"]
        code, summary, _ = run(*args, env={"OPENAI_API_KEY": "k"})
        sent = json.dumps([c["json"] for c in fake.calls])
    assert code == 0 and "leaking" not in sent
    reasons = {Path(s["path"]).name: s["reason"] for s in summary["skipped"]}
    assert "--follow-links" in reasons["p.md"] and "--follow-links" in reasons["linked"]
    assert not list(outside.rglob("*.perspectives.*"))
    code, summary, _ = run(str(vault), "-b", "planned", "--follow-links")
    assert (vault / "p.perspectives.json").exists()  # beside the link, inside the vault
    assert not list(outside.rglob("*.perspectives.*"))  # nothing written outside, ever


def test_long_arguments_never_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a claim's transcript goes to the current folder
    claim = "我认为长期来看远程工作会让团队失去偶然的交流和创新的机会。" * 10  # > 255 bytes
    result = runner.invoke(app, ["discuss", claim, "-b", "mock", "--auto", "--rounds", "1"])
    assert result.exit_code == 0 and "Traceback" not in result.stderr
    long_path = str(tmp_path / ("x" * 300))
    for args in (["run", long_path, "-b", "mock"], ["cache", "info", long_path]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and "Traceback" not in result.stderr


def test_an_unreachable_server_stops_the_run_at_once(tmp_path: Path) -> None:
    for i in range(30):
        note(tmp_path, f"n{i:02}.md", f"idea {i}")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    started = time.monotonic()
    result = runner.invoke(app, ["run", str(tmp_path), "-b", "ollama", "--base-url", url, "-q"])
    assert result.exit_code == 2 and time.monotonic() - started < 5
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) <= 2 and url in lines[-1] and "ollama serve" in lines[-1]


def test_a_note_over_the_size_limit_is_skipped_with_the_option_named(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_text(OPINION.format("size") * 250_000, encoding="utf-8")  # ~12 MB
    note(tmp_path, "small.md")
    code, summary, _ = run(str(tmp_path), "-b", "planned")
    reasons = {Path(s["path"]).name: s["reason"] for s in summary["skipped"]}
    assert code == 0 and "--max-note-size" in reasons["big.md"] and summary["written"] == 1


def test_a_dry_run_over_a_threshold_says_so(tmp_path: Path) -> None:
    for i in range(40):
        text = "\n".join(OPINION.format(f"idea {i}.{k}") for k in range(20))
        (tmp_path / f"n{i}.md").write_text(text, encoding="utf-8")
    result = runner.invoke(
        app, ["run", str(tmp_path), "-b", "anthropic", "--dry-run", "--depth", "3"]
    )
    assert result.exit_code == 0 and "this is a large run" in result.stdout


def test_sidecars_follow_the_umask(tmp_path: Path) -> None:
    note(tmp_path, "a.md")
    code = subprocess.run(
        [sys.executable, "-m", "debater", "run", str(tmp_path), "-b", "planned", "-q"],
        env={**os.environ, "PYTHONPATH": os.environ["PYTHONPATH"]},
        preexec_fn=lambda: os.umask(0o022),
        check=False,
    ).returncode
    assert code == 0
    for sidecar in tmp_path.glob("a.perspectives.*"):
        assert sidecar.stat().st_mode & 0o777 == 0o644


def test_orphans_are_listed_then_pruned(tmp_path: Path) -> None:
    gone = note(tmp_path, "gone.md")
    note(tmp_path, "kept.md")
    run(str(tmp_path), "-b", "planned")
    gone.unlink()
    _, summary, _ = run(str(tmp_path), "-b", "planned")
    assert sorted(Path(p).name for p in summary["orphans"]) == [
        "gone.perspectives.json",
        "gone.perspectives.md",
    ]
    _, summary, _ = run(str(tmp_path), "-b", "planned", "--prune")
    assert len(summary["pruned"]) == 2 and not list(tmp_path.glob("gone.*"))
    assert (tmp_path / "kept.perspectives.md").exists()


def test_markdown_only_is_up_to_date_and_leaves_no_stale_json(tmp_path: Path) -> None:
    note(tmp_path, "a.md")
    run(str(tmp_path), "-b", "planned")
    (tmp_path / "a.md").write_text(OPINION.format("change"), encoding="utf-8")
    code, summary, _ = run(str(tmp_path), "-b", "planned", "--format", "md")
    assert code == 0 and summary["written"] == 1
    assert not (tmp_path / "a.perspectives.json").exists()
    assert run(str(tmp_path), "-b", "planned", "--format", "md")[1]["up_to_date"] == 1


def test_mistyped_folders_and_options_are_errors_not_silence(tmp_path: Path) -> None:
    note(tmp_path, "a.md")
    for args in (["cache", "info", str(tmp_path / "TYPO")], ["cache", "clear", "TYPO", "-y"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and not (tmp_path / "TYPO").exists()
    code, _, err = run(str(tmp_path), "-b", "planned", "--include", "*.mdx")
    assert code == 2 and "matches no note" in err
    code, _, err = run(str(tmp_path), "-b", "planned", "--prompts-dir", str(tmp_path / "no"))
    assert code == 2 and "--prompts-dir" in err


def test_short_latin_notes_decode_as_the_common_code_page(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("I am na’ve about the édge — really.".encode("cp1252"))
    assert load_note(path).text == "I am na’ve about the édge — really."


@pytest.mark.slow
def test_two_runs_at_once_pay_once(tmp_path: Path) -> None:
    for i in range(12):
        (tmp_path / f"n{i:02}.md").write_text(OPINION.format(i) * 3, encoding="utf-8")
    env = {**os.environ, "OPENAI_API_KEY": "k"}

    def command(fake: FakeLLM) -> list[str]:
        args = ["-b", "openai", "--base-url", fake.url + "/v1", "-m", "qwen2.5", "-q", "-j", "2"]
        return [sys.executable, "-m", "debater", "run", str(tmp_path), *args]

    with FakeLLM(latency=0.05) as fake:
        runs = [subprocess.Popen(command(fake), env=env) for _ in range(2)]
        assert all(r.wait(timeout=120) == 0 for r in runs)
        together = fake.stats()["requests"]
    for sidecar in tmp_path.glob("*.perspectives.*"):
        sidecar.unlink()
    with FakeLLM(latency=0.05) as fake:
        alone_env = {**env, "DEBATER_NO_CACHE": "1"}
        assert subprocess.run(command(fake), env=alone_env, check=False).returncode == 0
        alone = fake.stats()["requests"]
    assert together <= alone * 1.2


def test_a_full_cache_disk_stops_the_run_and_says_what_filled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import diskcache

    def full(*args: Any, **kwargs: Any) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    note(tmp_path / "notes", "a.md")
    monkeypatch.setattr(diskcache.Cache, "set", full)
    code, _, err = run(str(tmp_path / "notes"), "-b", "mock", "--cache-dir", str(tmp_path / "c"))
    assert code == 2
    assert "is full" in err and "--cache-dir" in err and "--no-cache" in err
    assert not list((tmp_path / "notes").glob("*.perspectives.*"))


def test_a_full_notes_disk_keeps_the_old_pair_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "notes"
    path = note(folder, "a.md")
    assert run(str(folder), "-b", "mock", "--no-cache")[0] == 0
    before = {p.name: p.read_bytes() for p in folder.glob("a.perspectives.*")}
    assert len(before) == 2
    path.write_text(OPINION.format("coffee"), encoding="utf-8")
    written: list[str] = []
    real = files._temporary

    def second_fails(target: Path, text: str) -> str:
        if written:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(real(target, text))
        return written[-1]

    monkeypatch.setattr(files, "_temporary", second_fails)
    code, _, err = run(str(folder), "-b", "mock", "--no-cache")
    assert code == 2 and "is full" in err and str(folder) in err
    assert {p.name: p.read_bytes() for p in folder.glob("a.perspectives.*")} == before
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
