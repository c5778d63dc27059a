"""The answers asked of a model, as pydantic models (their JSON Schemas go to the backend).

Kept flat with no free-form dicts, so both providers' strict structured output accepts them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, Field, create_model

from debater.records import Firmness, Language, PerspectiveKind, Position, Strength, TensionKind


class ExtractedStance(BaseModel):
    claim: str = Field(description="The author's position as one standalone sentence.")
    position: Position = Field(description="Relative to the quoted claim it reacts to, if any.")
    strength: Firmness = Field(description="How firmly the author holds it; hedges count.")
    target: str | None = Field(description="The quoted claim the author reacts to, or null.")
    reasoning: str = Field(description="The author's own reasons, briefly; empty if none given.")
    passage_ids: list[str] = Field(description="Ids of the passages the stance comes from.")
    language: Language = Field(
        description="The author's wording: en, zh, or zh-en (Chinese with English mixed in)."
    )
    topics: list[str] = Field(
        description="1-3 short topic tags, in the language of the claim.", max_length=3
    )


class Extraction(BaseModel):
    stances: list[ExtractedStance]


class ArguedPerspective(BaseModel):
    title: str = Field(description="A short headline for the argument.")
    argument: str = Field(description="The steelmanned argument, aimed at the author's reasons.")
    kind: PerspectiveKind
    strength: Strength
    strength_reason: str = Field(description="Why this strength rating.")
    holders: list[str] = Field(
        description="Thinkers, schools, traditions or institutions known to hold this view; "
        "only when confident."
    )


class Debate(BaseModel):
    support: list[ArguedPerspective]
    oppose: list[ArguedPerspective]
    crux: str = Field(description="The question the disagreement hinges on.")
    would_change_mind: list[str] = Field(
        description="Evidence that would change the author's mind."
    )
    slips: list[str] = Field(
        description="Factual slips in the note's wording of the stance, one short sentence "
        "each; empty when there are none."
    )


@lru_cache(maxsize=16)
def debate_answer(per_side: int) -> type[Debate]:
    """The Debate answer with exactly `per_side` perspectives on each side, in the schema (the
    providers that cannot enforce item counts get them as text; the answer is validated)."""
    sides = list[ArguedPerspective]
    counted = Field(min_length=per_side, max_length=per_side)
    model: type[Debate] = create_model(
        "Debate",
        __base__=Debate,
        support=(sides, counted),
        oppose=(sides, Field(min_length=per_side, max_length=per_side)),
    )
    return model


class Reply(BaseModel):
    """The strongest answer to one perspective, for the next level of the argument tree."""

    title: str
    argument: str
    kind: PerspectiveKind
    strength: Strength
    strength_reason: str


class DiscussionSummary(BaseModel):
    """The closing summary of a discussion session."""

    now_stands: str = Field(
        description="Where the author now stands on the stance, in one or two sentences."
    )
    shift: Literal["unchanged", "refined", "softened", "strengthened", "reversed", "undecided"]
    author_conceded: list[str] = Field(description="Points the author's side explicitly conceded.")
    author_unanswered: list[str] = Field(
        description="Points the author's side left unanswered (not conceded)."
    )
    opponent_conceded: list[str] = Field(
        description="Points the opposing side conceded to the author."
    )
    open_cruxes: list[str] = Field(
        description="Questions still open that the disagreement hinges on."
    )


class FoundTension(BaseModel):
    kind: TensionKind
    explanation: str = Field(description="One sentence on what conflicts.")
    question: str = Field(description="The question whose answer would settle it.")
    stance_ids: list[str] = Field(
        description="The `ref` of each stance in the tension, two or more.", min_length=2
    )


class TensionsAnswer(BaseModel):
    """The tensions among one group of the author's stances (an empty list when none)."""

    tensions: list[FoundTension]
