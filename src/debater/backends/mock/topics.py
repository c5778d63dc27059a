"""The mock's topic tags: the words a stance is about, so stances across notes can meet.

Tags come from the claim reacted to (else the claim): English content words of four letters or
more, and Chinese runs of two to four Han characters between function words. Lower-case,
deduplicated, at most three, in the order they appear.
"""

from __future__ import annotations

import re

MAX_TOPICS = 3
_WORD = re.compile(r"[A-Za-z][A-Za-z\-]{3,}")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
# Chinese function words and stance words that split runs and never make a topic.
_ZH_STOP = re.compile(
    "我们|我认为|我觉得|认为|觉得|不同意|同意|因为|所以|但是|可是|如果|这个|那个|这些|一个|"
    "没有|不是|就是|还是|可能|或许|应该|非常|真的|自己|作者|他们|它们|的|了|是|在|和|与|也|都|很|不|就|会|要|对|把|被|让"
)
_EN_STOP = frozenset(
    {
        "this",
        "that",
        "these",
        "those",
        "with",
        "without",
        "from",
        "into",
        "about",
        "because",
        "would",
        "could",
        "should",
        "their",
        "there",
        "where",
        "which",
        "while",
        "what",
        "when",
        "they",
        "them",
        "then",
        "than",
        "have",
        "been",
        "being",
        "were",
        "will",
        "just",
        "more",
        "most",
        "much",
        "many",
        "very",
        "really",
        "think",
        "thinks",
        "believe",
        "agree",
        "disagree",
        "author",
        "book",
        "note",
        "some",
        "such",
        "also",
        "only",
        "even",
        "like",
        "make",
        "makes",
        "made",
        "does",
        "doing",
        "done",
        "said",
        "says",
        "good",
        "true",
    }
)


def topic_tags(text: str) -> list[str]:
    """Up to three topic tags for `text`."""
    tags: list[str] = []
    for match in re.finditer(f"{_WORD.pattern}|{_HAN_RUN.pattern}", text):
        for tag in _tags_of(match.group()):
            if tag not in tags:
                tags.append(tag)
    return tags[:MAX_TOPICS]


def _tags_of(word: str) -> list[str]:
    if word.isascii():
        lower = word.lower().strip("-")
        return [] if lower in _EN_STOP else [lower]
    return [run[:4] for run in _ZH_STOP.split(word) if len(run) >= 2]
