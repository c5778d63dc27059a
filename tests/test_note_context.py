"""Issue 13's rules that hold offline: what the model is shown, the answer's schema, the sidecar."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, get_args

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from debater.backends.base import BackendOptions, Request, Response
from debater.backends.mock import MockBackend
from debater.cli import app
from debater.config import Settings
from debater.engine import run_notes
from debater.job import Job
from debater.llm.answers import ExtractedStance, Extraction, debate_answer
from debater.llm.prompts import Prompts
from debater.notes.load import load_note
from debater.notes.passages import segment
from debater.outputs.labels import EN, ZH, where
from debater.outputs.markdown import render_markdown
from debater.pipeline import to_stance
from debater.records import NoteResult, PerspectiveKind

PROMPTS = Path(__file__).parent.parent / "prompts"

BOOK_NOTE = """\
---
title: On Thinking Machines
---
<b>Chapter 3. The imitation game</b>

> "A machine that can fool a judge is thinking,
and nothing more is needed."

I disagree: fooling a judge shows skill at conversation, not thought.

- Does the chapter answer the objection from consciousness?
  - Not really: it waves it away in one line.
"""


class Recording(MockBackend):
    """The mock, keeping every request it is asked."""

    def __init__(self) -> None:
        super().__init__(BackendOptions())
        self.asked: list[Request] = []

    def complete(self, request: Request) -> Response:
        self.asked.append(request)
        return super().complete(request)


def _note(tmp_path: Path, text: str = BOOK_NOTE, name: str = "book.md") -> Path:
    folder = tmp_path / "notes"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def _run(backend: MockBackend, folder: Path, **settings: Any) -> NoteResult:
    job = Job(backend, Prompts.load(), Settings(**settings))
    summary = run_notes(job, [folder])
    assert not summary.failed, summary.failed
    path = next(folder.glob("*.perspectives.json"))
    return NoteResult.model_validate_json(path.read_text(encoding="utf-8"))


def _request_text(request: Request) -> str:
    return request.system + "\n".join(m.text for m in request.messages)


# ---- debater passages ----


def test_passages_command_shows_what_the_model_sees(tmp_path: Path) -> None:
    note = _note(tmp_path)
    result = CliRunner().invoke(app, ["passages", str(note), "--json"])
    assert result.exit_code == 0, result.output
    view = json.loads(result.stdout)
    assert view["note"] == "book.md" and view["title"] == "On Thinking Machines"
    passages = view["passages"]
    assert all(set(p) == {"id", "kind", "lines", "section", "parent", "text"} for p in passages)
    quote = next(p for p in passages if p["kind"] == "quote")
    assert quote["lines"] == [6, 7] and "nothing more is needed" in quote["text"]
    assert quote["section"] == ["Chapter 3. The imitation game"]
    answer = next(p for p in passages if p["text"].startswith("Not really"))
    question = next(p for p in passages if p["id"] == answer["parent"])
    assert question["text"].startswith("Does the chapter answer")


def test_passages_command_table_and_missing_note(tmp_path: Path) -> None:
    note = _note(tmp_path)
    table = CliRunner().invoke(app, ["passages", str(note)])
    assert table.exit_code == 0 and "imitation game" in table.stdout
    missing = CliRunner().invoke(app, ["passages", str(tmp_path / "nope.md")])
    assert missing.exit_code == 2 and "no such note" in missing.output


# ---- what each request carries ----


def test_extraction_and_debates_carry_title_sections_and_parents(tmp_path: Path) -> None:
    note = _note(tmp_path)
    backend = Recording()
    _run(backend, note.parent)
    extraction = next(r for r in backend.asked if r.purpose == "extract")
    debates = [r for r in backend.asked if r.purpose == "debate"]
    assert debates
    for request in [extraction, *debates]:
        text = _request_text(request)
        assert "On Thinking Machines" in text
        assert '"section": ["Chapter 3. The imitation game"]' in text
        assert re.search(r'"parent": "p-[0-9a-f]{10}"', text)


class TwoFromOnePassage(Recording):
    """The mock, except that extraction finds two stances in the reaction's passage."""

    def complete(self, request: Request) -> Response:
        if request.purpose != "extract":
            return super().complete(request)
        self.asked.append(request)
        ids = re.findall(r'"id": "(p-[0-9a-f]{10})"', _request_text(request))
        quote, reaction, question = ids[1], ids[2], ids[3]
        stances = [
            {"claim": "Fooling a judge is not thinking.", "passage_ids": [quote, reaction]},
            {"claim": "Conversation is a skill of its own.", "passage_ids": [reaction]},
            {"claim": "The chapter dodges consciousness.", "passage_ids": [question]},
        ]
        common: dict[str, Any] = {"position": "own-idea", "strength": "moderate", "target": None}
        common |= {"language": "en", "reasoning": "", "topics": ["AI"]}
        parsed = {"stances": [common | fields for fields in stances]}
        return Response(text=json.dumps(parsed), parsed=parsed)


def test_a_debate_sees_the_other_stances_on_its_passages(tmp_path: Path) -> None:
    backend = TwoFromOnePassage()
    _run(backend, _note(tmp_path).parent)
    blocks = {}
    for request in backend.asked:
        if request.purpose == "debate":
            record = json.loads(_request_text(request).split("<stance>\n")[1].split("\n")[0])
            blocks[record["claim"]] = record.get("related")
    assert blocks == {
        "Fooling a judge is not thinking.": ["Conversation is a skill of its own."],
        "Conversation is a skill of its own.": ["Fooling a judge is not thinking."],
        "The chapter dodges consciousness.": None,  # nothing shares its passage: no field
    }
    sidecar = next(tmp_path.glob("notes/*.perspectives.md")).read_text(encoding="utf-8")
    said = [part.count("*The same passage also gives stance") for part in sidecar.split("\n## ")]
    assert said[1:] == [1, 1, 0] and "also gives stance 2.*" in sidecar


# ---- the answers' schemas ----


def test_language_is_an_enum_and_topics_at_most_three() -> None:
    schema = Extraction.model_json_schema()
    stance = schema["$defs"]["ExtractedStance"]["properties"]
    assert stance["language"]["enum"] == ["en", "zh", "zh-en"]
    assert stance["topics"]["maxItems"] == 3
    with pytest.raises(ValidationError):
        ExtractedStance.model_validate(
            {
                "claim": "c",
                "position": "agree",
                "strength": "firm",
                "target": None,
                "reasoning": "",
                "passage_ids": [],
                "language": "fr",
                "topics": [],
            }
        )


def test_counts_per_side_are_in_the_schema_and_enforced() -> None:
    schema = debate_answer(2).model_json_schema()
    for side in ("support", "oppose"):
        assert schema["properties"][side]["minItems"] == 2
        assert schema["properties"][side]["maxItems"] == 2
    one = {
        "title": "t",
        "argument": "a",
        "kind": "logical",
        "strength": "weak",
        "strength_reason": "r",
        "holders": [],
    }
    answer = {"support": [one], "oppose": [one, one], "crux": "", "would_change_mind": []}
    with pytest.raises(ValidationError):
        debate_answer(2).model_validate({**answer, "slips": []})


class ShortOnSupport(Recording):
    """The mock, except that its first debate answer is one supporting perspective short."""

    def __init__(self) -> None:
        super().__init__()
        self.cut = False

    def complete(self, request: Request) -> Response:
        response = super().complete(request)
        if request.purpose != "debate" or self.cut or response.parsed is None:
            return response
        self.cut = True
        parsed = {**response.parsed, "support": response.parsed["support"][:-1]}
        return response.model_copy(update={"parsed": parsed, "text": json.dumps(parsed)})


def test_a_short_side_is_asked_again_not_cut_or_padded(tmp_path: Path) -> None:
    note = _note(tmp_path)
    backend = ShortOnSupport()
    result = _run(backend, note.parent)
    repairs = [r for r in backend.asked if r.purpose == "debate" and len(r.messages) > 1]
    assert backend.cut and len(repairs) == 1
    for stance in result.stances:
        sides = [p.side for p in stance.perspectives]
        assert sides.count("support") == sides.count("oppose") == 3


def test_the_prompt_lists_the_schema_kinds() -> None:
    text = (PROMPTS / "debate.md").read_text(encoding="utf-8")
    listed = re.search(r"different kind where the topic honestly\s+allows \(([^)]*)\)", text)
    assert listed is not None
    words = set(re.findall(r"[a-z]+", listed.group(1)))
    assert set(get_args(PerspectiveKind)) <= words


# ---- stances and the sidecar ----


def test_the_quote_reads_in_note_order(tmp_path: Path) -> None:
    note = load_note(_note(tmp_path))
    passages = segment(note)
    by_id = {p.id: p for p in passages}
    quote, reaction = passages[1], passages[2]
    found = ExtractedStance(
        claim="Fooling a judge is not thinking.",
        position="disagree",
        strength="firm",
        target=None,
        reasoning="",
        passage_ids=[reaction.id, quote.id],  # the model's order: reaction first
        language="en",
        topics=["Turing test", " machine  thought "],
    )
    stance = to_stance(found, by_id, {})
    assert stance.passage_ids == [quote.id, reaction.id]
    assert stance.quote.index("nothing more") < stance.quote.index("I disagree")
    assert stance.lines == (quote.lines[0], reaction.lines[1])
    assert stance.topics == ["Turing test", "machine thought"]
    assert "…" not in stance.quote  # the two passages are neighbours
    far = to_stance(
        found.model_copy(update={"passage_ids": [passages[0].id, reaction.id]}), by_id, {}
    )
    assert far.quote.split("\n")[1] == "…"  # a passage left out between them is marked
    assert stance.spans == [] and len(far.spans) == 2  # the source names both ranges
    lines = "lines " + ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in far.spans)
    assert where(EN, far) == lines and where(ZH, far).startswith("第 ") and "、" in where(ZH, far)
    long = by_id[reaction.id].model_copy(update={"text": "word " * 300})
    cut = to_stance(found, {**by_id, reaction.id: long}, {})
    assert len(cut.quote) <= 600 and cut.quote.endswith("word…")  # cut between words, marked


ZH_NOTE = """\
# 读《深度工作》

> 作者认为社交媒体对知识工作者几乎没有价值。

我不同意。对于刚入行的人，社交媒体是找到同行和导师最便宜的渠道。
"""


def test_a_chinese_note_gets_chinese_labels_unless_the_run_says_otherwise(
    tmp_path: Path,
) -> None:
    note = _note(tmp_path, ZH_NOTE, "深度工作.md")
    chinese = render_markdown(_run(Recording(), note.parent))
    assert "**立场:**" in chinese and "### 支持" in chinese and "### 反对" in chinese
    assert "### Against" not in chinese and "**Position:**" not in chinese
    english = render_markdown(_run(Recording(), note.parent, language="en", force=True))
    assert "### Against" in english and "### 反对" not in english


def test_each_part_of_a_perspective_is_a_paragraph_of_its_own(tmp_path: Path) -> None:
    note = _note(tmp_path)
    markdown = render_markdown(_run(Recording(), note.parent))
    # A line inside a list item is a soft break: it would join the argument's paragraph.
    assert re.search(r"\n   \[mock\][^\n]*\n\n   \*Strength:\* ", markdown)
    assert not re.search(r"\n   \[mock\][^\n]*\n   \*Strength:\*", markdown)


def test_undecided_stances_and_slips_are_said_in_the_sidecar(tmp_path: Path) -> None:
    note = _note(tmp_path)
    result = _run(Recording(), note.parent)
    stance = result.stances[0].model_copy(
        update={
            "position": "undecided",
            "target": "Machines can think",
            "slips": ["Turing's paper appeared in 1950, not 1940."],
        }
    )
    markdown = render_markdown(result.model_copy(update={"stances": [stance]}))
    assert "**Position:** undecided" in markdown
    assert "*You have not decided whether this holds: “Machines can think”. Here are" in markdown
    assert '  n0("Machines can think")' in markdown  # the map centres on the question weighed
    untargeted = stance.model_copy(update={"target": None})
    markdown_bare = render_markdown(result.model_copy(update={"stances": [untargeted]}))
    assert "*You have not decided: here are the case for and the case against" in markdown_bare
    assert "**Factual slips in the note:**\n\n- Turing's paper appeared in 1950" in markdown
    assert "Factual slips" not in render_markdown(result)


def test_a_typed_claim_has_no_made_up_firmness() -> None:
    result = CliRunner().invoke(
        app, ["perspectives", "Remote work kills innovation.", "-b", "mock", "--no-cache", "--json"]
    )
    assert result.exit_code == 0, result.output
    stance = json.loads(result.stdout)["stances"][0]
    assert stance["strength"] is None
