"""What the benchmarks share: synthetic notes, the fake LLM server, and `debater run` timed."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fakellm import FakeLLM  # noqa: E402

SOURCES = [*sorted((ROOT / "notes").glob("*.md")), ROOT / "tests" / "data" / "seed_note.txt"]
PROVIDER_VARS = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL")
PROVIDER_VARS += ("OPENAI_API_KEY", "OPENAI_BASE_URL")


def _varied(text: str, number: int, rng: random.Random) -> str:
    """A variant of a note: a few list items dropped, the prose lines tagged with `number`.

    The tags make every passage, and so every request, differ from the other notes' ones.
    """
    out = []
    fenced = False
    for line in text.split("\n"):
        fenced ^= line.lstrip().startswith("```")
        if fenced or line.startswith(("#", "|", "---", "+++", "title:", "tags:", "date:")):
            out.append(line)
        elif line.lstrip().startswith("- ") and rng.random() < 0.15:
            continue
        elif len(line.strip()) > 12 and not line.rstrip().endswith(":"):
            out.append(f"{line} ({number})")
        else:
            out.append(line)
    return "\n".join(out)


def make_notes(folder: Path, count: int, seed: int = 0) -> list[Path]:
    """`count` varied notes made from the bundled notes and the seed note, in `folder`."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        source = SOURCES[number % len(SOURCES)]
        path = folder / f"note-{number:03d}{source.suffix}"
        path.write_text(_varied(source.read_text(encoding="utf-8"), number, rng), "utf-8")
        paths.append(path)
    return paths


class FixedLatencyFake(FakeLLM):
    """The fake LLM server with every answer taking `latency` in all, its own work included.

    The plain fake sleeps, then computes the mock's answer (up to 50 ms for an extraction, and
    more when many answers compete for its one interpreter), so its latency is not fixed.
    """

    def __init__(self, latency: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fixed_latency = latency

    def handle(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> Any:
        started = time.perf_counter()
        answer = super().handle(method, path, headers, raw)
        time.sleep(max(0.0, self.fixed_latency - (time.perf_counter() - started)))
        return answer


def fake_server(latency: float = 0.0, **kwargs: Any) -> FakeLLM:
    """A fake LLM server answering in `latency` seconds (use it as a context manager)."""
    return FixedLatencyFake(latency, **kwargs)


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without provider keys or DEBATER_* settings, plus `extra`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in PROVIDER_VARS and not k.startswith("DEBATER_")
    }
    return {**env, **extra}


@dataclass
class Run:
    """One `debater run`: its exit code, `--json` summary and wall time."""

    code: int
    summary: dict[str, Any]
    wall_s: float
    stderr: str


def debater(*args: str | Path, env: dict[str, str] | None = None) -> Run:
    """Run `python -m debater run ARGS --json --quiet` and parse the summary."""
    command = [sys.executable, "-m", "debater", "run", *map(str, args), "--json", "--quiet"]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env or clean_env())
    wall = time.perf_counter() - started
    lines = done.stdout.strip().splitlines()
    if not lines:
        raise SystemExit(f"debater printed no summary (exit {done.returncode}):\n{done.stderr}")
    return Run(done.returncode, json.loads(lines[-1]), wall, done.stderr)


def openai_args(fake: FakeLLM) -> tuple[str, ...]:
    """The flags that point the real OpenAI SDK at the fake server."""
    return ("-b", "openai", "--base-url", f"{fake.url}/v1")


def openai_env() -> dict[str, str]:
    return clean_env(OPENAI_API_KEY="dummy-key-for-the-fake-server")


def table(rows: list[list[Any]], header: list[str]) -> str:
    """A plain text table: the first column left-aligned, the others right-aligned."""
    cells = [header, *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for row in cells:
        first, *rest = zip(row, widths, strict=True)
        lines.append("  ".join([first[0].ljust(first[1]), *(c.rjust(w) for c, w in rest)]))
    return "\n".join(line.rstrip() for line in lines)
