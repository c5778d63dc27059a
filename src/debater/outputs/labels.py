"""The words around a sidecar's content, in the language the note is mostly written in."""

from __future__ import annotations

from collections import Counter

from debater.records import NoteResult, Stance

# The perspective kinds in Chinese: the sidecars' labels and the mock's Chinese text use them.
KIND_ZH = {
    "empirical": "实证",
    "logical": "逻辑",
    "ethical": "伦理",
    "economic": "经济",
    "historical": "历史",
    "practical": "实践",
    "political": "政治",
    "other": "其他",
}
EN = {
    "title": "Perspectives",
    "position": "Position",
    "source": "Source",
    "line": "line",
    "lines": "lines",
    "reacting": "Reacting to",
    "reasons": "Your reasons",
    "topics": "Topics",
    "for": "For",
    "against": "Against",
    "undecided": "You have not decided: here are the case for and the case against, to help you "
    "decide.",
    "undecided_on": "You have not decided whether this holds: “{target}”. Here are the case for it "
    "and the case against it, to help you decide.",
    "crux": "Crux",
    "change": "What would change your mind",
    "slips": "Factual slips in the note",
    "map": "Argument map",
    "strength": "Strength",
    "held": "Held by",
    "missing": "Missing reply",
    "objection": "Objection",
    "reply": "Reply",
    "none": "No stances found in this note.",
    "no_perspectives": "No perspectives",
    "empty_side": "None.",  # the report's empty side
    "same_passage": "The same passage also gives stance {numbers}.",
    "agree": "agrees",
    "disagree": "disagrees",
    "partly": "partly agrees",
    "own-idea": "own idea",
    "tentative": "tentative",
    "moderate": "moderate",
    "firm": "firm",
    "unknown": "firmness unknown",
    "undecided_position": "undecided",
    "banner": "Stances found in {source} by debater with `{backend}` (`{model}`): for each, the "
    "strongest case for and against. Names of thinkers are the model's suggestions: verify them.",
    "mock_banner": "**Mock output.** These perspectives are offline placeholders, not arguments. "
    "Run with a real backend (see `debater backends`).",
}
ZH = {
    "title": "多方观点",
    "position": "立场",
    "source": "出处",
    "line": "第",
    "lines": "第",
    "reacting": "回应的说法",
    "reasons": "你的理由",
    "topics": "主题",
    "for": "支持",
    "against": "反对",
    "undecided": "你尚未拿定主意：以下是支持与反对的理由，供你判断。",
    "undecided_on": "你尚未拿定主意：「{target}」是否成立？以下是支持与反对它的理由，供你判断。",
    "crux": "关键分歧",
    "change": "什么会改变你的看法",
    "slips": "笔记中的事实出入",
    "map": "论证图",
    "strength": "强度",
    "held": "持此观点者",
    "missing": "缺少的回应",
    "objection": "反驳",
    "reply": "回应",
    "none": "这篇笔记中没有找到立场。",
    "no_perspectives": "没有得到观点",
    "empty_side": "无。",
    "same_passage": "同一段文字还给出了立场 {numbers}。",
    "agree": "同意",
    "disagree": "不同意",
    "partly": "部分同意",
    "own-idea": "自己的观点",
    "tentative": "初步",
    "moderate": "中等",
    "firm": "坚定",
    "unknown": "坚定程度未知",
    "banner": "debater 用 `{backend}`（`{model}`）在 {source} 中找到的立场：每个立场都附上最有力的"
    "支持与反对理由。提到的思想家是模型的建议，请自行核实。",
    "mock_banner": "**模拟输出。** 这些观点是离线占位内容，不是真正的论证。请换用真实的模型后端"
    "（见 `debater backends`）。",
    "weak": "弱",
    "strong": "强",
    "undecided_position": "未决定",
    **KIND_ZH,
}


def labels_for(result: NoteResult) -> dict[str, str]:
    """Chinese labels for a note written mostly in Chinese (or a run asked to answer in it)."""
    return ZH if main_language(result) == "zh" else EN


def main_language(result: NoteResult) -> str:
    """The answer language the run was given, else what most of the note's stances are in."""
    if result.language:
        return "zh" if result.language.startswith("zh") else "en"
    votes = Counter("zh" if s.language.startswith("zh") else "en" for s in result.stances)
    if not votes:
        return "zh" if result.note.language.startswith("zh") else "en"
    return "zh" if votes["zh"] >= votes["en"] else "en"


def where(labels: dict[str, str], stance: Stance) -> str:
    """The stance's lines: "lines 7–9, 37" when its passages lie apart."""
    spans = stance.spans or [stance.lines]
    ranges = [f"{a}" if a == b else f"{a}–{b}" for a, b in spans]
    one = len(spans) == 1 and spans[0][0] == spans[0][1]
    if labels is ZH:
        return f"第 {'、'.join(ranges)} 行"
    return f"{'line' if one else 'lines'} {', '.join(ranges)}"
