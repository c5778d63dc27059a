"""The command line: thin typer commands over the library. Heavy imports live inside commands."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from debater import __version__
from debater.cli.batches import batches_app

app = typer.Typer(
    help="Find the stances in your notes and see the strongest case for and against each.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
cache_app = typer.Typer(help="Inspect or clear the on-disk cache of model answers.")
prompts_app = typer.Typer(help="Show the prompt templates in effect.")
app.add_typer(cache_app, name="cache")
app.add_typer(prompts_app, name="prompts")
app.add_typer(batches_app, name="batches")

Backend = Annotated[
    str | None,
    typer.Option(
        "--backend",
        "-b",
        help="mock, anthropic, openai, ollama, langchain, or a plug-in [env DEBATER_BACKEND].",
    ),
]
Model = Annotated[str | None, typer.Option("--model", "-m", help="Model id [env DEBATER_MODEL].")]
BaseUrl = Annotated[
    str | None, typer.Option("--base-url", help="Server URL, e.g. http://127.0.0.1:8000/v1.")
]
PerSide = Annotated[
    int | None, typer.Option("--per-side", "-n", help="Perspectives per side [default 3].")
]
Language = Annotated[
    str | None, typer.Option("--language", help="Answer language: auto, en, zh, zh-en, ...")
]
CacheDir = Annotated[
    Path | None, typer.Option("--cache-dir", help="Cache folder [default NOTES/.debater/cache].")
]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")]
PromptsDir = Annotated[
    Path | None, typer.Option("--prompts-dir", help="Folder whose NAME.md files override prompts.")
]
LcModel = Annotated[
    str | None, typer.Option("--lc-model", help="LangChain chat model as package.module:Class.")
]
LcKwargs = Annotated[
    str | None, typer.Option("--lc-kwargs", help="JSON keyword arguments for --lc-model.")
]
JsonOut = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]
Timeout = Annotated[
    float | None,
    typer.Option("--timeout", help="Seconds to wait for one answer [default 600]."),
]
Effort = Annotated[
    str | None,
    typer.Option(
        "--effort",
        help="How hard a thinking model thinks: low, medium, high [default: per step].",
    ),
]
Temperature = Annotated[
    float | None,
    typer.Option(
        "--temperature",
        help="Sampling temperature, for models that take one [default: 0.2 on Ollama].",
    ),
]
ContextWindow = Annotated[
    int | None,
    typer.Option(
        "--context-window",
        help="Tokens the model's window holds [default: known model, server, or 4096 on Ollama].",
    ),
]
Concurrency = Annotated[
    int | None, typer.Option("--concurrency", "-j", help="Calls at once [default 8].")
]
Include = Annotated[
    list[str] | None, typer.Option("--include", metavar="GLOB", help="Only these globs.")
]
Exclude = Annotated[
    list[str] | None, typer.Option("--exclude", metavar="GLOB", help="Skip these globs.")
]
Overwrite = Annotated[
    bool, typer.Option("--overwrite", help="Replace same-named files debater did not write.")
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")]


# Parameters of commands that are not settings (every other parameter is a Settings field of
# the same name; tests/test_cli.py checks it, so a renamed option cannot drop out silently).
COMMAND_ONLY = frozenset(
    {"paths", "note", "claim", "target", "stance", "auto", "rounds", "dry_run", "json_out"}
    | {"quiet", "folder", "yes", "name", "version", "write", "run_first", "no_tensions", "output"}
    | {"batch_id", "ctx"}
)
TRISTATE = frozenset({"batch"})  # --no-batch is kept: it must win over `batch = true` in a file


def _flags(values: dict[str, Any]) -> dict[str, Any]:
    """The options that are settings; one left unset (None, or a False switch) defers to the
    environment and the config file."""
    from debater.config import Settings

    return {
        k: v
        for k, v in values.items()
        if k in Settings.model_fields and v is not None and (v is not False or k in TRISTATE)
    }


class _Command(TyperCommand):
    """Usage lines as people write them: `PATH...`, not `{PATH}...`."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces: list[str] = super().collect_usage_pieces(ctx)
        return [p.replace("{", "").replace("}", "") for p in pieces]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"debater {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """debater reads notes, finds each stance the author takes, and writes the strongest
    supporting and opposing perspectives beside each note."""
    _show_notices()


class _Notices(logging.Handler):
    """The library's warnings, as `debater: ...` lines on whatever stderr is now."""

    def emit(self, record: logging.LogRecord) -> None:
        print(f"debater: {record.getMessage()}", file=sys.stderr, flush=True)


def _show_notices() -> None:
    logger = logging.getLogger("debater")
    if not any(isinstance(h, _Notices) for h in logger.handlers):
        logger.addHandler(_Notices(logging.WARNING))
        logger.setLevel(logging.WARNING)


@app.command(cls=_Command)
def run(
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="PATH", help="Notes and folders (searched recursively)."),
    ],
    backend: Backend = None,
    model: Model = None,
    base_url: BaseUrl = None,
    per_side: PerSide = None,
    language: Language = None,
    depth: Annotated[
        int | None, typer.Option("--depth", help="2 or 3 adds rebuttal rounds [default 1].")
    ] = None,
    concurrency: Concurrency = None,
    rpm: Annotated[int | None, typer.Option("--rpm", help="Limit requests per minute.")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Redo notes whose sidecars are current.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count notes, calls, tokens and cost; send nothing.")
    ] = False,
    no_cache: NoCache = False,
    cache_dir: CacheDir = None,
    formats: Annotated[str | None, typer.Option("--format", help="Sidecars: md,json.")] = None,
    include: Include = None,
    exclude: Exclude = None,
    prompts_dir: PromptsDir = None,
    lc_model: LcModel = None,
    lc_kwargs: LcKwargs = None,
    effort: Effort = None,
    temperature: Temperature = None,
    context_window: ContextWindow = None,
    timeout: Timeout = None,
    structured: Annotated[
        str | None,
        typer.Option("--structured", help="native (JSON schema) or tool (forced tool use)."),
    ] = None,
    prices_file: Annotated[
        Path | None, typer.Option("--prices", help="Price table (TOML) for --dry-run costs.")
    ] = None,
    max_note_size: Annotated[
        int | None,
        typer.Option("--max-note-size", help="Skip notes over this many bytes [default 1 MB]."),
    ] = None,
    follow_links: Annotated[
        bool,
        typer.Option("--follow-links", help="Read notes that links lead to outside the PATHs."),
    ] = False,
    overwrite: Overwrite = False,
    prune: Annotated[
        bool, typer.Option("--prune", help="Remove sidecars whose note is gone.")
    ] = False,
    batch: Annotated[
        bool | None,
        typer.Option("--batch/--no-batch", help="Through the provider's batch API: half price."),
    ] = None,
    no_wait: Annotated[
        bool, typer.Option("--no-wait", help="With --batch: submit, show how to collect, exit.")
    ] = False,
    batch_retry_live: Annotated[
        bool, typer.Option("--batch-retry-live", help="With --batch: re-ask failed items live.")
    ] = False,
    poll_interval: Annotated[
        float | None,
        typer.Option("--poll-interval", help="With --batch: seconds to the first poll [30]."),
    ] = None,
    json_out: JsonOut = False,
    quiet: Quiet = False,
) -> None:
    """Write STEM.perspectives.md and .json beside every note under the PATHs."""
    from debater.cli.commands import run_command

    code = run_command(
        paths,
        _flags(locals()),
        dry_run=dry_run,
        json_out=json_out,
        quiet=quiet,
    )
    raise typer.Exit(code)


@app.command()
def stances(
    note: Annotated[Path, typer.Argument(metavar="NOTE", help="The note to read.")],
    backend: Backend = None,
    model: Model = None,
    base_url: BaseUrl = None,
    language: Language = None,
    no_cache: NoCache = False,
    cache_dir: CacheDir = None,
    prompts_dir: PromptsDir = None,
    lc_model: LcModel = None,
    lc_kwargs: LcKwargs = None,
    effort: Effort = None,
    temperature: Temperature = None,
    context_window: ContextWindow = None,
    timeout: Timeout = None,
    json_out: JsonOut = False,
) -> None:
    """List the stances in NOTE (numbered as `discuss --stance N` takes them)."""
    from debater.cli.commands import stances_command

    flags = _flags(locals())
    raise typer.Exit(stances_command(note, flags, json_out=json_out))


@app.command()
def passages(
    note: Annotated[Path, typer.Argument(metavar="NOTE", help="The note to read.")],
    json_out: JsonOut = False,
) -> None:
    """Show NOTE's passages exactly as the model sees them: ids, kinds, lines, sections, parents."""
    from debater.cli.commands import passages_command

    raise typer.Exit(passages_command(note, json_out=json_out))


@app.command()
def perspectives(
    claim: Annotated[str, typer.Argument(help='A claim in quotes, or "-" to read it from stdin.')],
    backend: Backend = None,
    model: Model = None,
    base_url: BaseUrl = None,
    per_side: PerSide = None,
    language: Language = None,
    no_cache: NoCache = False,
    cache_dir: CacheDir = None,
    prompts_dir: PromptsDir = None,
    lc_model: LcModel = None,
    lc_kwargs: LcKwargs = None,
    effort: Effort = None,
    temperature: Temperature = None,
    context_window: ContextWindow = None,
    timeout: Timeout = None,
    json_out: JsonOut = False,
) -> None:
    """Print Markdown with the strongest perspectives for and against CLAIM.

    Answers are cached in the user's cache folder (--cache-dir to choose another).
    """
    from debater.cli.commands import perspectives_command

    text = sys.stdin.read() if claim == "-" else claim
    flags = _flags(locals())
    raise typer.Exit(perspectives_command(text, flags, json_out=json_out))


@app.command()
def discuss(
    target: Annotated[
        str,
        typer.Argument(
            metavar="NOTE_OR_CLAIM", help="A note, or a claim in quotes (not an existing file)."
        ),
    ],
    stance: Annotated[
        str | None,
        typer.Option("--stance", "-s", help="Stance number as `debater stances` lists it, or id."),
    ] = None,
    auto: Annotated[
        bool, typer.Option("--auto", help="The model plays both sides; no input is read.")
    ] = False,
    rounds: Annotated[int, typer.Option("--rounds", min=1, max=50, help="Rounds for --auto.")] = 3,
    backend: Backend = None,
    model: Model = None,
    base_url: BaseUrl = None,
    language: Language = None,
    no_cache: NoCache = False,
    cache_dir: CacheDir = None,
    prompts_dir: PromptsDir = None,
    lc_model: LcModel = None,
    lc_kwargs: LcKwargs = None,
    effort: Effort = None,
    temperature: Temperature = None,
    context_window: ContextWindow = None,
    timeout: Timeout = None,
) -> None:
    """Argue a stance out with the model; the session is appended to STEM.discussion.md.

    The model argues against the stance, one point at a time. Type your replies; /switch makes
    it take your side, /steelman asks for your position at its strongest, /summary sums up so
    far, /quit (or the end of the input) ends and saves the session with a closing summary.
    Discussing the same stance again resumes the thread. Without --stance you pick one (with
    --auto, every stance is discussed). A claim's sessions go to
    ./discussion-<slug>.discussion.md.
    """
    from debater.cli.commands import discuss_command

    flags = _flags(locals())
    code = discuss_command(target, flags, stance=stance, rounds=rounds if auto else None)
    raise typer.Exit(code)


@app.command()
def backends(
    base_url: BaseUrl = None,
    lc_model: LcModel = None,
    json_out: JsonOut = False,
) -> None:
    """List every backend and whether it is ready to use (no secret is ever shown)."""
    from debater.cli.commands import backends_command

    raise typer.Exit(backends_command(base_url, lc_model, json_out=json_out))


@app.command()
def schema() -> None:
    """Print the JSON Schema of the .perspectives.json sidecar."""
    from debater.outputs.sidecars import schema_text

    typer.echo(schema_text(), nl=False)


@cache_app.command("info")
def cache_info_cmd(
    folder: Annotated[Path, typer.Argument(help="The notes folder.")] = Path("."),
    cache_dir: CacheDir = None,
    json_out: JsonOut = False,
) -> None:
    """Show where the cache is, how many answers it holds and its size."""
    from debater.cli.commands import cache_info_command

    raise typer.Exit(cache_info_command(folder, cache_dir, json_out=json_out))


@cache_app.command("clear")
def cache_clear_cmd(
    folder: Annotated[Path, typer.Argument(help="The notes folder.")] = Path("."),
    cache_dir: CacheDir = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete every cached answer (the next run pays for its calls again)."""
    from debater.cli.commands import cache_clear_command

    if not yes and not typer.confirm("Delete every cached answer?"):
        raise typer.Abort()
    raise typer.Exit(cache_clear_command(folder, cache_dir))


@prompts_app.command("show")
def prompts_show(
    name: Annotated[
        str, typer.Argument(help="extract, debate, reply, discuss, summary, repair or tensions.")
    ],
    prompts_dir: PromptsDir = None,
) -> None:
    """Print the prompt template in effect (after any --prompts-dir override)."""
    from debater.cli.commands import prompts_show_command

    raise typer.Exit(prompts_show_command(name, prompts_dir))


from debater.cli import vault  # noqa: E402  (its commands take the options declared above)

app.command(cls=_Command)(vault.tensions)
app.command(cls=_Command)(vault.report)


def main() -> None:
    """Console-script entry point."""
    app()
