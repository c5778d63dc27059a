"""Evaluations in the author's voice: praise or criticism of a work or an idea, without a marker.

Readers judge books in everyday words ("Really enjoyed it", "a bad book", "一段传奇的故事",
"读起来很慢"), not with "I agree". An evaluative word counts only in the author's voice: in a
sentence where the author says "I", or one about the work itself ("this book", "the ending",
"是一本", "文笔"), or right before a noun for the work ("Nice story", "Imaginative drawings").
So a summary's "a dangerous society" is no verdict, but "a dangerous read" is. A negation just
before the word turns it ("not good", "didn't enjoy", "不精彩").

Matched, like the tables in `markers`, on text after `markers.normalise`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from debater.backends.mock.cues import FIRST_PERSON
from debater.backends.mock.markers import _en, _rx, _zh
from debater.records import Position

POSITIVE = _rx(
    _en(
        "(?:really |truly |thoroughly |very much )?(?:enjoyed|loved|liked|adored)",
        "enjoy(?:able|ing)",
        "entertaining",
        "beautiful(?:ly)?",
        "brilliant(?:ly)?",
        "excellent",
        "great",
        "good",
        "nice",
        "wonderful",
        "fantastic",
        "amazing",
        "insightful",
        "inspiring",
        "inspired",
        "thought[- ]provoking",
        "compelling",
        "engaging",
        "gripping",
        "moving",
        "powerful",
        "clever",
        "well[- ]written",
        "well[- ]researched",
        "imaginative",
        "fun",
        "useful",
        "helpful",
        "valuable",
        "practical",
        "readable",
        "accessible",
        "eye[- ]opening",
        "favou?rite",
        "masterpieces?",
        "classic",
        "gem",
        "page[- ]turner",
        "learned a (?:ton|lot)",
        "glad",
        "impressive",
        "delightful",
        "charming",
        "hilarious",
        "funny",
        "fascinating",
        "captivating",
        "immersive",
        "(?:one of )?the best",
        "solid",
        "strong",
        "clear",
        "convincing",
        "persuasive",
        "informative",
        "well[- ]organi[sz]ed",
        "rigorous",
        "nice to read",
        "deserves? to be (?:read|re-?read)",
        "rewarding",
        "convincingly",
        "smart",
        "esteem(?:ed)?",
        "(?:a )?critical insight",
        "rings true",
        "a lot of truth",
        "memorable",
        "profound",
        "illuminating",
        "enlightening",
        "timeless",
        "touching",
        "(?<!he )(?<!she )(?<!they )recommend(?:ed)?",
        "worth",
    ),
    _zh(
        "喜欢",
        "钟爱",
        "最爱",
        "打动",
        "感动",
        "感人",
        "动人",
        "震撼",
        "深刻",
        "精彩",
        "伟大",
        "经典",
        "传奇",
        "有趣",
        "好看",
        "好读",
        "引人入胜",
        "扣人心弦",
        "发人深省",
        "启发",
        "有收获",
        "收获(?:很|颇)?(?:大|多)",
        "实用",
        "值得",
        "必读",
        "必看",
        "佳作",
        "神作",
        "惊艳",
        "优美",
        "细腻",
        "生动",
        "风趣",
        "幽默",
        "通俗易懂",
        "深入浅出",
        "透彻",
        "清晰",
        "治愈",
        "温暖",
        "智慧",
        "直击人心",
        "耐读",
        "好书",
        "不错",
        "很棒",
        "(?<![他她们])推荐",
        "受益",
        "有帮助",
        "有用",
        "有价值",
        "吸引人",
        "出人意表",
        "绝妙",
        "准确",
        "流畅",
        "忠实",
        "地道",
        "到位",
        "印象深刻",
        "颠覆",
        "力量",
        "共鸣",
        "值得一提",
        "受用",
        "喜爱",
    ),
)

NEGATIVE = _rx(
    _en(
        "boring",
        "bored",
        "dull",
        "tedious",
        "dragged(?: on| out)?",
        "disappointing",
        "disappointed",
        "disappointment",
        "bad",
        "terrible",
        "awful",
        "weak",
        "shallow",
        "superficial",
        "repetitive",
        "forced",
        "meh",
        "overrated",
        "naive",
        "confusing",
        "tiresome",
        "annoying",
        "annoyance",
        "(?:really )?(?:disliked|hated)",
        "unconvincing",
        "flawed",
        "misleading",
        "one[- ]sided",
        "biased",
        "fluff",
        "padded",
        "pretentious",
        "highbrow",
        "preachy",
        "dangerous",
        "trash",
        "rubbish",
        "waste",
        "(?:the|my) (?:main |biggest |only )?problems? (?:i had|with)",
        "problematic",
        "sloppy",
        "lacking",
        "makes? my blood boil",
        "silly",
        "unneeded",
        "unnecessary",
        "aged badly",
        "objectionable",
        "(?:not easy|hard|difficult|challenging) (?:to read|read)",
        "obsolete",
        "outdated",
        "dated",
        "nitpick(?:ing|y)?",
        "not perfect",
        "quibbles?",
        "unfortunately",
        "lazy",
        "hype[ds]?",
        "clich(?:e|é)d?",
        "self-indulgent",
        "stupid(?:ity)?",
        "hack",
        "shame on",
        "absurd",
        "ridiculous",
        "embarrassing",
        "pathetic",
        "incoherent",
        "laughable",
    ),
    _zh(
        "无聊",
        "枯燥",
        "乏味",
        "失望",
        "大失所望",
        "平庸",
        "浅薄",
        "啰嗦",
        "冗长",
        "拖沓",
        "注水",
        "晦涩",
        "难懂",
        "糟糕",
        "鸡肋",
        "青涩",
        "牵强",
        "片面",
        "偏颇",
        "误导",
        "流水账",
        "网文味",
        "零散",
        "碎片化",
        "一般般",
        "烂",
        "差劲",
        "不值",
        "不够",
        "扑街",
        "没起来",
        "通病",
        "厌女",
        "缺点",
        "不建议",
        "不推荐",
        "死板",
        "生硬",
        "鸡汤",
        "营销",
        "浪费(?:了)?(?:时间|生命)",
        "错误",
        "错译",
        "误译",
        "漏译",
        "不准确",
        "别扭",
        "硬伤",
        "套路",
        "空洞",
        "说教",
        "过时",
        "一头雾水",
    ),
)

# A negation just before an evaluative word turns it: "not good", "didn't enjoy", "不精彩".
_NEGATED_EN = re.compile(
    r"(?<![A-Za-z])(?:not|never|no|hardly|barely|n't)(?:\s+(?:very|that|so|too|really|a|as))*\s*$",
    re.IGNORECASE,
)
_NEGATED_ZH = re.compile(r"(?:不|没|没有|并不|毫无|不太|不怎么|不算)$")

# The work itself as the subject: "this book", "the ending", "It was ...", "这本书", "文笔".
WORK = _rx(
    _en(
        r"(?:this|the|that|such an?|an?|its|his|her|their)(?:\s+[\w'-]+){0,3}?\s+"
        r"(?:book|novel|stor(?:y|ies)|read|essay|article|chapter|series|collection|author"
        r"|writing|prose|plot|ending|characters?|drawings?|illustrations?|art|film|movie|talk"
        r"|podcast|episode|lecture|paper|piece|memoir|biography|translation|language|voice"
        r"|style|argument|logic|thesis|structure|pacing|narrative|narration|examples?|advice)s?",
        "^(?:it|it's|it was|this|that)",
    ),
    _zh(
        "这本",
        "本书",
        "这书",
        "此书",
        "该书",
        "书中",
        "书里",
        "全书",
        "整本",
        "这部",
        "这篇",
        "这套",
        "一本",
        "一部",
        "文笔",
        "笔力",
        "故事",
        "情节",
        "剧情",
        "小说",
        "作品",
        "诗集",
        "译本",
        "翻译",
        "语言",
        "叙事",
        "读起来",
        "看起来",
        "系列",
    ),
)
# A noun for the work right after the evaluative word: "Nice story", "Imaginative drawings".
_WORK_NOUN = re.compile(  # matched where the evaluative word ends (so no `^`)
    r"\s*(?:[\w'-]+\s+){0,1}(?:book|novel|stor(?:y|ies)|read|essay|article|chapter|series"
    r"|collection|writing|prose|plot|ending|characters?|drawings?|illustrations?|film|talk"
    r"|piece|memoir|reminder)s?(?![A-Za-z])"
    r"|[的之]?(?:书|故事|小说|作品|诗集|文章|电影)",
    re.IGNORECASE,
)
# A verbless verdict: "Insightful thought experiment ...", "Really enjoyed it.", "Meh."
_OPENER = re.compile(
    r"^\W*(?:(?:an?|such an?|very|really|so|quite|pretty|overall,?|truly)\s+)*"
    r"(?:insightful|inspiring|imaginative|nice|beautiful|brilliant|excellent|wonderful|fantastic"
    r"|amazing|enjoyed|loved|liked|fun|entertaining|boring|dull|tedious|disappointing|meh"
    r"|overrated|terrible|awful|great read|good read|must[- ]read|thought[- ]provoking"
    r"|delightful|charming|hilarious|gripping|compelling|engaging|fascinating)(?![A-Za-z])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Evaluation:
    """What an evaluative sentence says: praise, criticism or both, and the first word's span."""

    positive: bool
    negative: bool
    span: tuple[int, int]

    @property
    def position(self) -> Position:
        if self.positive and self.negative:
            return "partly"
        return "agree" if self.positive else "disagree"


def evaluation(sentence: str, work: str = "") -> Evaluation | None:
    """The evaluation a sentence makes in the author's voice, or None; a sentence that names
    `work` (the work under review, from its heading) is about it."""
    hits = [(m, True) for m in POSITIVE.finditer(sentence)]
    hits += [(m, False) for m in NEGATIVE.finditer(sentence)]
    if not hits:
        return None
    named = len(work) >= 4 and work.lower() in sentence.lower()
    voiced = bool(named or FIRST_PERSON.search(sentence) or WORK.search(sentence))
    voiced = voiced or _OPENER.match(sentence) is not None
    positive = negative = False
    span: tuple[int, int] | None = None
    for match, praise in sorted(hits, key=lambda h: h[0].start()):
        if not (voiced or _WORK_NOUN.match(sentence, match.end())):
            continue
        if _negated(sentence[: match.start()]):
            praise = not praise
        positive, negative = positive or praise, negative or not praise
        span = span or match.span()
    return Evaluation(positive, negative, span) if span else None


def _negated(before: str) -> bool:
    return bool(_NEGATED_EN.search(before) or _NEGATED_ZH.search(before))
