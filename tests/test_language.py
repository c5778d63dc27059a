"""Language detection on letters and characters."""

from __future__ import annotations

from pathlib import Path

import pytest

from debater.notes.language import detect_language, matches_language

SEED = Path(__file__).parent / "data" / "seed_note.txt"

EN = "I am inclined to agree. Humorous, but I don't think this is the correct analogy."
ZH = "我不同意。数据是人工智能最不可逾越的一环，没有信息再聪明也没用。"
ZH_WITH_TERMS = "LLM的本质是一堆weights and biases通过非线性连接出来的，我觉得很难解释。"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (EN, "en"),
        ("Je pense que c'est une très mauvaise idée, franchement.", "en"),
        (ZH, "zh"),
        (ZH_WITH_TERMS, "zh"),
        ("我猜不同的人会有不同想法。I'm very curious to learn about other perspectives.", "zh-en"),
        (EN * 5 + "我不同意", "en"),
        ("", "en"),
        ("12345 !!! 🙂", "en"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_seed_note_is_bilingual() -> None:
    assert detect_language(SEED.read_text(encoding="utf-8")) == "zh-en"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (ZH, "zh", True),
        (ZH, "zh-CN", True),
        (ZH_WITH_TERMS, "zh", True),
        (EN, "zh", False),
        (EN, "en", True),
        (EN, "en_US", True),
        (ZH, "en", False),
        (EN + " 我不同意。", "en", True),
        (ZH, "zh-en", True),
        (ZH + EN, "zh-en", True),
        (EN, "zh-en", False),
        (EN + " 这一点我同意。", "zh-en", True),  # mostly English, as the author wrote it
        (EN, "fr", True),
        ("42", "zh", True),
    ],
)
def test_matches_language(text: str, language: str, expected: bool) -> None:
    assert matches_language(text, language) is expected
