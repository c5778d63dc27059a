"""Billed input per stance with prompt caching, against sending each stance on its own.

Runs `debater run` (Anthropic, default model) over the bundled notes and the seed note through
the fake server, which caches prompt prefixes as Anthropic documents it (minimum size, entries
readable once their request ends) and reports cache writes and reads. Billed input prices
uncached input at 1x, cache writes at 1.25x and cache reads at 0.1x, as Anthropic bills them.

The comparison is the design before this one, where each debate carried only its stance and its
own passages (no note around it, nothing long enough to cache): those requests are rebuilt with
the same builders, counted with the fake's tokenizer, and billed at 1x.

    python benchmarks/prompt_cache.py
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import ROOT, SOURCES, table

from debater.backends.base import BackendOptions, Request
from debater.backends.mock import MockBackend
from debater.config import load_settings
from debater.job import Job, job_for
from debater.llm.requests import debate_request
from debater.llm.usage import Meter
from debater.pipeline import answer_language, extract, prepare
from fakellm import FakeLLM
from fakerules import tokens

WRITE, READ = 1.25, 0.1


def billed(calls: list[dict[str, object]]) -> float:
    total = 0.0
    for call in calls:
        usage = call["usage"]
        assert isinstance(usage, dict)
        total += usage["input_tokens"]
        total += WRITE * (usage.get("cache_creation_input_tokens") or 0)
        total += READ * (usage.get("cache_read_input_tokens") or 0)
    return total


def request_tokens(request: Request) -> int:
    return tokens(request.system) + sum(tokens(m.text) for m in request.messages)


def stance_alone(job: Job, path: Path) -> tuple[int, float]:
    """(stances, input tokens) of the debates, each with only its own passages."""
    prepared = prepare(path)
    stances = extract(job, prepared, Meter())
    total = 0
    for stance in stances:
        own = prepared.context([p for p in prepared.passages if p.id in stance.passage_ids])
        language = answer_language(job, stance, prepared)
        total += request_tokens(debate_request(job.prompts, own, stance, (3, language)))
    return len(stances), float(total)


def measured(paths: list[Path]) -> tuple[int, float, float]:
    """(stances, billed input of the debates, billed input of the extractions) of one run."""
    with tempfile.TemporaryDirectory() as tmp, FakeLLM() as fake:
        folder = Path(tmp) / "notes"
        folder.mkdir()
        for path in paths:
            shutil.copy(path, folder / path.name)
        env = {"ANTHROPIC_API_KEY": "sk-bench", "ANTHROPIC_BASE_URL": fake.url, "PATH": ""}
        result = subprocess.run(
            [sys.executable, "-m", "debater", "run", str(folder), "--json", "-q", "--no-cache"],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            check=False,
        )
        summary = json.loads(result.stdout)
        calls = fake.calls
    schema = [c["json"]["output_config"]["format"]["schema"]["title"] for c in calls]
    debates = [c for c, s in zip(calls, schema, strict=True) if s == "Debate"]
    extracts = [c for c, s in zip(calls, schema, strict=True) if s == "Extraction"]
    return summary["stances"], billed(debates), billed(extracts)


def main() -> None:
    settings = load_settings(ROOT, {"backend": "mock"})
    job = job_for(settings, MockBackend(BackendOptions()))
    rows, alone_total = [], 0.0
    for path in SOURCES:
        stances, debates, extraction = measured([path])
        _, alone = stance_alone(job, path)
        alone_total += alone
        rows.append(row(path.name, stances, debates, extraction, alone))
    # One run over every note: the system prompts are cached across notes too.
    rows.append(row("all notes, one run", *measured(SOURCES), alone_total))
    header = ["note", "stances", "debate/stance", "+extraction", "before/stance", "saving"]
    print("billed input tokens per stance (cache writes 1.25x, reads 0.1x)")
    print(table(rows, header))
    print("before = each debate with only its stance and passages, nothing cached")


def row(name: str, stances: float, debates: float, extraction: float, alone: float) -> list[object]:
    now = debates / stances
    before = alone / stances
    return [
        name,
        int(stances),
        f"{now:.0f}",
        f"{(debates + extraction) / stances:.0f}",
        f"{before:.0f}",
        f"{1 - now / before:+.0%}",
    ]


if __name__ == "__main__":
    main()
