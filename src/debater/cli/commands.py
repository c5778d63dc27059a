"""What each CLI command does: settings in, one library call, results on stdout, messages on
stderr. Returns exit codes: 0 done, 1 some notes failed, 2 usage, configuration or account
errors that stop the run, 130 interrupted. Library modules are imported inside the commands, so
`debater --help` loads none of them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from debater.errors import DebaterError, RunStoppingError, UsageError

if TYPE_CHECKING:
    from debater.config import Settings
    from debater.engine import Summary
    from debater.estimate import Estimate
    from debater.job import Job
    from debater.records import Stance

OK, FAILED, USAGE, INTERRUPTED = 0, 1, 2, 130
Flags = Mapping[str, Any]


def say(message: str) -> None:
    print(f"debater: {message}", file=sys.stderr, flush=True)


def emit(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    sys.stdout.flush()


@contextmanager
def reported(json_out: bool = False) -> Iterator[None]:
    """Turn debater's errors into one clear line on stderr and the right exit code; with
    `--json`, also an `{"error": ...}` object on stdout, so a program always gets JSON."""
    try:
        yield
    except DebaterError as e:
        say(str(e))
        if json_out:
            emit(json.dumps({"error": str(e)}, ensure_ascii=False))
        stops = isinstance(e, (UsageError, RunStoppingError))
        raise SystemExit(USAGE if stops else FAILED) from None


def settings_for(root: Path | None, flags: Flags) -> Settings:
    from debater.config import load_settings

    return load_settings(root, flags)


def require_paths(paths: list[Path]) -> Path:
    """The notes folder the paths share; a UsageError naming those that do not exist."""
    from debater.notes.discover import existing, notes_root

    missing = [str(p) for p in paths if not existing(p)]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    return notes_root(paths)


def run_notes_shown(job: Job, paths: list[Path], quiet: bool) -> Summary:
    """`debater run` over `paths` with the job, its progress on stderr unless `quiet`."""
    from debater.cli.progress import make_reporter
    from debater.engine import run_notes

    reporter = make_reporter(quiet)
    try:
        return run_notes(job, paths, reporter=reporter)
    finally:
        if reporter is not None:
            reporter.close()


def run_command(
    paths: list[Path], flags: Flags, *, dry_run: bool, json_out: bool, quiet: bool
) -> int:
    from debater.job import open_job

    with reported(json_out):
        root = require_paths(paths)
        settings = settings_for(root, flags)
        if dry_run:
            from debater.estimate import estimate_run

            return _print_estimate(estimate_run(paths, settings, root), json_out)
        if settings.batch:
            from debater.cli.batches import run_in_batches

            summary = run_in_batches(settings, root, paths, quiet=quiet)
        else:
            with open_job(settings, root) as job:
                summary = run_notes_shown(job, paths, quiet)
        if json_out:
            emit(summary.model_dump_json())
        else:
            _print_summary(summary)
        if summary.interrupted:
            return INTERRUPTED
        return FAILED if summary.failed else OK


def _print_summary(summary: Summary) -> None:
    for skipped in summary.skipped:
        say(f"skipped {skipped.path}: {skipped.reason}")
    for failed in summary.failed:
        say(f"failed {failed.path}: {failed.error}")
    if summary.orphans:
        say(
            f"{len(summary.orphans)} sidecar(s) have no note any more (e.g. "
            f"{summary.orphans[0]}); --prune removes them"
        )
    if summary.pruned:
        say(f"removed {len(summary.pruned)} sidecar(s) whose note is gone")
    line = (
        f"{summary.notes} note(s): {summary.written} written, {summary.up_to_date} up to date, "
        f"{len(summary.failed)} failed, {len(summary.skipped)} skipped; "
        f"{summary.stances} stances, {summary.perspectives} perspectives; "
        f"{summary.requests} requests, {summary.cache_hits} cache hits; "
        f"tokens: {summary.input_tokens} in, {summary.output_tokens} out"
        f"{_token_details(summary)}{_batch_details(summary)}; {summary.elapsed_s:.1f}s"
    )
    if summary.interrupted:
        line = "interrupted; rerun to finish (finished calls are cached). " + line
    emit(line)


def _token_details(summary: Summary) -> str:
    """The prompt-cache and thinking parts of the token counts, when there are any."""
    parts = []
    if summary.cache_read_tokens or summary.cache_write_tokens:
        parts.append(
            f"{summary.cache_read_tokens} read from and {summary.cache_write_tokens} written "
            "to the prompt cache"
        )
    if summary.thinking_tokens:
        parts.append(f"{summary.thinking_tokens} of the output thinking")
    return f" ({'; '.join(parts)})" if parts else ""


def _batch_details(summary: Summary) -> str:
    """Batches sent and what the answers cost at the batch price (batch mode only)."""
    if not summary.batches and summary.cost_usd is None:
        return ""
    price = f", ~${summary.cost_usd:.4f} at the batch price" if summary.cost_usd else ""
    waiting = f", {summary.waiting} note(s) waiting for them" if summary.waiting else ""
    return f"; {summary.batches} batch(es) sent{price}{waiting}"


def _print_estimate(estimate: Estimate, json_out: bool) -> int:
    emit(estimate.model_dump_json() if json_out else estimate.describe())
    return OK


def _with_job(
    root: Path | None, flags: Flags, body: Callable[[Job], int], *, json_out: bool = False
) -> int:
    """Run `body` with a job for the notes under `root`; with no notes folder (None), the
    cache is the user's cache folder unless --cache-dir says otherwise."""
    from debater.job import open_job

    with reported(json_out), open_job(_own_cache(settings_for(root, flags), root), root) as job:
        return body(job)


def _own_cache(settings: Settings, root: Path | None) -> Settings:
    """Settings that cache in the user's cache folder when there is no notes folder."""
    from debater.job import user_cache

    if root is not None or settings.cache_dir is not None:
        return settings
    return settings.model_copy(update={"cache_dir": user_cache()})


def stances_command(note: Path, flags: Flags, *, json_out: bool) -> int:
    from debater.errors import NoteError
    from debater.llm.usage import Meter
    from debater.notes.discover import existing
    from debater.pipeline import extract, prepare

    def body(job: Job) -> int:
        try:
            prepared = prepare(note, job.settings.language)
        except NoteError as e:
            say(f"{note}: {e}")
            return FAILED
        found = extract(job, prepared, Meter())
        if json_out:
            records = [s.model_dump(mode="json") for s in found]
            emit(json.dumps(records, ensure_ascii=False, indent=2))
        else:
            _stance_table(found)
        return OK

    if not existing(note) or note.is_dir():
        return _usage(f"{note}: no such note", json_out)
    return _with_job(note.resolve().parent, flags, body, json_out=json_out)


def passages_command(note: Path, *, json_out: bool) -> int:
    from debater.errors import NoteError
    from debater.notes.discover import existing
    from debater.notes.passages import passages_view

    if not existing(note) or note.is_dir():
        return _usage(f"{note}: no such note", json_out)
    try:
        view = passages_view(note)
    except NoteError as e:
        return _usage(f"{note}: {e}", json_out)
    if json_out:
        emit(json.dumps(view, ensure_ascii=False, indent=2))
    else:
        _passage_table(view)
    return OK


def _passage_table(view: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{view['title']} ({view['note']})", show_lines=True)
    for column in ("id", "kind", "lines", "section / parent", "text"):
        table.add_column(column, overflow="fold")
    for p in view["passages"]:
        first, last = p["lines"]
        place = " › ".join(p["section"]) + (f"\n↳ {p['parent']}" if p["parent"] else "")
        span = str(first) if first == last else f"{first}–{last}"
        table.add_row(p["id"], p["kind"], span, place, p["text"])
    Console(markup=False).print(table)


def _usage(message: str, json_out: bool) -> int:
    with reported(json_out):
        raise UsageError(message)
    return USAGE  # pragma: no cover - reported() always exits


def _stance_table(found: list[Stance]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("#", "lines", "position", "strength", "topics", "claim", show_lines=False)
    for number, s in enumerate(found, 1):
        lines = f"{s.lines[0]}-{s.lines[1]}"
        table.add_row(str(number), lines, s.position, s.strength, ", ".join(s.topics), s.claim)
    Console(soft_wrap=False, markup=False).print(table)
    if not found:
        say("no stances found")


def perspectives_command(claim: str, flags: Flags, *, json_out: bool) -> int:
    from debater.claim import claim_result
    from debater.outputs.markdown import render_markdown

    claim = claim.strip()
    if not claim:
        return _usage("the claim is empty; pass it in quotes or pipe it with `-`", json_out)

    def body(job: Job) -> int:
        result = claim_result(job, claim)
        stance = result.stances[0]
        if stance.error:
            say(stance.error)
            return FAILED
        emit(result.model_dump_json(indent=2) if json_out else render_markdown(result))
        return OK

    return _with_job(None, flags, body, json_out=json_out)


def discuss_command(target: str, flags: Flags, *, stance: str | None, rounds: int | None) -> int:
    """A discussion on a note's stance or a typed claim; `rounds` None means interactive."""
    from debater.discuss.terminal import run_discussion
    from debater.notes.discover import note_or_claim

    note = note_or_claim(target)
    root = note.resolve().parent if note is not None else None
    with reported():
        settings = _own_cache(settings_for(root, flags), root)
        try:
            return run_discussion(settings, root, target, stance=stance, rounds=rounds, say=say)
        except KeyboardInterrupt:
            return INTERRUPTED
        except OSError as e:
            say(f"cannot save the discussion: {e}")
            return FAILED


def backends_command(base_url: str | None, lc_model: str | None, *, json_out: bool) -> int:
    from debater.backends.base import BackendOptions
    from debater.backends.registry import backend_specs, backend_status

    options = BackendOptions(base_url=base_url, lc_model=lc_model)
    rows = [(name, backend_status(name, options)) for name in backend_specs()]
    if json_out:
        emit(json.dumps([{"name": n, **s.model_dump()} for n, s in rows], indent=2))
        return OK
    width = max(len(n) for n, _ in rows)
    for name, status in rows:
        mark = "ready" if status.ready else "not ready"
        emit(f"{name:<{width}}  {mark:<9}  {status.detail}")
    return OK


def _cache_folder(folder: Path, cache_dir: Path | None) -> Path:
    """The cache of the notes in `folder` (which must exist), or `--cache-dir`."""
    from debater.job import cache_location
    from debater.notes.discover import is_folder

    with reported():
        if not is_folder(folder):
            raise UsageError(f"{folder}: no such folder (give the notes folder, or --cache-dir)")
        settings = settings_for(folder.resolve(), {"cache_dir": cache_dir})
        return cache_location(settings, folder.resolve())


def cache_info_command(folder: Path, cache_dir: Path | None, *, json_out: bool) -> int:
    from debater.cache import cache_info

    info = cache_info(_cache_folder(folder, cache_dir))
    if json_out:
        emit(info.model_dump_json())
    else:
        emit(f"{info.directory}: {info.entries} answers, {info.bytes / 1024:.1f} KiB")
    return OK


def cache_clear_command(folder: Path, cache_dir: Path | None) -> int:
    from debater.cache import clear_cache

    directory = _cache_folder(folder, cache_dir)
    emit(f"removed {clear_cache(directory)} cached answers from {directory}")
    return OK


def prompts_show_command(name: str, prompts_dir: Path | None) -> int:
    from debater.llm.prompts import load_prompt

    with reported():
        prompt = load_prompt(name, prompts_dir)
        say(f"{prompt.source} (version {prompt.version})")
        emit(Path(prompt.source).read_text(encoding="utf-8"))
    return OK
