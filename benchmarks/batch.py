"""A synthetic vault through the fake server's Message Batches, against the same vault live.

python benchmarks/batch.py [--notes 1000] [--latency 0.3] [--concurrency 16] [--no-live]

Both runs use the anthropic backend and SDK against the fake (tests/fakellm.py with
tests/fakebatch.py). Batch mode: requests sent in batches, batches, wall time (our own overhead:
the fake answers a batch at its first poll, a real one takes minutes to hours) and the cost at
the batch price. Live mode: the same requests, one HTTP call each at `--latency` seconds, and
their cost at the full price (from the same price table).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _common import ROOT, Run, clean_env, debater, fake_server, make_notes, table

from debater.backends.base import TokenUsage
from debater.estimate import cost
from debater.llm.model_facts import load_prices, price_for

MODEL = "claude-sonnet-5-5"


def live_cost(run: Run) -> float:
    """The live run's tokens at the full price."""
    price = price_for(MODEL, load_prices()[0])
    assert price is not None
    s = run.summary
    usage = TokenUsage(
        input_tokens=s["input_tokens"],
        output_tokens=s["output_tokens"],
        cache_read_tokens=s["cache_read_tokens"],
        cache_write_tokens=s["cache_write_tokens"],
    )
    return cost(usage, price, anthropic=True)


def row(mode: str, run: Run, batches: int, price: float) -> list[object]:
    s = run.summary
    return [mode, s["written"], s["requests"], batches, f"{run.wall_s:.1f}", f"${price:.2f}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.3, help="seconds per live answer")
    parser.add_argument("--concurrency", type=int, default=16, help="live calls at once")
    parser.add_argument("--no-live", action="store_true", help="only the batch run")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp, fake_server(args.latency) as fake:
        env = clean_env(ANTHROPIC_API_KEY="dummy-key-for-the-fake", ANTHROPIC_BASE_URL=fake.url)
        env["PYTHONPATH"] = str(ROOT / "src")
        flags = ("-b", "anthropic", "-m", MODEL)
        batch_notes = make_notes(Path(tmp) / "batch", args.notes)[0].parent
        run = debater(batch_notes, *flags, "--batch", "--poll-interval", "0.2", env=env)
        if run.code != 0:
            raise SystemExit(f"batch run failed ({run.code}):\n{run.stderr}")
        live_requests = fake.stats().get("requests", 0)
        rows.append(row("batch", run, run.summary["batches"], run.summary["cost_usd"]))
        if not args.no_live:
            live_notes = make_notes(Path(tmp) / "live", args.notes)[0].parent
            live = debater(live_notes, *flags, "-j", str(args.concurrency), env=env)
            rows.append(row("live", live, 0, live_cost(live)))
    header = ["mode", "written", "requests", "batches", "wall s", "cost"]
    print(f"{args.notes} notes, anthropic SDK against the fake ({MODEL} prices)")
    print(table(rows, header))
    print(f"live requests during the batch run: {live_requests}")


if __name__ == "__main__":
    main()
