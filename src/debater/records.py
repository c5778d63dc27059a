"""The shapes passed between modules: passages, stances, perspectives, results."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

PassageKind = Literal[
    "heading", "paragraph", "list_item", "quote", "code", "table", "html", "separator"
]
MINABLE_KINDS: frozenset[str] = frozenset({"paragraph", "list_item", "quote"})

Language = Literal["en", "zh", "zh-en"]
Position = Literal["agree", "disagree", "partly", "undecided", "own-idea"]
Firmness = Literal["tentative", "moderate", "firm"]
Side = Literal["support", "oppose"]
SIDE_WORDS: dict[Side, str] = {"support": "for", "oppose": "against"}  # how people say them
Strength = Literal["weak", "moderate", "strong"]
PerspectiveKind = Literal[
    "empirical", "logical", "ethical", "economic", "historical", "practical", "political", "other"
]


class Passage(BaseModel):
    """A stretch of a note: a paragraph, list item, quote, heading or a block kept whole."""

    model_config = ConfigDict(frozen=True)

    id: str
    text: str
    kind: PassageKind
    lines: tuple[int, int]
    heading_path: tuple[str, ...] = ()
    depth: int = 0
    parent: str | None = None  # the id of the list item or quote this passage sits under
    level: int = 0  # a heading's level: 1-6, 7 for a bold line used as one; 0 otherwise

    @property
    def minable(self) -> bool:
        """Whether stances may be found in this passage (code, tables and HTML are not mined)."""
        return self.kind in MINABLE_KINDS


class Note(BaseModel):
    """A loaded note: decoded text with its front matter set aside."""

    path: Path
    sha256: str
    encoding: str
    text: str
    body: str
    body_line_offset: int = 0
    front_matter: dict[str, Any] = Field(default_factory=dict)
    front_matter_error: str | None = None

    @property
    def name(self) -> str:
        """The file name as text; bytes of a name that is not UTF-8 become \\xNN escapes."""
        return os.fsencode(self.path.name).decode("utf-8", "backslashreplace")


class Stance(BaseModel):
    """A position the note's author takes, pointing back to the passages it comes from."""

    id: str
    claim: str
    position: Position
    strength: Firmness | None  # None: not known (a claim typed on the command line)
    target: str | None = None
    reasoning: str = ""
    passage_ids: list[str]
    lines: tuple[int, int]
    quote: str
    language: str = "en"
    topics: list[str] = Field(default_factory=list)
    # The line ranges of its passages when they are not all together (empty: just `lines`).
    spans: list[tuple[int, int]] = Field(default_factory=list)

    @property
    def argued(self) -> str:
        """What the perspectives argue for and against: the claim, or for an undecided stance
        the question the author weighs (its target)."""
        return self.target if self.position == "undecided" and self.target else self.claim

    def siblings(self, stances: Sequence[Stance]) -> list[int]:
        """The indices of the other stances in `stances` that come from any of this one's
        passages."""
        own = set(self.passage_ids)
        return [
            i for i, s in enumerate(stances) if s is not self and own.intersection(s.passage_ids)
        ]


class Perspective(BaseModel):
    """One steelmanned argument for or against a stance, possibly with replies beneath it.

    `error` says why the reply asked for under it is missing.
    """

    side: Side = Field(
        description="The side argued: `support` is for the stance's claim (for an undecided "
        "stance, for the claim it weighs: its `target`), `oppose` against it. A reply argues "
        "the side opposite to the perspective it answers."
    )
    title: str
    argument: str
    kind: str = "other"
    strength: Strength = "moderate"
    strength_reason: str = ""
    holders: list[str] = Field(default_factory=list)
    replies: list[Perspective] = Field(default_factory=list)
    error: str | None = None

    def failures(self) -> list[str]:
        """Why replies are missing anywhere in this perspective's tree."""
        own = [self.error] if self.error else []
        return own + [f for reply in self.replies for f in reply.failures()]


class Usage(BaseModel):
    """Call and token counts; `requests` are calls that reached the backend."""

    calls: int = 0
    requests: int = 0
    cache_hits: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    thinking_tokens: int = 0


class StanceResult(Stance):
    """A stance with the perspectives found for it, or the reason none were."""

    crux: str = ""
    would_change_mind: list[str] = Field(default_factory=list)
    slips: list[str] = Field(default_factory=list)  # factual slips in the note, briefly
    perspectives: list[Perspective] = Field(default_factory=list)
    error: str | None = None

    def failures(self) -> list[str]:
        """What could not be asked for this stance: its perspectives, or replies under them."""
        if self.error:
            return [self.error]
        return [f for p in self.perspectives for f in p.failures()]


class NoteInfo(BaseModel):
    path: str
    sha256: str
    language: str
    title: str = ""
    date: str = ""  # front matter `date`, else the file's modification time (ISO 8601)


class NoteResult(BaseModel):
    """Everything debater found for one note: what the JSON sidecar holds."""

    note: NoteInfo
    backend: str
    model: str
    created: str
    fingerprint: str = ""
    language: str = ""  # the answer language a run was told (--language), else empty
    prompt_versions: dict[str, str] = Field(default_factory=dict)
    stances: list[StanceResult] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)


TensionKind = Literal["contradiction", "doubt", "principle"]


class TensionStance(BaseModel):
    """One side of a tension: an author's stance, where it is, and when the note was written."""

    note: str  # the note's path, relative to the folder given
    id: str
    claim: str
    position: Position
    strength: Firmness
    lines: tuple[int, int]
    date: str


class Tension(BaseModel):
    """Two or more of the author's own stances that cannot all stand, or pull against each
    other: the same claim held and rejected (contradiction), a firm claim doubted elsewhere
    (doubt), a principle a judgement breaks (principle)."""

    kind: TensionKind
    explanation: str
    question: str
    stances: list[TensionStance]
