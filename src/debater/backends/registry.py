"""Backend names to classes: the built-ins, plus plug-ins in the `debater.backends` entry points."""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points

from debater.backends.base import Backend, BackendOptions, BackendStatus
from debater.errors import UsageError

ENTRY_POINT_GROUP = "debater.backends"
BUILTIN = {
    "mock": "debater.backends.mock:MockBackend",
    "anthropic": "debater.backends.anthropic:AnthropicBackend",
    "openai": "debater.backends.openai:OpenAIBackend",
    "ollama": "debater.backends.openai:OllamaBackend",
    "langchain": "debater.backends.langchain:LangChainBackend",
}


def backend_specs() -> dict[str, str]:
    """Every known backend name with its `module:Class`; built-ins win over plug-ins."""
    specs = {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}
    specs.update(BUILTIN)
    return specs


def backend_class(name: str) -> type[Backend]:
    """Import the class behind a backend name (this is where SDKs start to load)."""
    specs = backend_specs()
    if name not in specs:
        raise UsageError(f"unknown backend {name!r}; choose one of: {', '.join(sorted(specs))}")
    module_name, _, attr = specs[name].partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as e:
        raise UsageError(f"backend {name!r} ({specs[name]}) cannot be loaded: {e}") from None
    if not (isinstance(cls, type) and issubclass(cls, Backend)):
        raise UsageError(f"backend {name!r} ({specs[name]}) is not a debater Backend class")
    return cls


def create_backend(name: str, options: BackendOptions) -> Backend:
    return backend_class(name)(options)  # type: ignore[call-arg]


def backend_status(name: str, options: BackendOptions) -> BackendStatus:
    """Whether a backend is usable now: package importable, credentials or server present."""
    try:
        return backend_class(name).status(options)
    except UsageError as e:
        return BackendStatus(ready=False, detail=str(e))
