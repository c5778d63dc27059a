"""`debater run` when things go wrong: faults from the server, kill -9, Ctrl-C, two runs at once.

Every test runs the real SDK path against the fake LLM server and checks what a user relies on:
each note ends written or named as failed with a reason, notes are never modified, and every
sidecar on disk is whole.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import fakellm
from debater.backends.base import Response
from debater.cache import cache_info, open_store
from debater.cli import app
from debater.outputs.markdown import render_markdown
from debater.records import NoteResult
from fakellm import FakeLLM

pytestmark = pytest.mark.slow  # real subprocesses, signals and servers: seconds each

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [*sorted((ROOT / "notes").glob("*.md")), Path(__file__).parent / "data" / "seed_note.txt"]
TRANSIENT = ("rate_limit", "server_error", "overloaded")
# `python -m debater` with Ctrl-C handled as at a terminal, even if this session ignores SIGINT.
DEBATER = [
    sys.executable,
    "-c",
    "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "runpy.run_module('debater', run_name='__main__', alter_sys=True)",
]
runner = CliRunner()


def make_notes(folder: Path, count: int) -> list[Path]:
    """`count` notes made from the bundled ones, each line tagged so no two ask the same."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        source = SOURCES[number % len(SOURCES)]
        lines = source.read_text(encoding="utf-8").split("\n")
        tagged = [f"{line} ({number})" if _prose(line) else line for line in lines]
        path = folder / f"note-{number:02d}{source.suffix}"
        path.write_text("\n".join(tagged), encoding="utf-8")
        paths.append(path)
    return paths


def _prose(line: str) -> bool:
    keep = ("#", "|", "```", "---", "title:", "tags:", "date:", "aliases:")
    return len(line.strip()) > 12 and not line.startswith(keep)


def snapshot(folder: Path) -> dict[Path, bytes]:
    """The bytes of every note (not sidecars) under `folder`."""
    return {p: p.read_bytes() for p in folder.iterdir() if ".perspectives." not in p.name}


def sidecars(folder: Path) -> dict[str, NoteResult]:
    """Every JSON sidecar, parsed, by note stem; checks each .md is whole and no temp file."""
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    results = {}
    for path in folder.glob("*.perspectives.json"):
        result = NoteResult.model_validate_json(path.read_text(encoding="utf-8"))
        markdown = path.with_name(path.name.replace(".json", ".md"))
        assert markdown.read_text(encoding="utf-8") == render_markdown(result), markdown
        results[path.name.removesuffix(".perspectives.json")] = result
    return results


def run_cli(*args: str | Path) -> tuple[int, dict[str, Any], str]:
    """`debater run ARGS --json --quiet` in-process: exit code, summary, stderr."""
    result = runner.invoke(app, ["run", *map(str, args), "--json", "--quiet"])
    assert "Traceback" not in result.stderr, result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, json.loads(result.stdout), result.stderr


def openai_args(fake: Fake, cache: Path) -> tuple[str, ...]:
    return ("-b", "openai", "--base-url", f"{fake.url}/v1", "--cache-dir", str(cache))


def check_accounted(folder: Path, summary: dict[str, Any]) -> dict[str, NoteResult]:
    """Check each note is written whole without errors, or named as failed with a reason."""
    results = sidecars(folder)
    failed = {Path(f["path"]).stem: f["error"] for f in summary["failed"]}
    assert all(failed.values())
    for note in snapshot(folder):
        result = results.get(note.stem)
        broken = result is None or any(s.error for s in result.stances)
        assert broken == (note.stem in failed), (note.name, failed.get(note.stem))
    return results


class Handler(fakellm._Handler):
    """The fake's handler without Nagle's algorithm (no 40 ms wait per answer for an ACK)."""

    disable_nagle_algorithm = True

    def _serve(self, method: str) -> None:
        fake: Fake = self.server.fake  # type: ignore[attr-defined]
        if not fake.take("resets"):
            super()._serve(method)
            return
        self.rfile.read(int(self.headers.get("content-length") or 0))
        linger = struct.pack("ii", 1, 0)  # close with a TCP reset
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        self.close_connection = True


class Fake(FakeLLM):
    """The fake LLM server; its first `resets` requests get a connection reset, and its first
    `slow` answers take `delay` seconds longer."""

    def __init__(
        self, *, resets: int = 0, slow: int = 0, delay: float = 0.0, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.resets, self.slow, self.delay = resets, slow, delay
        self.left_lock = threading.Lock()
        self._server.RequestHandlerClass = Handler
        self._server.handle_error = lambda *args: None  # type: ignore[method-assign]  # clients that gave up

    def take(self, name: str) -> bool:
        """Use up one of the requests counted by attribute `name`; False when none are left."""
        with self.left_lock:
            left = getattr(self, name)
            setattr(self, name, left - 1)
            return bool(left > 0)

    def handle(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> Any:
        if self.take("slow"):
            time.sleep(self.delay)
        return super().handle(method, path, headers, raw)


@pytest.fixture(autouse=True)
def openai_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "dummy-key-for-the-fake")


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    make_notes(tmp_path / "notes", 4)
    return tmp_path / "notes"


# ---- each fault kind, through the CLI ----


@pytest.mark.parametrize("kind", TRANSIENT)
def test_transient_errors_are_retried_until_every_note_is_written(
    kind: str, notes: Path, tmp_path: Path
) -> None:
    before = snapshot(notes)
    # One call in flight at a time: the seeded faults then fall the same way on every run.
    with Fake(faults={kind: 0.25}, seed=1) as fake:
        code, summary, _ = run_cli(notes, *openai_args(fake, tmp_path / "c"), "-j", "1")
        assert fake.stats()[f"fault_{kind}"] > 0
    assert code == 0 and summary["written"] == 4 and not summary["failed"]
    assert snapshot(notes) == before
    assert len(check_accounted(notes, summary)) == 4


@pytest.mark.parametrize("kind", ["malformed", "truncated"])
def test_bad_answers_are_repaired_or_named_as_failed(
    kind: str, notes: Path, tmp_path: Path
) -> None:
    before = snapshot(notes)
    with Fake(faults={kind: 0.3}, seed=2) as fake:
        code, summary, _ = run_cli(notes, *openai_args(fake, tmp_path / "c"), "-j", "1")
        faults = fake.stats()[f"fault_{kind}"]
    results = check_accounted(notes, summary)
    errors = [s.error for r in results.values() for s in r.stances if s.error]
    reasons = [f["error"] for f in summary["failed"]] + errors
    assert all("invalid answer after one repair attempt" in r for r in reasons)
    assert len(errors) < faults  # most bad answers were repaired
    assert code == (1 if summary["failed"] else 0)
    assert snapshot(notes) == before


def test_each_refusal_is_named_on_its_stance(notes: Path, tmp_path: Path) -> None:
    before = snapshot(notes)
    with Fake(faults={"refusal": 0.2}, seed=3) as fake:
        code, summary, _ = run_cli(notes, *openai_args(fake, tmp_path / "c"), "-j", "1")
        refusals = fake.stats()["fault_refusal"]
    results = check_accounted(notes, summary)
    stance_errors = [s.error or "" for r in results.values() for s in r.stances if s.error]
    unextracted = [f for f in summary["failed"] if Path(f["path"]).stem not in results]
    assert refusals > 0 and len(stance_errors) + len(unextracted) == refusals  # never retried
    assert all("declined" in e for e in stance_errors + [f["error"] for f in summary["failed"]])
    assert code == 1 and snapshot(notes) == before


def test_anthropic_overload_is_retried(
    notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Enough retries that no call meets more faults in a row than it may retry (0.3 ** 9 per
    # call): which calls meet the faults depends on the order the notes' calls are sent in.
    monkeypatch.setenv("DEBATER_MAX_RETRIES", "8")
    with Fake(faults={"overloaded": 0.2, "rate_limit": 0.1}, seed=4) as fake:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "dummy-key-for-the-fake")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
        code, summary, _ = run_cli(
            notes, "-b", "anthropic", "--cache-dir", tmp_path / "c", "-j", "1"
        )
        assert fake.stats()["fault_overloaded"] > 0
        assert all(c["path"].endswith("/messages") for c in fake.calls)
    assert code == 0 and summary["written"] == 4
    assert len(check_accounted(notes, summary)) == 4


def test_timeouts_are_retried(notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBATER_TIMEOUT", "0.3")
    with Fake(slow=2, delay=1.0) as fake:
        code, summary, _ = run_cli(notes, *openai_args(fake, tmp_path / "c"), "-j", "1")
    assert code == 0 and summary["written"] == 4


def test_connection_resets_are_retried_and_then_reported(
    notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEBATER_MAX_RETRIES", "1")
    with Fake(resets=1) as fake:
        code, summary, _ = run_cli(notes, *openai_args(fake, tmp_path / "c"), "-j", "1")
        assert code == 0 and summary["written"] == 4
        fake.resets = 10**6
        (notes / "new.md").write_text("I think resets are survivable.\n", encoding="utf-8")
        code, summary, _ = run_cli(notes, *openai_args(fake, tmp_path / "c"), "-j", "1")
    assert code == 1 and summary["up_to_date"] == 4
    assert [(Path(f["path"]).name, "connection to" in f["error"]) for f in summary["failed"]] == [
        ("new.md", True)
    ]


# ---- the "done means" run: many faults at once ----


def test_mixed_faults_leave_every_note_written_or_named_then_a_rerun_finishes(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "notes"
    make_notes(folder, 10)
    before = snapshot(folder)
    faults = {"rate_limit": 0.09, "server_error": 0.08, "overloaded": 0.08}
    faults |= {"malformed": 0.05, "truncated": 0.02}
    with Fake(faults=faults, seed=5) as fake:
        code, summary, _ = run_cli(folder, *openai_args(fake, tmp_path / "c"), "-j", "4")
        assert code == (1 if summary["failed"] else 0)
        assert summary["notes"] == 10 and snapshot(folder) == before
        check_accounted(folder, summary)
        fake.faults = {}
        code, summary, _ = run_cli(folder, *openai_args(fake, tmp_path / "c"), "-j", "4")
    assert code == 0 and summary["written"] + summary["up_to_date"] == 10
    assert len(check_accounted(folder, summary)) == 10 and snapshot(folder) == before


# ---- kill -9, Ctrl-C, SIGTERM: a subprocess stopped mid-run ----


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def in_flight(fake: Fake) -> int:
    stats = fake.stats()
    return stats.get("requests", 0) - sum(v for k, v in stats.items() if k.startswith("status_"))


def start_run(folder: Path, fake: Fake, cache: Path, jobs: int) -> subprocess.Popen[str]:
    command = [*DEBATER, "run", str(folder), *openai_args(fake, cache)]
    return subprocess.Popen(
        [*command, "-j", str(jobs)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.fixture
def stalled(tmp_path: Path) -> Iterator[tuple[Path, Fake, subprocess.Popen[str]]]:
    """A run of 12 notes, 4 calls at a time, with its calls in flight stalled after 20 answers.

    Every worker then waits on the server, so nothing is being written when it is stopped.
    """
    folder = tmp_path / "notes"
    make_notes(folder, 12)
    with Fake(latency=0.05) as fake:
        process = start_run(folder, fake, tmp_path / "cache", jobs=4)
        try:
            wait_for(lambda: fake.stats().get("status_200", 0) >= 20)
            fake.latency = 60.0
            wait_for(lambda: in_flight(fake) == 4)
            time.sleep(0.3)
            yield folder, fake, process
        finally:
            if process.returncode is None:
                process.kill()
                process.communicate()


def finish_and_count_repeats(folder: Path, fake: Fake, cache: Path) -> int:
    """Rerun to completion; return how many requests were sent twice over both runs."""
    fake.latency = 0.0
    code, summary, _ = run_cli(folder, *openai_args(fake, cache), "-j", "4")
    assert code == 0 and summary["written"] + summary["up_to_date"] == 12
    assert len(sidecars(folder)) == 12
    bodies = [json.dumps(c["json"], sort_keys=True) for c in fake.calls if c["method"] == "POST"]
    return len(bodies) - len(set(bodies))


def test_kill_9_loses_only_the_calls_in_flight(
    stalled: tuple[Path, Fake, subprocess.Popen[str]], tmp_path: Path
) -> None:
    folder, fake, process = stalled
    before = snapshot(folder)
    process.kill()
    process.communicate(timeout=10)
    sidecars(folder)  # whatever was written is whole
    assert finish_and_count_repeats(folder, fake, tmp_path / "cache") <= 4
    assert snapshot(folder) == before


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupt_stops_promptly_with_a_summary(
    stop: signal.Signals, stalled: tuple[Path, Fake, subprocess.Popen[str]], tmp_path: Path
) -> None:
    folder, fake, process = stalled
    process.send_signal(stop)
    # The calls in flight would take a minute: a prompt stop does not wait for them.
    out, err = process.communicate(timeout=15)
    assert process.returncode == 130, err
    assert out.startswith("interrupted; rerun to finish") and "Traceback" not in err
    sidecars(folder)
    assert finish_and_count_repeats(folder, fake, tmp_path / "cache") <= 4


def test_ctrl_c_on_one_huge_note_stops_within_a_second(tmp_path: Path) -> None:
    """Stopping checks between calls, not between notes: a note of 120 stances stops at once."""
    folder = tmp_path / "notes"
    folder.mkdir()
    opinions = [f"I think plan {n} is a mistake, because it costs too much." for n in range(120)]
    (folder / "huge.md").write_text("\n\n".join(opinions) + "\n", encoding="utf-8")
    with Fake(latency=0.05) as fake:
        process = start_run(folder, fake, tmp_path / "cache", jobs=4)
        try:
            wait_for(lambda: fake.stats().get("status_200", 0) >= 12)
            sent = fake.stats()["requests"]
            stopped = time.monotonic()
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=15)
            took = time.monotonic() - stopped
        finally:
            if process.returncode is None:
                process.kill()
                process.communicate()
    assert process.returncode == 130 and out.startswith("interrupted"), err
    assert took < 1.0, f"took {took:.2f} s to stop"
    assert fake.stats()["requests"] <= sent + 4  # at most the calls already on their way
    assert not list(folder.glob("*.perspectives.*"))


# ---- two runs at once ----


def test_two_runs_on_one_folder_corrupt_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    make_notes(folder, 8)
    before = snapshot(folder)
    cache = tmp_path / "cache"
    with Fake(latency=0.05) as fake:
        first, second = (start_run(folder, fake, cache, jobs=4) for _ in range(2))
        for process in (first, second):
            _, err = process.communicate(timeout=120)
            assert process.returncode in (0, 1) and "Traceback" not in err, err
        served = fake.stats()["requests"]
        code, summary, _ = run_cli(folder, *openai_args(fake, cache))
        assert code == 0 and summary["requests"] == 0 and summary["up_to_date"] == 8
        assert fake.stats()["requests"] == served
    assert len(sidecars(folder)) == 8 and snapshot(folder) == before
    assert cache_info(cache).entries > 0
    with open_store(cache) as store:
        for key in store:
            Response.model_validate_json(store[key])


# ---- hostile files ----


def test_a_fifo_as_note_or_as_sidecar_never_hangs(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    make_notes(folder, 1)
    os.mkfifo(folder / "pipe.md")
    os.mkfifo(folder / "note-00.perspectives.json")
    command = [*DEBATER, "run", str(folder), "-b", "mock", "--json", "-q"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    summary = json.loads(done.stdout)
    assert [(Path(s["path"]).name, s["reason"]) for s in summary["skipped"]] == [
        ("pipe.md", "not a regular file")
    ]
    # A FIFO where a sidecar goes is not a file debater wrote: it is left alone, not replaced.
    assert done.returncode == 1 and "--overwrite" in summary["failed"][0]["error"]
    assert stat.S_ISFIFO((folder / "note-00.perspectives.json").stat().st_mode)
    assert not (folder / "note-00.perspectives.md").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_note_is_skipped(notes: Path, tmp_path: Path) -> None:
    locked = notes / "note-00.md"
    locked.chmod(0)
    code, summary, _ = run_cli(notes, "-b", "mock", "--cache-dir", tmp_path / "c")
    assert code == 0 and summary["written"] == 3
    assert [(Path(s["path"]).name, s["reason"]) for s in summary["skipped"]] == [
        ("note-00.md", "permission denied")
    ]


def test_names_with_spaces_and_non_ascii(tmp_path: Path) -> None:
    folder = tmp_path / "my notes 笔记"
    folder.mkdir()
    (folder / "remote work 远程 é.md").write_bytes(SOURCES[2].read_bytes())
    code, summary, _ = run_cli(folder, "-b", "mock", "--cache-dir", tmp_path / "c")
    assert code == 0 and summary["written"] == 1
    assert set(sidecars(folder)) == {"remote work 远程 é"}


@pytest.mark.skipif(sys.platform != "linux", reason="only Linux allows names that are not UTF-8")
def test_a_note_whose_name_is_not_utf8_is_processed(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    make_notes(folder, 1)
    (folder / os.fsdecode(b"caf\xe9.md")).write_bytes(SOURCES[2].read_bytes())
    command = [*DEBATER, "run", str(folder), "-b", "mock", "--json", "-q"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    summary = json.loads(done.stdout)
    assert "Traceback" not in done.stderr
    assert done.returncode == 0 and summary["notes"] == summary["written"] == 2
    sidecar = folder / os.fsdecode(b"caf\xe9.perspectives.json")
    assert json.loads(sidecar.read_text(encoding="utf-8"))["note"]["path"] == "caf\\xe9.md"
