"""`debater tensions` and `debater report`: commands over a whole folder's sidecars.

They read what `debater run` wrote (`--run` runs it first); the library does the work
(`debater.tensions`, `debater.outputs.report`), the commands take options and print.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from debater.cli.app import (
    Backend,
    BaseUrl,
    CacheDir,
    Concurrency,
    ContextWindow,
    Effort,
    Exclude,
    Include,
    JsonOut,
    LcKwargs,
    LcModel,
    Model,
    NoCache,
    Overwrite,
    PromptsDir,
    Quiet,
    Temperature,
    Timeout,
    _flags,
)
from debater.cli.commands import (
    FAILED,
    INTERRUPTED,
    OK,
    Flags,
    emit,
    reported,
    require_paths,
    run_notes_shown,
    say,
    settings_for,
)

if TYPE_CHECKING:
    from debater.config import Settings
    from debater.job import Job
    from debater.records import Tension
    from debater.tensions import VaultTensions

Paths = Annotated[
    list[Path], typer.Argument(metavar="NOTES", help="Notes and folders (searched recursively).")
]
RunFirst = Annotated[
    bool, typer.Option("--run", help="Run `debater run` on the notes first (sidecars written).")
]
SHOWN_PENDING = 10  # notes without sidecars named on stderr; the rest are counted


def tensions(
    paths: Paths,
    write: Annotated[
        bool, typer.Option("--write", help="Save debater-tensions.md at the folder's root.")
    ] = False,
    run_first: RunFirst = False,
    backend: Backend = None,
    model: Model = None,
    base_url: BaseUrl = None,
    concurrency: Concurrency = None,
    no_cache: NoCache = False,
    cache_dir: CacheDir = None,
    prompts_dir: PromptsDir = None,
    lc_model: LcModel = None,
    lc_kwargs: LcKwargs = None,
    effort: Effort = None,
    temperature: Temperature = None,
    context_window: ContextWindow = None,
    timeout: Timeout = None,
    include: Include = None,
    exclude: Exclude = None,
    overwrite: Overwrite = False,
    json_out: JsonOut = False,
    quiet: Quiet = False,
) -> None:
    """List your own stances that contradict or pull against each other, across notes.

    Reads the stances `debater run` saved beside each note; stances that share a topic or a
    target claim are asked about together, one cached call per group.
    """
    flags = _flags(locals())
    code = tensions_command(
        paths, flags, write=write, run_first=run_first, quiet=quiet, json_out=json_out
    )
    raise typer.Exit(code)


def report(
    paths: Paths,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The HTML file to write, e.g. report.html.")
    ],
    run_first: RunFirst = False,
    no_tensions: Annotated[
        bool, typer.Option("--no-tensions", help="Leave tensions out (no backend is asked).")
    ] = False,
    backend: Backend = None,
    model: Model = None,
    base_url: BaseUrl = None,
    concurrency: Concurrency = None,
    no_cache: NoCache = False,
    cache_dir: CacheDir = None,
    prompts_dir: PromptsDir = None,
    lc_model: LcModel = None,
    lc_kwargs: LcKwargs = None,
    effort: Effort = None,
    temperature: Temperature = None,
    context_window: ContextWindow = None,
    timeout: Timeout = None,
    include: Include = None,
    exclude: Exclude = None,
    quiet: Quiet = False,
) -> None:
    """Write one self-contained HTML page to read every note's stances, both sides of each,
    and the tensions between them, offline."""
    flags = _flags(locals())
    code = report_command(
        paths, flags, output, run_first=run_first, quiet=quiet, tensions=not no_tensions
    )
    raise typer.Exit(code)


def tensions_command(
    paths: list[Path], flags: Flags, *, write: bool, run_first: bool, quiet: bool, json_out: bool
) -> int:
    from debater.job import open_job
    from debater.notes.discover import TENSIONS_FILE
    from debater.outputs.report import shown_root
    from debater.outputs.tensions_markdown import write_tensions
    from debater.tensions import find_tensions

    with reported(json_out):
        root = require_paths(paths)
        settings = settings_for(root, flags)
        with open_job(settings, root) as job:
            ran = _run_first(job, paths, quiet) if run_first else OK
            if ran == INTERRUPTED:
                return ran
            try:
                found = find_tensions(job, paths, settings.include, settings.exclude)
            except KeyboardInterrupt:
                say("interrupted; rerun to finish (the answers so far are cached)")
                return INTERRUPTED
        if write:
            where = Path(shown_root(paths))
            with _writing(where / TENSIONS_FILE):
                write_tensions(where, found.tensions, overwrite=settings.overwrite)
            say(f"wrote {where / TENSIONS_FILE}")
        if json_out:
            emit(tensions_json(found.tensions))
        else:
            _print_tensions(found.tensions)
        _tell(found)
        return FAILED if found.failed or ran != OK else OK


def report_command(
    paths: list[Path], flags: Flags, output: Path, *, run_first: bool, quiet: bool, tensions: bool
) -> int:
    """The report at `output`; with `tensions` False, no backend is asked (unless `run_first`)."""
    from debater.outputs.files import atomic_write
    from debater.outputs.report import build_report, collect_entries, shown_root
    from debater.tensions import tensions_in

    with reported():
        root = require_paths(paths)
        settings = settings_for(root, flags)
        with _job_for_report(settings, root) if run_first or tensions else nullcontext() as job:
            ran = _run_first(job, paths, quiet) if job and run_first else OK
            if ran == INTERRUPTED:
                return ran
            entries = collect_entries(paths, settings.include, settings.exclude).entries
            found = tensions_in(job, entries) if job and tensions else None
        shown = found.tensions if found else []
        title = f"debater: {Path(shown_root(paths)).name}"
        with _writing(output):
            atomic_write(output, build_report(entries, shown, title=title))
        stances = sum(len(e.result.stances) for e in entries if e.result)
        emit(f"wrote {output}: {len(entries)} notes, {stances} stances, {len(shown)} tensions")
        if found is None:
            _tell_pending([e.path for e in entries if e.result is None])
        else:
            _tell(found)
        return FAILED if ran != OK or (found and found.failed) else OK


@contextmanager
def _writing(what: Path) -> Iterator[None]:
    """A file that cannot be written is a clear error, not a traceback."""
    from debater.errors import UsageError

    try:
        yield
    except OSError as e:
        raise UsageError(f"cannot write {what}: {e.strerror or e}") from None


def _job_for_report(settings: Settings, root: Path) -> Job:
    """The job that asks for the tensions; with no backend set up, the error names the way
    to a report without them."""
    from debater.errors import UsageError
    from debater.job import open_job

    try:
        return open_job(settings, root)
    except UsageError as e:
        hint = "  --no-tensions                       a report without tensions, asking no backend"
        raise UsageError(f"{e}\n{hint}") from None


def _run_first(job: Job, paths: list[Path], quiet: bool) -> int:
    """`debater run` on the notes (progress on stderr unless `quiet`): OK, FAILED if some
    notes failed, INTERRUPTED."""
    summary = run_notes_shown(job, paths, quiet)
    for failed in summary.failed:
        say(f"failed {failed.path}: {failed.error}")
    if summary.interrupted:
        say("interrupted; rerun to finish (finished calls are cached)")
        return INTERRUPTED
    return FAILED if summary.failed else OK


def tensions_json(found: list[Tension]) -> str:
    """`{"tensions": [...]}`, each with its kind, explanation, question and stances."""
    import json

    data = {"tensions": [t.model_dump(mode="json") for t in found]}
    return json.dumps(data, ensure_ascii=False, indent=2)


def _print_tensions(found: list[Tension]) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(markup=False, highlight=False, soft_wrap=True)
    for number, t in enumerate(found, 1):
        console.print(Text.assemble((f"{number}. {t.kind}: ", "bold"), t.explanation))
        for s in t.stances:
            where = f"{s.note}:{s.lines[0]}-{s.lines[1]}" + (f" ({s.date})" if s.date else "")
            console.print(Text.assemble(f"   {where}, {s.position}, {s.strength}: ", s.claim))
        console.print(Text(f"   question: {t.question}", style="italic"))
    if not found:
        say("no tensions found")


def _tell(found: VaultTensions) -> None:
    """What was read and asked, on stderr; notes not yet run, groups that failed."""
    _tell_pending(found.pending)
    for failure in found.failed:
        say(f"failed to ask about {failure}")
    u = found.usage
    say(
        f"{found.notes} note(s), {found.stances} stances, {found.groups} groups: "
        f"{u.requests} requests, {u.cache_hits} cache hits; {len(found.tensions)} tensions"
    )


def _tell_pending(pending: list[str]) -> None:
    if not pending:
        return
    names = ", ".join(pending[:SHOWN_PENDING])
    more = f" and {len(pending) - SHOWN_PENDING} more" if len(pending) > SHOWN_PENDING else ""
    say(f"not yet run: {names}{more}: run `debater run` first or pass --run")
