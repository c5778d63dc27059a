"""Settings: flags > DEBATER_* environment > config file > defaults. No secret is ever stored."""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from debater.errors import UsageError

CONFIG_FILE = "debater.toml"
ENV_PREFIX = "DEBATER_"
FORMATS = ("md", "json")


class Settings(BaseModel):
    """Everything a run can be told. Field names double as config-file keys and env suffixes."""

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
    lc_kwargs: dict[str, Any] = Field(default_factory=dict)
    cache_dir: Path | None = None
    no_cache: bool = False
    prompts_dir: Path | None = None
    formats: tuple[str, ...] = FORMATS
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    force: bool = False
    prices_file: Path | None = None

    @field_validator("formats", mode="before")
    @classmethod
    def _split_formats(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        unknown = set(value) - set(FORMATS)
        if unknown or not value:
            raise ValueError(f"formats must be a comma list of {', '.join(FORMATS)}")
        return tuple(value)

    @field_validator("lc_kwargs", mode="before")
    @classmethod
    def _parse_kwargs(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value or "{}")
            except json.JSONDecodeError as e:
                raise ValueError(f"lc_kwargs must be a JSON object: {e}") from None
        return value


def read_config_file(root: Path) -> dict[str, Any]:
    """`debater.toml` in the notes folder, else `[tool.debater]` of its `pyproject.toml`."""
    for name, table in ((CONFIG_FILE, ()), ("pyproject.toml", ("tool", "debater"))):
        path = root / name
        if not path.is_file():
            continue
        try:
            data: Any = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as e:
            raise UsageError(f"cannot read {path}: {e}") from None
        for key in table:
            data = data.get(key, {}) if isinstance(data, dict) else {}
        if data:
            return {k.replace("-", "_"): v for k, v in data.items()}
    return {}


def read_env(environ: Mapping[str, str]) -> dict[str, Any]:
    """DEBATER_* variables that name a setting."""
    values: dict[str, Any] = {}
    for name in Settings.model_fields:
        raw = environ.get(ENV_PREFIX + name.upper())
        if raw is not None and raw != "":
            values[name] = raw
    if "no_cache" in values:
        values["no_cache"] = values["no_cache"].lower() in {"1", "true", "yes", "on"}
    return values


def load_settings(
    root: Path, flags: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> Settings:
    """Merge the sources in precedence order; flags set to None count as not given."""
    merged: dict[str, Any] = {}
    merged.update(read_config_file(root))
    merged.update(read_env(os.environ if environ is None else environ))
    merged.update({k: v for k, v in flags.items() if v is not None})
    try:
        return Settings.model_validate(merged)
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors()
        )
        raise UsageError(f"invalid setting: {problems}") from None


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
