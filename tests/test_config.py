"""Settings precedence: flags > environment > config file > defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from debater.config import default_backend, load_settings
from debater.errors import UsageError


def test_defaults(tmp_path: Path) -> None:
    s = load_settings(tmp_path, {}, environ={})
    assert (s.per_side, s.language, s.concurrency, s.formats) == (3, "auto", 8, ("md", "json"))


def test_precedence(tmp_path: Path) -> None:
    (tmp_path / "debater.toml").write_text('backend = "mock"\nper_side = 2\nmodel = "file"\n')
    env = {"DEBATER_MODEL": "env", "DEBATER_PER_SIDE": "4"}
    s = load_settings(tmp_path, {"per_side": 5, "model": None}, environ=env)
    assert s.backend == "mock"  # only the file sets it
    assert s.model == "env"  # env beats file; a flag left as None does not count
    assert s.per_side == 5  # flag beats env


def test_pyproject_tool_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.debater]\nper-side = 1\nlanguage = "zh"\n')
    s = load_settings(tmp_path, {}, environ={})
    assert (s.per_side, s.language) == (1, "zh")


def test_bad_values_name_the_setting(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="per_side"):
        load_settings(tmp_path, {"per_side": 0}, environ={})
    with pytest.raises(UsageError, match="formats"):
        load_settings(tmp_path, {"formats": "md,pdf"}, environ={})
    with pytest.raises(UsageError, match="lc_kwargs"):
        load_settings(tmp_path, {"lc_kwargs": "{not json"}, environ={})


def test_broken_config_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "debater.toml").write_text("backend = \n")
    with pytest.raises(UsageError, match=r"debater\.toml"):
        load_settings(tmp_path, {}, environ={})


def test_default_backend_follows_credentials() -> None:
    assert default_backend({"ANTHROPIC_API_KEY": "k", "OPENAI_API_KEY": "k"}) == "anthropic"
    assert default_backend({"OPENAI_BASE_URL": "http://127.0.0.1:1/v1"}) == "openai"


def test_no_backend_names_every_option() -> None:
    with pytest.raises(UsageError) as e:
        default_backend({})
    for option in ("--backend mock", "ANTHROPIC_API_KEY", "OPENAI_API_KEY", "ollama", "langchain"):
        assert option in str(e.value)
