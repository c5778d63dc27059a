"""Cues to whose words a passage holds: reported speech, quotation sections, the author's asides.

A note mixes the author's words with other people's: quotations, excerpts, blurbs, translations,
reports of what a book's author thinks. These patterns tell them apart without a model.
"""

from __future__ import annotations

import re

from debater.notes.language import HAN_CHARS

_FLAGS = re.IGNORECASE
_HAN = re.compile(f"[{HAN_CHARS}]")

OPEN_QUOTES = '“「『"'
SENTENCE_ENDS = (".", "。", "!", "?", "！", "？", "…", "”", "」", ")", "）")
CLOSING_FOR = {"“": "”", "「": "」", "『": "』", '"': '"'}

# Someone else's view reported in the third person: "Dario thinks ...", "作者认为 ...",
# "But the author argues ...". Self-references (笔者, 本人, "this reviewer") are the note's author.
_EN_VERBS = (
    r"(?:thinks|believes|says|said|argues|argued|claims|claimed|suggests|contends"
    r"|(?:writes|wrote)(?=\s+(?:that|about|of|in|how|why)\s|\s*[:,“\"])"  # not "writes so well"
    r"|insists|notes|points out|mentions|talks about|predicts|warns"
    r"|(?:respectfully )?(?:dis)?agrees|is (?:against|for|in favou?r of"
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
    r"\s*(?:认为|觉得|(?<![来话是])说|谈到|提到|指出|主张|表示|声称|写道|相信|反对|支持|预测|担心|的看法|的观点)"
    rf"|^{_ZH_LEAD}(?:原?作者|他们?|她们?|书中)(?:也|并|则|完全|并不|不太)*不?(?:同意|赞同|认同)",
    _FLAGS,
)
# Someone's view with the speaker set inside it: "talent, says Geoff Colvin, is overrated".
SAYS_INSIDE = re.compile(
    rf"[,，]\s*{_EN_VERBS}\s+(?-i:[A-Z])[\w.'’-]*(?:\s+[A-Z][\w.'’-]*){{0,3}}\s*[,，]", _FLAGS
)
# A work speaking for itself, anywhere in a passage: "所以这本书提倡的是X", "The book argues X".
BOOK_SAYS = re.compile(
    r"^(?:(?:so|therefore|thus|but|and)[,\s]+)?(?:this|the)"
    r" (?:book|chapter|essay|article|talk|video)(?:'s author)?\s+(?:argues|says|claims|suggests"
    r"|advocates|proposes|explains|describes|shows|recommends|teaches|tells us|points out)"
    r"(?![A-Za-z])"
    r"|^(?:所以|因此|因而|但是?|而|不过)?[,，\s]*(?:这|此|本|该)(?:本|篇|部|个)?"
    r"(?:书|文章|文|章|作者|作品|视频|影片)(?:中|里)?(?:提到|提倡|认为|主张|指出|讲到?(?!得)|说(?!得)|强调|建议"
    r"|告诉我们|介绍|想表达|的观点|的核心)",
    _FLAGS,
)
# The author's "I": first person singular (not "we", which summaries use for everyone).
FIRST_PERSON = re.compile(
    r"(?<![A-Za-z])(?:I|I'm|I've|I'd|(?i:me|my|myself))(?![A-Za-z'])|我(?![们們])|笔者|筆者|本人|鄙人",
)

# A quotation led by its speaker's name: "王维：黃雀癡，黃雀癡", "錢偉長： 上學的機會...". Words
# the author labels their own lines with ("总结：", "感想：") are not names.
SPEAKER_LED = re.compile(
    r"^\s*(?!(?:总结|结论|感想|想法|评论|笔记|问题|原因|结果|备注|思考|观点|摘要"
    r"|评分|理由|例如|比如|注意|小结|收获|启发|反思|优点|缺点|推荐|目录|作者|书名|译者|出版"
    r"|标签|时间|日期|地点|链接|来源|总的来说|我)[:：])[\u4e00-\u9fff·]{2,4}\s*[:：]\s*\S"
)

# The collective "we" of a summary or of the book's own voice.
WE = re.compile(r"(?<![A-Za-z])(?:we|us|our)(?![A-Za-z])|我们|咱们", _FLAGS)

# Where the author's own words start inside a reported sentence: "作者认为X，但我觉得Y".
OWN_TURN = re.compile(
    r"[,，;；]\s*(?:(?:but|however|yet|though)[,\s]+|但是?|不过|可是|然而)?\s*(?=(?:I|我)(?![A-Za-z]))"
)

# Headings over other people's text: quotations, excerpts, highlights, blurbs, transcripts.
QUOTATION_HEADING = re.compile(
    r"(?<![A-Za-z])(?:quot(?:e|es|ation|ations)|excerpts?|highlights?|clippings?|transcripts?"
    r"|blurbs?|book description|(?:selected )?passages)(?![A-Za-z])"
    r"|sayings|aphorisms|maxims|commonplace"
    r"|原文|全文|正文|译文|演讲|讲稿|文字稿|摘录|摘抄|书摘|节选|引用|引文|语录|金句|简介|划线|高亮|标注"
    r"|名言|名句|格言|警句",
    _FLAGS,
)
# Headings over a summary of the work: the work's views, told in the note's words.
SUMMARY_HEADING = re.compile(
    r"(?<![A-Za-z])(?:summary|summaries|synopsis|overview|outline|key (?:ideas|points|concepts))"
    r"(?![A-Za-z])|摘要|概要|概述|梗概|大纲|内容提要|内容概要|主要内容",
    _FLAGS,
)
# A line of stars alone: a rating ("★★★★☆", "4/5").
STARS = re.compile(r"^\s*(?:[★☆⭐✩✭]+|\d(?:\.\d)?\s*/\s*(?:5|10))\s*$")
# Headings over the author's own open questions: a question under one is the author's doubt.
QUESTIONS_HEADING = re.compile(
    r"(?<![A-Za-z])(?:(?:open |my )?questions?|doubts?|puzzles?)(?![A-Za-z])"
    r"|疑问|困惑|存疑|我的问题",
    _FLAGS,
)
# ... unless the heading also promises the reader's own words ("Highlights & Comments").
REACTION_HEADING = re.compile(
    r"(?<![A-Za-z])(?:comments?|thoughts?|notes?|reflections?|reactions?|takeaways?|review)"
    r"(?![A-Za-z])|评论|感想|想法|思考|心得|笔记|批注|读后感|点评",
    _FLAGS,
)
# Headings that name a part of a note, not a work ("后记", "Conclusion", "My thoughts").
_PART_HEADING = re.compile(
    r"(?<![A-Za-z])(?:introduction|conclusions?|epilogue|prologue|preface|afterword|foreword"
    r"|appendix|verdict|final words|tl;?dr)(?![A-Za-z])"
    r"|前言|序言?|引言|导言|后记|结语|结论|总结|小结|附录|尾声",
    _FLAGS,
)
# A passage announcing that what follows is someone else's text.
ANNOUNCES_QUOTATION = re.compile(
    r"根据以下.{0,12}整理|以下(?:为|是)(?:译文|原文|全文|节选|摘录)|转载自|本文转自|原文如下"
    r"|我(?:摘录|摘抄|摘了|摘出|抄录|抄了)"
    r"|(?<![A-Za-z])(?:(?:full text|transcript|translation) (?:below|follows)|reposted from)",
    _FLAGS,
)
# The head of a reading app's notebook export: what follows is highlights (and the reader's notes).
EXPORT_HEAD = re.compile(r"^\s*your kindle notes for\b|^\s*\d+ highlights?\(?s?\)? \|", _FLAGS)

# A sentence that only announces excerpts to come ("以下是我摘出来的选段"): no stance of its own.
ANNOUNCES_EXCERPTS = re.compile(
    r"^(?:以下|下面|接下来)(?:是|为)?.{0,20}?(?:摘|抄|选段|节选|书摘|划线|笔记|整理|翻译)"
    r"|(?:^|[,，]\s*)(?:here are|below are|these are|what follows are)(?: some| a few| my)?"
    r"(?: favou?rite| selected)? (?:quotes|excerpts|highlights|passages|notes)",
    _FLAGS,
)
# A passage saying the note is a summary ("This is a chapter-by-chapter summary of ...",
# "以下是本书的内容梳理"): what follows tells the work's views.
ANNOUNCES_SUMMARY = re.compile(
    r"(?<![A-Za-z])(?:this is|what follows is|below is|here is|these are)\s+(?:a |an |my |the )?"
    r"(?:[\w-]+\s+){0,3}?(?:summary|summaries|synopsis|outline|recap) of"
    r"|(?:以下|下面|本文)(?:是|为).{0,20}(?:总结|摘要|概要|梳理|提纲|大纲)",
    _FLAGS,
)
# "Objections: X": the author objects with X, unless X is "none".
OBJECTION_LABEL = re.compile(
    r"^\s*(?:objections?|disagreements?|criticisms?|counterpoints?|pushback|反驳|异议|质疑)\s*[:：]\s*",
    _FLAGS,
)
# A line naming who said the passage before it: "- Churchill", "— Mark Twain, Notebooks", "——鲁迅".
SIGNATURE = re.compile(
    r"^\s*(?:[-—–―~]{1,2}\s*)?(?:[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|van|von|of|the)){0,4}"
    r"(?:\s*[,，(（:：].{0,60})?|[\u4e00-\u9fff·]{2,8}(?:\s*[,，《(（].{0,40})?)\s*$"
)
# A quotation signed at its end: "... already taken. — Oscar Wilde", "……。——鲁迅《呐喊》".
SIGNED_AT_END = re.compile(
    r"(?:\s(?:—{1,2}|–|―|--)|[.。!！?？”\"]\s*(?:—{1,2}|–|―|-{1,2}|~))\s*"
    r"(?:[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|van|von|of|the)){0,4}|[\u4e00-\u9fff·]{2,8})"
    r"(?:\s*[,，《(（].{0,60})?\s*$"
)
_DASHED = re.compile(r"^\s*[-—–―~]{1,2}\s*\S")
# A line that only rates or links: "Rating: 4.5/5", "推荐指数：★★★★", "上月总结：[link](url)".
RATING_LINE = re.compile(
    r"^\s*[^:：\n]{1,16}[:：]\s*(?:[`*★☆⭐🍔🥦\d./\s-]+|`?(?:null|n/a)`?|\[[^\]]*\]\([^)]*\))\s*$",
    _FLAGS,
)
# An aside that only cites or sets context: "(a new rendering by Sam Torode)", "(Gazzaniga,
# p. 65)", "(For context, this comes after ...)".
BYLINE = re.compile(
    r"(?<![A-Za-z])(?:by|translated|edited|trans\.|ed\.)\s+[A-Z]|译(?:者|本)?[:：]"
    r"|(?<![A-Za-z])pp?\.\s*\d|第\s*\d+\s*页"
    r"|^(?:[Ff]or context|[Cc]ontext:|[Ss]ee also|cf\.|[Vv]ia |[Ss]ource:)"
)
NONE_ANSWER = re.compile(r"^(?:no|none|nope|nothing|n/a|无|没有)(?![A-Za-z])", _FLAGS)

# Front matter that the loader did not recognise: every line a `key: value` pair.
METADATA_LINE = re.compile(r"^\s*[A-Za-z_][\w-]{0,30}:(?:\s|$)")
# A passage that is only an image (a book's cover): the work that the next passage reviews. A
# bare link is not: a quote under a link to an article is an excerpt of the article.
WORK_LINK = re.compile(r"^\s*(?:!\[[^\]]*\]\([^)]*\)|<img\b[^>]*>)\s*$", _FLAGS)
WORK_NAME = re.compile(r"\[([^\]]*)\]|alt=\"([^\"]*)\"")
# Inline code holding a quotation at the start of a passage: "`quote` commentary".
CODE_QUOTE = re.compile(r"^`([^`]{8,})`\s*[:：,，.。;；—-]*\s*")
# The author speaking of themself by name or handle: "mtfront (me): ...".
# The reader's annotation on a highlight: "Note: ...", "My thoughts: ...", "批注：...".
NOTE_LABEL = re.compile(
    r"^\s*(?:(?:(?:my )?(?:note|comment|thoughts?|reflection)|批注|想法|感想|评|按)\s*[:：]"
    r"|note\s*[|\-–—]\s*(?:location|loc\.?|page)\s*:?\s*[\d,]+)\s*",  # "Note | Location: 455"
    _FLAGS,
)
# A highlight as reading apps export it: "Yellow highlight | Location: 454", "loc 49 - ...".
HIGHLIGHT_LABEL = re.compile(
    r"^\s*(?:(?:(?:yellow|blue|pink|orange|purple|red|green)\s+)?highlight\s*(?:\([a-z]+\)\s*)?"
    r"[|\-–—:]\s*(?:location|loc\.?|page)|loc(?:ation)?\.?\s*[\d,]+\s*[|\-–—:])",
    _FLAGS,
)
TAGS_LINE = re.compile(r"^\s*(?:tags?|标签|location|page|位置)\s*[:：]", _FLAGS)
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


def others_words(raw: str, text: str) -> bool:
    """Whether a passage is other people's words by its form: verse, a quotation signed at its
    end or led by its speaker's name, a reading app's highlight, or a title set as a line;
    never a passage the reader labels as their note."""
    if NOTE_LABEL.match(text):  # "Note | Location: 455" over two short lines: the reader's
        return False
    signed = SIGNED_AT_END.search(text) or SPEAKER_LED.match(text) or HIGHLIGHT_LABEL.match(raw)
    return bool(signed or verse(raw) or title_line(text))


def title_line(text: str) -> bool:
    """Whether a passage is a title set as a line ("What Really Separates World-Class Performers
    from Everybody Else"): three or more words, nearly all capitalised, no sentence end."""
    words: list[str] = re.findall(r"[A-Za-z][\w'’-]*", text)
    small = {"a", "an", "the", "of", "and", "or", "to", "in", "on", "for", "from", "with", "by"}
    big = [w for w in words if w.lower() not in small]
    if len(words) < 3 or not big or text.rstrip().endswith(SENTENCE_ENDS) or _HAN.search(text):
        return False
    capitalised = sum(1 for w in big if w[0].isupper())
    return capitalised >= 0.8 * len(big)


def asking_under(headings: list[str]) -> bool:
    """Whether the innermost heading is over the author's questions ("Questions", "疑问")."""
    return bool(headings) and QUESTIONS_HEADING.search(headings[-1]) is not None


def summary_under(headings: list[str], announced: bool = False) -> bool:
    """Whether a heading path is over a summary of the work: its innermost heading that says,
    else whether the note `announced` it is a summary."""
    for heading in reversed(headings):
        if REACTION_HEADING.search(heading):
            return False
        if SUMMARY_HEADING.search(heading):
            return True
    return announced


def reports(sentence: str) -> bool:
    """Whether a sentence reports someone else's view (a person's, or a work's) and not the
    author's: "作者认为X", "所以这本书提倡X", "The book argues X", "talent, says Colvin, is
    overrated", with no "I" of the author's."""
    said = ATTRIBUTION.match(sentence) or BOOK_SAYS.match(sentence) or SAYS_INSIDE.search(sentence)
    return said is not None and not FIRST_PERSON.search(sentence)


def is_metadata(raw: str) -> bool:
    """Whether a passage is leftover front matter (two or more `key: value` lines) or a rating."""
    lines = [line for line in raw.splitlines() if line.strip()]
    if len(lines) == 1:
        return bool(RATING_LINE.match(lines[0]) or STARS.match(lines[0]) or TAGS_LINE.match(raw))
    return len(lines) >= 2 and all(METADATA_LINE.match(line) for line in lines)


def signature(kind: str, text: str, alone: bool) -> bool:
    """Whether a passage only names who said the one before it: "— Mark Twain", or "Churchill"
    as a list item `alone` (neither passage beside it is a list item)."""
    if not SIGNATURE.match(text) or text.rstrip().endswith((".", "。", "!", "?", "！", "？")):
        return False
    return (kind == "list_item" and alone) or _DASHED.match(text) is not None


def verse(raw: str) -> bool:
    """Whether a passage is set as verse: two or more short lines that do not end sentences."""
    lines = [line.strip() for line in raw.split("\n") if line.strip()]
    if len(lines) < 2:
        return False
    width = max(len(line.encode("gbk", "replace")) for line in lines)
    ends = (".", "。", "!", "?", "！", "？", ":", "：")
    return width <= 60 and not any(line.endswith(ends) for line in lines[:-1])


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


_TITLE_IN_HEADING = re.compile(r"《([^》]{2,40})》|\[_*([^\]_]{2,60})_*\]|\*\*([^*]{2,60})\*\*")
_HEADING_TAIL = re.compile(r"\s+(?:~|by|[-—–])\s+.*$|\s*[(（].*$", re.I)


def heading_title(heading: str) -> str:
    """The name of the work a heading is about: "5. 《万历十五年》 黄仁宇" -> "万历十五年",
    "**The Hunger Games** ~ Suzanne Collins" -> "The Hunger Games"."""
    if found := _TITLE_IN_HEADING.search(heading):
        return next(g for g in found.groups() if g).strip()
    plain = re.sub(r"^\s*(?:#+|\d+[.)、]|[-*])\s*", "", heading)
    return _HEADING_TAIL.sub("", plain).strip()


def names_a_part(heading: str) -> bool:
    """Whether a heading names a part of the note ("后记", "Summary", "My thoughts"), not a work."""
    parts = (_PART_HEADING, REACTION_HEADING, SUMMARY_HEADING, QUOTATION_HEADING, QUESTIONS_HEADING)
    return any(p.search(heading) for p in parts)


def work_name(text: str) -> str | None:
    """The name of the work an image- or link-only passage shows, else None."""
    if not WORK_LINK.match(text):
        return None
    found = WORK_NAME.search(text)
    return next((g for g in (found.groups() if found else ()) if g), "") or text.strip()
