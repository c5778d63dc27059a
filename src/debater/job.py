"""From settings to a ready `Job`: the backend chosen, rate-limited and cached, prompts loaded."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from debater.backends.base import Backend, BackendOptions
from debater.backends.registry import create_backend
from debater.cache import CachedBackend
from debater.config import Settings, default_backend
from debater.llm.prompts import Prompts
from debater.llm.requests import Tuning
from debater.ratelimit import RateLimitedBackend

log = logging.getLogger(__name__)
WINDOW_SHARE = 0.85  # of a known context window, the rest a margin for our token estimate


@dataclass
class Job:
    """A backend with the prompts and settings of one run, shared by every note.

    A context manager: leaving it closes the backend (its connections and its cache).
    """

    backend: Backend
    prompts: Prompts = field(default_factory=Prompts.load)
    settings: Settings = field(default_factory=Settings)

    @property
    def tuning(self) -> Tuning:
        return Tuning(effort=self.settings.effort, temperature=self.settings.temperature)

    def fingerprint(self) -> str:
        """Identifies what a sidecar was made with, so an up-to-date note can be skipped."""
        s = self.settings
        data = {
            **self.backend.identity,
            "options": [s.per_side, s.language, s.depth],
            "tuning": [s.effort, s.temperature],
            "prompts": self.prompts.hashes(),
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]

    def budget(self, prompt_tokens: int, wanted: int) -> int:
        """Room for an answer: `wanted`, or what the context window leaves after the prompt."""
        window = self.backend.context_window
        if window is None:
            return wanted
        return max(min(wanted, int(window * WINDOW_SHARE) - prompt_tokens), 0)

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> Job:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def backend_options(settings: Settings) -> BackendOptions:
    return BackendOptions(
        model=settings.model,
        base_url=settings.base_url,
        timeout=settings.timeout,
        max_retries=settings.max_retries,
        structured=settings.structured,
        context_window=settings.context_window,
        lc_model=settings.lc_model,
        lc_kwargs=settings.lc_kwargs,
    )


def backend_name(settings: Settings) -> str:
    """The backend asked for, else the first provider with credentials; never mock by itself."""
    return settings.backend or default_backend(os.environ)


def cache_location(settings: Settings, root: Path) -> Path:
    """Where the cache of notes under `root` is, without creating anything."""
    return settings.cache_dir or root / ".debater" / "cache"


def cache_dir(settings: Settings, root: Path) -> Path:
    """`--cache-dir`, else `<notes root>/.debater/cache`, else the user cache if read-only."""
    if settings.cache_dir is not None:
        return settings.cache_dir
    wanted = root / ".debater" / "cache"
    try:
        wanted.mkdir(parents=True, exist_ok=True)
        probe = wanted / ".write-test"
        probe.touch()
        probe.unlink()
        return wanted
    except OSError:
        log.warning("%s is not writable; caching in %s", wanted, user_cache())
        return user_cache()


def user_cache() -> Path:
    """The per-user cache folder (`~/.cache/debater/cache` on Linux)."""
    from platformdirs import user_cache_path

    return user_cache_path("debater") / "cache"


def open_backend(settings: Settings, root: Path) -> Backend:
    """The configured backend, behind the rate limit and the cache."""
    backend = create_backend(backend_name(settings), backend_options(settings))
    if settings.rpm:
        backend = RateLimitedBackend(backend, settings.rpm)
    if not settings.no_cache:
        backend = CachedBackend(backend, cache_dir(settings, root))
    return backend


def job_for(settings: Settings, backend: Backend) -> Job:
    """A job with the settings' prompts over `backend`."""
    return Job(backend, Prompts.load(settings.prompts_dir), settings)


def open_job(settings: Settings | None = None, root: Path | None = None) -> Job:
    """A job ready to run, as a context manager: `with open_job(settings, folder) as job: ...`.

    `root` is the notes folder: where the cache goes unless `cache_dir` says otherwise.
    """
    settings = settings or Settings()
    return job_for(settings, open_backend(settings, root or Path.cwd()))
