"""How note text travels inside prompts: as JSON data between tags, never as instructions.

Every passage is one JSON object on its own line between `<passages>` and `</passages>`.
JSON escaping plus `</` written as `<\\/` means no text in a note can close the block early.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from debater.records import Passage

_BLOCK = re.compile(r"<(?P<tag>[a-z_]+)>\n(?P<body>.*?)\n</(?P=tag)>", re.DOTALL)


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": ")).replace("</", "<\\/")


def passage_record(p: Passage) -> dict[str, Any]:
    """The fields of a passage a model needs to see: `section` lists the enclosing headings."""
    return {
        "id": p.id,
        "kind": p.kind,
        "lines": list(p.lines),
        "section": list(p.heading_path),
        "parent": p.parent,
        "text": p.text,
    }


def encode_block(tag: str, records: Iterable[dict[str, Any]]) -> str:
    """Records as JSON lines inside `<tag>` ... `</tag>`."""
    body = "\n".join(_dump(r) for r in records)
    return f"<{tag}>\n{body}\n</{tag}>"


def encode_passages(passages: Iterable[Passage]) -> str:
    return encode_block("passages", (passage_record(p) for p in passages))


def decode_blocks(text: str) -> dict[str, list[dict[str, Any]]]:
    """Every `<tag>` block in a prompt, each as its list of JSON records."""
    blocks: dict[str, list[dict[str, Any]]] = {}
    for match in _BLOCK.finditer(text):
        lines = [ln for ln in match["body"].splitlines() if ln.strip()]
        try:
            blocks[match["tag"]] = [json.loads(ln) for ln in lines]
        except json.JSONDecodeError:
            continue
    return blocks
