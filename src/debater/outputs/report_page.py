"""The report's HTML shell: one file with its style, script and data inline, and a
Content-Security-Policy that lets the page load nothing at all, not even from its own folder."""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from html import escape
from importlib.resources import files

from debater import __version__

ASSETS = files("debater.outputs") / "report_assets"
SHELL = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="debater {version}">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<header class="top"><h1>{title}</h1><p class="summary" id="summary"></p></header>
<div class="layout">
<aside class="controls" aria-label="Search and filters">
<input type="search" id="q" placeholder="Search · 搜索" aria-label="Search the stances">
<details class="filter-box" id="filter-box" open><summary>Filters</summary>
<div class="filters">
<label>Topic<select id="f-topic"></select></label>
<label>Position<select id="f-position"></select></label>
<label>Firmness<select id="f-firmness"></select></label>
<label>Backend<select id="f-backend"></select></label>
<label class="wide">Note<select id="f-note"></select></label>
</div>
</details>
<div class="status"><p class="count" id="count" role="status" aria-live="polite"></p>
<button type="button" id="reset">Clear filters</button></div>
<nav class="toc" id="toc" aria-label="Notes"></nav>
</aside>
<main>
<noscript><p>This report shows its notes with JavaScript: allow it for this file.</p></noscript>
<details class="tensions" id="tensions" hidden></details>
<div id="results"></div>
<p class="empty" id="none" hidden>No stance matches these filters.</p>
<button type="button" class="more" id="more" hidden></button>
<section class="pending" id="pending" hidden></section>
</main>
</div>
<script id="report-data" type="{data_type}">{data}</script>
<script>{js}</script>
</body>
</html>
"""


@cache
def asset(name: str) -> str:
    """A file of the page (`report.css`, `report.js`), checked to be safe to inline."""
    text = ASSETS.joinpath(name).read_text(encoding="utf-8")
    if "</s" in text.lower() or "<!--" in text:
        raise ValueError(f"{name} would end its inline element early")
    return text


def sha256_source(text: str) -> str:
    """A CSP hash source for an inline element's exact text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def csp(css: str, js: str) -> str:
    """Nothing loads: only this page's own style and script run, images only as data: URLs."""
    return (
        f"default-src 'none'; script-src {sha256_source(js)}; style-src {sha256_source(css)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def page(title: str, data_type: str, data: str) -> str:
    """The whole HTML document; `data` must already be safe as the text of a script element."""
    css, js = asset("report.css"), asset("report.js")
    return SHELL.format(
        csp=csp(css, js),
        version=escape(__version__),
        title=escape(title),
        css=css,
        js=js,
        data_type=data_type,
        data=data,
    )
