"""Segmenting notes into passages: kinds, line ranges, heading context and stable ids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from debater.notes.load import load_note
from debater.notes.passages import note_title, passages_view, segment
from debater.records import Note, Passage

SEED = Path(__file__).parent / "data" / "seed_note.txt"


def make_note(body: str, offset: int = 0) -> Note:
    return Note(
        path=Path("note.md"),
        sha256="0" * 64,
        encoding="utf-8",
        text=body,
        body=body,
        body_line_offset=offset,
    )


def seg(body: str, offset: int = 0) -> list[Passage]:
    return segment(make_note(body, offset))


def shape(passages: list[Passage]) -> list[tuple[str, tuple[int, int], str]]:
    return [(p.kind, p.lines, p.text) for p in passages]


def assert_covers(body: str, passages: list[Passage], offset: int = 0) -> None:
    """Ordered, non-overlapping, every non-blank line in exactly one passage, none blank-edged."""
    lines = body.split("\n")
    previous_last = offset
    for p in passages:
        first, last = p.lines
        assert previous_last < first <= last <= len(lines) + offset
        assert lines[first - offset - 1].strip()
        assert lines[last - offset - 1].strip()
        previous_last = last
    covered = {n for p in passages for n in range(p.lines[0], p.lines[1] + 1)}
    for number, line in enumerate(lines, start=offset + 1):
        if line.strip():
            assert number in covered


# --- the seed note ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_passages() -> list[Passage]:
    return segment(load_note(SEED))


def test_seed_lone_dashes_are_separators(seed_passages: list[Passage]) -> None:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    separators = [p.lines[0] for p in seed_passages if p.kind == "separator"]
    assert separators == [n for n, line in enumerate(lines, 1) if line == "-"]
    assert all(p.text == "-" for p in seed_passages if p.kind == "separator")


def test_seed_structure(seed_passages: list[Passage]) -> None:
    assert len(seed_passages) == 40  # one passage per line: no line continues another
    assert [p.lines for p in seed_passages] == [(n, n) for n in range(1, 41)]
    kinds = [p.kind for p in seed_passages]
    assert kinds[:4] == ["paragraph", "separator", "paragraph", "list_item"]
    assert kinds[11:15] == ["list_item"] * 4
    quote, reaction = seed_passages[21], seed_passages[22]
    assert quote.text.startswith("Dario is against selling chips to China")
    assert reaction.text == "Humorous. I don’t think this is the correct analogy."
    assert all(p.depth == 0 and p.heading_path == () for p in seed_passages)


def test_seed_ids_unique_and_well_formed(seed_passages: list[Passage]) -> None:
    ids = [p.id for p in seed_passages]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"p-[0-9a-f]{10}", i) for i in ids)


def test_seed_covered(seed_passages: list[Passage]) -> None:
    assert_covers(SEED.read_text(encoding="utf-8"), seed_passages)


# --- kinds -------------------------------------------------------------------------------


def test_paragraphs_and_lines() -> None:
    body = "First line\nsecond line\n\n\nNew paragraph\n"
    assert shape(seg(body)) == [
        ("paragraph", (1, 2), "First line\nsecond line"),
        ("paragraph", (5, 5), "New paragraph"),
    ]


def test_nested_lists() -> None:
    body = (
        "- top\n"
        "  continued top\n"
        "  - child\n"
        "    - grandchild\n"
        "  - second child\n"
        "- next top\n"
        "1. ordered\n"
        "2) other ordered\n"
        "\t* tab nested\n"
        "+ plus"
    )
    passages = seg(body)
    assert [(p.kind, p.lines, p.depth, p.text) for p in passages] == [
        ("list_item", (1, 2), 0, "top\ncontinued top"),
        ("list_item", (3, 3), 1, "child"),
        ("list_item", (4, 4), 2, "grandchild"),
        ("list_item", (5, 5), 1, "second child"),
        ("list_item", (6, 6), 0, "next top"),
        ("list_item", (7, 7), 0, "ordered"),
        ("list_item", (8, 8), 0, "other ordered"),
        ("list_item", (9, 9), 1, "tab nested"),
        ("list_item", (10, 10), 0, "plus"),
    ]


def test_list_nesting_survives_blank_lines_but_not_paragraphs() -> None:
    body = "- a\n\n  - b\n\nText\n  - c"
    assert [(p.kind, p.depth) for p in seg(body)] == [
        ("list_item", 0),
        ("list_item", 1),
        ("paragraph", 0),
        ("list_item", 0),
    ]


def test_unindented_line_after_item_continues_it() -> None:
    assert shape(seg("- item\nlazy continuation\n\nNew paragraph")) == [
        ("list_item", (1, 2), "item\nlazy continuation"),
        ("paragraph", (4, 4), "New paragraph"),
    ]


def test_quotes_and_callouts() -> None:
    body = (
        "> Dario: AI won't have gaps.\n"
        ">\n"
        "> Second quoted paragraph\n"
        "\n"
        "我不同意。\n"
        "\n"
        "> [!note] Callout title\n"
        "> callout body\n"
        ">> nested"
    )
    passages = seg(body)
    assert shape(passages) == [
        ("quote", (1, 3), "Dario: AI won't have gaps.\n\nSecond quoted paragraph"),
        ("paragraph", (5, 5), "我不同意。"),
        ("quote", (7, 8), "[!note] Callout title\ncallout body"),
        ("quote", (9, 9), "nested"),
    ]
    assert passages[3].parent == passages[2].id and passages[3].depth == 1


def test_fenced_code_kept_whole() -> None:
    body = "Before\n```python\n# not a heading\n\n- not an item\n\n> not a quote\n```\nAfter"
    passages = seg(body)
    assert shape(passages) == [
        ("paragraph", (1, 1), "Before"),
        ("code", (2, 8), "\n".join(body.split("\n")[1:8])),
        ("paragraph", (9, 9), "After"),
    ]
    assert not passages[1].minable


def test_tilde_fence_needs_its_own_closer() -> None:
    body = "~~~~\n```\n~~~\n~~~~~\ntext"
    assert [(p.kind, p.lines) for p in seg(body)] == [("code", (1, 4)), ("paragraph", (5, 5))]


def test_unclosed_fence_runs_to_the_last_non_blank_line() -> None:
    assert [(p.kind, p.lines) for p in seg("a\n```\ncode\n\n# x\n\n\n")] == [
        ("paragraph", (1, 1)),
        ("code", (2, 5)),
    ]


def test_inline_backticks_are_not_a_fence() -> None:
    assert shape(seg("```code``` in a line\n# Heading")) == [
        ("paragraph", (1, 1), "```code``` in a line"),
        ("heading", (2, 2), "Heading"),
    ]


def test_fence_inside_list_item() -> None:
    body = "- item\n  ```\n  # comment\n\n  ```\n- next"
    assert [(p.kind, p.lines) for p in seg(body)] == [
        ("list_item", (1, 1)),
        ("code", (2, 5)),
        ("list_item", (6, 6)),
    ]


def test_tables() -> None:
    body = "Intro\n| a | b |\n|---|---|\n| 1 | 2 |\n\nAfter\n\n| no delimiter row |"
    passages = seg(body)
    assert shape(passages) == [
        ("paragraph", (1, 1), "Intro"),
        ("table", (2, 4), "| a | b |\n|---|---|\n| 1 | 2 |"),
        ("paragraph", (6, 6), "After"),
        ("paragraph", (8, 8), "| no delimiter row |"),
    ]
    assert not passages[1].minable


def test_html_blocks_and_comments() -> None:
    body = (
        "<details>\n<summary>More</summary>\n- inside html\n\n"
        "<!-- a comment\n\n# still comment\n-->\n"
        "<!-- one line --> \n"
        "<3 is not html\n"
        "\n"
        "<br/>"
    )
    assert [(p.kind, p.lines) for p in seg(body)] == [
        ("html", (1, 3)),
        ("html", (5, 8)),
        ("html", (9, 9)),
        ("paragraph", (10, 10)),
        ("html", (12, 12)),
    ]
    assert not any(p.minable for p in seg(body) if p.kind == "html")
    assert seg(body)[0].text == "<details>\n<summary>More</summary>\n- inside html"


def test_separators() -> None:
    body = "-\n---\n* * *\n___\n1.\n  +"
    passages = seg(body)
    assert [(p.kind, p.text) for p in passages] == [
        ("separator", "-"),
        ("separator", "---"),
        ("separator", "* * *"),
        ("separator", "___"),
        ("separator", "1."),
        ("separator", "+"),
    ]
    assert not any(p.minable for p in passages)


def test_headings_give_context() -> None:
    body = (
        "Preamble\n"
        "# Book ##\n"
        "## Chapter 1\n"
        "- point\n"
        "### Detail\n"
        "text\n"
        "## Chapter 2\n"
        "> quote\n"
        "#\n"
        "#hashtag is a paragraph"
    )
    passages = seg(body)
    assert [(p.kind, p.text, p.heading_path) for p in passages] == [
        ("paragraph", "Preamble", ()),
        ("heading", "Book", ()),
        ("heading", "Chapter 1", ("Book",)),
        ("list_item", "point", ("Book", "Chapter 1")),
        ("heading", "Detail", ("Book", "Chapter 1")),
        ("paragraph", "text", ("Book", "Chapter 1", "Detail")),
        ("heading", "Chapter 2", ("Book",)),
        ("quote", "quote", ("Book", "Chapter 2")),
        ("heading", "", ()),
        ("paragraph", "#hashtag is a paragraph", ()),
    ]


@pytest.mark.parametrize("fence", ["---", "+++"])
def test_front_matter_offsets_line_numbers(tmp_path: Path, fence: str) -> None:
    path = tmp_path / "n.md"
    fields = "title: x\ntags: [a]" if fence == "---" else 'title = "x"\ntags = ["a"]'
    path.write_text(f"{fence}\n{fields}\n{fence}\n\n# Title\n- item\n", encoding="utf-8")
    note = load_note(path)
    assert note.front_matter == {"title": "x", "tags": ["a"]}
    passages = segment(note)
    assert [(p.kind, p.lines) for p in passages] == [("heading", (6, 6)), ("list_item", (7, 7))]


def test_empty_body() -> None:
    assert seg("") == []
    assert seg("\n  \n") == []


# --- CommonMark structure and what note apps add ----------------------------------------


def test_lazy_continuation_lines_stay_in_the_quote() -> None:
    body = (
        "> “Quid pro quo, Clarice,” he said.\n"
        "“Tell me about the lambs.”\n"
        "\n"
        "I think Lecter is the only honest character."
    )
    assert shape(seg(body)) == [
        ("quote", (1, 2), "“Quid pro quo, Clarice,” he said.\n“Tell me about the lambs.”"),
        ("paragraph", (4, 4), "I think Lecter is the only honest character."),
    ]


def test_nested_items_keep_their_parent() -> None:
    body = (
        "1. What did you learn?\n"
        "  - That data matters.\n"  # two spaces: short of CommonMark's column 3, nested anyway
        "    - Labels most of all.\n"
        "\n"
        "  Said after a pause.\n"
        "2. Next question?\n"
        "   2. answer numbered from 2\n"
        "\n"
        "> Quoted:\n"
        "> - a quoted point\n"
        "\n"
        "- > “Why?” she asked.\n"
        "  - Because the data says so.\n"
        "\n"
        "Plain paragraph"
    )
    passages = seg(body)
    assert [(p.kind, p.depth, p.text) for p in passages] == [
        ("list_item", 0, "What did you learn?"),
        ("list_item", 1, "That data matters."),
        ("list_item", 2, "Labels most of all."),
        ("paragraph", 1, "Said after a pause."),
        ("list_item", 0, "Next question?"),
        ("list_item", 1, "answer numbered from 2"),
        ("quote", 0, "Quoted:"),
        ("quote", 1, "a quoted point"),
        ("quote", 0, "“Why?” she asked."),
        ("list_item", 1, "Because the data says so."),
        ("paragraph", 0, "Plain paragraph"),
    ]
    parents = [None, 0, 1, 0, None, 4, None, 6, None, 8, None]
    assert [p.parent for p in passages] == [None if i is None else passages[i].id for i in parents]


def test_headings_notes_use_set_the_section() -> None:
    body = (
        "Book notes\n"
        "==========\n"
        "<h3>Part <em>one</em> &amp; two</h3>\n"
        "Prose under an HTML heading.\n"
        "\n"
        "<b>10.《沉默的羔羊》</b>\n"
        "这部电影的节奏很好。\n"
        "\n"
        "**Chapter 3**\n"
        "\n"
        "<strong>Chapter 4</strong>\n"
        "\n"
        "Setext two\n"
        "----------\n"
        "- point"
    )
    passages = seg(body)
    assert [(p.kind, p.level, p.text, p.heading_path) for p in passages] == [
        ("heading", 1, "Book notes", ()),
        ("heading", 3, "Part one & two", ("Book notes",)),
        ("paragraph", 0, "Prose under an HTML heading.", ("Book notes", "Part one & two")),
        ("heading", 7, "10.《沉默的羔羊》", ("Book notes", "Part one & two")),
        (
            "paragraph",
            0,
            "这部电影的节奏很好。",
            ("Book notes", "Part one & two", "10.《沉默的羔羊》"),
        ),
        ("heading", 7, "Chapter 3", ("Book notes", "Part one & two")),
        ("heading", 7, "Chapter 4", ("Book notes", "Part one & two")),
        ("heading", 2, "Setext two", ("Book notes",)),
        ("list_item", 0, "point", ("Book notes", "Setext two")),
    ]
    assert [p.lines for p in passages][:3] == [(1, 2), (3, 3), (4, 4)]


def test_bold_lines_inside_a_paragraph_head_what_follows() -> None:
    body = (
        "从博客导出的文字\n<b>10.《沉默的羔羊》</b><br>\n这部电影很好。\n**Chapter 3**\nMore text"
    )
    assert [(p.kind, p.lines, p.text) for p in seg(body)] == [
        ("paragraph", (1, 1), "从博客导出的文字"),
        ("heading", (2, 2), "10.《沉默的羔羊》"),
        ("paragraph", (3, 3), "这部电影很好。"),
        ("heading", (4, 4), "Chapter 3"),
        ("paragraph", (5, 5), "More text"),
    ]


def test_bold_sentences_and_lone_dashes_are_not_headings() -> None:
    body = (
        "**I disagree with the author.**\n"
        "\n"
        "A sentence underlined by mistake.\n"
        "---\n"
        "A title, then a lone dash\n"
        "-\n"
        "> **Bold in a quote**"
    )
    assert [(p.kind, p.lines) for p in seg(body)] == [
        ("paragraph", (1, 1)),
        ("paragraph", (3, 3)),
        ("separator", (4, 4)),
        ("paragraph", (5, 5)),
        ("separator", (6, 6)),
        ("quote", (7, 7)),
    ]


def test_stray_list_markers_leave_the_text() -> None:
    passages = seg("* * first point\n- - second point\n1. - third point")
    assert [(p.kind, p.lines, p.text, p.depth) for p in passages] == [
        ("list_item", (1, 1), "first point", 0),
        ("list_item", (2, 2), "second point", 0),
        ("list_item", (3, 3), "third point", 0),
    ]


def test_callouts_are_quotes_with_their_words() -> None:
    body = "> [!NOTE]- My take\n> Remote work helps focus.\n> - but not mentoring"
    passages = seg(body)
    assert shape(passages) == [
        ("quote", (1, 2), "[!NOTE]- My take\nRemote work helps focus."),
        ("quote", (3, 3), "but not mentoring"),
    ]
    assert passages[1].parent == passages[0].id


def test_wikilinks_highlights_and_math_keep_their_visible_text() -> None:
    body = "See [[Deep Work#Rules|Newport]] and [[Flow]], [[Flow#Ch 2]]: ==focus wins==, $a{{b}}c$."
    (passage,) = seg(body)
    assert passage.text == "See Newport and Flow, Flow > Ch 2: focus wins, $a{{b}}c$."


def test_dataview_templates_and_placeholders_are_not_mined() -> None:
    body = (
        "```dataview\nLIST FROM #books\n```\n"
        "\n"
        "`= this.rating`\n"
        "\n"
        "Rated `= this.rating` by {{ page.author }} on {% date %}, I think too high.\n"
        "\n"
        "{% include toc.html %}\n"
        "\n"
        "# Intro {docsify-ignore}\n"
        "{docsify-updated}"
    )
    passages = seg(body)
    assert [(p.kind, p.minable) for p in passages] == [
        ("code", False),
        ("code", False),
        ("paragraph", True),
        ("code", False),
        ("heading", False),
        ("code", False),
    ]
    assert passages[2].text == "Rated by on, I think too high."
    assert passages[4].text == "Intro"


def test_code_html_and_tables_are_kept_whole_and_not_mined() -> None:
    body = "    indented code\n\n<div>\n<p>I think</p>\n</div>\n\n| a |\n|---|\n| b |"
    passages = seg(body)
    assert [(p.kind, p.lines, p.minable) for p in passages] == [
        ("code", (1, 1), False),
        ("html", (3, 5), False),
        ("table", (7, 9), False),
    ]


def test_deep_nesting_is_still_covered() -> None:
    body = ">" * 40 + " deep\n" + ">" * 40 + " deeper\n\n- a\n" + "  " * 3 + "- b"
    assert_covers(body, seg(body))


def test_note_title(tmp_path: Path) -> None:
    def title(text: str, name: str = "my note.md") -> str:
        note = load_note(_write(tmp_path / name, text))
        return note_title(note, segment(note))

    assert title("---\ntitle: From  front matter\n---\n# Heading\n") == "From front matter"
    assert title("---\ntitle: 1984\n---\nText\n") == "1984"
    assert title("## Second level\n\n# First level\n") == "First level"
    assert title("Intro\n\nSetext title\n===\n") == "Setext title"
    assert title("<h1>HTML <i>title</i></h1>\n") == "HTML title"
    assert title("## Only second level\n\n> # Quoted\n") == "my note"


def test_passages_view(tmp_path: Path) -> None:
    path = _write(tmp_path / "view.md", "---\ntags: [x]\n---\n# Title\n- Q?\n  - I agree.\n")
    view = passages_view(path)
    assert view["note"] == "view.md" and view["title"] == "Title"
    heading, question, answer = view["passages"]
    assert list(answer) == ["id", "kind", "lines", "section", "parent", "text"]
    assert heading["section"] == [] and heading["parent"] is None
    assert question["lines"] == [5, 5] and question["section"] == ["Title"]
    assert answer == {
        "id": answer["id"],
        "kind": "list_item",
        "lines": [6, 6],
        "section": ["Title"],
        "parent": question["id"],
        "text": "I agree.",
    }


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- ids -------------------------------------------------------------------------------


def test_ids_ignore_whitespace_and_markers_but_number_duplicates() -> None:
    a, b, c = seg("- same  text\n\n> same text\n\nsame\ntext")
    assert len({a.id, b.id, c.id}) == 3  # same normalised text, occurrences 0, 1, 2
    (first,) = seg("same text")
    assert first.id == a.id


def test_editing_one_passage_keeps_the_other_ids() -> None:
    before = seg("# T\nalpha\n\n- beta\n- gamma\n\n> delta")
    after = seg("# T\nalpha edited\n\n- beta\n- gamma\n\n> delta")
    changed = [i for i, (x, y) in enumerate(zip(before, after, strict=True)) if x.id != y.id]
    assert changed == [1]


# --- properties --------------------------------------------------------------------------

WORDS = ["alpha", "beta", "model", "data", "I think", "agree", "数据", "我不同意", "思考", "AI"]
words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join)

# A block is its Markdown text and the (kind, depth) of the passages it should become.
Block = tuple[str, list[tuple[str, int]]]


@st.composite
def paragraph(draw: st.DrawFn) -> Block:
    return "\n".join(draw(st.lists(words, min_size=1, max_size=3))), [("paragraph", 0)]


@st.composite
def bullet_list(draw: st.DrawFn) -> Block:
    lines: list[str] = []
    expected: list[tuple[str, int]] = []
    depth = 0
    for i in range(draw(st.integers(1, 5))):
        depth = 0 if i == 0 else draw(st.integers(0, depth + 1))
        marker = draw(st.sampled_from(["-", "*", "+", "1.", "2)"]))
        lines.append(f"{'  ' * depth}{marker} {draw(words)}")
        if draw(st.booleans()):
            lines.append(f"{'  ' * depth}   {draw(words)}")  # continuation line
        expected.append(("list_item", depth))
    return "\n".join(lines), expected


@st.composite
def quote(draw: st.DrawFn) -> Block:
    head = draw(st.sampled_from(["> ", "> [!note] ", ">"])) + draw(words)
    rest = [f"> {line}" for line in draw(st.lists(words, max_size=2))]
    return "\n".join([head, *rest]), [("quote", 0)]


@st.composite
def code(draw: st.DrawFn) -> Block:
    inner = draw(st.lists(st.sampled_from(["# x", "", "- y", "> z", "| t |", "数据"]), max_size=4))
    return "\n".join(["```", *inner, "```"]), [("code", 0)]


@st.composite
def heading(draw: st.DrawFn) -> Block:
    return f"{'#' * draw(st.integers(1, 6))} {draw(words)}", [("heading", 0)]


@st.composite
def document(draw: st.DrawFn) -> Block:
    """Blocks separated by one or more blank lines (some with stray spaces)."""
    parts: list[str] = []
    expected: list[tuple[str, int]] = []
    for text, kinds in draw(
        st.lists(st.one_of(paragraph(), bullet_list(), quote(), code(), heading()), max_size=8)
    ):
        parts += [text, draw(st.sampled_from(["", "", "  ", "\n"]))]
        expected += kinds
    return "\n".join(parts), expected


@settings(max_examples=150)
@given(document(), st.integers(0, 5))
def test_generated_documents_segment_as_built(doc: Block, offset: int) -> None:
    body, expected = doc
    passages = seg(body, offset)
    assert [(p.kind, p.depth) for p in passages] == expected
    assert_covers(body, passages, offset)
    assert passages == seg(body, offset)


# Pieces that start or end blocks, joined at random into lines for the any-text property.
LINE_PIECES = [
    "-",
    "* ",
    "1.",
    "> ",
    "#",
    "##",
    " ",
    "\t",
    "```",
    "~~~",
    "|",
    "<div>",
    "<!--",
    "-->",
    "---",
    "+++",
    "text",
    "数据",
    "x",
]
any_line = st.lists(st.sampled_from(LINE_PIECES), max_size=4).map("".join)


@settings(max_examples=200)
@given(st.lists(any_line, max_size=15).map("\n".join))
def test_any_text_is_covered_in_order(body: str) -> None:
    passages = seg(body)
    assert_covers(body, passages)
    assert passages == seg(body)


@settings(max_examples=150)
@given(document(), st.data())
def test_editing_one_passage_leaves_other_ids(doc: Block, data: st.DataObject) -> None:
    body, _ = doc
    before = seg(body)
    editable = [i for i, p in enumerate(before) if p.minable or p.kind == "heading"]
    if not editable:
        return
    edited = data.draw(st.sampled_from(editable))
    lines = body.split("\n")
    lines[before[edited].lines[0] - 1] += " zqxj"
    after = seg("\n".join(lines))
    assert [(p.kind, p.lines) for p in after] == [(p.kind, p.lines) for p in before]
    assert after[edited].id != before[edited].id
    old_text = " ".join(before[edited].text.split())
    for i, (old, new) in enumerate(zip(before, after, strict=True)):
        if i != edited and " ".join(old.text.split()) != old_text:
            assert new.id == old.id


def test_html_prose_is_a_paragraph_of_its_visible_text() -> None:
    body = (
        '<figure>\n  <img src="c.jpg" alt="Solitude">\n  <figcaption>\n'
        "    <a href='https://example.org'>One Hundred Years of Solitude</a>\n"
        "    <details><summary>👉 Show comment</summary>\n"
        "      A beautiful story. Read it once!<br>\n    </details>\n  </figcaption>\n</figure>"
    )
    [passage] = seg(body)
    assert (passage.kind, passage.lines, passage.minable) == ("paragraph", (1, 9), True)
    assert passage.text == "One Hundred Years of Solitude\nA beautiful story. Read it once!"


def test_inline_html_reads_as_a_browser_shows_it() -> None:
    [passage] = seg("&nbsp;&nbsp;<strong>这本书说得有道理吗？</strong><br>\n看完再说 &amp; 再想。")
    assert passage.text == "这本书说得有道理吗？\n看完再说 & 再想。"


def test_quotation_shortcodes_and_html_blockquotes_are_quotes() -> None:
    body = (
        "{{< quote >}}\n我不怕承认嫉妒。\n\n在这个时代，财富是什么？\n{{< /quote >}}\n\n"
        "我觉得这段写得好。\n\n{% blockquote %}\nStay hungry.\n{% endblockquote %}\n\n"
        "<blockquote>\n<p>Less is more, said everyone.</p>\n</blockquote>"
    )
    kinds = [(p.kind, p.text) for p in seg(body) if p.minable]
    assert kinds == [
        ("quote", "我不怕承认嫉妒。"),
        ("quote", "在这个时代，财富是什么？"),
        ("paragraph", "我觉得这段写得好。"),
        ("quote", "Stay hungry."),
        ("quote", "Less is more, said everyone."),
    ]


def test_a_bold_heading_numbered_like_its_enclosing_heading_is_its_sibling() -> None:
    body = (
        "## 第二章\n"
        "第二章的笔记。\n"
        "\n"
        "<b>第三章</b>\n"
        "第三章的笔记。\n"
        "\n"
        "**要点**\n"
        "要点的笔记。\n"
        "\n"
        "### 3. Habits\n"
        "\n"
        "**4. Systems**\n"
        "Systems text."
    )
    sections = {p.text: p.heading_path for p in seg(body) if p.kind != "heading"}
    assert sections == {
        "第二章的笔记。": ("第二章",),
        "第三章的笔记。": ("第三章",),
        "要点的笔记。": ("第三章", "要点"),
        "Systems text.": ("第三章", "4. Systems"),
    }


def test_vuepress_container_fences_are_not_text_but_their_titles_are() -> None:
    body = (
        "::: tip 春夜宴从弟桃花园序\n夫天地者，万物之逆旅。\n::: right\n李白\n:::\n\n"
        "::: warning\nx ::: y\n:::"
    )
    passages = seg(body)
    assert [(p.lines, p.text) for p in passages] == [
        ((1, 5), "春夜宴从弟桃花园序\n夫天地者，万物之逆旅。\n李白"),
        ((7, 9), "x ::: y"),
    ]
    assert_covers(body, passages)


def test_an_html_block_is_a_passage_per_paragraph_element() -> None:
    body = (
        "<p>by Frederick P. Brooks (Paperback)</p>\n"
        "<p><strong>Editorial Reviews</strong></p>\n"
        "<p><b>Amazon.com</b><br />The classic book. Very Highest Recommendation.</p>\n"
        "<blockquote>\n"
        "<p>Quoted one.</p>\n"
        "<p>Quoted two.</p>\n"
        "</blockquote>\n"
        "<h3>My view</h3>\n"
        "<p>My own view: it is dated.</p>"
    )
    passages = seg(body)
    assert [(p.kind, p.lines, p.text, p.heading_path) for p in passages] == [
        ("paragraph", (1, 1), "by Frederick P. Brooks (Paperback)", ()),
        ("heading", (2, 2), "Editorial Reviews", ()),
        (
            "paragraph",
            (3, 4),
            "Amazon.com The classic book. Very Highest Recommendation.",
            ("Editorial Reviews",),
        ),
        ("quote", (5, 5), "Quoted one.", ("Editorial Reviews",)),
        ("quote", (6, 7), "Quoted two.", ("Editorial Reviews",)),
        ("heading", (8, 8), "My view", ()),
        ("paragraph", (9, 9), "My own view: it is dated.", ("My view",)),
    ]
    assert_covers(body, passages)
