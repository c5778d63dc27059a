"""Tell Chinese, English and mixed Chinese-English text apart by counting characters."""

from __future__ import annotations

import re

from debater.records import Language

# The one home of debater's character classes: Han ideographs (CJK unified, extension A and B+,
# compatibility), and the CJK and full-width punctuation that travels with them.
HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
CJK_PUNCTUATION = "\u3000-\u303f\uff00-\uffef"
HAN = re.compile(f"[{HAN_CHARS}]")
WIDE = re.compile(f"[{HAN_CHARS}{CJK_PUNCTUATION}]")  # about one token, two columns each
_HAN = re.compile(f"[{HAN_CHARS}]+")
_LATIN = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]+")
# A Han character carries about as much as three Latin letters (an English word averages
# about five letters, a Chinese word under two characters), so it counts three times.
_HAN_WEIGHT = 3
# Han share of the weighted letters: >= 0.7 is "zh", <= 0.2 is "en", in between "zh-en".
_ZH_AT_LEAST = 0.7
_EN_AT_MOST = 0.2


def detect_language(text: str) -> Language:
    """Return "zh", "en" or "zh-en"; text without Han or Latin letters counts as "en"."""
    share = _han_share(text)
    if share is None or share <= _EN_AT_MOST:
        return "en"
    return "zh" if share >= _ZH_AT_LEAST else "zh-en"


def matches_language(text: str, language: str) -> bool:
    """Leniently check that text is written in `language` ("zh", "en", "zh-en", "zh-CN"...).

    "zh-en" accepts any text with some Chinese in it (the author's mix: mostly Chinese, or
    mostly English with Chinese), "zh" wants at least half Han, "en" at least half Latin; text
    without letters and unknown language codes always match.
    """
    share = _han_share(text)
    code = language.lower().replace("_", "-")
    if share is None:
        return True
    if code == "zh-en":
        return share > 0
    base = code.split("-", 1)[0]
    if base == "zh":
        return share >= 0.5
    if base == "en":
        return share < 0.5
    return True


def _han_share(text: str) -> float | None:
    """Weighted share of Han characters among Han and Latin letters; None if there are none."""
    han = _HAN_WEIGHT * sum(map(len, _HAN.findall(text)))
    latin = sum(map(len, _LATIN.findall(text)))
    if han + latin == 0:
        return None
    return han / (han + latin)
