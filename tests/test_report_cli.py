"""`debater report` on the command line: the page holds every stance of the sidecars and the
tensions the chosen backend finds; notes not yet run are named; `--run` runs them first.

What the page looks like in a browser is tests/test_report.py's job.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

import debater
from debater.cli import app
from debater.outputs.report import collect_entries
from test_tensions import write_vault

runner = CliRunner()


def report(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["report", *args])
    assert "Traceback" not in result.stderr, result.stderr
    return result.exit_code, result.stdout, result.stderr


def page_data(page: Path) -> dict[str, Any]:
    """The data the page's script reads, unpacked."""
    html = page.read_text(encoding="utf-8")
    found = re.search(r'<script id="report-data" type="([^"]+)">(.*?)</script>', html, re.S)
    assert found
    text = found[2]
    if found[1] == "application/x-gzip-base64":
        text = gzip.decompress(base64.b64decode(text)).decode()
    data: dict[str, Any] = json.loads(text)
    return data


def test_report_holds_every_stance_and_the_tensions(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault")
    debater.run([vault], backend="mock", per_side=1)
    page = tmp_path / "report.html"
    code, out, err = report(str(vault), "-o", str(page), "-b", "mock")
    assert code == 0, err
    data = page_data(page)
    shown = {(n["path"], s["sid"]) for n in data["notes"] for s in n["stances"]}
    entries = collect_entries([vault]).entries
    wanted = {(e.path, s.id) for e in entries if e.result for s in e.result.stances}
    assert shown == wanted and len(shown) == 6
    notes = {frozenset(s["note"] for s in t["stances"]) for t in data["tensions"]}
    assert frozenset({"remote-march.md", "later/remote-october.md"}) in notes
    assert all(s["ref"] for t in data["tensions"] for s in t["stances"])  # linked to the stance
    assert f"6 notes, 6 stances, {len(data['tensions'])} tensions" in out


def test_notes_not_yet_run_are_listed_and_no_tensions_asks_no_backend(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault")
    debater.run([vault / "nuclear.md"], backend="mock", per_side=1)
    page = tmp_path / "report.html"
    code, _, err = report(str(vault), "-o", str(page), "--no-tensions")
    assert code == 0, err
    assert "not yet run" in err and "remote-march.md" in err
    data = page_data(page)
    assert data["tensions"] == [] and "remote-march.md" in data["pending"]


def test_without_a_backend_the_error_names_no_tensions(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault")
    code, _, err = report(str(vault), "-o", str(tmp_path / "r.html"))
    assert code == 2 and "--backend mock" in err and "--no-tensions" in err
    assert not (tmp_path / "r.html").exists()


def test_run_first_writes_the_sidecars_for_the_page(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault")
    page = tmp_path / "out" / "report.html"
    page.parent.mkdir()
    code, _, err = report(str(vault), "-o", str(page), "-b", "mock", "--run", "-q")
    assert code == 0, err
    data = page_data(page)
    assert not data["pending"] and len(data["notes"]) == 6 and data["tensions"]
