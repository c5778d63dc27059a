"""The answers asked of a model, as pydantic models (their JSON Schemas go to the backend).

Kept flat with no free-form dicts, so both providers' strict structured output accepts them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from debater.records import Firmness, PerspectiveKind, Position, Strength


class ExtractedStance(BaseModel):
    claim: str = Field(description="The author's position as one standalone sentence.")
    position: Position = Field(description="Relative to the quoted claim it reacts to, if any.")
    strength: Firmness = Field(description="How firmly the author holds it; hedges count.")
    target: str | None = Field(description="The quoted claim the author reacts to, or null.")
    reasoning: str = Field(description="The author's own reasons, briefly; empty if none given.")
    passage_ids: list[str] = Field(description="Ids of the passages the stance comes from.")
    language: str = Field(description="Language code of the author's wording, e.g. en, zh.")


class Extraction(BaseModel):
    stances: list[ExtractedStance]


class ArguedPerspective(BaseModel):
    title: str = Field(description="A short headline for the argument.")
    argument: str = Field(description="The steelmanned argument, aimed at the author's reasons.")
    kind: PerspectiveKind
    strength: Strength
    strength_reason: str = Field(description="Why this strength rating.")
    holders: list[str] = Field(
        description="Thinkers or schools known to hold this view; only when confident."
    )


class Debate(BaseModel):
    support: list[ArguedPerspective]
    oppose: list[ArguedPerspective]
    crux: str = Field(description="The question the disagreement hinges on.")
    would_change_mind: list[str] = Field(
        description="Evidence that would change the author's mind."
    )


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
