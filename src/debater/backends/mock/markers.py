"""Opinion markers, in English and Chinese, that the mock backend's stance finder looks for.

Each table is one compiled pattern. English words are fenced by letter lookarounds rather than
`\\b`, because `\\b` sees no boundary between a Latin letter and a Han character ("AI的确").
Text is matched after `normalise`, which maps curly apostrophes to straight ones and traditional
Chinese characters to simplified ones, so one table serves both scripts.
"""

from __future__ import annotations

import re

from debater.backends.mock.hant import SIMPLIFY

_FLAGS = re.IGNORECASE


def _en(*phrases: str) -> str:
    """English phrases as whole words: no letter may touch either end."""
    return "|".join(rf"(?<![A-Za-z]){p}(?![A-Za-z])" for p in phrases)


def _zh(*phrases: str) -> str:
    return "|".join(phrases)


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(p for p in parts if p), _FLAGS)


_NORMAL = str.maketrans({"’": "'", "‘": "'", "`": "'", **{chr(k): v for k, v in SIMPLIFY.items()}})


# Titles and links name other people's words: "〈我推薦的頻道〉" holds no verdict of the author's.
_TITLES = re.compile(r"《[^》]*》|〈[^〉]*〉|\[[^\]]*\]\([^)]*\)|https?://\S+")


def normalise(text: str) -> str:
    """Same-length copy of text for matching: straight apostrophes, simplified characters,
    titles and links blanked out."""
    text = _TITLES.sub(lambda m: "_" * len(m[0]), text)
    return text.translate(_NORMAL)


DISAGREE = _rx(
    _en(
        "disagree[sd]?",
        # With its subject: "Don't think of X" in a summary is advice, not dissent.
        "(?:i|we)(?:'d| would| really| just| still| honestly)? (?:don't|do not|can't|cannot) "
        "(?:agree|think|believe|buy)",
        "not (?:the )?(?:correct|right)",
        "^(?:(?:that|this|it)(?:'s| is) )?(?:simply |just )?not true",
        "not convinced",
        "(?:is|are|was|were|be|'s|'re|seems?|sounds?|feels?|got (?:it|this|that)|dead|plain"
        "|simply|just|completely|totally|all) wrong",
        "wrong about",
        "i doubt",
        "doubtful",
        "unconvincing",
        "nonsense",
        "i object",
        "(?:beg|have|must) to differ",
        "i(?:'m| am) (?:a bit |quite |very )?(?:skeptical|sceptical)",
        "overstat(?:ed|es|ing)",
        "oversimplif(?:y|ies|ied|ication)",
        "too simplistic",
        "cherry[- ]pick(?:s|ed|ing)?",
        "(?:misses|missing|missed) the point",
        "straw ?man",
        "(?:that's|this is|it's) a stretch",
        "hard to believe",
        "i(?:'m| am) not so sure",
        "^not (?:me|for me|in my experience)",
    ),
    _zh(
        "不同意",
        "不认同",
        "不赞同",
        "不赞成",
        "不对",
        "未必",
        "不敢苟同",
        "不以为然",
        "我不觉得",
        "我不认为",
        "并不觉得",
        "错了",
        "不成立",
        "站不住",
        "不喜欢",
        "值得商榷",
        "我怀疑",
        "不太(?:同意|认同|赞同)",
        "持保留意见",
        "保留意见",
        "言过其实",
        "夸大其词",
        "过于绝对",
        "太绝对",
        "以偏概全",
        "偷换概念",
        "有待商榷",
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
        # The author agreeing, not a character or a summary ("The Speaker agreed", "most agree").
        "(?:^|(?:yes|yeah|ok|okay),? |(?:i|we)(?:'d| would| do| really| still| fully| totally"
        "| mostly| am inclined to| tend to| have to| must)? |(?:inclined|tend) to "
        "|(?:strongly|strong|totally|completely|fully|mostly|wholly|couldn't|can't|could not) )"
        "agreed?",
        "indeed",
        "exactly",
        "precisely",
        "(?:this|that|it)(?:'s| is) (?:right|true|correct|spot on)",
        "(?:so|very|quite|absolutely|definitely|sadly|all too) true",
        "^true(?=\\s*(?:[.!,;:]|$))",
        "makes? sense",
        "good point",
        "fair point",
        "fair enough",
        "well[- ]?(?:said|put)",
        "not unreasonable",
        "spot on",
        "convincing",
        "i (?:really )?(?:like|love)",
        "hear,? hear",
        "(?<![\\d+])\\+1(?!\\d)",
        "i'?m a sucker for",
        "(?:further|another|more) confirmation (?:that|of)",
        "confirm(?:s|ed)? (?:my|what i)",
        "(?:this |it )?resonat(?:es|ed)(?: with me)?",
        "rings? true",
        "hits? home",
        "nailed it",
        "couldn't have said it better",
    ),
    _zh(
        "同意",
        "赞同",
        "认同",
        "赞成",
        "^(?:的确|确实)(?:如此|是这样|没错)?[,，!！。]",
        "(?:的确|确实)(?:如此|是这样|没错)",
        "说得对",
        "说的对",
        "说得好",
        "没错",
        "有道理",
        "说得通",
        "说的通",
        "我(?:很|非常|挺|蛮|真|也|还是)?喜欢",
        "很喜欢",
        "正是如此",
        "深有同感",
        "深以为然",
        "一针见血",
        "醍醐灌顶",
        "说到(?:我)?心坎",
        "深有体会",
        "感同身受",
        "太对了",
        "太真实了",
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
        "i(?: really| still| just)? (?:don't|do not) know",
        "hard to say",
        "hard to tell",
        "can't tell",
        "remains to be seen",
        "undecided",
        "on the fence",
        "open question",
        "much to think about",
        "food for thought",
        "(?:implicit|unstated|hidden|underlying) assumption",
    ),
    _zh(
        "我不确定",
        "不好说",
        "说不准",
        "拿不准",
        "不知道",
        "有待",
        "需要再",
        "(?:我|还|得)需要(?:了解|研究)",
        "查一下",
        "好奇",
        "还没想好",
        "待考证",
        "值得思考",
        "存疑",
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
        "who else",
        "is there (?:ever|really)",
        "(?:has|did|does) the author",
        "(?:has|did|does) (?:he|she|they) (?:ever|even|really)",
    ),
    _zh("为什么", "为何", "难道", "真的.{0,16}吗", "怎么可能", "凭什么", "怎么会", "何必", "哪有"),
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
    _zh(
        "可怕",
        "吓人",
        "恐怖",
        "震惊",
        "惊讶",
        "没想到",
        "意识到",
        "难以想象",
        "刷新(?:了)?三观",
        "大开眼界",
    ),
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
        "in my (?:view|opinion|experience)",
        "imo",
        "imho",
        "my sense is",
        "i'd say",
        "it seems to me",
        "to me,",
        "personally",
        "my guess",
        "(?:this reviewer|the present writer|yours truly) (?:thinks|believes|feels|finds)",
    ),
    _zh(
        "我觉得",
        "我认为",
        "我想(?![的要知象])",
        "我猜",
        "我感觉",
        "在我看来",
        "我的看法",
        "我估计",
        "我相信",
        "(?:个人|笔者|本人|鄙人)(?:认为|觉得|以为|相信|看来)",
        "私以为",
        "窃以为",
        "超级重要",
    ),
)

REASON = _rx(_en("because", "since", "as a result"), _zh("因为", "由于", "因此", "所以"))

# A sentence that draws a conclusion: `OWN_CONCLUSION` ones state what the author thinks.
CONCLUSION = re.compile(
    r"^\s*(?:(?:so|therefore|thus|hence|in short|overall)(?![A-Za-z]),?\s*"
    r"|因此|所以|总之|总的来说|可见)",
    _FLAGS,
)
OWN_CONCLUSION = re.compile(
    r"^\s*(?:(?:so|therefore|thus|hence)(?![A-Za-z]),?\s*|因此|所以|可见)", _FLAGS
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
        "strong(?:ly)?",
        "totally",
        "completely",
        "entirely",
        "utter(?:ly)?",
        "must",
        "so much",
    ),
    _zh(
        "非常",
        "真是",
        "绝对",
        "完全同意",
        "完全不同意",
        "肯定",
        "一定",
        "根本",
        "极其",
        "超级",
        "强烈",
    ),
    r"[!！]",
)
