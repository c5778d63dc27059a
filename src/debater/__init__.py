"""debater: find the stances in your notes and see the strongest case for and against each.

The front door for programs:

    import debater
    summary = debater.run(["~/notes"], backend="mock", per_side=2)
    print(summary.stances, summary.failed)

`debater.run` does what `debater run` does; `debater.Settings` holds every setting (also read
from DEBATER_* variables and debater.toml); `debater.open_job` gives the backend, prompts and
settings of a run as a context manager, for the single steps in `debater.pipeline`.
Heavy modules load on first use, so `import debater` stays cheap.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from debater.config import Settings
    from debater.engine import Reporter, Summary
    from debater.job import Job, open_job

try:
    __version__ = version("debater")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"

__all__ = ["Job", "Settings", "Summary", "__version__", "open_job", "run"]


def run(
    paths: Iterable[str | os.PathLike[str]],
    *,
    reporter: Reporter | None = None,
    **settings: Any,
) -> Summary:
    """Every note under `paths`: stances found, both sides argued, sidecars written beside it.

    `settings` are `Settings` fields (backend="mock", per_side=2, ...); they win over DEBATER_*
    variables and the notes folder's debater.toml, as flags do.
    """
    from debater.config import load_settings
    from debater.engine import run_notes
    from debater.job import open_job
    from debater.notes.discover import notes_root

    folders = [Path(p).expanduser() for p in paths]
    root = notes_root(folders)
    loaded = load_settings(root, settings)
    if loaded.batch:
        from debater.batches.runner import run_batched

        return run_batched(loaded, root, folders, reporter=reporter)
    with open_job(loaded, root) as job:
        return run_notes(job, folders, reporter=reporter)


def __getattr__(name: str) -> Any:
    """`debater.Settings`, `debater.open_job`, ... imported when first asked for."""
    homes = {
        "Settings": "debater.config",
        "Job": "debater.job",
        "open_job": "debater.job",
        "Summary": "debater.engine",
    }
    if name not in homes:
        raise AttributeError(f"module 'debater' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(homes[name]), name)
