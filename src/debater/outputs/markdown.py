"""The Markdown sidecar: readable on GitHub and in Obsidian."""

from __future__ import annotations

import json
from urllib.parse import quote as url_quote

from debater import __version__
from debater.outputs.argument_map import fenced
from debater.outputs.labels import labels_for, where
from debater.records import NoteResult, Perspective, StanceResult


def _escape(text: str) -> str:
    """Note text shown as text: no HTML from a note ever renders."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _blockquote(text: str) -> str:
    return "\n".join("> " + _escape(line) if line.strip() else ">" for line in text.splitlines())


def _front_matter(result: NoteResult) -> str:
    fields = {
        "source": result.note.path,
        "sha256": result.note.sha256,
        "language": result.note.language,
        "backend": result.backend,
        "model": result.model,
        "date": result.created,
        "stances": len(result.stances),
        "failures": sum(bool(s.failures()) for s in result.stances),
        "fingerprint": result.fingerprint,
        "generator": f"debater {__version__}",
    }
    lines = [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in fields.items()]
    return "---\n" + "\n".join(lines) + "\ntags: [debater]\n---\n"


def _banner(result: NoteResult, words: dict[str, str]) -> str:
    source = f"[{_escape(result.note.path)}]({url_quote(result.note.path)})"
    text = "> [!NOTE]\n> " + words["banner"].format(
        source=source, backend=result.backend, model=result.model
    )
    if result.backend == "mock":
        text += "\n>\n> " + words["mock_banner"]
    return text


def _rated(p: Perspective, words: dict[str, str]) -> str:
    """A perspective's kind and strength, in the sidecar's language."""
    return f"{words.get(p.kind, p.kind)}, {words.get(p.strength, p.strength)}"


def _node(p: Perspective, pad: str, words: dict[str, str]) -> list[str]:
    """A perspective's body at indent `pad`, each part a paragraph of its own (lines inside a
    list item are soft breaks: they would run together), its replies as a nested list."""
    lines = ["", f"{pad}{_escape(p.argument)}"]
    if p.strength_reason:
        lines += ["", f"{pad}*{words['strength']}:* {_escape(p.strength_reason)}"]
    if p.holders:
        lines += ["", f"{pad}*{words['held']}:* {_escape(', '.join(p.holders))}"]
    if p.error:
        lines += ["", f"{pad}*{words['missing']}:* {_escape(p.error)}"]
    for reply in p.replies:
        label = words["objection"] if reply.side == "oppose" else words["reply"]
        lines += ["", f"{pad}- *{label}:* **{_escape(reply.title)}** ({_rated(reply, words)})"]
        lines += _node(reply, pad + "  ", words)  # "- " is two wide: the item's content column
    return lines


def _perspective(index: int, p: Perspective, words: dict[str, str]) -> list[str]:
    return [f"{index}. **{_escape(p.title)}** ({_rated(p, words)})", *_node(p, "   ", words)]


def _heading(s: StanceResult, source: str, words: dict[str, str], siblings: list[int]) -> list[str]:
    position = words["undecided_position" if s.position == "undecided" else s.position]
    firmness = words[s.strength or "unknown"]
    out = [
        f"**{words['position']}:** {position} ({firmness}) · **{words['source']}:** "
        f"{_escape(source)}, {where(words, s)}",
        "",
        _blockquote(s.quote),
        "",
    ]
    if siblings:
        out += [f"*{words['same_passage'].format(numbers=', '.join(map(str, siblings)))}*", ""]
    if s.target:
        out += [f"*{words['reacting']}:* {_escape(s.target)}", ""]
    if s.reasoning:
        out += [f"*{words['reasons']}:* {_escape(s.reasoning)}", ""]
    if s.topics:
        out += [f"*{words['topics']}:* {_escape(', '.join(s.topics))}", ""]
    return out


def _items(title: str, items: list[str]) -> list[str]:
    return [f"**{title}:**", "", *(f"- {_escape(item)}" for item in items), ""] if items else []


def _stance(
    number: int, s: StanceResult, source: str, words: dict[str, str], siblings: list[int]
) -> list[str]:
    out = [f"## {number}. {_escape(s.claim)}", "", *_heading(s, source, words, siblings)]
    if s.error:
        return [*out, f"> [!WARNING]\n> {words['no_perspectives']}: {_escape(s.error)}", ""]
    if s.position == "undecided":
        said = words["undecided_on"].format(target=_escape(s.target)) if s.target else None
        out += [f"*{said or words['undecided']}*", ""]
    for side in ("support", "oppose"):
        out += [f"### {words['for' if side == 'support' else 'against']}", ""]
        for i, p in enumerate((p for p in s.perspectives if p.side == side), 1):
            out += [*_perspective(i, p, words), ""]
    if s.crux:
        out += [f"**{words['crux']}:** {_escape(s.crux)}", ""]
    out += _items(words["change"], s.would_change_mind)
    out += _items(words["slips"], s.slips)
    if s.perspectives:
        out += [f"### {words['map']}", "", *fenced(s, words), ""]
    return out


def render_markdown(result: NoteResult) -> str:
    """The whole Markdown sidecar for one note."""
    words = labels_for(result)
    parts = [
        _front_matter(result),
        f"# {words['title']}: {_escape(result.note.path)}",
        "",
        _banner(result, words),
        "",
    ]
    if not result.stances:
        parts += [words["none"], ""]
    for number, stance in enumerate(result.stances, 1):
        siblings = [i + 1 for i in stance.siblings(result.stances)]
        parts += _stance(number, stance, result.note.path, words, siblings)
    return "\n".join(parts).rstrip("\n") + "\n"
