"""Test-wide isolation: no real keys, no real home, no real provider."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from fakellm import FakeLLM

PROVIDER_VARS = (
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "ANTHROPIC_BASE_URL",
    "ANTHROPIC_PROFILE",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_ORG_ID",
    "OPENAI_PROJECT_ID",
)


TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding a distribution's metadata that registers the test backend "planned"
    in the `debater.backends` entry-point group, as a plug-in package would."""
    folder = tmp_path_factory.mktemp("plugins")
    info = folder / "debater_test_backends-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: debater-test-backends\n")
    (info / "entry_points.txt").write_text("[debater.backends]\nplanned = planned:PlannedBackend\n")
    return folder


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, plugin_path: Path) -> None:
    """Empty every provider key and point home and caches at a temporary folder."""
    for var in PROVIDER_VARS:
        monkeypatch.delenv(var, raising=False)
    for var in [v for v in os.environ if v.startswith("DEBATER_")]:
        monkeypatch.delenv(var)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.syspath_prepend(str(plugin_path))
    paths = [str(plugin_path), str(TESTS), os.environ.get("PYTHONPATH", "")]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in paths if p))


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    """A running fake Anthropic/OpenAI server on 127.0.0.1 answering through the mock backend."""
    with FakeLLM() as fake:
        yield fake
