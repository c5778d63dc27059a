"""The library's front door and the CLI's ties to it: one call runs, every flag is a setting."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import typer.main

import debater
from bundled import copy_notes
from debater.cli.app import COMMAND_ONLY, app
from debater.cli.progress import LiveReporter
from debater.config import Settings
from debater.engine import Outcome


def test_run_in_one_call(tmp_path: Path) -> None:
    folder = copy_notes(tmp_path / "notes")
    summary = debater.run([folder], backend="planned", per_side=2)
    assert summary.notes == summary.written == 3 and not summary.failed
    assert len(list(folder.glob("*.perspectives.json"))) == 3
    assert summary.perspectives == 4 * summary.stances


def test_open_job_is_a_context_manager_that_closes_the_backend(tmp_path: Path) -> None:
    with debater.open_job(Settings(backend="planned", no_cache=True), tmp_path) as job:
        assert job.settings.backend == "planned" and not job.backend.closed  # type: ignore[attr-defined]
    assert job.backend.closed  # type: ignore[attr-defined]


def test_every_command_option_is_a_setting_or_the_commands_own() -> None:
    group = typer.main.get_command(app)
    names: set[str] = set()
    for command in _commands(group):
        names |= {p.name for p in command.params if p.name}
    unknown = names - set(Settings.model_fields) - COMMAND_ONLY
    assert not unknown, f"options that are neither settings nor command-only: {unknown}"


def _commands(group: Any) -> list[Any]:
    """Every command under a click group (typer vendors click, so by shape, not class)."""
    found: list[Any] = []
    for command in group.commands.values():
        found += _commands(command) if hasattr(command, "commands") else [command]
    return found


def test_live_progress_shows_names_and_reasons_as_text() -> None:
    out = io.StringIO()
    reporter = LiveReporter(out, terminal=True)
    from debater.llm.usage import Meter

    reporter.started(1, Meter())
    reporter.planned(3)
    reporter.note_done(Outcome(Path("[draft] idea.md"), "failed", "model said [/INST] then [bold]"))
    reporter.close()
    shown = out.getvalue()
    assert "[draft] idea.md" in shown and "[/INST]" in shown and "[bold]" in shown
