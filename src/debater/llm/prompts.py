"""Prompt templates: one file per step, a version line, `=== section ===` blocks, `$name` slots.

Templates render with `string.Template`: values are inserted once and never re-scanned, so a `$`
or a brace inside a note is just text.
"""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from debater.errors import UsageError

PROMPT_NAMES = ("extract", "debate", "reply", "discuss", "summary", "repair", "tensions")
_SECTION = re.compile(r"^=== (\w+) ===$", re.MULTILINE)
_VERSION = re.compile(r"\Aversion:\s*(\S+)\s*\n")


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    sections: dict[str, str]
    sha256: str
    source: str

    def render(self, section: str, **values: object) -> str:
        """Fill one section's `$name` slots; a missing slot is a bug in the caller or the file."""
        try:
            template = self.sections[section]
        except KeyError:
            raise UsageError(
                f"prompt {self.source} has no '=== {section} ===' section; "
                f"copy the built-in one with `debater prompts show {self.name}`"
            ) from None
        try:
            return string.Template(template).substitute(values)
        except (KeyError, ValueError) as e:
            raise UsageError(f"prompt {self.source}: bad or unknown slot {e}") from None


def builtin_dir() -> Path:
    """The prompts shipped in the wheel, or the source tree's `prompts/` in a development copy."""
    packaged = Path(str(resources.files("debater"))) / "prompts"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "prompts"


def parse_prompt(name: str, text: str, source: str) -> Prompt:
    """Split a prompt file into its version and sections."""
    version = _VERSION.match(text)
    if version is None:
        raise UsageError(f"prompt {source} must start with a line like 'version: 1'")
    body = text[version.end() :]
    parts = _SECTION.split(body)
    sections = {parts[i]: parts[i + 1].strip("\n") for i in range(1, len(parts) - 1, 2)}
    if not sections:
        raise UsageError(f"prompt {source} has no '=== system ===' or '=== user ===' sections")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Prompt(name, version.group(1), sections, digest, source)


@lru_cache(maxsize=64)
def load_prompt(name: str, override_dir: Path | None = None) -> Prompt:
    """The prompt in effect: `override_dir/<name>.md` if present, else the built-in one."""
    if override_dir is not None and not override_dir.is_dir():
        raise UsageError(f"--prompts-dir {override_dir}: no such folder")
    if name not in PROMPT_NAMES:
        raise UsageError(f"unknown prompt {name!r}; choose one of {', '.join(PROMPT_NAMES)}")
    for folder in (override_dir, builtin_dir()):
        if folder is not None and (folder / f"{name}.md").is_file():
            path = folder / f"{name}.md"
            return parse_prompt(name, path.read_text(encoding="utf-8"), str(path))
    raise UsageError(f"prompt file {name}.md not found; reinstall debater")


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
