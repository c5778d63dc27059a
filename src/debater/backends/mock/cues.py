"""Cues to whose words a passage holds: reported speech, quotation sections, the author's asides.

A note mixes the author's words with other people's: quotations, excerpts, blurbs, translations,
reports of what a book's author thinks. These patterns tell them apart without a model.
"""

from __future__ import annotations

import re

_FLAGS = re.IGNORECASE

OPEN_QUOTES = '“「『"'
CLOSING_FOR = {"“": "”", "「": "」", "『": "』", '"': '"'}

# Someone else's view reported in the third person: "Dario thinks ...", "作者认为 ...",
# "But the author argues ...". Self-references (笔者, 本人, "this reviewer") are the note's author.
_EN_VERBS = (
    r"(?:thinks|believes|says|said|argues|argued|claims|claimed|writes|wrote|suggests|contends"
    r"|insists|notes|points out|mentions|talks about|predicts|warns|is (?:against|for|in favou?r of"
    r"|worried|convinced))"
)
_LEAD = r"(?:(?:but|and|yet|however|so)[,\s]+)?"
_ZH_LEAD = r"(?:但是?|而|不过|然而|可是|并且)?[,，\s]*"
ATTRIBUTION = re.compile(
    rf"^{_LEAD}(?!(?:I|We|My|Our|This|That|It)\s)(?-i:[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){{0,3}})"
    rf"\s+{_EN_VERBS}(?![A-Za-z])"
    rf"|^{_LEAD}(?:the (?:book's )?(?:author|writer|book|essay|article|paper)s?|he|she|they)"
    rf"\s+{_EN_VERBS}(?![A-Za-z])"
    r"|^(?:according to|quote:|quoting|引用|原文|据)"
    rf"|^{_ZH_LEAD}(?![我这那]|笔者|本人|鄙人|个人)"
    r"(?:[A-Za-z][A-Za-z.\- ]{0,30}?|[\u4e00-\u9fff]{1,4}?)"
    r"\s*(?:认为|觉得|说|谈到|提到|指出|主张|表示|声称|写道|相信|反对|支持|预测|担心|的看法|的观点)",
    _FLAGS,
)
# Where the author's own words start inside a reported sentence: "作者认为X，但我觉得Y".
OWN_TURN = re.compile(
    r"[,，;；]\s*(?:(?:but|however|yet|though)[,\s]+|但是?|不过|可是|然而)?\s*(?=(?:I|我)(?![A-Za-z]))"
)

# Headings over other people's text: quotations, excerpts, highlights, blurbs, transcripts.
QUOTATION_HEADING = re.compile(
    r"(?<![A-Za-z])(?:quot(?:e|es|ation|ations)|excerpts?|highlights?|clippings?|transcripts?"
    r"|blurbs?|book description|(?:selected )?passages)(?![A-Za-z])"
    r"|原文|全文|正文|译文|演讲|讲稿|文字稿|摘录|摘抄|书摘|节选|引用|引文|语录|金句|简介|划线|高亮|标注",
    _FLAGS,
)
# ... unless the heading also promises the reader's own words ("Highlights & Comments").
REACTION_HEADING = re.compile(
    r"(?<![A-Za-z])(?:comments?|thoughts?|notes?|reflections?|reactions?|takeaways?|review)"
    r"(?![A-Za-z])|评论|感想|想法|思考|心得|笔记|批注|读后感|点评",
    _FLAGS,
)
# A passage announcing that what follows is someone else's text.
ANNOUNCES_QUOTATION = re.compile(
    r"根据以下.{0,12}整理|以下(?:为|是)(?:译文|原文|全文|节选|摘录)|转载自|本文转自|原文如下"
    r"|(?<![A-Za-z])(?:(?:full text|transcript|translation) (?:below|follows)|reposted from)",
    _FLAGS,
)

# A one-sentence passage that only announces excerpts to come: no stance of its own.
ANNOUNCES_EXCERPTS = re.compile(
    r"^以下.{0,16}(?:摘抄|摘录|节选|书摘|划线|笔记)|^(?:here are|below are)(?: some| a few)? "
    r"(?:quotes|excerpts|highlights|passages|notes)",
    _FLAGS,
)
# "Objections: X": the author objects with X, unless X is "none".
OBJECTION_LABEL = re.compile(
    r"^\s*(?:objections?|disagreements?|criticisms?|counterpoints?|pushback|反驳|异议|质疑)\s*[:：]\s*",
    _FLAGS,
)
NONE_ANSWER = re.compile(r"^(?:no|none|nope|nothing|n/a|无|没有)(?![A-Za-z])", _FLAGS)

# Front matter that the loader did not recognise: every line a `key: value` pair.
METADATA_LINE = re.compile(r"^\s*[A-Za-z_][\w-]{0,30}:(?:\s|$)")
# A passage that is only an image or a link: the work that the next passage reviews.
WORK_LINK = re.compile(r"^\s*(?:!?\[[^\]]*\]\([^)]*\)|<img\b[^>]*>)\s*$", _FLAGS)
WORK_NAME = re.compile(r"\[([^\]]*)\]|alt=\"([^\"]*)\"")
# Inline code holding a quotation at the start of a passage: "`quote` commentary".
CODE_QUOTE = re.compile(r"^`([^`]{8,})`\s*[:：,，.。;；—-]*\s*")
# The author speaking of themself by name or handle: "mtfront (me): ...".
SELF_NAME = re.compile(r"^\s*@?[\w.-]{1,30}\s*[(（](?:me|myself|我|本人)[)）]\s*[:：]?\s*", _FLAGS)
PIN = "📌"  # a highlight, in exports from reading apps
THOUGHT = "💭"  # the reader's own thought on a highlight

# The author labelling a passage as their own idea.
OWN_LABEL = re.compile(
    r"(?<![A-Za-z])(?:random thoughts?|my own (?:thoughts?|ideas?|views?|take)|my take"
    r"|my thoughts?|my comments?|note to self)(?![A-Za-z])"
    r"|我自己的|我的想法|个人想法|个人观点|自己的想法|我的观点|我的思考|我的感想|💭",
    _FLAGS,
)
# An own-idea label leading a sentence, "(my own random thought) ..." or "My take: ...".
LABEL_PREFIX = re.compile(r"^\s*(?:[(（\[【][^)）\]】]{0,40}[)）\]】]|[^:：]{0,40}[:：])\s*")
LEADING_CONTRAST = re.compile(
    r"^\s*(?:(?:but|however|yet)(?![A-Za-z])|可是|但是|但|不过|然而)[,，\s]*", _FLAGS
)

# Words that carry no content once a marker is removed ("I am inclined to agree" says no more).
FILLER_EN = frozenset(
    {
        *("i", "me", "my", "we", "am", "is", "are", "was", "be", "this", "that", "it", "the"),
        *("a", "an", "to", "on", "of", "so", "very", "really", "just", "too", "also", "do"),
        *("does", "did", "yes", "no", "and", "with", "about", "up", "here", "there", "m", "s"),
    }
)
FILLER_ZH = re.compile("[我这那倒是了的也很就都还呢吧啊呀嗯真此]")


def quoting_under(headings: list[str]) -> bool:
    """Whether a heading path is over other people's text: its innermost heading that says."""
    for heading in reversed(headings):
        if REACTION_HEADING.search(heading):
            return False
        if QUOTATION_HEADING.search(heading):
            return True
    return False


def is_metadata(raw: str) -> bool:
    """Whether a passage is leftover front matter: two or more `key: value` lines."""
    lines = [line for line in raw.splitlines() if line.strip()]
    return len(lines) >= 2 and all(METADATA_LINE.match(line) for line in lines)


def aside(text: str) -> str | None:
    """The words of a passage wholly in parentheses (the author's aside), else None."""
    body = text.strip().rstrip(".。")
    if len(body) < 3 or body[0] not in "(（" or body[-1] not in ")）":
        return None
    inner = body[1:-1]
    depth = 0
    for ch in inner:  # "(a) and (b)" is two asides' worth of text, not one aside
        depth += {"(": 1, "（": 1, ")": -1, "）": -1}.get(ch, 0)
        if depth < 0:
            return None
    return inner.strip()


def work_name(text: str) -> str | None:
    """The name of the work an image- or link-only passage shows, else None."""
    if not WORK_LINK.match(text):
        return None
    found = WORK_NAME.search(text)
    return next((g for g in (found.groups() if found else ()) if g), "") or text.strip()
