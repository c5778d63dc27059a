"""The mock backend's stance finder: opinion markers over passages, no model involved.

Whose words a passage holds comes first. A quotation, a highlight, a report of what someone else
thinks ("Dario thinks ...", "作者认为 ..." — 作者 and "the author" are the book's author, not the
note's) is a target, never a stance. So is everything under a heading over other people's text
(原文摘录, 书籍简介, "Quotes", "Begin quotation") or after a passage announcing a transcript or
translation, and leftover front matter is skipped. Under a summary heading (摘要, "Summary") a
passage tells the work's views unless the author says "I"; anywhere, a sentence in which a work
or a person speaks ("所以这本书提倡X", "The book argues X") is theirs, and a sentence announcing
excerpts ("以下是我摘出来的选段") says nothing. The next minable passage, if it carries
opinion markers, is the author's reaction: one stance pointing at both passages. The author's
words after a quotation in the same passage ("“X” I disagree", "`X` 我觉得...") react to it.
An aside wholly in parentheses, a reading-app thought (💭) or a line the author signs as
themself ("name (me): ...") is the author's even without markers, about the passage it follows
(or its `parent`). A blockquote right after a book's cover or link is the author's review of it,
with or without markers. A bare closing remark ("Much to think about.") is about the sentence
before it.
Other passages with markers are the author's own ideas. One stance per passage.

Doubting that advice can be followed ("good luck with that", "说起来容易") is taken as partial
agreement: the author grants the advice but not that it can be carried out.

What the rules find is then weighed (`weighing`, a model fitted to hand-labelled real notes): in a
batch of enough passages, a stance on unlikely passages is dropped, and where the author is heard,
a very likely passage the rules passed over (plain argument, no marker) is an own idea.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from debater.backends.mock import cues, weighing
from debater.backends.mock import markers as mk
from debater.backends.mock.claims import (
    Target,
    composed_claim,
    detail,
    inline_target,
    own_claim,
    reasoning,
    target_text,
)
from debater.backends.mock.reading import Reading, later_verdict, read, strength
from debater.backends.mock.text import (
    clean,
    content_size,
    join,
    mostly_quoted,
    quoted_spans,
    sentences,
    without_quotes,
)
from debater.backends.mock.topics import topic_tags
from debater.llm.answers import ExtractedStance
from debater.notes.language import detect_language, matches_language
from debater.records import MINABLE_KINDS, Position

# Content words (or Han pairs) that unmarked prose after a quotation needs to be a comment.
COMMENT_SIZE = 8
# What a verdict judges when the note names no work (in English, in Chinese).
THE_WORK = ("the work under review", "所评的作品")


@dataclass
class _State:
    """What the finder remembers between passages of one batch."""

    title: str = ""  # the note's own title (not its file name): "Excerpts" is a heading too
    section: tuple[str, ...] | None = None
    quoting: bool = False  # inside other people's text: a quotation section or a transcript
    summarising: bool = False  # under a summary heading: the work's views unless "I" speaks
    asking: bool = False  # under a heading of questions: each question is the author's doubt
    summary_note: bool = False  # the note said it summarises a work ("This is a summary of X")
    pending: Target | None = None  # a quotation or report awaiting the author's reaction
    previous: Target | None = None  # the passage before, for an aside to point at
    work: Target | None = None  # a cover or link just shown: the next blockquote reviews it
    seen: dict[str, str] = field(default_factory=dict)  # passage id -> text, for `parent`
    highlights: set[str] = field(default_factory=set)  # ids of highlights in an annotated export


def find_stances(
    records: Iterable[Mapping[str, Any]],
    note: Mapping[str, Any] | None = None,
    weights: Mapping[str, float] | None = None,
) -> list[ExtractedStance]:
    """The author's stances in passage records (`id`, `kind`, `text`; optional `section`, a
    heading path as a list or a " > "-joined string, and `parent`, the id of the passage that
    this one sits under). `note` is the request's note header (`file`, `title`). What the rules
    find (`read_stances`) is weighed by the model (`weighing`; its fitted weights by default)."""
    records = list(records)
    found = read_stances(records, note)
    title = str((note or {}).get("title") or "")
    return weighing.select(records, found, title, weights, _own_idea)


def _own_idea(pid: str, text: str) -> ExtractedStance | None:
    return _react(pid, text, None, "own")


def read_stances(
    records: Iterable[Mapping[str, Any]], note: Mapping[str, Any] | None = None
) -> list[ExtractedStance]:
    """The stances the rules find, passage by passage, before any weighing."""
    state = _State(title=_own_title(note or {}))
    items = [unit for record in records for unit in _lines_of(record)]
    state.highlights = _highlights(items)
    found = (_passage(record, state, _signed(items, i)) for i, record in enumerate(items))
    return [stance for stance in found if stance is not None]


def _highlights(items: list[Mapping[str, Any]]) -> set[str]:
    """The ids of highlights in an export that annotates them (Readwise, Kindle): when some list
    items carry "Note:" or "Tags:" items under them, every top-level list item is a highlight."""
    labels = (cues.NOTE_LABEL, cues.TAGS_LINE)
    annotated = {
        str(item.get("parent"))
        for item in items
        if item.get("parent") and any(label.match(str(item.get("text", ""))) for label in labels)
    }
    if not annotated:
        return set()
    tops = {str(i.get("id")) for i in items if i.get("kind") == "list_item" and not i.get("parent")}
    return annotated | tops


def _lines_of(record: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """A paragraph or list item written as three or more lines that each end a sentence, as one
    record per line (each line a thought of its own); any other record as it is. A poem's lines
    stay together."""
    raw = str(record.get("text", ""))
    lines = [line.strip() for line in raw.split("\n") if line.strip()]
    if record.get("kind") not in ("paragraph", "list_item") or len(lines) < 3 or cues.verse(raw):
        return [record]
    if not all(line.endswith(cues.SENTENCE_ENDS) for line in lines[:-1]):
        return [record]
    return [{**record, "text": line} for line in lines]


def _signed(items: list[Mapping[str, Any]], i: int) -> bool:
    """Whether the passage after item i only names who said item i."""
    if i + 1 >= len(items):
        return False
    kinds = [str(items[j].get("kind")) if 0 <= j < len(items) else "" for j in (i, i + 2)]
    nxt = items[i + 1]
    text = clean(str(nxt.get("text", "")))
    return cues.signature(str(nxt.get("kind")), text, "list_item" not in kinds)


def _own_title(note: Mapping[str, Any]) -> str:
    """The note's title when the author wrote one (a title that is only the file's name says
    nothing of what the note holds)."""
    title, file = str(note.get("title") or ""), str(note.get("file") or "")
    return "" if not title or title == file.rsplit(".", 1)[0] else title


def _section(record: Mapping[str, Any]) -> tuple[str, ...]:
    section = record.get("section")
    if isinstance(section, list | tuple):
        return tuple(str(s) for s in section)
    return tuple(str(section).split(" > ")) if section else ()


def _enter(record: Mapping[str, Any], state: _State) -> None:
    """A new section ends pending reactions; a quotation heading starts other people's text."""
    section = _section(record)
    if record.get("kind") != "heading" and section == state.section:
        return
    state.section, state.pending, state.previous, state.work = section, None, None, None
    heading = [str(record.get("text", ""))] if record.get("kind") == "heading" else []
    headings = [mk.normalise(h) for h in [*section, *heading]]
    # A title of excerpts covers the note; a "summary" in a title is more often a year's review.
    state.quoting = cues.quoting_under([mk.normalise(state.title), *headings])
    state.summarising = cues.summary_under(headings, state.summary_note)
    state.asking = cues.asking_under(headings)


def _passage(record: Mapping[str, Any], state: _State, signed: bool) -> ExtractedStance | None:
    """The stance a passage takes; `signed` says the next passage names who said it."""
    _enter(record, state)
    raw = str(record.get("text", ""))
    text = clean(raw)
    if record.get("kind") not in MINABLE_KINDS or not text or cues.is_metadata(raw):
        return None
    pid = str(record.get("id", ""))
    state.seen[pid] = text
    if pid in state.highlights or signed or cues.others_words(raw, text):
        state.pending = state.previous = Target(pid, text)
        return None
    parent = state.seen.get(str(record.get("parent") or ""))
    around = (
        Target(str(record.get("parent")), parent) if parent else state.pending or state.previous
    )
    if (own := _own_words(text)) is not None:
        state.pending = None
        return _react(pid, own, around, "own")
    work, state.work = state.work, None
    if cues.ANNOUNCES_SUMMARY.search(mk.normalise(text)):
        state.summary_note = state.summarising = True
        return None
    if state.quoting:
        state.previous = Target(pid, text)
        return None
    if cues.EXPORT_HEAD.match(text):  # "Your Kindle Notes For: ...": highlights follow
        state.quoting = True
        return None
    if (after := _after_announcement(text)) is not None:  # other people's text follows
        state.quoting, state.previous = True, Target(pid, text)
        return _reaction_or_target(pid, after, str(record.get("kind")), state) if after else None
    if (name := cues.work_name(text)) is not None:
        state.work = state.previous = Target(pid, name)
        return None
    state.previous = Target(pid, text)
    if record.get("kind") == "quote" and work is not None and not text.startswith(cues.OPEN_QUOTES):
        return _react(pid, text, work, "own")  # the author's review under a cover: "> 神奇的想象力"
    if state.asking and record.get("kind") != "quote" and "?" in text.replace("？", "?"):
        return _react(pid, text, state.pending, "asked")
    if state.summarising and not cues.FIRST_PERSON.search(without_quotes(text)):
        state.pending = Target(pid, text)  # a summary tells the work's views, not the author's
        return None
    return _reaction_or_target(pid, text, str(record.get("kind")), state)


def _after_announcement(text: str) -> str | None:
    """What a passage says after announcing that other people's text follows ("我摘录部分…"),
    or None if it announces nothing."""
    parts = sentences(text)
    for i, part in enumerate(parts):
        if cues.ANNOUNCES_QUOTATION.search(mk.normalise(part)):
            return join(parts[i + 1 :])
    return None


def _heading_work(state: _State, pid: str) -> Target | None:
    """The section's heading, else the note's title, as the work a verdict is about ("Idea
    Makers, by S. Wolfram")."""
    heading = state.section[-1] if state.section else ""
    name = state.title if not heading or cues.names_a_part(mk.normalise(heading)) else heading
    return Target(pid, name) if name else None


def _own_words(text: str) -> str | None:
    """The author's words in a passage that is theirs by form: an aside, a thought, a signature,
    an annotation ("Note: ...")."""
    if (words := cues.aside(text)) is not None:
        return None if cues.BYLINE.search(words) else words
    if text.startswith(cues.THOUGHT):
        return text.removeprefix(cues.THOUGHT).strip()
    if signed := cues.SELF_NAME.match(text) or cues.NOTE_LABEL.match(text):
        return text[signed.end() :]
    return None


def _reaction_or_target(pid: str, text: str, kind: str, state: _State) -> ExtractedStance | None:
    if label := cues.OBJECTION_LABEL.match(text):  # "Objections: some people need structure"
        stance, state.pending = _react(pid, text[label.end() :], state.pending, "objection"), None
        return stance
    if cues.ANNOUNCES_EXCERPTS.search(mk.normalise(text)):
        # "以下是我摘出来一些觉得有意思的选段" introduces excerpts: no stance, whatever it likes.
        text = text.split(sentences(text)[0], 1)[-1].strip()
        if not text:
            return None
    reported = split_reported(text, kind)
    if reported is None:
        mode: Literal["", "comment"] = "comment" if state.pending else ""
        stance = _react(pid, text, state.pending, mode, _heading_work(state, pid))
        state.pending = None
        return stance
    quoted, rest, attributed = reported
    target = Target(pid, quoted)
    stance = (
        _react(pid, rest, target, "decisive" if attributed else "after-quote") if rest else None
    )
    state.pending = None if stance else target
    return stance


def split_reported(text: str, kind: str) -> tuple[str, str, bool] | None:
    """(someone else's view, the author's words after it, whether it was reported speech) if the
    passage holds someone else's words, else None."""
    if kind == "quote" or text.startswith(cues.PIN):
        return text.removeprefix(cues.PIN).strip(), "", False
    if code := cues.CODE_QUOTE.match(text):
        return code[1], text[code.end() :].strip(), False
    spans = quoted_spans(text)
    if text[0] in cues.OPEN_QUOTES:
        end = spans[0][1] if spans and spans[0][0] == 0 else len(text)
        return text[:end], text[end:].strip(), False
    if cues.ATTRIBUTION.match(mk.normalise(text)) or cues.BOOK_SAYS.match(mk.normalise(text)):
        parts = sentences(text)
        if turn := cues.OWN_TURN.search(parts[0]):  # "作者认为X，但我觉得Y"
            own = parts[0][turn.start() + 1 :].strip()
            return parts[0][: turn.start()], " ".join([own, *parts[1:]]), False
        return parts[0], " ".join(parts[1:]), True
    if mostly_quoted(text):
        return text, "", False
    return None


def _react(
    pid: str,
    text: str,
    target: Target | None,
    mode: Literal["", "decisive", "after-quote", "own", "objection", "asked", "comment"] = "",
    work: Target | None = None,
) -> ExtractedStance | None:
    """The stance a passage takes (towards `target`, if any), or None if it takes none.

    `mode` says whose words these are: after a report only verdicts count, after a quotation
    first-person views too; "own" words are the author's whatever they say, so without a marker
    they state an idea of the author's own; "asked" words are a question under "Questions";
    a "comment" is the author's prose right after a quotation: without a marker, an own idea
    about it if it says enough.
    `work` is what a verdict on a work is about when the passage names nothing (the section's
    heading or the note's title, as in "This book is utter trash").
    """
    parts = sentences(text)
    if not parts:
        return None
    title = cues.heading_title(work.text) if work else ""
    reading = read(parts, mode == "decisive", mode == "after-quote", title)
    if reading is None and content_size(text) >= 3 and not cues.NONE_ANSWER.match(text):
        reading = _default_reading(mode, parts)
    if reading is not None and reading.doubt and target is None and mode not in ("own", "asked"):
        reading = later_verdict(parts, reading.index)  # a question about nothing in particular
    if reading is None:
        return None
    if target is None and reading.position in ("agree", "partly", "disagree", "undecided"):
        target = inline_target(pid, parts, reading)
    verdict = ""  # a verdict on the work in the author's own sentence: the claim as written
    if target is None and reading.on_work:  # praise agrees with the work, a pan dissents
        target = work or Target(pid, THE_WORK[int(matches_language(text, "zh"))])
        verdict = own_claim(parts, reading)
    position: Position = reading.position
    if position == "own-idea" and target is not None and cues.LEADING_CONTRAST.match(text):
        position = "partly"  # "作者认为X，但我觉得Y": a view of one's own set against X
    if position == "own-idea" or (target is None and position != "undecided"):
        position, target = "own-idea", None  # agreeing with nothing in particular holds an idea
    firmness = strength(parts, reading)
    author = _author_words(text, target)
    if target is None:
        claim = own_claim(parts, reading)
        if not claim:
            return None  # "I disagree." with nothing to disagree with says nothing
    else:
        detailed = detail(parts, reading, target)
        claim = verdict or composed_claim(position, firmness, target, detailed, author)
    return ExtractedStance(
        claim=claim,
        position=position,
        strength=firmness,
        target=None if target is None else target_text(target),
        reasoning=reasoning(parts, reading),
        passage_ids=list(dict.fromkeys([target.id, pid] if target else [pid])),
        language=detect_language(author),
        topics=topic_tags(target_text(target) if target else claim),
    )


def _default_reading(mode: str, parts: list[str]) -> Reading | None:
    """What words take without any marker: an own idea if they are the author's by form, a
    disagreement if they answer "Objections:", indecision if asked under "Questions";
    otherwise nothing."""
    if mode == "own":
        return Reading("own-idea", 0, (0, 0))
    text = join(parts)
    if mode == "comment" and content_size(text) >= COMMENT_SIZE and cues.FIRST_PERSON.search(text):
        return Reading("own-idea", 0, (0, 0))
    if mode == "asked":
        asked = next(i for i, part in enumerate(parts) if "?" in part or "？" in part)
        return Reading("undecided", asked, (0, 0), doubt=True)
    return Reading("disagree", 0, (0, 0)) if mode == "objection" else None


def _author_words(text: str, target: Target | None) -> str:
    """What the author wrote themselves: the passage without quotations and inline targets."""
    if target is not None and target.inline == "colon":
        text = text.replace(target.text, " ")
    return without_quotes(text)
