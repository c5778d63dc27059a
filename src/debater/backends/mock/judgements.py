"""Judgements that are not plain agreement: verdicts on a work, sarcasm, doubts of feasibility.

Matched, like the tables in `markers`, on text after `markers.normalise`.
"""

from __future__ import annotations

from debater.backends.mock.markers import _en, _rx, _zh

# A verdict on a work (a book, an essay, a film): praise reads as agreement, criticism as dissent.
PRAISE = _rx(
    _en(
        "(?<!he )(?<!she )(?<!they )(?:highly |strongly )?recommend(?:ed)?",
        "(?:a|such a) (?:great|fun|good|quick|terrific) (?:read|time)",
        "worth (?:a |the )?(?:read|reading|it)",
        "must[- ]read",
        "(?:an? |such an? )?(?:excellent|great|wonderful|fantastic|brilliant|superb|inspiring) "
        "(?:book|read|essay|article|series|collection|story|chapter|novel|talk|piece)",
        "i (?:really |so |thoroughly )?(?:enjoyed|loved)",
        "so,? so glad",
        "i'?m (?:so |quite |really |very )?(?:glad|happy) (?:i (?:did|read)|to have read)",
        "(?:i wish|wish) (?:i could (?:convince|get) )?more people (?:would |to )?read",
        "(?:everyone|more people) should read",
        "writes (?:so |very |really )?(?:well|beautifully|clearly|simply|imaginatively|elegantly)",
    ),
    _zh(
        "(?<![他她们])推荐",
        "(?:一定|务必|必须)要?(?:读|看)(?:一读|一看|一下)?",
        "值得一读",
        "值得一看",
        "好书",
        "很棒",
        "精彩",
        "必备",
        "不错",
        "受益匪浅",
        "通俗易懂",
        "干货",
        "可(?:以)?(?:参考|借鉴)",
        "值得借鉴",
        "可以(?:去)?(?:读|看)(?:一下|一读|一看)",
    ),
)

CRITICISM = _rx(
    _en(
        "overrated",
        "(?:utter|complete|total) (?:trash|garbage|rubbish)",
        "waste of (?:time|money)",
        "(?:didn't|did not|doesn't|does not) work for me",
        "^(?:it|this|that) (?:didn't|did not|doesn't|does not) work",
        "disappointing",
        "bogus",
        "bitter rant",
        "seems? (?:a little |a bit |rather |quite |too |so )?naive",
        "(?:seems?|appears?) to have a bias",
    ),
    _zh(
        "烂书",
        "不推荐",
        "失望",
        "收获不大",
        "收获不多",
        "没有收获",
        "流水账",
        "注水",
        "鸡肋",
        "不忍直视",
        "不够深入",
        "不值得",
        "没什么意思",
    ),
)

# Questions that are sarcasm or pointed rhetoric: a firm doubt, not a hedge.
RHETORICAL = _rx(
    _en(
        "well,? then",
        "(?:then|so) why",
        "as if",
        "(?:has|have|did|does) (?:the author|he|she|they)(?: ever| even| actually)? "
        "(?:worked|been|tried|met|seen|used|read|lived)",
    ),
    _zh("难道", "凭什么", "怎么可能", "哪有", "那为什么", "那又为何"),
)

# Doubt that advice can be followed, not that it is right: partial agreement (see `find_stances`).
FEASIBILITY = _rx(
    _en(
        "good luck (?:with that|doing that|getting|trying)",
        "easier said than done",
        "if only it were that (?:easy|simple)",
        "(?:nice|fine) on paper",
    ),
    _zh("说起来容易", "谈何容易", "知易行难", "纸上谈兵", "理想很丰满"),
)
