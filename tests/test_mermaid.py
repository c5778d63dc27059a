"""The argument map: every diagram is structurally valid Mermaid, whatever the note says.

A real render (mermaid.js in headless chromium) was checked by hand once; these structural checks
guard the properties that made it pass: one definition per node, edges between defined nodes, a
tree under the stance, and labels whose only special characters are Mermaid entity codes.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from debater.cli import app
from debater.outputs.argument_map import CLAIM_WIDTH, LABEL_WIDTH, escape, stance_map, trim
from debater.records import Perspective, StanceResult

SEED = Path(__file__).parent / "data" / "seed_note.txt"
NASTY = """# Notes on "graph" theory; end

- "The end is near" --> says [someone] (maybe {everyone}) | pipes | <b>bold</b> & more.
- I disagree: `end` and `graph TD` are keywords; A-->B; %% no comment; click n0 call alert()
- 我不同意「数据不重要」的说法——数据（data）才是关键 [见 §3]；"引号" 和 'single' <script>x</script>
- I think subgraph X ["nested [brackets] (parens) {braces}"] end; classDef x fill:#000;
- I think #quot; and #35; and style n0 fill:#f00; and ```fences``` must stay text.
- Dario thinks AI won't have gaps. 我觉得 he is wrong: <br/> line & tabs\there.
"""
FORBIDDEN = set('"[](){}<>|#;`\n')
ENTITY = re.compile(r"#(\d+);")
NODE = re.compile(r'^  (n\d+)(\(|\[)"([^"]*)"(\)|\])$')
EDGE = re.compile(
    r"^  (n\d+) (==>|-->|-\.->)\|(for|against|objection|reply|支持|反对|反驳|回应)\| (n\d+)$"
)
CLASS = re.compile(r"^  class (n\d+) (stance|support|oppose)$")
CLASS_DEF = re.compile(r"^  classDef (stance|support|oppose) [\w:#,. -]+$")
runner = CliRunner()


@dataclass
class Diagram:
    nodes: dict[str, str] = field(default_factory=dict)
    edges: list[tuple[str, str, str]] = field(default_factory=list)
    classes: dict[str, str] = field(default_factory=dict)


def parse(source: str) -> Diagram:
    """Check each line against the few shapes the map may use, and collect the graph."""
    lines = source.rstrip("\n").split("\n")
    assert lines[0] == "flowchart LR"
    diagram = Diagram()
    for line in lines[1:]:
        if node := NODE.match(line):
            assert node[1] not in diagram.nodes, f"{node[1]} defined twice"
            assert (node[2], node[4]) in (("(", ")"), ("[", "]"))
            diagram.nodes[node[1]] = node[3]
        elif edge := EDGE.match(line):
            diagram.edges.append((edge[1], edge[4], edge[3]))
        elif cls := CLASS.match(line):
            diagram.classes[cls[1]] = cls[2]
        else:
            assert CLASS_DEF.match(line), f"unexpected line: {line!r}"
    return diagram


def decode(label: str) -> str:
    return ENTITY.sub(lambda m: chr(int(m[1])), label)


def check(source: str) -> Diagram:
    """Structural validity: a tree of defined nodes with safe, trimmed labels."""
    d = parse(source)
    assert "n0" in d.nodes
    for parent, child, _ in d.edges:
        assert parent in d.nodes and child in d.nodes
    children = [child for _, child, _ in d.edges]
    assert sorted(children) == sorted(set(d.nodes) - {"n0"})  # one parent each, root has none
    assert set(d.classes) == set(d.nodes)
    for label in d.nodes.values():
        raw = ENTITY.sub("", label)
        assert not FORBIDDEN & set(raw), label
        assert decode(label).strip()
    return d


def _tree(title: str, depth: int) -> list[Perspective]:
    def node(side: str, level: int) -> Perspective:
        replies = (
            []
            if level == depth
            else [node("oppose" if side == "support" else "support", level + 1)]
        )
        return Perspective(side=side, title=title, argument="a", strength="weak", replies=replies)  # type: ignore[arg-type]

    return [node("support", 1), node("oppose", 1)]


def _stance(claim: str, perspectives: list[Perspective]) -> StanceResult:
    return StanceResult(
        id="s-1",
        claim=claim,
        position="disagree",
        strength="firm",
        passage_ids=[],
        lines=(1, 1),
        quote=claim,
        perspectives=perspectives,
    )


def _maps(markdown: str) -> list[str]:
    return re.findall(r"^```mermaid\n(.*?)^```$", markdown, re.MULTILINE | re.DOTALL)


def _run(folder: Path, name: str) -> str:
    code = runner.invoke(app, ["run", str(folder / name), "-b", "mock", "--depth", "3", "-q"])
    assert code.exit_code == 0, code.output
    return (folder / name).with_suffix(".perspectives.md").read_text(encoding="utf-8")


def test_seed_note_maps_are_valid_one_per_stance(tmp_path: Path) -> None:
    shutil.copy(SEED, tmp_path / "seed.txt")
    markdown = _run(tmp_path, "seed.txt")
    maps = _maps(markdown)
    assert len(maps) == markdown.count("\n## ") and len(maps) >= 12
    for source in maps:
        d = check(source)
        assert len(d.nodes) == 1 + 6 * 3  # stance, 3 per side, two levels of replies
        # the seed note is mostly Chinese: its sidecar, maps included, speaks Chinese
        assert {w for _, _, w in d.edges} == {"支持", "反对", "反驳", "回应"}


def test_nasty_note_maps_are_valid(tmp_path: Path) -> None:
    (tmp_path / "nasty.md").write_text(NASTY, encoding="utf-8")
    maps = _maps(_run(tmp_path, "nasty.md"))
    assert len(maps) >= 4
    claims = [decode(check(m).nodes["n0"]) for m in maps]
    assert any("[" in c and '"' in c for c in claims)
    assert any("数据" in c for c in claims)


def test_nasty_text_in_every_label_round_trips() -> None:
    for line in NASTY.splitlines():
        d = check(stance_map(_stance(line, _tree(line, 3))))
        assert decode(d.nodes["n0"]) == (trim(line, CLAIM_WIDTH) or "…")
        assert decode(d.nodes["n1"]) == (trim(line, LABEL_WIDTH) or "…") + " · weak"


def test_long_labels_are_trimmed_by_display_width() -> None:
    assert trim("a" * 100, 10) == "a" * 9 + "…"
    assert trim("中" * 100, 10) == "中" * 4 + "…"
    assert trim("line\nbreak\ttab  spaces", 40) == "line break tab spaces"
    d = check(stance_map(_stance("x " * 200, _tree("y" * 300, 1))))
    assert len(decode(d.nodes["n0"])) <= CLAIM_WIDTH
    assert decode(d.nodes["n1"]).startswith("y" * (LABEL_WIDTH - 1) + "…")


def test_edge_styles_follow_strength_and_replies_alternate_sides() -> None:
    strong = Perspective(side="oppose", title="t", argument="a", strength="strong")
    source = stance_map(_stance("c", [strong, *_tree("t", 2)]))
    d = check(source)
    assert "n0 ==>|against|" in source and "-.->|objection|" in source
    assert d.classes["n0"] == "stance"
    for parent, child, _ in d.edges:
        if parent != "n0":
            assert d.classes[parent] != d.classes[child]


@given(st.text(max_size=200))
def test_any_text_gives_a_safe_label(text: str) -> None:
    label = escape(trim(text, LABEL_WIDTH))
    assert not FORBIDDEN & set(ENTITY.sub("", label))
    assert decode(label) == trim(text, LABEL_WIDTH)
    check(stance_map(_stance(text, _tree(text, 1))))


def test_an_undecided_stance_is_mapped_around_the_question_weighed() -> None:
    weighed = _stance("I can't yet tell whether naps help", []).model_copy(
        update={"position": "undecided", "target": "Naps improve memory"}
    )
    centre = next(line for line in stance_map(weighed).splitlines() if line.startswith("  n0("))
    assert "Naps improve memory" in centre and "tell whether" not in centre
    assert "Naps help" in next(
        line
        for line in stance_map(_stance("Naps help", [])).splitlines()
        if line.startswith("  n0(")
    )
