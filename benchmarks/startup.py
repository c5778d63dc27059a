"""Startup: `debater --help`, importing the CLI, and a fully cached run of the bundled notes.

Each figure is the best of N runs (the least disturbed by the rest of the machine).

    python benchmarks/startup.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, SOURCES, clean_env, debater, fake_server, openai_env, table

HEAVY = ("anthropic", "openai", "langchain_core", "httpx2")
HELP_IMPORTS = (
    "import sys\nfrom debater.cli import app\n"
    "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
    "print(len(sys.modules), sorted({m.split('.')[0] for m in sys.modules}))"
)


def cli() -> list[str]:
    """The `debater` console script of this environment, else `python -m debater`."""
    script = Path(sys.executable).with_name("debater")
    return [str(script)] if script.exists() else [sys.executable, "-m", "debater"]


def best_of(repeat: int, command: list[str], env: dict[str, str]) -> float:
    """The shortest wall time of `repeat` runs of `command` (each must succeed)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, env=env)
        times.append(time.perf_counter() - started)
    return min(times)


def help_imports() -> tuple[int, list[str]]:
    """How many modules `--help` loads, and which heavy ones among them."""
    done = subprocess.run(
        [sys.executable, "-c", HELP_IMPORTS], capture_output=True, text=True, check=True
    )
    count, _, names = done.stdout.strip().splitlines()[-1].partition(" ")
    heavy = [n for n in HEAVY if f"'{n}'" in names]
    return int(count), heavy


def cached_runs(repeat: int, folder: Path) -> list[list[object]]:
    """Wall time of an up-to-date rerun of `folder`, with the mock and with the OpenAI SDK."""
    rows: list[list[object]] = []
    mock = ("-b", "mock", "--cache-dir", str(folder.parent / "cache-mock"))
    debater(folder, *mock)
    command = [*cli(), "run", str(folder), "-q"]
    rows.append(["cached run, mock", best_of(repeat, [*command, *mock], clean_env())])
    with fake_server() as fake:
        sdk = ("-b", "openai", "--base-url", f"{fake.url}/v1")
        sdk += ("--cache-dir", str(folder.parent / "cache-openai"))
        debater(folder, *sdk, env=openai_env())
        before = fake.stats()["requests"]
        rows.append(["cached run, openai", best_of(repeat, [*command, *sdk], openai_env())])
        if fake.stats()["requests"] != before:
            raise SystemExit("a cached run sent requests")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    env = clean_env()
    rows: list[list[object]] = [
        ["python -c pass", best_of(args.repeat, [sys.executable, "-c", "pass"], env)],
        [
            "import debater.cli",
            best_of(args.repeat, [sys.executable, "-c", "import debater.cli"], env),
        ],
        ["debater --help", best_of(args.repeat, [*cli(), "--help"], env)],
    ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "notes"
        shutil.copytree(ROOT / "notes", folder)
        shutil.copy(SOURCES[-1], folder / "seed.txt")
        rows += cached_runs(args.repeat, folder)
    print(f"best of {args.repeat}; the cached runs are over {len(SOURCES)} up-to-date notes")
    print(table([[name, f"{seconds:.3f}"] for name, seconds in rows], ["what", "wall s"]))
    count, heavy = help_imports()
    print(f"--help loads {count} modules; heavy SDKs among them: {', '.join(heavy) or 'none'}")
    if heavy:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
