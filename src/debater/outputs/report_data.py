"""What the report's script reads: every note, stance and tension as plain JSON, with anchors.

Note text reaches the page only as JSON string values, which the script sets as text, never as
markup (the argument maps' labels included).
"""

from __future__ import annotations

import base64
import gzip
import json
from dataclasses import dataclass
from typing import Any

from debater.outputs.labels import EN, ZH, labels_for, where
from debater.outputs.report_map import FONT_PX, LINE_PX, META_PX, PAD, layout
from debater.records import NoteResult, Perspective, StanceResult, Tension, TensionStance

COMPRESS_ABOVE = 2_000_000  # bytes of JSON; larger payloads are embedded gzipped


@dataclass(frozen=True)
class ReportEntry:
    """A note of the report: its path as shown, and its result (None: not yet run)."""

    path: str
    result: NoteResult | None


def perspective_data(p: Perspective) -> dict[str, Any]:
    """One perspective and its replies, with the fields the page shows."""
    return {
        "side": p.side,
        "title": p.title,
        "argument": p.argument,
        "kind": p.kind,
        "strength": p.strength,
        "reason": p.strength_reason,
        "holders": p.holders,
        "error": p.error,
        "replies": [perspective_data(r) for r in p.replies],
    }


def stance_data(anchor: str, s: StanceResult, words: dict[str, str] = EN) -> dict[str, Any]:
    """One stance with both sides, its reply tree and its argument map; `words` are the labels
    of its note's language."""
    return {
        "id": anchor,
        "sid": s.id,
        "claim": s.claim,
        "position": s.position,
        "firmness": s.strength,
        "topics": s.topics,
        "quote": s.quote,
        "lines": list(s.lines),
        "where": where(words, s),
        "language": s.language,
        "target": s.target or "",
        "reasoning": s.reasoning,
        "crux": s.crux,
        "change": s.would_change_mind,
        "slips": s.slips,
        "error": s.error,
        "support": [perspective_data(p) for p in s.perspectives if p.side == "support"],
        "oppose": [perspective_data(p) for p in s.perspectives if p.side == "oppose"],
        "map": layout(s, words),
    }


def note_data(anchor: str, path: str, r: NoteResult) -> dict[str, Any]:
    """One note that has been run: where it is, who answered, and its stances; `words` names
    the set of labels (in the report's `words`) its stances are shown with."""
    words = labels_for(r)
    return {
        "id": anchor,
        "words": "zh" if words is ZH else "en",
        "path": path,
        "title": r.note.title,
        "date": r.note.date,
        "language": r.note.language,
        "backend": r.backend,
        "model": r.model,
        "created": r.created,
        "stances": [stance_data(f"{anchor}-s{i}", s, words) for i, s in enumerate(r.stances, 1)],
    }


def _page_words(labels: dict[str, str]) -> dict[str, str]:
    """The labels the page shows around a stance (banners and titles are the sidecar's only)."""
    # The page gets each stance's lines as a phrase ("where"), so not the words for them.
    left_out = {"title", "banner", "mock_banner", "undecided", "undecided_on", "same_passage"}
    left_out |= {"line", "lines"}
    return {key: text for key, text in labels.items() if key not in left_out}


def _anchors(notes: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """(note path, stance id) -> anchor, and ("", stance id) -> anchor where the id is unique."""
    found: dict[tuple[str, str], str] = {}
    by_id: dict[str, list[str]] = {}
    for note in notes:
        for s in note["stances"]:
            found[(note["path"], s["sid"])] = s["id"]
            by_id.setdefault(s["sid"], []).append(s["id"])
    found.update({("", sid): ids[0] for sid, ids in by_id.items() if len(ids) == 1})
    return found


def _tension_side(t: TensionStance, anchors: dict[tuple[str, str], str]) -> dict[str, Any]:
    ref = anchors.get((t.note, t.id)) or anchors.get(("", t.id))
    return {**t.model_dump(mode="json", exclude={"strength"}), "firmness": t.strength, "ref": ref}


def tension_data(t: Tension, anchors: dict[tuple[str, str], str]) -> dict[str, Any]:
    """A tension, each side with the anchor of its stance in the report (None if absent)."""
    sides = [_tension_side(s, anchors) for s in t.stances]
    return {"kind": t.kind, "explanation": t.explanation, "question": t.question, "stances": sides}


def payload(entries: list[ReportEntry], tensions: list[Tension], title: str) -> dict[str, Any]:
    """The whole report as one JSON-ready object."""
    notes = [
        note_data(f"n{i}", e.path, e.result)
        for i, e in enumerate(entries, 1)
        if e.result is not None
    ]
    anchors = _anchors(notes)
    return {
        "title": title,
        "map": {"pad": PAD, "line": LINE_PX, "font": FONT_PX, "meta": META_PX},
        "words": {"en": _page_words(EN), "zh": _page_words(ZH)},
        "notes": notes,
        "pending": [e.path for e in entries if e.result is None],
        "tensions": [tension_data(t, anchors) for t in tensions],
    }


def script_json(data: Any) -> str:
    """Compact JSON safe inside `<script>`: `<`, `>`, `&`, U+2028 and U+2029 as \\u escapes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for ch in "<>&\u2028\u2029":
        text = text.replace(ch, f"\\u{ord(ch):04x}")
    return text


def embedded(data: Any, compress: bool | None = None) -> tuple[str, str]:
    """The data block's type and text: JSON, or gzip in base64 if large or `compress` says so."""
    text = script_json(data)
    if compress is None:
        compress = len(text.encode()) > COMPRESS_ABOVE
    if not compress:
        return "application/json", text
    packed = gzip.compress(text.encode(), compresslevel=6, mtime=0)
    return "application/x-gzip-base64", base64.b64encode(packed).decode("ascii")
