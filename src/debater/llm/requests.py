"""Building the request for each step from its prompt template and the note's data.

Every request of a note starts the same way: the step's system prompt, then the note itself
(its title and passages) as data. The note part is marked as a shared prefix when several calls
send it, so a provider's prompt cache bills it once in full and then at a tenth; only the last
part (the stance, the perspective, the task) differs from call to call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from debater.backends.base import Message, Part, Request
from debater.llm.answers import Extraction, Reply, TensionsAnswer, debate_answer
from debater.llm.datablocks import encode_block, encode_passages
from debater.llm.model_facts import Effort
from debater.llm.prompts import Prompt, Prompts
from debater.records import Passage, Perspective, Stance

# Room for each step's answer (thinking comes on top: ModelFacts.output_budget).
EXTRACT_BASE_TOKENS = 800
EXTRACT_TOKENS_PER_INPUT = (
    2.0  # claims, targets and reasons restate the passages (CJK answers run long)
)
EXTRACT_MAX_TOKENS = 16_000
DEBATE_MAX_TOKENS = 6144
REPLY_MAX_TOKENS = 1536
TENSIONS_MAX_TOKENS = 4096
# How hard a thinking model thinks at each step unless --effort says otherwise: reading the note
# and steelmanning both sides are the product; a single rebuttal needs less.
STEP_EFFORT: dict[str, Effort] = {
    "extract": "medium",
    "debate": "medium",
    "reply": "low",
    "discuss": "low",
    "summary": "low",
    "tensions": "medium",
}


@dataclass(frozen=True)
class NoteContext:
    """The note as every request of one chunk carries it: a header and its passages."""

    name: str
    title: str
    language: str
    passages: tuple[Passage, ...]

    def text(self) -> str:
        header = {"file": self.name, "title": self.title, "language": self.language}
        return encode_block("note", [header]) + "\n\n" + encode_passages(self.passages) + "\n\n"


@dataclass(frozen=True)
class Tuning:
    """Sampling settings for one run: `effort` None means each step's own default."""

    effort: Effort | None = None
    temperature: float | None = None

    def effort_for(self, purpose: str) -> Effort | None:
        return self.effort or STEP_EFFORT.get(purpose)


def _request(
    prompt: Prompt,
    purpose: str,
    output: Any,
    max_tokens: int,
    parts: Sequence[Part],
    tuning: Tuning,
) -> Request:
    return Request(
        purpose=purpose,
        system=prompt.render("system"),
        messages=(Message(role="user", parts=tuple(parts)),),
        output=output,
        max_tokens=max_tokens,
        temperature=tuning.temperature,
        effort=tuning.effort_for(purpose),
        prompt_hash=prompt.sha256,
    )


def stance_record(stance: Stance, related: Sequence[str] = ()) -> dict[str, Any]:
    """The fields of a stance a model needs to argue about it; `related` are the claims of the
    author's other stances on the same passages (sent only when there are some)."""
    record = {
        "claim": stance.claim,
        "position": stance.position,
        "strength": stance.strength,
        "target": stance.target,
        "reasoning": stance.reasoning,
        "language": stance.language,
        "passage_ids": list(stance.passage_ids),
    }
    return record | ({"related": list(related)} if related else {})


def extract_budget(passage_tokens: int) -> int:
    """Room for the stances found in passages of this many tokens."""
    wanted = EXTRACT_BASE_TOKENS + EXTRACT_TOKENS_PER_INPUT * passage_tokens
    return min(int(wanted), EXTRACT_MAX_TOKENS)


def extract_request(
    prompts: Prompts, context: NoteContext, max_tokens: int, tuning: Tuning = Tuning()
) -> Request:
    # One call per chunk: nothing to share, so the note is not marked for the prompt cache.
    parts = [Part(text=context.text()), Part(text=prompts.extract.render("user"))]
    return _request(prompts.extract, "extract", Extraction, max_tokens, parts, tuning)


def debate_request(
    prompts: Prompts,
    context: NoteContext,
    stance: Stance,
    options: tuple[int, str],
    max_tokens: int = DEBATE_MAX_TOKENS,
    *,
    shared: bool = False,
    tuning: Tuning = Tuning(),
    related: Sequence[str] = (),
) -> Request:
    """Both sides of `stance`; `options` is (per_side, language), `shared` marks the note as a
    prefix other calls send too, `related` are the claims of the author's other stances on the
    same passages."""
    per_side, language = options
    task = prompts.debate.render(
        "user",
        per_side=per_side,
        stance=encode_block("stance", [stance_record(stance, related)]),
        request=encode_block("request", [{"per_side": per_side, "language": language}]),
    )
    parts = [Part(text=context.text(), cache=shared), Part(text=task)]
    return _request(prompts.debate, "debate", debate_answer(per_side), max_tokens, parts, tuning)


def reply_request(
    prompts: Prompts,
    context: NoteContext,
    stance: Stance,
    perspective: Perspective,
    language: str,
    tuning: Tuning = Tuning(),
) -> Request:
    """The strongest answer to one perspective, from the other side."""
    record = {
        "side": perspective.side,
        "title": perspective.title,
        "argument": perspective.argument,
    }
    task = prompts.reply.render(
        "user",
        stance=encode_block("stance", [stance_record(stance)]),
        perspective=encode_block("perspective", [record]),
        request=encode_block("request", [{"language": language}]),
    )
    # Every reply under every stance of the note sends the same note: a shared prefix.
    parts = [Part(text=context.text(), cache=True), Part(text=task)]
    return _request(prompts.reply, "reply", Reply, REPLY_MAX_TOKENS, parts, tuning)


def tensions_request(
    prompt: Prompt,
    shared: Sequence[str],
    stances: Sequence[dict[str, Any]],
    tuning: Tuning = Tuning(),
) -> Request:
    """The tensions among one group of stances that share the topics or targets in `shared`."""
    task = prompt.render(
        "user",
        group=encode_block("group", [{"shared": list(shared)}]),
        stances=encode_block("stances", stances),
    )
    parts = [Part(text=task)]
    return _request(prompt, "tensions", TensionsAnswer, TENSIONS_MAX_TOKENS, parts, tuning)
