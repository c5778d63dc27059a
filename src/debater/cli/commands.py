"""What each CLI command does: settings in, library call, results on stdout, messages on stderr.

Returns exit codes: 0 done, 1 some notes failed, 2 usage or configuration errors, 130 interrupted.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from debater.errors import DebaterError, RunStoppingError, UsageError

OK, FAILED, USAGE, INTERRUPTED = 0, 1, 2, 130


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


def run_command(
    paths: list[Path], flags: dict[str, Any], *, dry_run: bool, json_out: bool, quiet: bool
) -> int:
    from debater.cli.progress import make_reporter
    from debater.engine import run_notes
    from debater.job import open_job
    from debater.notes.discover import notes_root

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        say(f"no such file or folder: {', '.join(missing)}")
        return USAGE
    with reported(json_out):
        root = notes_root(paths)
        settings = _load(root, flags)
        if dry_run:
            from debater.estimate import estimate_run

            return _print_estimate(estimate_run(paths, settings, root), json_out)
        job = open_job(settings, root)
        reporter = make_reporter(quiet)
        try:
            summary = run_notes(
                job,
                paths,
                include=settings.include,
                exclude=settings.exclude,
                formats=settings.formats,
                concurrency=settings.concurrency,
                force=settings.force,
                reporter=reporter,
            )
        finally:
            if reporter is not None:
                reporter.close()
            job.backend.close()
        if json_out:
            emit(summary.model_dump_json())
        else:
            _print_summary(summary)
        if summary.interrupted:
            return INTERRUPTED
        return FAILED if summary.failed else OK


def _load(root: Path, flags: dict[str, Any]) -> Any:
    from debater.config import load_settings

    return load_settings(root, flags)


def _print_summary(summary: Any) -> None:
    for item in summary.skipped:
        say(f"skipped {item.path}: {item.reason}")
    for item in summary.failed:
        say(f"failed {item.path}: {item.error}")
    line = (
        f"{summary.notes} note(s): {summary.written} written, {summary.up_to_date} up to date, "
        f"{len(summary.failed)} failed, {len(summary.skipped)} skipped; "
        f"{summary.stances} stances, {summary.perspectives} perspectives; "
        f"{summary.requests} requests, {summary.cache_hits} cache hits; "
        f"tokens: {summary.input_tokens} in, {summary.output_tokens} out"
        f"{_token_details(summary)}; {summary.elapsed_s:.1f}s"
    )
    if summary.interrupted:
        line = "interrupted; rerun to finish (finished calls are cached). " + line
    emit(line)


def _token_details(summary: Any) -> str:
    """The prompt-cache and thinking parts of the token counts, when there are any."""
    parts = [
        f"{summary.cache_read_tokens} read from and {summary.cache_write_tokens} written to "
        "the prompt cache"
        if summary.cache_read_tokens or summary.cache_write_tokens
        else "",
        f"{summary.thinking_tokens} of the output thinking" if summary.thinking_tokens else "",
    ]
    shown = [p for p in parts if p]
    return f" ({'; '.join(shown)})" if shown else ""


def _print_estimate(estimate: Any, json_out: bool) -> int:
    if json_out:
        emit(estimate.model_dump_json())
    else:
        emit(estimate.describe())
    return OK


def _with_job(
    folder: Path, flags: dict[str, Any], body: Callable[[Any], int], *, notes: bool = True
) -> int:
    """Run `body` with a job for `folder`; without `notes`, cache in the user's cache folder."""
    from debater.job import open_job, user_cache

    with reported():
        settings = _load(folder, flags)
        if not notes and settings.cache_dir is None:
            settings = settings.model_copy(update={"cache_dir": user_cache()})
        job = open_job(settings, folder)
        try:
            return body(job)
        finally:
            job.backend.close()


def stances_command(note: Path, flags: dict[str, Any], *, json_out: bool) -> int:
    from debater.errors import NoteError
    from debater.llm.structured import Meter
    from debater.pipeline import extract, prepare

    def body(job: Any) -> int:
        try:
            prepared = prepare(note, job.options.language)
        except NoteError as e:
            say(f"{note}: {e}")
            return FAILED
        found = extract(job, prepared, Meter())
        if json_out:
            emit(
                json.dumps([s.model_dump(mode="json") for s in found], ensure_ascii=False, indent=2)
            )
        else:
            _stance_table(found)
        return OK

    return _with_job(note.resolve().parent, flags, body)


def _stance_table(found: list[Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("#", "lines", "position", "strength", "claim", show_lines=False)
    for number, s in enumerate(found, 1):
        lines = f"{s.lines[0]}-{s.lines[1]}"
        table.add_row(str(number), lines, s.position, s.strength, s.claim)
    Console(soft_wrap=False).print(table)
    if not found:
        say("no stances found")


def perspectives_command(claim: str, flags: dict[str, Any], *, json_out: bool) -> int:
    from debater.claim import claim_result
    from debater.outputs.markdown import render_markdown

    claim = claim.strip()
    if not claim:
        say("the claim is empty; pass it in quotes or pipe it with `-`")
        return USAGE

    def body(job: Any) -> int:
        result = claim_result(job, claim)
        stance = result.stances[0]
        if stance.error:
            say(stance.error)
            return FAILED
        emit(result.model_dump_json(indent=2) if json_out else render_markdown(result))
        return OK

    return _with_job(Path.cwd(), flags, body, notes=False)


def discuss_command(
    target: str, flags: dict[str, Any], *, stance: str | None, rounds: int | None
) -> int:
    """A discussion on a note's stance or a typed claim; `rounds` None means interactive."""
    from debater.discuss.session import DiscussPrompts
    from debater.discuss.terminal import run_discussion
    from debater.job import open_job

    path = Path(target)
    root = path.resolve().parent if path.is_file() else Path.cwd()
    with reported():
        settings = _load(root, flags)
        prompts = DiscussPrompts.load(settings.prompts_dir)
        job = open_job(settings, root)
        try:
            run_discussion(job, prompts, target, stance=stance, rounds=rounds, say=say)
        except OSError as e:
            say(f"cannot save the discussion: {e}")
            return FAILED
        finally:
            job.backend.close()
    return OK


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
    from debater.job import cache_dir as resolve

    with reported():
        settings = _load(folder.resolve(), {"cache_dir": cache_dir})
        return resolve(settings, folder.resolve())


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
