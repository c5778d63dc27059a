"""The Markdown sidecar: readable on GitHub and in Obsidian."""

from __future__ import annotations

import json
from urllib.parse import quote as url_quote

from debater import __version__
from debater.outputs.argument_map import fenced
from debater.records import NoteResult, Perspective, StanceResult

POSITION_WORDS = {
    "agree": "agrees",
    "disagree": "disagrees",
    "partly": "partly agrees",
    "undecided": "undecided",
    "own-idea": "own idea",
}


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


def _banner(result: NoteResult) -> str:
    source = result.note.path
    text = (
        f"> [!NOTE]\n> Stances found in [{_escape(source)}]({url_quote(source)}) by debater "
        f"with `{result.backend}` (`{result.model}`): for each, the strongest case for and "
        "against. Names of thinkers are the model's suggestions: verify them."
    )
    if result.backend == "mock":
        text += (
            "\n>\n> **Mock output.** These perspectives are offline placeholders, not arguments. "
            "Run with a real backend (see `debater backends`)."
        )
    return text


def _node(p: Perspective, pad: str) -> list[str]:
    """A perspective's body at indent `pad`, its replies as a nested list (any depth)."""
    lines = [f"{pad}{_escape(p.argument)}"]
    if p.strength_reason:
        lines.append(f"{pad}*Strength:* {_escape(p.strength_reason)}")
    if p.holders:
        lines.append(f"{pad}*Held by:* {_escape(', '.join(p.holders))}")
    if p.error:
        lines.append(f"{pad}*Missing reply:* {_escape(p.error)}")
    for reply in p.replies:
        label = "Objection" if reply.side == "oppose" else "Reply"
        meta = f"{reply.kind}, {reply.strength}"
        lines.append(f"{pad}- *{label}:* **{_escape(reply.title)}** ({meta})")
        lines += _node(reply, pad + "  ")  # "- " is two wide: the item's content column
    return lines


def _perspective(index: int, p: Perspective) -> list[str]:
    return [f"{index}. **{_escape(p.title)}** ({p.kind}, {p.strength})", *_node(p, "   ")]


def _stance(number: int, s: StanceResult, source: str) -> list[str]:
    position = POSITION_WORDS.get(s.position, s.position)
    first, last = s.lines
    where = f"line {first}" if first == last else f"lines {first}–{last}"
    out = [
        f"## {number}. {_escape(s.claim)}",
        "",
        f"**Position:** {position} ({s.strength}) · **Source:** {_escape(source)}, {where}",
        "",
        _blockquote(s.quote),
        "",
    ]
    if s.target:
        out += [f"*Reacting to:* {_escape(s.target)}", ""]
    if s.reasoning:
        out += [f"*The author's reasons:* {_escape(s.reasoning)}", ""]
    if s.error:
        return [*out, f"> [!WARNING]\n> No perspectives: {_escape(s.error)}", ""]
    for heading, side in (("For", "support"), ("Against", "oppose")):
        items = [p for p in s.perspectives if p.side == side]
        out += [f"### {heading}", ""]
        for i, p in enumerate(items, 1):
            out += _perspective(i, p)
        out.append("")
    if s.crux:
        out += [f"**Crux:** {_escape(s.crux)}", ""]
    if s.would_change_mind:
        out += ["**What would change the author's mind:**", ""]
        out += [f"- {_escape(item)}" for item in s.would_change_mind]
        out.append("")
    if s.perspectives:
        out += ["### Argument map", "", *fenced(s), ""]
    return out


def render_markdown(result: NoteResult) -> str:
    """The whole Markdown sidecar for one note."""
    parts = [
        _front_matter(result),
        f"# Perspectives: {_escape(result.note.path)}",
        "",
        _banner(result),
        "",
    ]
    if not result.stances:
        parts += ["No stances found in this note.", ""]
    for number, stance in enumerate(result.stances, 1):
        parts += _stance(number, stance, result.note.path)
    return "\n".join(parts).rstrip("\n") + "\n"
