"""The batch engine with the library API: incremental reruns, failures, big notes, dry runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from debater.backends.base import Backend, BackendOptions, Request, Response
from debater.backends.mock import MockBackend
from debater.cache import CachedBackend
from debater.config import Settings, load_settings
from debater.engine import run_notes
from debater.errors import AuthError, BackendConnectionError, ContextTooLongError
from debater.estimate import estimate_run
from debater.job import Job
from debater.llm.prompts import Prompts
from debater.llm.tokens import estimate_tokens
from debater.pipeline import CHUNK_TOKENS, prepare
from planned import PlannedBackend

SEED = Path(__file__).parent / "data" / "seed_note.txt"


CountingMock = PlannedBackend  # remembers every request that reached it


def minable(path: Path) -> int:
    """How many stances the planned backend finds in a note: one per minable passage."""
    return sum(p.minable for p in prepare(path).passages)


def _job(backend: Backend, cache: Path | None = None, **settings: object) -> Job:
    inner = CachedBackend(backend, cache) if cache else backend
    return Job(inner, Prompts.load(), Settings(**settings))  # type: ignore[arg-type]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    notes = tmp_path / "notes"
    notes.mkdir()
    shutil.copy(SEED, notes / "seed.txt")
    return notes


def test_one_edited_paragraph_reasks_only_what_it_touches(folder: Path, tmp_path: Path) -> None:
    mock = CountingMock()
    first = run_notes(_job(mock, tmp_path / "cache"), [folder])
    assert first.requests == first.stances + 1
    note = folder / "seed.txt"
    text = note.read_text(encoding="utf-8")
    original = "Humorous. I don’t think this is the correct analogy."
    assert original in text
    edited = "Humorous. I don’t think this is the correct analogy: chips are not warheads."
    note.write_text(text.replace(original, edited), encoding="utf-8")
    mock.seen.clear()
    second = run_notes(_job(mock, tmp_path / "cache"), [folder])
    assert second.stances == first.stances
    assert [r.purpose for r in mock.seen] == ["extract", "debate"]
    assert second.requests == 2


def test_unchanged_notes_send_nothing(folder: Path, tmp_path: Path) -> None:
    mock = CountingMock()
    run_notes(_job(mock, tmp_path / "cache"), [folder])
    mock.seen.clear()
    again = run_notes(_job(mock, tmp_path / "cache", force=True), [folder])
    assert again.requests == 0 and mock.seen == []


class FailsOn(PlannedBackend):
    """Fails every `purpose` call about `word`; `error` says how.

    An extraction is about its whole note; a debate or reply only about its own task (the
    note it carries as context is shared with the note's other stances).
    """

    def __init__(self, word: str, error: Exception, purpose: str = "") -> None:
        super().__init__()
        self.word, self.error, self.purpose = word, error, purpose

    def complete(self, request: Request) -> Response:
        parts = [p for m in request.messages for p in m.parts]
        text = "".join(p.text for p in (parts if request.purpose == "extract" else parts[-1:]))
        if self.word in text and request.purpose.startswith(self.purpose):
            raise self.error
        return super().complete(request)


def test_one_bad_note_never_stops_the_batch(folder: Path) -> None:
    (folder / "bad.md").write_text("I think POISON is a fine idea.\n", encoding="utf-8")
    backend = FailsOn("POISON", BackendConnectionError("server went away"))
    summary = run_notes(_job(backend), [folder])
    assert summary.notes == 2 and summary.written == 1
    assert [(Path(f.path).name, f.error) for f in summary.failed] == [
        ("bad.md", "server went away")
    ]
    assert (folder / "seed.perspectives.json").exists()
    assert not (folder / "bad.perspectives.json").exists()


def test_a_failed_stance_is_kept_on_the_note_and_reasked_later(
    folder: Path, tmp_path: Path
) -> None:
    backend = FailsOn("correct analogy", BackendConnectionError("timeout"), "debate")
    summary = run_notes(_job(backend, tmp_path / "c"), [folder])
    assert len(summary.failed) == 1 and "1 of" in summary.failed[0].error
    assert (folder / "seed.perspectives.json").exists()
    mock = CountingMock()
    rerun = run_notes(_job(mock, tmp_path / "c"), [folder])
    assert not rerun.failed and [r.purpose for r in mock.seen] == ["debate"]


def test_bad_credentials_stop_the_run(folder: Path) -> None:
    with pytest.raises(AuthError):
        run_notes(_job(FailsOn("", AuthError("bad key"))), [folder])


def test_a_huge_note_is_split_so_every_request_fits(tmp_path: Path) -> None:
    paragraph = "I think remote work is better for deep focus than any office. " * 40
    (tmp_path / "big.md").write_text("\n\n".join([paragraph] * 400), encoding="utf-8")
    mock = CountingMock()
    summary = run_notes(_job(mock, per_side=1), [tmp_path])
    extracts = [r for r in mock.seen if r.purpose == "extract"]
    assert not summary.failed and len(extracts) > 1
    assert all(estimate_tokens(r.messages[0].text) < CHUNK_TOKENS * 1.3 for r in extracts)


def test_html_only_and_front_matter_only_notes_give_no_stances(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text("<div>\n<p>I disagree</p>\n</div>\n")
    (tmp_path / "meta.md").write_text("---\ntitle: x\n---\n\n```\nI think code\n```\n")
    summary = run_notes(_job(CountingMock()), [tmp_path])
    assert summary.notes == 2 and summary.stances == 0 and not summary.failed


def test_dry_run_counts_and_sends_nothing(folder: Path, tmp_path: Path) -> None:
    settings = load_settings(folder, {"backend": "mock", "cache_dir": tmp_path / "c"})
    estimate = estimate_run([folder], settings, folder)
    assert estimate.notes == 1 and estimate.stances >= 12
    assert estimate.calls == estimate.stances + 1 and estimate.cached_calls == 0
    assert estimate.input_tokens > 0 and estimate.cost_usd == 0.0
    assert not list(folder.glob("*.perspectives.*"))
    run_notes(_job(MockBackend(BackendOptions()), tmp_path / "c"), [folder])
    after = estimate_run([folder], settings, folder)
    assert after.up_to_date == 1 and after.calls == 0
    forced = estimate_run([folder], settings.model_copy(update={"force": True}), folder)
    assert forced.calls == forced.cached_calls == estimate.calls


def test_dry_run_prices_a_known_model(folder: Path, tmp_path: Path) -> None:
    prices = tmp_path / "prices.toml"
    prices.write_text('date = "2026-01-01"\n[models."mock-1"]\ninput = 1.0\noutput = 2.0\n')
    flags = {"backend": "mock", "prices_file": prices, "no_cache": True}
    estimate = estimate_run([folder], load_settings(folder, flags), folder)
    expected = (estimate.input_tokens * 1.0 + estimate.output_tokens * 2.0) / 1e6
    assert estimate.cost_usd == pytest.approx(expected)
    assert "2026-01-01" in estimate.prices


class SmallWindow(CountingMock):
    """A model whose window holds only `limit` characters of prompt."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def complete(self, request: Request) -> Response:
        if len(request.messages[0].text) > self.limit:
            raise ContextTooLongError("prompt is too long")
        return super().complete(request)


def test_a_note_too_long_for_the_window_is_split_until_it_fits(folder: Path) -> None:
    mock = SmallWindow(limit=4_000)
    summary = run_notes(_job(mock), [folder])
    assert not summary.failed and summary.stances == minable(SEED)
    assert sum(r.purpose == "extract" for r in mock.seen) > 1
