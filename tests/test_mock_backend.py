"""The mock backend: its stance heuristic (above all on the seed note) and its placeholders."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from debater.backends.base import BackendOptions, Message, Request
from debater.backends.mock import MockBackend
from debater.backends.mock.stances import find_stances
from debater.errors import InvalidOutputError
from debater.llm.answers import Debate, ExtractedStance, Extraction, Reply
from debater.llm.datablocks import encode_block, encode_passages
from debater.llm.tokens import estimate_tokens
from debater.notes.language import matches_language
from debater.notes.load import load_note
from debater.notes.passages import segment

SEED = Path(__file__).parent / "data" / "seed_note.txt"

# The stances the seed's author holds, by the line of the reaction: (passage lines, positions
# accepted). Written by reading the note, before running the heuristic.
EXPECTED: dict[int, tuple[tuple[int, ...], set[str]]] = {
    3: ((3,), {"agree"}),  # likes the "country of geniuses" analogy
    6: ((4, 6), {"disagree", "partly"}),  # doubts that LLMs are non-deterministic
    8: ((8,), {"own-idea"}),  # LLMs are still closer to classical code
    10: ((10,), {"agree", "partly", "own-idea"}),  # "grown, not built" uncertainty makes sense
    13: ((12, 13), {"disagree", "undecided"}),  # is mechanistic interpretability feasible?
    15: ((14, 15), {"agree"}),  # hands-on know-how; Google will not be fully replaced
    17: ((17,), {"own-idea", "agree"}),  # LLMs lower the marginal cost of intelligence
    19: ((18, 19), {"agree"}),  # a personalised AI agent is scary
    21: ((20, 21), {"agree"}),  # mass surveillance; a new privacy law is needed
    23: ((22, 23), {"disagree"}),  # the chips / nuclear weapons analogy is wrong
    25: ((24, 25), {"undecided"}),  # autocracy and feudalism: needs to read up
    27: ((26, 27), {"agree"}),  # half of entry-level jobs displaced
    30: ((28, 30), {"agree", "partly"}),  # AI vs the industrial revolution
    35: ((34, 35), {"disagree"}),  # AI will have gaps: data is the bottleneck
    37: ((36, 37), {"agree"}),  # wealth concentration, surprised
    39: ((38, 39), {"disagree", "undecided"}),  # "the formula is simple": then why 100 years?
}
OPTIONAL = {32}  # "curious to learn about other perspectives": barely a stance
QUOTE_LINES = {4, 12, 14, 18, 20, 22, 24, 26, 28, 34, 36, 38, 40}


def seed_records() -> list[dict[str, Any]]:
    """The seed note as passage records made by hand, with ids `p-<line>`."""
    records = []
    for n, line in enumerate(SEED.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if not text:
            continue
        kind = "separator" if text == "-" else "list_item" if text.startswith("- ") else "paragraph"
        text = text[2:] if kind == "list_item" else text
        records.append({"id": f"p-{n}", "kind": kind, "lines": [n, n], "text": text})
    return records


def lines_of(stance: ExtractedStance) -> tuple[int, ...]:
    return tuple(int(i.removeprefix("p-")) for i in stance.passage_ids)


def by_reaction(stances: list[ExtractedStance]) -> dict[int, ExtractedStance]:
    return {lines_of(s)[-1]: s for s in stances}


def records(*items: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"id": f"p-{n}", "kind": k, "text": t} for n, (k, t) in enumerate(items, start=1)]


def extract_request(passages_block: str, *extra: Message) -> Request:
    user = Message.user(f"The note `x.md`. Find the author's stances.\n\n{passages_block}")
    return Request(purpose="extract", system="sys", messages=(user, *extra), output=Extraction)


def debate_request(stance: dict[str, Any], per_side: int, language: str) -> Request:
    text = "\n\n".join(
        [
            encode_block("stance", [stance]),
            encode_block("request", [{"per_side": per_side, "language": language}]),
        ]
    )
    return Request(purpose="debate", system="sys", messages=(Message.user(text),), output=Debate)


STANCE = {
    "claim": "不同意：Dario认为AI不会有 “gaps in it”——数据是瓶颈。",
    "position": "disagree",
    "strength": "moderate",
    "target": "Dario认为AI不会有 “gaps in it”。",
    "reasoning": "没有物理世界的信息，AI再聪明也没用。",
    "language": "zh",
}


@pytest.fixture
def backend() -> MockBackend:
    return MockBackend(BackendOptions())


# --- the seed note --------------------------------------------------------------------------


def test_seed_recall_and_precision() -> None:
    found = by_reaction(find_stances(seed_records()))
    hits = [
        line
        for line, (ids, _) in EXPECTED.items()
        if line in found and lines_of(found[line]) == ids
    ]
    extras = set(found) - set(EXPECTED) - OPTIONAL
    assert len(hits) >= 12, f"found only {sorted(hits)}"
    assert len(extras) <= 2, f"unexpected stances at lines {sorted(extras)}"
    wrong = {
        line: found[line].position for line in hits if found[line].position not in EXPECTED[line][1]
    }
    assert not wrong


def test_seed_clear_positions() -> None:
    found = by_reaction(find_stances(seed_records()))
    assert found[35].position == "disagree"  # 我不同意 after "Dario认为 ... gaps"
    assert found[35].target is not None and "gaps in it" in found[35].target
    assert found[23].position == "disagree"  # "I don't think this is the correct analogy"
    assert (found[27].position, found[27].strength) == ("agree", "tentative")  # inclined to
    assert found[25].position == "undecided"  # "I need to read up on this"
    assert found[19].strength == "firm"  # "indeed ... very scary"


def test_seed_quotes_are_targets_never_stances() -> None:
    stances = find_stances(seed_records())
    for s in stances:
        assert not set(lines_of(s)) <= QUOTE_LINES, s
        assert lines_of(s)[-1] not in QUOTE_LINES, s
    reactions = [lines_of(s)[-1] for s in stances]
    assert len(reactions) == len(set(reactions)), "two stances from one passage"


def test_seed_claims_follow_the_author_language() -> None:
    found = by_reaction(find_stances(seed_records()))
    assert found[35].language == "zh" and found[35].claim.startswith("不同意")
    assert found[23].language == "en" and found[23].claim.startswith("Disagrees")
    assert all(len(s.claim) <= 210 for s in found.values())
    assert found[35].reasoning.startswith("Data - model - compute")


def test_seed_through_the_real_segmenter(backend: MockBackend) -> None:
    passages = segment(load_note(SEED))
    minable = [p for p in passages if p.minable]
    response = backend.complete(extract_request(encode_passages(minable)))
    line_of = {p.id: p.lines[0] for p in passages}
    found = {
        tuple(line_of[i] for i in s.passage_ids): s
        for s in Extraction.model_validate(response.parsed).stances
    }
    hits = [line for line, (ids, _) in EXPECTED.items() if ids in found]
    assert len(hits) >= 12
    assert len(set(found) - {ids for ids, _ in EXPECTED.values()} - {(32,)}) <= 2


# --- other notes ----------------------------------------------------------------------------


def test_english_note() -> None:
    stances = find_stances(
        records(
            ("quote", "Remote work kills creativity."),
            ("paragraph", "I disagree. My best ideas came at home, where nobody interrupts me."),
            ("heading", "Cities"),
            ("paragraph", "I think cities should ban cars downtown, because space is scarce."),
            ("paragraph", "We went to the market on Saturday and bought apples."),
        )
    )
    assert [(s.position, s.passage_ids) for s in stances] == [
        ("disagree", ["p-1", "p-2"]),
        ("own-idea", ["p-4"]),
    ]
    assert stances[0].claim.startswith("Disagrees with “Remote work kills creativity”")
    assert stances[0].reasoning.startswith("My best ideas")
    assert stances[1].target is None and stances[1].language == "en"


def test_english_partial_agreement_and_quote_with_reaction_inside() -> None:
    stances = find_stances(
        records(
            ("paragraph", "“AI will replace programmers by 2030.”"),
            ("list_item", "It's true that code generation improves, but most of it is design."),
            ("paragraph", "“Meetings are useless.” I don't think so: some decide things."),
        )
    )
    assert [(s.position, s.passage_ids) for s in stances] == [
        ("partly", ["p-1", "p-2"]),
        ("disagree", ["p-3"]),
    ]
    assert stances[1].target == "Meetings are useless."


def test_chinese_note() -> None:
    stances = find_stances(
        records(
            ("paragraph", "有人认为房价会一直涨下去。"),
            ("paragraph", "我不同意。人口在减少，需求不可能一直增长。"),
            ("paragraph", "我觉得读书比刷手机更有价值，因为读书让人学会专注。"),
            ("paragraph", "“技术进步会自动带来幸福。”"),
            ("paragraph", "真的是这样吗？很多研究表明收入提高之后幸福感并没有提高。"),
        )
    )
    assert [(s.position, s.strength, s.passage_ids) for s in stances] == [
        ("disagree", "moderate", ["p-1", "p-2"]),
        ("own-idea", "moderate", ["p-3"]),
        ("disagree", "tentative", ["p-4", "p-5"]),
    ]
    assert stances[0].claim == "不同意：有人认为房价会一直涨下去——人口在减少，需求不可能一直增长。"
    assert all(s.language == "zh" for s in stances)


def test_quote_without_reaction_is_no_stance() -> None:
    assert find_stances(records(("quote", "Everyone should learn to code."))) == []
    stances = find_stances(
        records(
            ("paragraph", "“First quote, never answered.”"),
            ("paragraph", "“Second quote.”"),
            ("paragraph", "I agree with this one, indeed."),
            ("paragraph", "Dario thinks the formula is simple."),
            ("heading", "Elsewhere"),
            ("paragraph", "I disagree."),
        )
    )
    assert [s.passage_ids for s in stances] == [["p-2", "p-3"]]


def test_plain_narrative_is_no_stance() -> None:
    assert find_stances(records(("paragraph", "Today I read two chapters on the train."))) == []


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["paragraph", "list_item", "quote", "heading"]), st.text()),
        max_size=8,
    )
)
def test_any_input_gives_valid_stances(items: list[tuple[str, str]]) -> None:
    given_records = records(*items)
    stances = find_stances(given_records)
    ids = {r["id"] for r in given_records}
    reactions = [s.passage_ids[-1] for s in stances]
    assert len(reactions) == len(set(reactions))
    assert all(set(s.passage_ids) <= ids and s.claim for s in stances)
    assert stances == find_stances(given_records)


# --- patterns from real notes (short notes written for these tests) ------------------------


def positions(stances: list[ExtractedStance]) -> list[tuple[str, str, list[str]]]:
    return [(s.position, s.strength, s.passage_ids) for s in stances]


def test_reaction_after_a_quote_in_inline_code() -> None:
    stances = find_stances(
        records(
            ("list_item", "`写作是思考的唯一方式` 这句话我不同意，画图和对话同样能让人想清楚。"),
            ("list_item", "`Reading is a conversation with the author` 很喜欢这个说法。"),
        )
    )
    assert [(s.position, s.target) for s in stances] == [
        ("disagree", "写作是思考的唯一方式"),
        ("agree", "Reading is a conversation with the author"),
    ]
    assert stances[0].claim.startswith("不同意：写作是思考的唯一方式")


@pytest.mark.parametrize(
    ("reply", "position", "strength"),
    [
        ("Yes, agreed!", "agree", "firm"),
        ("Strong agree.", "agree", "firm"),
        (
            "I beg to differ. Ours take five minutes and catch blockers early.",
            "disagree",
            "moderate",
        ),
    ],
)
def test_short_verdicts(reply: str, position: str, strength: str) -> None:
    stances = find_stances(records(("quote", "Standups waste the morning."), ("paragraph", reply)))
    assert positions(stances) == [(position, strength, ["p-1", "p-2"])]


def test_sarcastic_and_pointed_questions_doubt_firmly() -> None:
    for question in (
        "Well then why did it take my team three years?",
        "Has the author ever worked at my employer?",
    ):
        stances = find_stances(records(("quote", "Compilers are easy."), ("paragraph", question)))
        assert positions(stances) == [("disagree", "moderate", ["p-1", "p-2"])]
    honest = find_stances(records(("quote", "Compilers are easy."), ("paragraph", "真的可行吗？")))
    assert positions(honest) == [("disagree", "tentative", ["p-1", "p-2"])]


def test_reasons_are_never_the_claim_rejected() -> None:
    quoted = find_stances(
        records(
            ("quote", "Licensing makes the trade safer for customers."),
            ("paragraph", "I disagree: licensing favours incumbents."),
        )
    )
    assert quoted[0].position == "disagree"
    assert quoted[0].target == "Licensing makes the trade safer for customers."
    assert quoted[0].reasoning == "licensing favours incumbents."
    alone = find_stances(records(("paragraph", "I disagree: licensing favours incumbents.")))
    # No claim to reject: the author holds the reason as an idea of their own.
    assert [(s.position, s.target, s.claim) for s in alone] == [
        ("own-idea", None, "licensing favours incumbents.")
    ]


def test_notes_of_quotations_only_give_no_stance() -> None:
    excerpts = records(
        ("heading", "原文摘录"),
        ("quote", "我认为人生的意义在于创造。"),
        ("paragraph", "我们不能只看眼前的利益，我不同意短视的做法。"),
        ("heading", "书籍简介"),
        ("paragraph", "本书是作者多年研究的结晶，我相信每位读者都会受益匪浅，强烈推荐。"),
    )
    assert find_stances(excerpts) == []
    # The pipeline sends no headings: the section path says the same.
    sections: list[dict[str, Any]] = [
        {
            "id": "p-1",
            "kind": "paragraph",
            "section": ["Reading notes", "Quotes"],
            "text": "I think so.",
        },
        {
            "id": "p-2",
            "kind": "quote",
            "section": "Excerpts",
            "text": "In my view the war was wrong.",
        },
    ]
    assert find_stances(sections) == []
    announced = records(
        ("paragraph", "以下为译文。"),
        ("paragraph", "我认为专注的关键在于休息，我不同意熬夜。"),
    )
    assert find_stances(announced) == []


def test_a_summary_without_reaction_gives_no_stance() -> None:
    summary = records(
        ("heading", "Chapter 2"),
        ("list_item", "Rewards can crowd out intrinsic motivation."),
        ("list_item", "He argues that autonomy matters more than pay. Why would anyone disagree?"),
        ("list_item", "開發者需要了解程式基礎，才能審查 AI 的產出。"),
        ("paragraph", "---\ntitle: Drive\ntags: books"),
    )
    assert find_stances(summary) == []


def test_doubting_advice_can_be_followed_is_partial_agreement() -> None:
    stances = find_stances(
        records(
            ("quote", "Just stop checking your phone after dinner."),
            ("paragraph", "Good luck with that."),
        )
    )
    assert positions(stances) == [("partly", "moderate", ["p-1", "p-2"])]


def test_the_author_naming_themself() -> None:
    stances = find_stances(
        records(
            ("paragraph", "笔者认为远程办公最大的成本是新人的成长。"),
            ("paragraph", "This reviewer thinks the second half drags."),
            ("paragraph", "kai (me): the chapter on habits is the weakest one in the book."),
        )
    )
    assert [(s.position, s.passage_ids) for s in stances] == [
        ("own-idea", ["p-1"]),
        ("own-idea", ["p-2"]),
        ("own-idea", ["p-3"]),
    ]
    assert stances[2].claim == "the chapter on habits is the weakest one in the book."


def test_the_books_author_is_a_target() -> None:
    stances = find_stances(
        records(
            ("paragraph", "作者认为拖延是一种情绪问题。"),
            ("paragraph", "我不同意，很多时候只是任务没拆开。"),
            ("paragraph", "The author argues that boredom breeds creativity. I beg to differ."),
            ("paragraph", "但作者认为读书要慢，但我觉得快读也有用处。"),
        )
    )
    assert [(s.position, s.target) for s in stances] == [
        ("disagree", "作者认为拖延是一种情绪问题。"),
        ("disagree", "The author argues that boredom breeds creativity."),
        ("partly", "但作者认为读书要慢"),
    ]


def test_traditional_chinese() -> None:
    stances = find_stances(
        records(
            ("quote", "長期來看，遠端工作會降低創新。"),
            ("paragraph", "我不認同，我們團隊遠端之後反而更常寫文件討論。"),
            ("paragraph", "同一位作者在〈我推薦的頻道〉也有一份清單。"),
            ("paragraph", "我覺得重點是溝通習慣。"),
        )
    )
    assert [(s.position, s.passage_ids) for s in stances] == [
        ("disagree", ["p-1", "p-2"]),
        ("own-idea", ["p-4"]),
    ]


def test_asides_and_thoughts_are_the_authors() -> None:
    stances = find_stances(
        [
            {
                "id": "q",
                "kind": "list_item",
                "text": "“Most people can still gain a lot by optimising.”",
            },
            {"id": "s", "kind": "list_item", "text": "He also covers the Amish."},
            {"id": "a", "kind": "list_item", "parent": "q", "text": "(Not me. I over-optimise.)"},
            {
                "id": "h",
                "kind": "list_item",
                "text": "📌 Your mind is for having ideas, not holding them.",
            },
            {"id": "t", "kind": "list_item", "text": "💭 把想法写下来，大脑才能腾出空间思考。"},
        ]
    )
    assert [(s.position, s.passage_ids) for s in stances] == [
        ("disagree", ["q", "a"]),  # the aside answers its parent, not the passage before it
        ("own-idea", ["t"]),
    ]


def test_reviews_of_works() -> None:
    stances = find_stances(
        [
            {"id": "c", "kind": "paragraph", "text": "![漫画算法](https://example.org/cover.jpg)"},
            {"id": "r", "kind": "quote", "text": "很棒的一本算法入门书，风趣简明。"},
            {
                "id": "w",
                "kind": "paragraph",
                "section": "*Idea Makers*, 0/5",
                "text": "This book is utter trash.",
            },
            {"id": "q", "kind": "paragraph", "text": 'Quote: "Autonomy makes everyone flourish."'},
            {
                "id": "o",
                "kind": "paragraph",
                "text": "Objections: some people need more structure.",
            },
            {"id": "n", "kind": "paragraph", "text": "Objections: None."},
        ]
    )
    assert [(s.position, s.passage_ids, s.target) for s in stances] == [
        ("agree", ["c", "r"], "漫画算法"),
        ("disagree", ["w"], "*Idea Makers*, 0/5"),
        ("disagree", ["q", "o"], 'Quote: "Autonomy makes everyone flourish."'),
    ]
    assert stances[1].strength == "firm"


def test_a_summary_section_is_the_works_view_unless_i_speak() -> None:
    stances = find_stances(
        [
            {
                "id": "s1",
                "kind": "paragraph",
                "section": ["摘要"],
                "text": "若只靠意志力，那就错了。",
            },
            {
                "id": "s2",
                "kind": "paragraph",
                "section": "Summary",
                "text": "Willpower is overrated.",
            },
            {
                "id": "s3",
                "kind": "paragraph",
                "section": ["摘要"],
                "text": "我觉得环境比意志力重要。",
            },
            {"id": "r", "kind": "paragraph", "section": ["后记"], "text": "书里的例子有点注水。"},
        ]
    )
    assert [(s.passage_ids, s.claim) for s in stances] == [
        (["s3"], "我觉得环境比意志力重要。"),
        (["r"], "书里的例子有点注水。"),
    ]


def test_a_work_speaking_is_reported_not_the_authors_conclusion() -> None:
    reported = records(
        ("paragraph", "意志力是有限的资源。所以这本书提倡的是用环境设计来改变行为。"),
        ("paragraph", "Habits compound. So the book argues that systems beat goals."),
    )
    assert find_stances(reported) == []
    own = records(("paragraph", "意志力是有限的资源。所以应该少靠意志力，多靠环境。"))
    assert [s.position for s in find_stances(own)] == ["own-idea"]
    how_well = records(("paragraph", "这本书讲得比较全，推荐第三版。"))  # a verdict, not a report
    assert [s.position for s in find_stances(how_well)] == ["agree"]


def test_an_announcement_of_excerpts_is_no_stance() -> None:
    announcement = "以下是我摘出来的一些个人觉得比较有意思的段落，翻译比较随意，欢迎指正。"
    assert find_stances(records(("paragraph", announcement))) == []
    assert find_stances(records(("paragraph", "Here are my favourite quotes, I think."))) == []
    verdict = records(("paragraph", f"{announcement}有些道理老生常谈，但书还是可以读一下的。"))
    assert [s.claim for s in find_stances(verdict)] == ["有些道理老生常谈，但书还是可以读一下的。"]


def test_a_review_under_a_cover_is_the_authors_without_markers() -> None:
    stances = find_stances(
        [
            {"id": "c", "kind": "paragraph", "text": '<img src="cover.jpg" alt="地球大炮">'},
            {"id": "r", "kind": "quote", "text": "神奇的想象力！把凿穿地球写成了一部工程史。"},
        ]
    )
    assert [(s.position, s.passage_ids) for s in stances] == [("own-idea", ["r"])]


def test_a_closing_remark_is_about_the_sentence_before() -> None:
    stances = find_stances(
        records(("paragraph", "Weil warns that risk can exhaust the soul. Much to think about."))
    )
    assert [(s.position, s.target) for s in stances] == [
        ("undecided", "Weil warns that risk can exhaust the soul.")
    ]


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("The author seems a little naive about how firms set pay.", "disagree"),
        ("The author seems to have a bias towards startups.", "disagree"),
        ("An inspiring chapter, no doubt.", "agree"),
        ("I'm quite happy I did; it is a crisp little book.", "agree"),
        ("I wish more people would read this book.", "agree"),
        ("Le Guin writes so clearly that the ideas feel obvious.", "agree"),
        ("A further confirmation that exams reward memory over thought.", "agree"),
        ("The argument is one I'm a sucker for.", "agree"),
        ("There is an implicit assumption that all writing must inform?", "undecided"),
        ("兴趣也超级重要，读自己喜欢的东西进步最快。", "own-idea"),
    ],
)
def test_verdicts_without_a_first_person_marker(text: str, position: str) -> None:
    stances = find_stances(
        records(("quote", "Pay people well and let them be."), ("paragraph", text))
    )
    ids = ["p-2"] if position == "own-idea" else ["p-1", "p-2"]  # an own idea answers nothing
    assert [(s.position, s.passage_ids) for s in stances] == [(position, ids)]


def test_who_else_questions_doubt_the_claim_before() -> None:
    stances = find_stances(
        records(
            ("quote", "Best Buy's results-only workplace proves that autonomy scales."),
            ("paragraph", "Everyone cites that example. Who else does it at scale?"),
        )
    )
    assert [(s.position, s.passage_ids) for s in stances] == [("disagree", ["p-1", "p-2"])]


# --- the backend ----------------------------------------------------------------------------


def test_extract_response_shape(backend: MockBackend) -> None:
    block = encode_block("passages", seed_records())
    response = backend.complete(extract_request(block))
    assert response.parsed is not None and response.stop_reason == "end"
    assert json.loads(response.text) == response.parsed
    assert response.model == "mock-1"
    assert response.usage.input_tokens > 0 and response.usage.output_tokens > 0
    assert Extraction.model_validate(response.parsed).stances == find_stances(seed_records())


def test_repair_turn_is_answered_normally(backend: MockBackend) -> None:
    block = encode_block("passages", seed_records())
    first = backend.complete(extract_request(block))
    repaired = backend.complete(
        extract_request(block, Message.assistant("oops"), Message.user("Answer again."))
    )
    assert repaired.parsed == first.parsed


def test_deterministic(backend: MockBackend) -> None:
    request = extract_request(encode_block("passages", seed_records()))
    assert backend.complete(request) == MockBackend(BackendOptions()).complete(request)


@pytest.mark.parametrize("per_side", [1, 2, 3, 4])
def test_debate_per_side_and_labels(backend: MockBackend, per_side: int) -> None:
    response = backend.complete(debate_request(STANCE, per_side, "zh"))
    debate = Debate.model_validate(response.parsed)
    assert len(debate.support) == len(debate.oppose) == per_side
    everything = debate.support + debate.oppose
    assert all(p.title.startswith("[mock]") and p.argument.startswith("[mock]") for p in everything)
    assert len({p.kind for p in everything}) == 2 * per_side
    assert debate.crux.startswith("[mock]") and debate.would_change_mind
    text = " ".join(p.title + p.argument for p in everything)
    assert matches_language(text, "zh") and "数据是瓶颈" in text


@pytest.mark.parametrize("language", ["en", "zh", "zh-en"])
def test_debate_language_even_for_a_stance_in_another(backend: MockBackend, language: str) -> None:
    for stance in (STANCE, {**STANCE, "claim": "Disagrees that AI has no gaps.", "language": "en"}):
        debate = Debate.model_validate(backend.complete(debate_request(stance, 3, language)).parsed)
        text = " ".join(p.title + " " + p.argument for p in debate.support + debate.oppose)
        assert matches_language(text, language)


def test_reply_answers_from_the_other_side(backend: MockBackend) -> None:
    perspective = {"side": "oppose", "title": "[mock] Oppose 1", "argument": "Data will come."}
    text = "\n\n".join(
        [
            encode_block("stance", [STANCE]),
            encode_block("perspective", [perspective]),
            encode_block("request", [{"language": "en"}]),
        ]
    )
    request = Request(purpose="reply", system="s", messages=(Message.user(text),), output=Reply)
    reply = Reply.model_validate(backend.complete(request).parsed)
    assert reply.title.startswith("[mock] Reply to") and "defends the stance" in reply.argument


def test_unknown_purpose_or_no_output_gives_text(backend: MockBackend) -> None:
    request = Request(purpose="summarise", system="s", messages=(Message.user("Hello there"),))
    response = backend.complete(request)
    assert response.parsed is None and response.text.startswith("[mock]")
    assert "Hello there" in response.text
    no_output = extract_request("<passages>\n</passages>").model_copy(update={"output": None})
    assert backend.complete(no_output).parsed is None


def test_mismatched_output_model_is_an_error(backend: MockBackend) -> None:
    request = debate_request(STANCE, 2, "en").model_copy(update={"output": Extraction})
    with pytest.raises(InvalidOutputError):
        backend.complete(request)


def test_thread_safe(backend: MockBackend) -> None:
    requests = [extract_request(encode_block("passages", seed_records()))] + [
        debate_request(STANCE, n, lang) for n in (1, 2, 3) for lang in ("en", "zh")
    ]
    expected = [backend.complete(r) for r in requests]
    with ThreadPoolExecutor(max_workers=8) as pool:
        runs = list(pool.map(lambda _: [backend.complete(r) for r in requests], range(16)))
    assert all(run == expected for run in runs)


def test_model_option_and_token_estimate() -> None:
    assert MockBackend(BackendOptions(model="mock-2")).model == "mock-2"
    assert estimate_tokens("我不同意") == 4
    assert estimate_tokens("abcd" * 10) == 10


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("Really enjoyed it.", "agree"),
        ("Imaginative drawings.  Nice story.  Sad story.", "agree"),
        ("I consider this to be a bad book.", "disagree"),
        ("The ending was not good.", "disagree"),
        ("It was somewhat entertaining, but meh.", "partly"),
        ("一个野蛮的时代，一段传奇的故事！", "agree"),
        ("总的来说，这本书让我大失所望，通篇都是命令用法。", "disagree"),  # 来说: no one speaks
    ],
)
def test_a_verdict_in_everyday_words_is_a_stance(text: str, position: str) -> None:
    review = {"id": "p-1", "kind": "paragraph", "section": ["The Book"], "text": text}
    [stance] = find_stances([review])  # about the book in the heading, or a claim of its own
    assert (stance.position, stance.target) in {(position, "The Book"), ("own-idea", None)}
    assert stance.claim


def test_a_verdict_is_on_the_work_even_when_no_heading_names_it() -> None:
    """Praise agrees with the work, a pan disagrees (as the extraction prompt asks), in the
    author's own words; a heading that names a part of the note ("后记") names no work."""
    stances = find_stances(
        [
            {"id": "a", "kind": "paragraph", "text": "This was a good book to read after Feynman."},
            {"id": "b", "kind": "paragraph", "section": ["后记"], "text": "书里的例子有点注水。"},
            {"id": "c", "kind": "paragraph", "section": ["Dune"], "text": "A bad book, I'd say."},
        ]
    )
    assert [(s.position, s.target, s.claim) for s in stances] == [
        ("agree", "the work under review", "This was a good book to read after Feynman."),
        ("disagree", "所评的作品", "书里的例子有点注水。"),
        ("disagree", "Dune", "A bad book, I'd say."),
    ]


def test_a_bare_verdict_is_about_the_notes_title() -> None:
    [stance] = find_stances(records(("paragraph", "Really enjoyed it.")), {"title": "Dune"})
    assert (stance.position, stance.target) == ("agree", "Dune")


@pytest.mark.parametrize(
    "text",
    [
        "A society that coddles itself is dangerous: we lose the benefits of healthy pain.",
        "Shallow work is non-cognitively demanding, logistical-style work.",
        "The best ideas are surprising and general.",
        "Your thoughts are not true, so look for thoughts that can become useful beliefs.",
        "An interesting question that most people never consider is what pain you want.",
        "Common mistake to start soft; people don't know where they stand.",
        "最后问了下公司的大神，他推荐直接看官网。",
        "作者完全不同意这个观点。",
        "The Speaker agreed with her that she had made a mistake that night.",
        "Since we don't know what we're doing, it's nobody's fault when we do things wrong.",
        "“动物的确会调节自己的出生率。”作者支持的观点是，",
    ],
)
def test_evaluative_words_outside_the_authors_voice_are_no_stance(text: str) -> None:
    assert find_stances(records(("list_item", text))) == []


def test_an_agreement_word_is_not_read_as_someone_elses_report() -> None:
    [stance] = find_stances(records(("paragraph", "超級同意需要先大量輸入才能輸出。")))
    assert stance.position in {"agree", "own-idea"}


def test_signed_quotations_verse_ratings_and_bylines_are_no_stance() -> None:
    signed = records(
        ("paragraph", "Twenty years from now you will be disappointed. So throw off the bowlines."),
        ("list_item", "Twain"),
        ("paragraph", "Never give in. I think never is the word."),
        ("paragraph", "— Winston Churchill"),
    )
    assert find_stances(signed) == []
    verse = records(("paragraph", "I do not know,<br>\nSays the great bell of Bow."))
    assert find_stances(verse) == []
    ratings = records(("paragraph", "推荐指数：`* * * *`"), ("paragraph", "Rating: 4.5/5"))
    assert find_stances(ratings) == []
    assert find_stances(records(("paragraph", "(a new rendering by Sam Torode)"))) == []


def test_a_list_of_items_is_not_a_signature() -> None:
    items = records(
        ("list_item", "(Well-put. To me, this sounds like choosing dependencies in software.)"),
        ("list_item", "Principles"),
        ("list_item", "Clutter is costly"),
    )
    assert [s.passage_ids for s in find_stances(items)] == [["p-1"]]


def test_a_title_of_excerpts_covers_the_note_but_a_file_name_says_nothing() -> None:
    poem = records(("paragraph", "我想到在白天出生的孩子，一定是出于故意。我觉得很好。"))
    assert find_stances(poem, {"file": "x.md", "title": "Excerpts"}) == []
    assert find_stances(poem, {"file": "excerpts.md", "title": "excerpts"}) != []
    year = {"file": "x.md", "title": "2021 reading summary"}
    assert find_stances(records(("paragraph", "这本书处处直击人心。")), year) != []


def test_a_question_under_a_heading_of_questions_is_the_authors_doubt() -> None:
    question = "Can someone use this to reframe harmful beliefs? This might be easy to debunk."
    asked: list[dict[str, Any]] = [
        {"id": "h", "kind": "heading", "text": "Questions"},
        {"id": "q", "kind": "paragraph", "section": ["Questions"], "text": question},
    ]
    [stance] = find_stances(asked)
    assert (stance.position, stance.strength, stance.passage_ids) == (
        "undecided",
        "tentative",
        ["q"],
    )
    summary = records(("list_item", 'An important question is "What pain do you want in life?"'))
    assert find_stances(summary) == []


def test_quotations_signed_at_their_end_and_bare_ratings_are_no_stance() -> None:
    signed = records(
        ("paragraph", "I think, therefore I am. — René Descartes"),
        ("paragraph", "我觉得希望是本无所谓有的。——鲁迅《故乡》"),
        ("paragraph", "★★★★☆"),
    )
    assert find_stances(signed) == []


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("I'm skeptical: the studies are tiny.", "disagree"),
        ("这个结论有点以偏概全，样本只来自一个城市。", "disagree"),
        ("这段一针见血，拖延确实是情绪问题。", "agree"),
        ("This resonates with me: slow mornings made me calmer.", "agree"),
    ],
)
def test_everyday_reactions_after_a_quotation(text: str, position: str) -> None:
    quoted = records(("quote", "Procrastination is an emotion problem."), ("paragraph", text))
    assert [s.position for s in find_stances(quoted)] == [position]


def test_a_question_is_not_agreement() -> None:
    assert find_stances(records(("list_item", "第三问：这本书说得有道理吗？"))) == []


def test_each_line_of_a_paragraph_written_line_by_line_is_read_on_its_own() -> None:
    lines = ["不公本书都涉及到了。", "不过每一个故事都有流水账之感。", "我觉得读完有点浪费时间。"]
    review = "\n".join(lines)
    stances = find_stances(records(("paragraph", review)))
    assert len(stances) == 2 and all(s.passage_ids == ["p-1"] for s in stances)


def test_the_authors_prose_after_a_quotation_is_a_comment_on_it() -> None:
    comment = "Reading this I realised my own team sets goals the same way, and it rarely works."
    quoted = records(
        ("quote", "Goals are for losers; systems are for winners."), ("paragraph", comment)
    )
    [stance] = find_stances(quoted)
    assert (stance.position, stance.passage_ids) == ("own-idea", ["p-2"])
    gloss = "Systems keep working after the goal is reached, and goals end the moment they are met."
    assert find_stances(records(("quote", "Goals are for losers."), ("paragraph", gloss))) == []


def test_an_annotated_highlights_export_is_quotes_with_the_readers_notes() -> None:
    export: list[dict[str, Any]] = [
        {
            "id": "h1",
            "kind": "list_item",
            "text": "We conclude that the concentration of wealth "
            "is natural and inevitable, and I think it is periodically alleviated.",
        },
        {"id": "t1", "kind": "list_item", "parent": "h1", "text": "Tags: [[quote]]"},
        {
            "id": "n1",
            "kind": "list_item",
            "parent": "h1",
            "text": "Note: Concentration of wealth is inevitable, but so is its redistribution.",
        },
        {
            "id": "h2",
            "kind": "list_item",
            "text": "Our finest achievement is our expenditure on "
            "education, and I believe it is the best.",
        },
    ]
    [stance] = find_stances(export)
    assert stance.passage_ids[-1] == "n1"
    assert stance.claim.startswith("Concentration of wealth is inevitable")


def test_reported_speech_set_inside_a_sentence_titles_and_announcements_are_no_stance() -> None:
    assert find_stances(records(("paragraph", "Talent, says Geoff Colvin, is overrated."))) == []
    subtitle = "What Really Separates World-Class Performers from Everybody Else"
    assert find_stances(records(("paragraph", subtitle))) == []
    announced = "Before I finish this review, here are some quotes I found interesting."
    assert find_stances(records(("paragraph", announced))) == []


def test_a_note_announced_as_a_summary_tells_the_works_views() -> None:
    summary = records(
        ("paragraph", "This is a chapter-by-chapter summary of Jonathan Haidt's book."),
        ("paragraph", "Intuitions come first; strategic reasoning second. Morality is not wrong."),
    )
    assert find_stances(summary) == []


def test_asides_that_cite_or_set_context_are_no_stance() -> None:
    asides = records(
        ("quote", "Determinism does not imply inevitability."),
        (
            "paragraph",
            "(Gazzaniga and Steven, p. 65, summarizing Dennett's Freedom Evolves, p. 56)",
        ),
        ("paragraph", "(For context, this comes after pages on Conway's game of life.)"),
    )
    assert find_stances(asides) == []


def test_a_verdict_naming_the_work_in_the_heading_judges_it() -> None:
    review = {
        "id": "r",
        "kind": "paragraph",
        "section": ["**Curbing Traffic** (2021)"],
        "text": "Curbing Traffic is well organized and well written.",
    }
    [stance] = find_stances([review])
    assert stance.position in {"agree", "own-idea"}


def test_a_verdict_before_a_question_decides() -> None:
    text = "The book is very informative and nice to read. What are the reasons behind it all?"
    [stance] = find_stances(records(("paragraph", text)), {"title": "Guns, Germs and Steel"})
    assert stance.position in {"agree", "own-idea"}


def test_summary_prose_with_weak_markers_is_no_stance() -> None:
    summary = records(
        ("paragraph", "因此，我们来看看美国《独立宣言》改用生物学的角度来写该是如何。"),
        ("paragraph", "目前有一项结论：金钱确实会带来快乐，但是有一定限度。"),
        ("paragraph", "赫胥黎的世界似乎对大多数读者来说都非常可怕，但又很难解释原因。"),
    )
    assert find_stances(summary) == []


def test_speaker_led_quotations_and_announced_excerpts_are_no_stance() -> None:
    led = records(
        ("paragraph", "王维： 黃雀癡，黃雀癡，謂言青鷇是我兒。"),
        ("paragraph", "錢偉長： 我认为讀書與實踐才是獲取知識的主要課堂。"),
    )
    assert find_stances(led) == []
    own = records(("paragraph", "总结：我觉得这本书值得一读。"))
    assert len(find_stances(own)) == 1
    excerpts = records(
        ("paragraph", "干货太多，我摘录部分对我触动比较大的地方。"),
        ("list_item", "I believe the consensus is often wrong, so I have to think for myself."),
    )
    assert find_stances(excerpts) == []
    assert find_stances(records(("paragraph", "David Epstein respectfully disagrees."))) == []


def test_a_collection_of_sayings_is_quotation() -> None:
    sayings: list[dict[str, Any]] = [
        {"id": "h", "kind": "heading", "text": "名人名言"},
        {
            "id": "q",
            "kind": "paragraph",
            "section": ["名人名言"],
            "text": "我喜欢孤独，不过是不喜欢失望。",
        },
    ]
    assert find_stances(sayings) == []


def test_a_kindle_notebook_export_is_highlights_with_the_readers_notes() -> None:
    export = records(
        ("paragraph", "Your Kindle Notes For:\nWhite Holes\nCarlo Rovelli"),
        ("paragraph", "Yellow highlight | Location: 454\nI think the singularity is not central."),
        ("paragraph", "Note | Location: 455\nI am not convinced: this is a metaphor, not physics."),
    )
    assert [s.passage_ids for s in find_stances(export)] == [["p-2", "p-3"]]
    kindle_list = records(
        ("list_item", "loc 2 - I heartily accept the motto, and I believe it."),
        ("list_item", "Location 59 - I think that it is not too soon for honest men to rebel."),
    )
    assert find_stances(kindle_list) == []
