"""What a local OpenAI-compatible server says about the context window it runs a model with.

Asked once per run, with a short timeout; a server that does not say leaves the window unknown.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

# Ollama's default context below 24 GiB of VRAM (ollama docs/context-length.mdx); it can be
# larger on bigger machines, but a smaller assumption only costs more, smaller chunks.
OLLAMA_DEFAULT_WINDOW = 4096
PROBE_TIMEOUT = 1.0


def _get(url: str) -> Any:
    """The JSON at `url`, or None if the server does not answer it."""
    try:
        with urllib.request.urlopen(url, timeout=PROBE_TIMEOUT) as response:
            return json.loads(response.read())
    except (OSError, ValueError):
        return None


def _root(base_url: str) -> str:
    """The server's root: the base URL without its trailing `/v1`."""
    url = base_url.rstrip("/")
    return url[: -len("/v1")] if url.endswith("/v1") else url


def _same_model(name: str, model: str) -> bool:
    return name in (model, f"{model}:latest")


def ollama_window(base_url: str, model: str) -> int:
    """The context length `ollama ps` shows for the model if loaded, else Ollama's default."""
    running = _get(f"{_root(base_url)}/api/ps") or {}
    for entry in running.get("models") or []:
        if isinstance(entry, dict) and _same_model(str(entry.get("name") or ""), model):
            length = entry.get("context_length")
            if isinstance(length, int) and length > 0:
                return length
    return OLLAMA_DEFAULT_WINDOW


def reported_window(base_url: str, model: str) -> int | None:
    """The window a vLLM (`max_model_len`) or llama.cpp (`n_ctx`) server reports, if any."""
    listed = _get(f"{base_url.rstrip('/')}/models") or {}
    for entry in listed.get("data") or []:
        if isinstance(entry, dict) and entry.get("id") == model:
            length = entry.get("max_model_len")
            if isinstance(length, int) and length > 0:
                return length
    props = _get(f"{_root(base_url)}/props") or {}
    settings = props.get("default_generation_settings") or {}
    length = settings.get("n_ctx") if isinstance(settings, dict) else None
    return length if isinstance(length, int) and length > 0 else None
