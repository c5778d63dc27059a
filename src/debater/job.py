"""From settings to a ready `Job`: the backend chosen, rate-limited and cached, prompts loaded."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from debater.backends.base import Backend, BackendOptions
from debater.backends.registry import create_backend
from debater.cache import CachedBackend
from debater.config import Settings, default_backend
from debater.llm.requests import Prompts, Tuning
from debater.pipeline import Job, Options
from debater.ratelimit import RateLimitedBackend

log = logging.getLogger(__name__)


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
    """A job with the settings' prompts, options and tuning over `backend`."""
    prompts = Prompts.load(settings.prompts_dir)
    options = Options(per_side=settings.per_side, language=settings.language, depth=settings.depth)
    tuning = Tuning(effort=settings.effort, temperature=settings.temperature)
    return Job(backend, prompts, options, tuning)


def open_job(settings: Settings, root: Path) -> Job:
    """A job ready to run: call `job.backend.close()` when done."""
    return job_for(settings, open_backend(settings, root))
