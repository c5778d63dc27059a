"""Traditional Chinese characters that the opinion markers use, mapped to their simplified forms.

Matching runs on a same-length copy of the text, so one character maps to one character; only the
characters that occur in the marker tables (and the words around them) are listed.
"""

from __future__ import annotations

_TRADITIONAL = (
    "覺認說確沒歡錯懷贊這們個麼會為難對實應該過還經與頭點決釋現問題歷學讀書寫來裡樣嗎體當關從準將"
    "樂習無時長後見觀議論證據總結於變處發動開間幫極絕嚴較壞蠻話讓種詞識斷麼猜許並測謂兩邊義價簡單"
    "傾嚮於們貌似虛誇薦獲穫勵適難懂爛聽蠢糟糕級喪僅層雖雜亂錯誤據遠該進氣夠驚訝嚇恐"
)
_SIMPLIFIED = (
    "觉认说确没欢错怀赞这们个么会为难对实应该过还经与头点决释现问题历学读书写来里样吗体当关从准将"
    "乐习无时长后见观议论证据总结于变处发动开间帮极绝严较坏蛮话让种词识断么猜许并测谓两边义价简单"
    "倾向于们貌似虚夸荐获获励适难懂烂听蠢糟糕级丧仅层虽杂乱错误据远该进气够惊讶吓恐"
)
assert len(_TRADITIONAL) == len(_SIMPLIFIED)

SIMPLIFY = {ord(t): s for t, s in zip(_TRADITIONAL, _SIMPLIFIED, strict=True) if t != s}
