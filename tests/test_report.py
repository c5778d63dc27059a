"""`debater report`: one self-contained HTML page, checked as built and as a browser shows it.

The browser tests render the report in headless Chromium (`--dump-dom`, after the page's scripts
ran) and read the DOM: every stance and its map, filters and search driven by the URL fragment,
note text that stays text, and a page that asks the network for nothing. All pages of the module
are rendered once, in parallel, by one fixture.
"""

from __future__ import annotations

import base64
import gzip
import itertools
import json
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from debater.outputs.argument_map import trim
from debater.outputs.labels import ZH
from debater.outputs.report import ReportEntry, build_report, collect_entries
from debater.outputs.report_data import payload
from debater.outputs.report_map import CLAIM_COLS, LABEL_COLS, columns, layout, wrap
from debater.outputs.report_page import sha256_source
from debater.outputs.sidecars import write_sidecars
from debater.records import (
    NoteInfo,
    NoteResult,
    Perspective,
    StanceResult,
    Tension,
    TensionStance,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)
needs_browser = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
NASTY = (
    "</script><script>document.body.dataset.pwned=1</script>"
    '<img src=x onerror="document.body.dataset.pwned=2"> "quoted" & \'single\' '
    "https://example.com/track.png"
)
BROWSER_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
    "--enable-logging=stderr",  # console messages, blocked loads among them
    "--v=0",
    "--virtual-time-budget=5000",  # run the page's timers and promises before the dump
)


def _p(side: str, title: str, strength: str = "moderate", replies: int = 0) -> Perspective:
    other = "oppose" if side == "support" else "support"
    children = [_p(other, f"Reply to {title}", "weak").model_dump() for _ in range(replies)]
    fields = {"side": side, "title": title, "argument": f"Argument: {title}"}
    fields |= {"kind": "logical", "strength": strength, "strength_reason": "why"}
    return Perspective.model_validate({**fields, "holders": ["A. Thinker"], "replies": children})


def _stance(sid: str, claim: str, position: str, firmness: str, **extra: Any) -> StanceResult:
    sides = [
        _p("support", f"For {claim}", "strong", 1),
        _p("oppose", f"Against {claim}", "weak", 1),
    ]
    fields: dict[str, Any] = {"id": sid, "claim": claim, "position": position}
    fields |= {
        "strength": firmness,
        "passage_ids": [],
        "lines": (2, 3),
        "quote": f"quote: {claim}",
        "crux": "crux",
    }
    return StanceResult.model_validate({**fields, "perspectives": sides, **extra})


def _result(path: str, backend: str, stances: list[StanceResult]) -> NoteResult:
    info = NoteInfo(path=path, sha256="0" * 64, language="zh-en", date="2026-01-02")
    created = "2026-11-29T12:00:00Z"
    return NoteResult(
        note=info, backend=backend, model=f"{backend}-1", created=created, stances=stances
    )


def _data_stances() -> list[StanceResult]:
    wide = [_p("support", "W" * 90), _p("oppose", "M" * 90)]
    nasty = {"quote": NASTY, "target": NASTY, "reasoning": NASTY, "topics": ["security"]}
    return [
        _stance(
            "s-data",
            "数据才是最难的部分：模型只是其次。",
            "disagree",
            "firm",
            topics=["数据", "AI"],
        ),
        _stance("s-nasty", NASTY, "agree", "tentative", **nasty),
        _stance("s-fail", "Remote work helps.", "partly", "moderate", perspectives=[], error="no"),
        _stance("s-wide", "W" * 200, "own-idea", "firm", perspectives=wide),
    ]


def make_vault(root: Path) -> None:
    """A vault: the bundled example, a note of hand-made stances, an empty one, one not run."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("reading-review-deep-work.md", "reading-review-deep-work.perspectives.json"):
        shutil.copy(EXAMPLES / name, root / name)
    (root / "journal").mkdir()
    notes = {
        "journal/data.md": _result("data.md", "openai", _data_stances()),
        "empty.md": _result("empty.md", "mock", []),
    }
    for rel, result in notes.items():
        (root / rel).write_text("text\n", encoding="utf-8")
        write_sidecars(result, root / rel, ("json",))
    (root / "pending.md").write_text("not run yet\n", encoding="utf-8")


def tensions(entries: list[ReportEntry]) -> list[Tension]:
    """A contradiction between two stances of the vault, and a doubt about one not in it."""
    review = next(e for e in entries if e.path.startswith("reading"))
    assert review.result is not None
    other = review.result.stances[1]

    def side(note: str, sid: str, claim: str) -> TensionStance:
        where = {"position": "disagree", "strength": "firm", "lines": (1, 2), "date": "2026-01-01"}
        return TensionStance.model_validate({"note": note, "id": sid, "claim": claim, **where})

    both = [side("journal/data.md", "s-data", "数据"), side(review.path, other.id, other.claim)]
    gone = [side("gone.md", "s-gone", "gone")]
    return [
        Tension(
            kind="contradiction", explanation=f"Both? {NASTY}", question="Which?", stances=both
        ),
        Tension(kind="doubt", explanation="One side is gone.", question="", stances=gone),
    ]


# --- what the page's script reads, in Python ------------------------------------------------


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _persp_text(p: dict[str, Any]) -> list[str]:
    own = [p["title"], p["argument"], p["reason"], " ".join(p["holders"]), p["error"] or ""]
    return own + [t for r in p["replies"] for t in _persp_text(r)]


def haystack(note: dict[str, Any], s: dict[str, Any]) -> str:
    """What the search looks in, as the page's script builds it."""
    own = [s["claim"], s["quote"], s["target"], s["reasoning"], s["crux"], s["error"] or ""]
    lists = [*s["topics"], *s["change"], *s["slips"]]
    sides = [t for p in s["support"] + s["oppose"] for t in _persp_text(p)]
    return _norm("\n".join([note["path"], note["title"], *own, *lists, *sides]))


def stance_ids(data: dict[str, Any], keep: Any = lambda note, s: True) -> set[str]:
    return {s["id"] for note in data["notes"] for s in note["stances"] if keep(note, s)}


# --- the browser ------------------------------------------------------------------------------


class Dom(HTMLParser):
    """What the tests read from a dumped DOM."""

    def __init__(self) -> None:
        super().__init__()
        self.stances: dict[str, int] = {}  # stance id -> SVG maps inside it
        self.sections: list[str] = []
        self.urls: list[str] = []
        self.marks: list[str] = []
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.body: dict[str, str] = {}
        self.strokes: set[str] = set()  # widths of the maps' edges
        self.texts: dict[str, str] = {}  # id -> text of the p, pre and button elements with one
        self.stance_texts: dict[str, str] = {}  # stance id -> its article's text
        self._stance: str | None = None
        self._mark = False
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        self.urls += [a[k] for k in ("src", "href", "xlink:href", "action") if k in a]
        if tag == "body":
            self.body = a
        if tag == "article" and "stance" in a.get("class", "").split():
            self._stance = a["id"]
            self.stances[a["id"]] = 0
        if tag == "section" and "note" in a.get("class", "").split():
            self.sections.append(a["id"])
        if tag == "svg" and self._stance:
            self.stances[self._stance] += 1
        if tag == "path":
            self.strokes.add(a.get("stroke-width", ""))
        self._mark = tag == "mark"
        if "id" in a and tag in ("pre", "p", "button"):
            self._open.append(a["id"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self._stance = None
        if tag in ("pre", "p", "button") and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._mark:
            self.marks.append(data)
            self._mark = False
        for key in self._open:
            self.texts[key] = self.texts.get(key, "") + data
        if self._stance:
            self.stance_texts[self._stance] = self.stance_texts.get(self._stance, "") + data


@dataclass
class Page:
    dom: Dom
    log: str
    html: str


def render(url: str) -> Page:
    """The DOM of `url` after its scripts ran, and what the browser logged meanwhile."""
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile:
        flags = [*BROWSER_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url]
        done = subprocess.run([CHROMIUM, *flags], capture_output=True, text=True, timeout=90)
    dom = Dom()
    dom.feed(done.stdout)
    return Page(dom, done.stderr, done.stdout)


def with_script(html: str, script: str) -> str:
    """The page with one more inline script, allowed by its hash in the page's own policy."""
    html = html.replace("script-src ", f"script-src {sha256_source(script)} ", 1)
    return html.replace("</body>", f"<script>{script}</script>\n</body>", 1)


MEASURE = """(function wait() {
  if (document.body.dataset.ready !== "1") return setTimeout(wait, 20);
  const bad = [];
  const maps = document.querySelectorAll("svg.amap").length;
  for (const g of document.querySelectorAll("svg.amap g.n")) {
    const r = g.querySelector("rect");
    const right = r.x.baseVal.value + r.width.baseVal.value;
    for (const t of g.querySelectorAll("tspan")) {
      const end = t.x.baseVal[0].value + t.getComputedTextLength();
      if (end > right - 2) bad.push([t.textContent, end, right]);
    }
  }
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("class", "amap");
  const probe = document.createElementNS(ns, "text");
  probe.textContent = "数据数据数据数据数据";
  svg.append(probe);
  document.body.append(svg);
  const em = probe.getComputedTextLength() / 120;
  const out = document.createElement("pre");
  out.id = "fit";
  out.textContent = JSON.stringify({ bad, em, maps });
  document.body.append(out);
})();"""
CANARY = '<img src="https://example.com/canary.png" alt="">'
FRAGMENTS = {
    "default": "",
    "position": "#position=disagree",
    "search": "#q=" + quote("数据"),
    "search+position": "#q=" + quote("数据") + "&position=disagree",
    "topic": "#topic=" + quote("数据"),
    "backend": "#backend=openai",
    "firmness+note": "#firmness=firm&note=" + quote("journal/data.md"),
}


@dataclass
class Rendered:
    data: dict[str, Any]  # what the main page's script reads
    pages: dict[str, Page]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rendered]:
    """Every page the browser tests read, rendered once and in parallel."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed")
    tmp = tmp_path_factory.mktemp("report")
    make_vault(tmp / "vault")
    entries = collect_entries([tmp / "vault"]).entries
    found = tensions(entries)
    html = build_report(entries, found, title="Vault <b>report</b>")
    many = [_many_entry(i) for i in range(1, 101)]
    files = {
        "report.html": html,
        "measure.html": with_script(html, MEASURE),
        "canary.html": html.replace("</main>", f"{CANARY}</main>", 1),
        "many.html": build_report(many, [], title="Many", compress=True),
    }
    for name, text in files.items():
        (tmp / name).write_text(text, encoding="utf-8")
    urls = {key: (tmp / "report.html").as_uri() + frag for key, frag in FRAGMENTS.items()}
    urls |= {name: (tmp / f"{name}.html").as_uri() for name in ("measure", "canary", "many")}
    urls["many-near"] = urls["many"] + "#n45-s1"
    urls["many-far"] = urls["many"] + "#n100-s1"
    with ThreadPoolExecutor(4) as pool:
        pages = dict(zip(urls, pool.map(render, urls.values()), strict=True))
    yield Rendered(payload(entries, found, "Vault <b>report</b>"), pages)


def _many_entry(i: int) -> ReportEntry:
    stance = _stance(f"s-{i}", f"Claim number {i}", "agree", "moderate")
    return ReportEntry(f"note-{i:02d}.md", _result(f"note-{i:02d}.md", "mock", [stance]))


def _ready(page: Page) -> Dom:
    assert page.dom.body.get("data-ready") == "1", page.log[-2000:]
    return page.dom


# --- browser tests --------------------------------------------------------------------------


@needs_browser
def test_every_stance_is_shown_with_one_map(rendered: Rendered) -> None:
    dom = _ready(rendered.pages["default"])
    every = stance_ids(rendered.data)
    assert set(dom.stances) == every and len(every) > 4  # the example's stances and ours
    assert all(count == 1 for count in dom.stances.values()), dom.stances
    assert dom.strokes == {"1", "2", "4"}  # thicker edges for stronger arguments
    assert dom.texts["count"].startswith(f"{len(every)} of {len(every)} stances in 3 of 3 notes")
    pending = rendered.pages["default"].html.split('id="pending"', 1)[1]
    assert "pending.md" in pending and "Not yet run (1)" in pending


@needs_browser
@pytest.mark.parametrize(
    ("key", "keep"),
    [
        ("position", lambda n, s: s["position"] == "disagree"),
        ("topic", lambda n, s: "数据" in s["topics"]),
        ("backend", lambda n, s: n["backend"] == "openai"),
        ("firmness+note", lambda n, s: s["firmness"] == "firm" and n["path"] == "journal/data.md"),
        ("search", lambda n, s: "数据" in haystack(n, s)),
        ("search+position", lambda n, s: "数据" in haystack(n, s) and s["position"] == "disagree"),
    ],
)
def test_fragment_filters_hide_and_show(rendered: Rendered, key: str, keep: Any) -> None:
    dom = _ready(rendered.pages[key])
    expected = stance_ids(rendered.data, keep)
    assert expected and expected != stance_ids(rendered.data)  # it hides some, shows some
    assert set(dom.stances) == expected
    assert all(count == 1 for count in dom.stances.values())


@needs_browser
def test_each_stance_is_labelled_in_its_notes_language(rendered: Rendered) -> None:
    dom = _ready(rendered.pages["default"])
    words = {n["path"]: n["words"] for n in rendered.data["notes"]}
    assert words["reading-review-deep-work.md"] == "zh" and words["journal/data.md"] == "en"
    for note in rendered.data["notes"]:
        for s in note["stances"]:
            text = dom.stance_texts[s["id"]]
            if s["support"] and note["words"] == "zh":
                assert "支持 (" in text and "论证图" in text and "For (" not in text
                assert "第 " in text and "lines " not in text
            elif s["support"]:
                assert "For (" in text and "Argument map" in text and "支持 (" not in text
    (anchor,) = stance_ids(rendered.data, lambda n, s: s["sid"] == "s-data")
    data = dom.stance_texts[anchor]
    assert "disagrees" in data and "firm" in data and "lines 2–3" in data


@needs_browser
def test_search_finds_a_stance_by_a_chinese_word(rendered: Rendered) -> None:
    dom = _ready(rendered.pages["search"])
    assert stance_ids(rendered.data, lambda n, s: s["sid"] == "s-data") <= set(dom.stances)
    assert "数据" in dom.marks  # the word is marked where it was found
    assert dom.texts["count"].startswith(f"{len(dom.stances)} of ")


@needs_browser
def test_note_text_stays_text(rendered: Rendered) -> None:
    page = rendered.pages["default"]
    dom = _ready(page)
    assert "data-pwned" not in dom.body
    assert not [a for tag, a in dom.tags if tag == "img"]
    assert sum(tag == "script" for tag, _ in dom.tags) == 2  # the data and the page's script
    assert "&lt;/script&gt;&lt;script&gt;document.body.dataset.pwned=1" in page.html
    assert "title>Vault &lt;b&gt;report&lt;/b&gt;</title>" in page.html


@needs_browser
def test_page_asks_the_network_for_nothing(rendered: Rendered) -> None:
    page = rendered.pages["default"]
    dom = _ready(page)
    policy = "Content-Security-Policy"
    metas = [a for tag, a in dom.tags if tag == "meta" and a.get("http-equiv") == policy]
    assert len(metas) == 1 and "default-src 'none'" in metas[0]["content"]
    assert "img-src data:;" in metas[0]["content"]
    assert all(u.startswith("#") for u in dom.urls), dom.urls
    console = [line for line in page.log.splitlines() if ":CONSOLE" in line]
    assert console == []  # no blocked load, no script error


@needs_browser
def test_the_policy_refuses_a_load(rendered: Rendered) -> None:
    """The canary: an image from the network, added to the page, is blocked and logged."""
    log = rendered.pages["canary"].log
    assert "https://example.com/canary.png" in log and "Content Security Policy" in log
    assert _ready(rendered.pages["canary"])


@needs_browser
def test_map_labels_fit_their_boxes(rendered: Rendered) -> None:
    fit = json.loads(_ready(rendered.pages["measure"]).texts["fit"])
    assert fit["maps"] == len(stance_ids(rendered.data))
    if fit["em"] < 0.9:
        pytest.skip(f"no CJK font (a CJK character measured {fit['em']:.2f} em): fonts-noto-cjk")
    assert fit["bad"] == []


@needs_browser
def test_large_report_pages_and_reveals_an_anchor(rendered: Rendered) -> None:
    """Compressed data; 40 notes drawn at first; an anchor brings a later stance into view, the
    notes before it too when it is near, or its note alone when it is far down."""
    first = _ready(rendered.pages["many"])
    assert first.sections == [f"n{i}" for i in range(1, 41)]
    assert "Show 40 more of 60 notes" in rendered.pages["many"].html
    near = _ready(rendered.pages["many-near"])
    assert "n45-s1" in near.stances and near.sections[:45] == [f"n{i}" for i in range(1, 46)]
    far = _ready(rendered.pages["many-far"])
    assert far.sections == ["n100"] and "n100-s1" in far.stances
    assert far.texts["count"] == "1 of 100 stances in 1 of 100 notes"  # the note filter is on


@needs_browser
def test_tensions_link_both_sides(rendered: Rendered) -> None:
    page = rendered.pages["default"]
    links = {a["href"] for tag, a in _ready(page).tags if tag == "a" and a.get("href")}
    refs = [s["ref"] for t in rendered.data["tensions"] for s in t["stances"]]
    assert refs[:2] == [*stance_ids(rendered.data, lambda n, s: s["sid"] == "s-data"), refs[1]]
    assert refs[1] and refs[2] is None
    assert {f"#{refs[0]}", f"#{refs[1]}"} <= links
    assert "(not in this report)" in page.html


# --- without a browser ----------------------------------------------------------------------


def test_collect_entries_finds_sidecars_and_notes_not_run(tmp_path: Path) -> None:
    make_vault(tmp_path / "vault")
    found = collect_entries([tmp_path / "vault"])
    paths = {e.path: e.result is not None for e in found.entries}
    assert paths == {
        "empty.md": True,
        "pending.md": False,
        "reading-review-deep-work.md": True,
        "journal/data.md": True,
    }
    one = collect_entries([tmp_path / "vault" / "journal" / "data.md"])
    assert [e.path for e in one.entries] == ["data.md"]
    missing = collect_entries([tmp_path / "missing.md"])
    assert missing.entries == [] and missing.skipped[0][1] == "no such file or folder"


def _html(tmp_path: Path, compress: bool | None = None) -> str:
    make_vault(tmp_path / "vault")
    entries = collect_entries([tmp_path / "vault"]).entries
    return build_report(entries, tensions(entries), title="T", compress=compress)


def test_page_is_self_contained(tmp_path: Path) -> None:
    html = _html(tmp_path)
    assert not re.search(r"""(src|href|action)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert "<link" not in html and "url(" not in html and "@import" not in html
    assert html.count("<script") == 2 and html.count("</script>") == 2
    style = re.search(r"<style>(.*?)</style>", html, re.S)
    script = re.search(r"<script>(.*?)</script>", html, re.S)
    assert style and script
    policy = re.search(r'Content-Security-Policy" content="([^"]+)"', html)
    assert policy and f"script-src {sha256_source(script[1])};" in policy[1]
    assert f"style-src {sha256_source(style[1])};" in policy[1]


def _data_block(html: str) -> tuple[str, str]:
    found = re.search(r'<script id="report-data" type="([^"]+)">(.*?)</script>', html, re.S)
    assert found
    return found[1], found[2]


def test_data_block_holds_note_text_safely(tmp_path: Path) -> None:
    kind, text = _data_block(_html(tmp_path))
    assert kind == "application/json"
    assert "<" not in text and ">" not in text and "&" not in text
    data = json.loads(text)
    assert any(s["claim"] == NASTY for n in data["notes"] for s in n["stances"])


def test_large_data_is_gzipped(tmp_path: Path) -> None:
    plain = json.loads(_data_block(_html(tmp_path))[1])
    kind, text = _data_block(_html(tmp_path / "again", compress=True))
    assert kind == "application/x-gzip-base64"
    assert json.loads(gzip.decompress(base64.b64decode(text))) == plain


def _boxes(stance: StanceResult) -> list[dict[str, Any]]:
    keys = ("x", "y", "w", "h", "parent", "classes", "stroke", "lines", "meta")
    m = layout(stance)
    json.dumps(m)  # plain JSON
    boxes = [dict(zip(keys, node, strict=True)) for node in m["nodes"]]
    for b in boxes:
        assert (
            b["x"] >= 0 and b["x"] + b["w"] <= m["w"] and b["y"] >= 0 and b["y"] + b["h"] <= m["h"]
        )
    return boxes


def test_map_draws_each_argument_thicker_when_stronger() -> None:
    boxes = _boxes(_data_stances()[0])
    assert [b["parent"] for b in boxes] == [-1, 0, 1, 0, 3]  # stance, for + reply, against + reply
    assert [b["stroke"] for b in boxes[1:]] == [4, 1, 1, 1]
    assert [b["classes"] for b in boxes[1:3]] == ["support s-strong", "oppose s-weak"]
    assert boxes[0]["lines"] == ["数据才是最难的部分：模型只是其", "次。"]  # 30 columns
    assert boxes[1]["meta"] == "for · strong · logical" and boxes[2]["meta"] == "objection · weak"


def test_map_boxes_never_overlap() -> None:
    boxes = _boxes(_data_stances()[3])
    for a, b in itertools.combinations(boxes, 2):
        apart_x = a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"]
        assert apart_x or a["y"] + a["h"] <= b["y"] or b["y"] + b["h"] <= a["y"]
    for b in boxes[1:]:
        parent = boxes[b["parent"]]
        assert parent["x"] + parent["w"] < b["x"]


def test_a_chinese_notes_map_speaks_chinese() -> None:
    m = layout(_data_stances()[0], ZH)
    metas = [node[-1] for node in m["nodes"]]
    assert metas[:3] == ["不同意 · 坚定", "支持 · 强 · 逻辑", "反驳 · 弱"]


@given(st.text(max_size=300))
def test_any_text_gives_trimmed_labels(text: str) -> None:
    stance = _stance("s", text, "agree", "firm", perspectives=[_p("oppose", text, replies=1)])
    labels = [line for b in _boxes(stance) for line in b["lines"]]
    assert labels and all(label.strip() for label in labels)
    assert all(columns(label) <= max(CLAIM_COLS, LABEL_COLS) for label in labels)


def test_wrap_breaks_by_display_width() -> None:
    assert wrap("中" * 40, 10, 3) == ["中" * 5, "中" * 5, "中" * 4 + "…"]
    assert wrap("alpha beta gamma delta", 11, 3) == ["alpha beta", "gamma delta"]
    assert wrap("不同意：Newport认为", 12, 2) == ["不同意：", "Newport认为"]
    assert wrap("\n\t", 10, 2) == ["…"]


@given(st.text(max_size=200), st.integers(2, 40), st.integers(1, 4))
def test_wrap_keeps_every_character_that_fits(text: str, cols: int, lines: int) -> None:
    wrapped = wrap(text, cols, lines)
    assert len(wrapped) <= lines and all(columns(line) <= cols for line in wrapped)
    whole = trim(text, 1 << 30)
    if whole and not wrapped[-1].endswith("…"):
        assert "".join(wrapped).replace(" ", "") == whole.replace(" ", "")
