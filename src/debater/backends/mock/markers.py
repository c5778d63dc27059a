"""Opinion markers, in English and Chinese, that the mock backend's stance finder looks for.

Each table is one compiled pattern. English words are fenced by letter lookarounds rather than
`\\b`, because `\\b` sees no boundary between a Latin letter and a Han character ("AI的确").
Text is matched after `normalise`, which maps curly apostrophes to straight ones.
"""

from __future__ import annotations

import re

_FLAGS = re.IGNORECASE


def _en(*phrases: str) -> str:
    """English phrases as whole words: no letter may touch either end."""
    return "|".join(rf"(?<![A-Za-z]){p}(?![A-Za-z])" for p in phrases)


def _zh(*phrases: str) -> str:
    return "|".join(phrases)


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(p for p in parts if p), _FLAGS)


_APOSTROPHES = str.maketrans("’‘`", "'''")


def normalise(text: str) -> str:
    """Same-length copy of text for matching: curly apostrophes become straight ones."""
    return text.translate(_APOSTROPHES)


DISAGREE = _rx(
    _en(
        "disagree[sd]?",
        "(?:don't|do not|can't|cannot) agree",
        "(?:don't|do not|can't) (?:think|believe|buy)",
        "not (?:the )?(?:correct|right)",
        "not true",
        "not convinced",
        "wrong",
        "i doubt",
        "doubtful",
        "unconvincing",
        "nonsense",
        "i object",
    ),
    _zh(
        "不同意",
        "不认同",
        "不赞同",
        "不赞成",
        "不对",
        "未必",
        "不敢苟同",
        "我不觉得",
        "我不认为",
        "错了",
        "不成立",
        "站不住",
        "不喜欢",
        "值得商榷",
        "我怀疑",
    ),
)

# Always "partly"; the softer `PARTLY_SOFT` needs a contrast word in the same sentence.
PARTLY = _rx(
    _en("partly agree", "partially agree", "agree in part", "half agree", "sort of agree"),
    _zh("部分同意", "部分认同", "有一定道理", "半同意"),
)
PARTLY_SOFT = _rx(
    _en("partly", "partially", "to some extent", "to a degree", "in part", "somewhat"),
    _zh("某种程度上", "一定程度上", "部分地"),
)
CONTRAST = _rx(
    _en("but", "however", "though", "although", "that said", "on the other hand"),
    _zh("但是", "(?<!不)但", "不过", "可是", "然而"),
)

AGREE = _rx(
    _en(
        "agreed?",
        "indeed",
        "exactly",
        "precisely",
        "(?:this|that|it)(?:'s| is) (?:right|true|correct|spot on)",
        "true",
        "makes? sense",
        "good point",
        "fair point",
        "well said",
        "spot on",
        "convincing",
        "i (?:really )?(?:like|love)",
    ),
    _zh(
        "同意",
        "赞同",
        "认同",
        "赞成",
        "的确",
        "确实",
        "说得对",
        "说的对",
        "没错",
        "有道理",
        "说得通",
        "说的通",
        "喜欢",
        "正是如此",
    ),
)

UNDECIDED = _rx(
    _en(
        "need to (?:read|learn|think|look|dig)(?: (?:up|more|into|about))?",
        "read up",
        "not sure",
        "unsure",
        "i wonder",
        "wondering",
        "curious",
        "(?:don't|do not) know",
        "hard to say",
        "hard to tell",
        "can't tell",
        "remains to be seen",
        "undecided",
        "on the fence",
        "open question",
    ),
    _zh(
        "我不确定",
        "不好说",
        "说不准",
        "拿不准",
        "不知道",
        "有待",
        "需要再",
        "需要了解",
        "需要研究",
        "查一下",
        "好奇",
        "还没想好",
        "待考证",
    ),
)

# Only looked for in sentences that ask something: a question that doubts the claim.
CHALLENGE = _rx(
    _en(
        "why",
        "how (?:could|can|would|is|come)",
        "really",
        "(?:isn't|doesn't|wasn't|aren't) (?:it|that|this)",
        "is that so",
    ),
    _zh("为什么", "为何", "难道", "真的.{0,16}吗", "怎么可能", "凭什么", "怎么会", "何必"),
)

# Reactions that accept the content and respond to it: agreement, felt rather than argued.
ACCEPTING = _rx(
    _en(
        "scary",
        "frightening",
        "terrifying",
        "alarming",
        "worrying",
        "worrisome",
        "wow",
        "shocking",
        "astonishing",
        "striking",
        "eye-opening",
        "sobering",
    ),
    _zh("可怕", "吓人", "恐怖", "震惊", "惊讶", "没想到", "意识到"),
)

# Engagement without a verdict: undecided, unless the author goes on to give an own view.
CURIOUS = _rx(
    _en("interesting", "humorous", "funny", "fascinating", "intriguing", "amusing"),
    _zh("有意思", "有趣", "好玩", "幽默"),
)

OWN_VIEW = _rx(
    _en(
        "i think",
        "i believe",
        "i guess",
        "i suspect",
        "i feel",
        "in my (?:view|opinion)",
        "imo",
        "my sense is",
        "i'd say",
        "it seems to me",
        "my guess",
        "maybe",
        "perhaps",
        "probably",
    ),
    _zh(
        "我觉得",
        "我认为",
        "我想(?![的要知])",
        "我猜",
        "我感觉",
        "在我看来",
        "我的看法",
        "或许",
        "也许",
        "我估计",
        "我相信",
    ),
)

# The author labelling a passage as their own idea.
OWN_LABEL = _rx(
    _en("random thoughts?", "my own (?:thoughts?|ideas?|views?|take)", "my take", "my thoughts?"),
    _zh("我自己的", "我的想法", "个人想法", "个人观点", "自己的想法", "我的观点"),
)
# An own-idea label leading a sentence, "(my own random thought) ..." or "My take: ...".
LABEL_PREFIX = re.compile(r"^\s*(?:[(（\[【][^)）\]】]{0,40}[)）\]】]|[^:：]{0,40}[:：])\s*")
LEADING_CONTRAST = re.compile(
    r"^\s*(?:(?:but|however|yet)(?![A-Za-z])|可是|但是|但|不过|然而)[,，\s]*", _FLAGS
)
REASON = _rx(_en("because", "since", "as a result"), _zh("因为", "由于", "因此", "所以"))

# A sentence that draws a conclusion states what the author thinks.
CONCLUSION = re.compile(
    r"^\s*(?:(?:so|therefore|thus|hence|in short|overall)(?![A-Za-z]),?\s*"
    r"|因此|所以|总之|总的来说|可见)",
    _FLAGS,
)

HEDGE = _rx(
    _en(
        "inclined to",
        "maybe",
        "perhaps",
        "probably",
        "possibly",
        "might",
        "i guess",
        "i suppose",
        "seems?",
        "somewhat",
        "sort of",
        "kind of",
        "lean(?:ing)? towards?",
        "tend to",
    ),
    _zh(
        "或许",
        "也许",
        "(?<!不)可能",
        "我猜",
        "似乎",
        "大概",
        "貌似",
        "倾向",
        "感觉",
        "好像",
        "估计",
        "不一定",
    ),
)
EMPHATIC = _rx(
    _en(
        "very",
        "definitely",
        "absolutely",
        "certainly",
        "strongly",
        "totally",
        "completely",
        "entirely",
        "must",
        "so much",
    ),
    _zh("非常", "真是", "绝对", "完全同意", "完全不同意", "肯定", "一定", "根本", "极其"),
    r"[!！]",
)

# Someone else's view reported in the third person: "Dario thinks ...", "Dario认为 ...".
_EN_VERBS = (
    r"(?:thinks|believes|says|said|argues|argued|claims|claimed|writes|wrote|suggests|contends"
    r"|insists|notes|points out|mentions|talks about|predicts|warns|is (?:against|for|in favou?r of"
    r"|worried|convinced))"
)
ATTRIBUTION = re.compile(
    rf"^(?!(?:I|We|My|Our|This|That|It)\s)(?-i:[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){{0,3}})"
    rf"\s+{_EN_VERBS}(?![A-Za-z])"
    r"|^(?:according to|quote:|quoting|引用|原文|据)"
    r"|^(?![我这那])(?:[A-Za-z][A-Za-z.\- ]{0,30}?|[\u4e00-\u9fff]{1,4}?)\s*"
    r"(?:认为|觉得|说|谈到|提到|指出|主张|表示|声称|写道|相信|反对|支持|预测|担心|的看法|的观点)",
    _FLAGS,
)

OPEN_QUOTES = '“「『"'
CLOSING_FOR = {"“": "”", "「": "」", "『": "』", '"': '"'}

# Words that carry no content once a marker is removed ("I am inclined to agree" says no more).
FILLER_EN = frozenset(
    {
        *("i", "me", "my", "we", "am", "is", "are", "was", "be", "this", "that", "it", "the"),
        *("a", "an", "to", "on", "of", "so", "very", "really", "just", "too", "also", "do"),
        *("does", "did", "yes", "no", "and", "with", "about", "up", "here", "there", "m", "s"),
    }
)
FILLER_ZH = re.compile("[我这那倒是了的也很就都还呢吧啊呀嗯真此]")
