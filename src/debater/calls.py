"""Building the request for each step from its prompt template and the note's data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from debater.answers import Debate, Extraction, Reply
from debater.backends.base import Message, Part, Request
from debater.datablocks import encode_block, encode_passages
from debater.models import Passage, Perspective, Stance
from debater.prompts import Prompt, load_prompt

EXTRACT_MAX_TOKENS = 8192
DEBATE_MAX_TOKENS = 6144
REPLY_MAX_TOKENS = 1536


@dataclass(frozen=True)
class Prompts:
    """The templates in effect for a run."""

    extract: Prompt
    debate: Prompt
    reply: Prompt
    repair: Prompt

    @classmethod
    def load(cls, override_dir: Path | None = None) -> Prompts:
        return cls(
            *(load_prompt(n, override_dir) for n in ("extract", "debate", "reply", "repair"))
        )

    def versions(self) -> dict[str, str]:
        return {p.name: p.version for p in (self.extract, self.debate, self.reply, self.repair)}

    def hashes(self) -> dict[str, str]:
        return {p.name: p.sha256 for p in (self.extract, self.debate, self.reply, self.repair)}


def _request(
    prompt: Prompt, purpose: str, output: Any, max_tokens: int, parts: Sequence[Part]
) -> Request:
    return Request(
        purpose=purpose,
        system=prompt.render("system"),
        messages=(Message(role="user", parts=tuple(parts)),),
        output=output,
        max_tokens=max_tokens,
        prompt_hash=prompt.sha256,
    )


def stance_record(stance: Stance) -> dict[str, Any]:
    """The fields of a stance a model needs to argue about it."""
    return {
        "claim": stance.claim,
        "position": stance.position,
        "strength": stance.strength,
        "target": stance.target,
        "reasoning": stance.reasoning,
        "language": stance.language,
    }


def extract_request(
    prompts: Prompts, note_name: str, language: str, passages: Sequence[Passage]
) -> Request:
    text = prompts.extract.render(
        "user", note_name=note_name, language=language, passages=encode_passages(passages)
    )
    return _request(prompts.extract, "extract", Extraction, EXTRACT_MAX_TOKENS, [Part(text=text)])


def debate_request(
    prompts: Prompts,
    stance: Stance,
    passages: Sequence[Passage],
    per_side: int,
    language: str,
) -> Request:
    text = prompts.debate.render(
        "user",
        per_side=per_side,
        stance=encode_block("stance", [stance_record(stance)]),
        passages=encode_passages(passages),
        request=encode_block("request", [{"per_side": per_side, "language": language}]),
    )
    return _request(prompts.debate, "debate", Debate, DEBATE_MAX_TOKENS, [Part(text=text)])


def reply_request(
    prompts: Prompts, stance: Stance, perspective: Perspective, language: str
) -> Request:
    """Ask for the strongest answer to one perspective, from the other side."""
    record = {
        "side": perspective.side,
        "title": perspective.title,
        "argument": perspective.argument,
    }
    shared = encode_block("stance", [stance_record(stance)])
    text = prompts.reply.render(
        "user",
        perspective=encode_block("perspective", [record]),
        request=encode_block("request", [{"language": language}]),
    )
    # The stance block is the same for every reply under it: a cacheable shared prefix.
    parts = [Part(text=shared + "\n\n", cache=True), Part(text=text)]
    return _request(prompts.reply, "reply", Reply, REPLY_MAX_TOKENS, parts)
