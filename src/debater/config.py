"""Settings: flags > DEBATER_* environment > debater.toml or [tool.debater] > defaults.

Every field is a config-file key, an environment variable (DEBATER_ + its name in capitals) and,
for most, a command-line flag (`FLAGS` says which). Unknown keys are errors with a suggestion,
and an invalid value is reported with the flag, variable or file it came from. No secret is
ever a setting: keys are read by the backends from the provider's own variables.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from debater.errors import UsageError

CONFIG_FILE = "debater.toml"
ENV_PREFIX = "DEBATER_"
FORMATS = ("md", "json")
# Fields whose command-line flag is not --<name with dashes>.
FLAGS = {"formats": "--format", "prices_file": "--prices"}
_root: ContextVar[Path | None] = ContextVar("debater_config_root", default=None)
Strings = Annotated[tuple[str, ...], NoDecode]  # "a,b" in the environment, a list in TOML


class Settings(BaseSettings):
    """Everything a run can be told."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", frozen=True)

    backend: str | None = None
    model: str | None = None
    base_url: str | None = None
    per_side: int = Field(default=3, ge=1, le=8)
    language: str = "auto"
    depth: int = Field(default=1, ge=1, le=3)
    concurrency: int = Field(default=8, ge=1, le=256)
    rpm: int | None = Field(default=None, ge=1)
    max_retries: int = Field(default=4, ge=0, le=20)
    # A thinking model's answer can take minutes; the SDKs' own default is 600 s too.
    timeout: float = Field(default=600.0, gt=0)
    structured: Literal["native", "tool"] = "native"
    effort: Literal["low", "medium", "high"] | None = None
    temperature: float | None = Field(default=None, ge=0, le=2)
    context_window: int | None = Field(default=None, ge=512)
    lc_model: str | None = None
    lc_kwargs: Annotated[dict[str, Any], NoDecode] = Field(default_factory=dict)
    cache_dir: Path | None = None
    no_cache: bool = False
    prompts_dir: Path | None = None
    formats: Strings = FORMATS
    include: Strings = ()
    exclude: Strings = ()
    force: bool = False
    prices_file: Path | None = None
    max_note_size: int = Field(default=1_000_000, ge=1)  # bytes; bigger notes are skipped
    follow_links: bool = False  # read notes that links lead to outside the folders given
    overwrite: bool = False  # replace sidecars of the same name that debater did not write
    prune: bool = False  # remove sidecars whose note is gone
    batch: bool = False  # through the provider's batch API: half the price, answers within 24 h
    no_wait: bool = False  # batch mode: submit, then exit; a later `run --batch` collects
    batch_retry_live: bool = False  # batch mode: ask failed items as normal requests
    poll_interval: float = Field(default=30.0, gt=0)  # seconds to the first poll; it backs off

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Flags, then the environment, then the notes folder's config file if there is one."""
        root = _root.get()
        if root is None:
            return init_settings, env_settings
        return init_settings, env_settings, _file_source(settings_cls, root)

    @field_validator("formats", "include", "exclude", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(v.strip() for v in value.split(",") if v.strip())
        return tuple(value) if isinstance(value, list | tuple) else value

    @field_validator("formats")
    @classmethod
    def _known_formats(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value or set(value) - set(FORMATS):
            raise ValueError(f"must be a comma list of {', '.join(FORMATS)}")
        return value

    @field_validator("lc_kwargs", mode="before")
    @classmethod
    def _parse_kwargs(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value or "{}")
            except json.JSONDecodeError as e:
                raise ValueError(f"must be a JSON object: {e}") from None
        return value


def config_file(root: Path) -> Path | None:
    """`debater.toml` in the notes folder, else its `pyproject.toml` if it has [tool.debater]."""
    own = root / CONFIG_FILE
    if own.is_file():
        return own
    project = root / "pyproject.toml"
    if project.is_file() and "[tool.debater]" in _read(project):
        return project
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"cannot read {path}: {e}") from None


class _ConfigTable(PydanticBaseSettingsSource):
    """The settings table of a TOML file (the whole of debater.toml, or pyproject's
    [tool.debater]); keys may be written `per-side` as well as `per_side`."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path | None) -> None:
        super().__init__(settings_cls)
        files: Path | list[Path] = [] if path is None else path
        data: Any = TomlConfigSettingsSource(settings_cls, toml_file=files).toml_data
        if path is not None and path.name == "pyproject.toml":
            data = data.get("tool", {}).get("debater", {})
        self.data = {key.replace("-", "_"): value for key, value in data.items()}

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # every value comes from __call__

    def __call__(self) -> dict[str, Any]:
        return dict(self.data)


def _file_source(settings_cls: type[BaseSettings], root: Path) -> PydanticBaseSettingsSource:
    return _ConfigTable(settings_cls, config_file(root))


@contextmanager
def _reading(root: Path | None) -> Iterator[None]:
    token = _root.set(root)
    try:
        yield
    finally:
        _root.reset(token)


def load_settings(root: Path | None, flags: Mapping[str, Any]) -> Settings:
    """The settings for notes under `root`; flags set to None count as not given."""
    given = {k: v for k, v in flags.items() if v is not None}
    unknown = [k for k in given if k not in Settings.model_fields]
    if unknown:
        raise UsageError(f"unknown setting {unknown[0]!r}{_suggestion(unknown[0])}")
    try:
        with _reading(root):
            return Settings(**given)
    except ValidationError as e:
        raise UsageError(_explain(e, given, root)) from None
    except ValueError as e:  # the TOML file itself is broken
        path = config_file(root) if root else None
        raise UsageError(f"cannot read {path}: {e}") from None


def _suggestion(name: str) -> str:
    key = name.replace("-", "_").lower()
    aliases = {"format": "formats", "prices": "prices_file"}
    close = difflib.get_close_matches(key, list(Settings.model_fields), n=1, cutoff=0.6)
    guess = aliases.get(key) or (close[0] if close else None)
    return f"; did you mean {guess!r}?" if guess else ""


def _explain(error: ValidationError, flags: Mapping[str, Any], root: Path | None) -> str:
    """One line per problem, naming the flag, variable or file the bad value came from."""
    problems = []
    for err in error.errors():
        field = str(err["loc"][0]) if err["loc"] else ""
        if err["type"] == "extra_forbidden":
            where = config_file(root) if root else "the settings"
            problems.append(f"unknown key {field!r} in {where}{_suggestion(field)}")
            continue
        problems.append(f"{_origin(field, flags, root)}: {err['msg']}")
    return "invalid setting: " + "; ".join(problems)


def _origin(field: str, flags: Mapping[str, Any], root: Path | None) -> str:
    if field in flags:
        return FLAGS.get(field, "--" + field.replace("_", "-"))
    variable = ENV_PREFIX + field.upper()
    if os.environ.get(variable) is not None:
        return variable
    path = config_file(root) if root else None
    return f"{field} in {path}" if path else field


def default_backend(environ: Mapping[str, str]) -> str:
    """The backend to use when none is named: the first provider with credentials set."""
    if environ.get("ANTHROPIC_API_KEY") or environ.get("ANTHROPIC_AUTH_TOKEN"):
        return "anthropic"
    if environ.get("OPENAI_API_KEY") or environ.get("OPENAI_BASE_URL"):
        return "openai"
    raise UsageError(
        "no backend configured. Choose one of:\n"
        "  --backend mock                      offline placeholder perspectives, for a try\n"
        "  export ANTHROPIC_API_KEY=...        use Claude (or --backend anthropic)\n"
        "  export OPENAI_API_KEY=...           use OpenAI (or --backend openai)\n"
        "  --backend openai --base-url URL     an OpenAI-compatible server (vLLM, llama.cpp)\n"
        "  --backend ollama                    a local Ollama server\n"
        "  --backend langchain --lc-model package.module:Class   any LangChain chat model\n"
        "  DEBATER_BACKEND=... or `backend = ...` in debater.toml   set it once"
    )
