"""Rebuttal rounds (`run --depth 2|3`): the reply tree in both sidecars, cached like every call."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from debater.backends.base import BackendOptions, Request, Response
from debater.backends.mock import MockBackend
from debater.cache import CachedBackend
from debater.cli import app
from debater.config import Settings
from debater.engine import run_notes
from debater.errors import BackendConnectionError
from debater.job import Job
from debater.llm.prompts import Prompts

SEED = Path(__file__).parent / "data" / "seed_note.txt"
runner = CliRunner()
OTHER = {"support": "oppose", "oppose": "support"}


def _run(folder: Path, *extra: str) -> dict[str, Any]:
    result = runner.invoke(app, ["run", str(folder), "-b", "mock", "--json", "-q", *extra])
    assert result.exit_code == 0, result.output
    summary: dict[str, Any] = json.loads(result.stdout)
    return summary


def _levels(p: dict[str, Any]) -> int:
    """How many levels of replies hang under a perspective, checking the sides alternate."""
    if not p["replies"]:
        return 0
    assert len(p["replies"]) == 1
    reply = p["replies"][0]
    assert reply["side"] == OTHER[p["side"]]
    assert (
        reply["title"] and reply["argument"] and reply["strength"] in {"weak", "moderate", "strong"}
    )
    return 1 + _levels(reply)


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    shutil.copy(SEED, folder / "seed.txt")
    return folder


def test_depth_2_nests_one_reply_from_the_other_side(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _run(folder, "--depth", "2")
    data = json.loads((folder / "seed.perspectives.json").read_text())
    for stance in data["stances"]:
        assert [_levels(p) for p in stance["perspectives"]] == [1] * 6
    md = (folder / "seed.perspectives.md").read_text()
    assert md.count("- *反驳:* ") == md.count("- *回应:* ") == 6 * len(data["stances"]) // 2
    # Replies are a nested list item: bullet under the perspective's text, text under the bullet.
    assert "\n   - *反驳:* **" in md and "\n     [mock] " in md


def test_depth_3_nests_twice_and_renders_every_level(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _run(folder, "--depth", "3")
    data = json.loads((folder / "seed.perspectives.json").read_text())
    assert all(_levels(p) == 2 for s in data["stances"] for p in s["perspectives"])
    md = (folder / "seed.perspectives.md").read_text()
    assert "\n     - *回应:* **" in md and "\n     - *反驳:* **" in md
    assert "\n       *强度:* " in md


def test_depth_1_has_no_replies(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _run(folder)
    data = json.loads((folder / "seed.perspectives.json").read_text())
    assert all(not p["replies"] for s in data["stances"] for p in s["perspectives"])
    assert "*反驳:*" not in (folder / "seed.perspectives.md").read_text()


def test_reply_calls_are_cached(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    first = _run(folder, "--depth", "2")
    again = _run(folder, "--depth", "2", "--force")
    assert first["requests"] == first["stances"] * 7 + 1  # debate + 6 replies each, 1 extract
    assert again["requests"] == 0 and again["cache_hits"] == first["requests"]


class NoReplies(MockBackend):
    """The mock, except that every reply call fails like a server that keeps timing out."""

    failing = True

    def __init__(self) -> None:
        super().__init__(BackendOptions())
        self.asked: list[str] = []

    def complete(self, request: Request) -> Response:
        self.asked.append(request.purpose)
        if request.purpose == "reply" and self.failing:
            raise BackendConnectionError("timed out")
        return super().complete(request)


def test_a_missing_reply_is_reported_and_asked_again_next_run(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    backend = NoReplies()
    job = Job(CachedBackend(backend, tmp_path / "cache"), Prompts.load(), Settings(depth=2))
    first = run_notes(job, [folder])
    assert first.failed and "no reply: timed out" in first.failed[0].error
    data = json.loads(next(folder.glob("*.perspectives.json")).read_text())
    errors = [p["error"] for s in data["stances"] for p in s["perspectives"]]
    assert errors and all(e == "no reply: timed out" for e in errors)
    assert "*缺少的回应:* no reply: timed out" in next(folder.glob("*.perspectives.md")).read_text()
    backend.failing, backend.asked = False, []
    second = run_notes(job, [folder])
    assert not second.failed and set(backend.asked) == {"reply"}
