"""Settings precedence: flags > environment > config file > defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from debater.config import default_backend, load_settings
from debater.errors import UsageError


def test_defaults(tmp_path: Path) -> None:
    s = load_settings(tmp_path, {})
    assert (s.per_side, s.language, s.concurrency, s.formats) == (3, "auto", 8, ("md", "json"))


def test_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "debater.toml").write_text('backend = "mock"\nper_side = 2\nmodel = "file"\n')
    monkeypatch.setenv("DEBATER_MODEL", "env")
    monkeypatch.setenv("DEBATER_PER_SIDE", "4")
    s = load_settings(tmp_path, {"per_side": 5, "model": None})
    assert s.backend == "mock"  # only the file sets it
    assert s.model == "env"  # env beats file; a flag left as None does not count
    assert s.per_side == 5  # flag beats env


def test_pyproject_tool_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.debater]\nper-side = 1\nlanguage = "zh"\n')
    s = load_settings(tmp_path, {})
    assert (s.per_side, s.language) == (1, "zh")


def test_bad_values_name_the_flag_variable_or_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(UsageError, match="--per-side"):
        load_settings(tmp_path, {"per_side": 0})
    with pytest.raises(UsageError, match="--format"):
        load_settings(tmp_path, {"formats": "md,pdf"})
    with pytest.raises(UsageError, match="--lc-kwargs"):
        load_settings(tmp_path, {"lc_kwargs": "{not json"})
    monkeypatch.setenv("DEBATER_CONCURRENCY", "lots")
    with pytest.raises(UsageError, match="DEBATER_CONCURRENCY"):
        load_settings(tmp_path, {})
    monkeypatch.delenv("DEBATER_CONCURRENCY")
    (tmp_path / "debater.toml").write_text("depth = 9\n")
    with pytest.raises(UsageError, match=r"depth in .*debater\.toml"):
        load_settings(tmp_path, {})


def test_list_settings_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEBATER_INCLUDE", "*.md,journal/*.txt")
    monkeypatch.setenv("DEBATER_FORMATS", "md")
    monkeypatch.setenv("DEBATER_NO_CACHE", "1")
    s = load_settings(tmp_path, {})
    assert s.include == ("*.md", "journal/*.txt") and s.formats == ("md",) and s.no_cache


def test_unknown_keys_in_the_file_are_errors_with_a_suggestion(tmp_path: Path) -> None:
    (tmp_path / "debater.toml").write_text('mdoel = "x"\n')
    with pytest.raises(UsageError, match=r"'mdoel'.*did you mean 'model'"):
        load_settings(tmp_path, {})
    (tmp_path / "debater.toml").write_text('format = "md"\n')
    with pytest.raises(UsageError, match="did you mean 'formats'"):
        load_settings(tmp_path, {})


def test_broken_config_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "debater.toml").write_text("backend = \n")
    with pytest.raises(UsageError, match=r"debater\.toml"):
        load_settings(tmp_path, {})


def test_default_backend_follows_credentials() -> None:
    assert default_backend({"ANTHROPIC_API_KEY": "k", "OPENAI_API_KEY": "k"}) == "anthropic"
    assert default_backend({"OPENAI_BASE_URL": "http://127.0.0.1:1/v1"}) == "openai"


def test_no_backend_names_every_option() -> None:
    with pytest.raises(UsageError) as e:
        default_backend({})
    for option in ("--backend mock", "ANTHROPIC_API_KEY", "OPENAI_API_KEY", "ollama", "langchain"):
        assert option in str(e.value)
