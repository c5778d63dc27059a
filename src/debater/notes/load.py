"""Load a note: read its bytes once, decode them, normalise newlines, set front matter aside."""

from __future__ import annotations

import codecs
import hashlib
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

import charset_normalizer
import yaml

from debater.errors import NoteError
from debater.notes.language import WIDE
from debater.records import Note

# Longest BOM first: the UTF-32 LE BOM begins with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Guesses that mean "some legacy Chinese encoding"; short texts are often guessed wrongly
# within this family, so the bytes are decoded as both GB18030 and Big5 and the more
# plausible result wins (GB18030 is a superset of GB2312/GBK but not of Big5).
_CHINESE_GUESSES = frozenset({"gb2312", "gbk", "gb18030", "hz", "big5", "big5hkscs", "cp950"})
_YAML_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_TOML_CLOSE = re.compile(r"^\+\+\+[ \t]*$", re.MULTILINE)
# JBake's header: `key=value` lines closed by a line of tildes (not a code fence).
_JBAKE_HEADER = re.compile(r"(?P<pairs>(?:[A-Za-z][\w.-]*=[^\n]*\n)+)~{3,}[ \t]*(?:\n|$)")
# Letters and punctuation of Western European text beyond ASCII (cp1252's printable range).
_WESTERN = frozenset(
    "àáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßŒœŠšŽžŸ"
    "‘’‚“”„–—…•€£§°«»¿¡©®™\u00a0"
)
# Guesses that mean "some Latin-script code page": among them, cp1252 is by far the most common.
_LATIN_GUESSES = frozenset(
    {"cp1252", "cp1250", "cp1254", "cp1257", "cp775", "cp850", "cp852", "cp437", "mac-roman"}
    | {"mac-latin2", "iso8859-1", "iso8859-2", "iso8859-4", "iso8859-9", "iso8859-13"}
    | {"iso8859-15"}
)
# Enough text to tell a right decoding from a wrong one.
_SAMPLE_CHARS = 100_000


def load_note(path: Path, max_bytes: int | None = None) -> Note:
    """Read and decode a note; raise NoteError with a short reason for files to skip.

    A note over `max_bytes` is skipped before it is read (a 50 MB file would plan thousands
    of calls and hold gigabytes of memory)."""
    raw = _read_bytes(path, max_bytes)
    encoding, text = _decode(raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise NoteError("empty note (only whitespace)")
    front_matter, error, body_start = _split_front_matter(text)
    return Note(
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        encoding=encoding,
        text=text,
        body=text[body_start:],
        body_line_offset=text.count("\n", 0, body_start),
        front_matter=front_matter,
        front_matter_error=error,
    )


def _read_bytes(path: Path, max_bytes: int | None) -> bytes:
    try:
        # stat first: reading a FIFO or device could block or never end.
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise NoteError("not a regular file")
        if max_bytes is not None and info.st_size > max_bytes:
            raise NoteError(
                f"{_size(info.st_size)}, over --max-note-size ({_size(max_bytes)}); raise it "
                "to read this note (`max_note_size` in debater.toml)"
            )
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise NoteError("no such file") from exc
    except PermissionError as exc:
        raise NoteError("permission denied") from exc
    except IsADirectoryError as exc:
        raise NoteError("not a regular file") from exc
    except OSError as exc:
        raise NoteError(f"cannot read file ({exc.strerror or exc})") from exc
    if not raw:
        raise NoteError("empty file")
    return raw


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n / 1000:.0f} kB"


def _decode(raw: bytes) -> tuple[str, str]:
    """Return (encoding name, text): BOM, else strict UTF-8, else charset-normalizer's guess."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return encoding, raw[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise NoteError(f"cannot decode text (invalid {encoding})") from exc
    if b"\x00" in raw:
        raise NoteError("binary file (NUL bytes)")
    try:
        return "utf-8", raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(raw).best()
    if best is None:
        raise NoteError("cannot decode text")
    guess = codecs.lookup(best.encoding).name
    if guess in _CHINESE_GUESSES:
        return _decode_chinese(raw)
    if guess in _LATIN_GUESSES and (western := _western(raw)):
        return "cp1252", western
    try:
        return guess, raw.decode(guess)
    except UnicodeDecodeError as exc:
        raise NoteError("cannot decode text") from exc


def _western(raw: bytes) -> str | None:
    """The text as Windows-1252, when that reads as ordinary Western text.

    Short Latin-1/cp1252 notes are often guessed as cp775 or cp1250 ("na’ve" becoming
    "naļve"); the common code page wins whenever every character it gives is one a Western
    note would hold."""
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return text if all(c.isascii() or c in _WESTERN for c in text) else None


def _decode_chinese(raw: bytes) -> tuple[str, str]:
    """Decode legacy Chinese bytes as GB18030 or Big5, whichever reads more like Chinese."""
    best: tuple[tuple[float, int], str, str] | None = None
    for rank, encoding in enumerate(("gb18030", "big5")):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        key = (_cjk_plausibility(text[:_SAMPLE_CHARS]), -rank)  # ties go to GB18030
        if best is None or key > best[0]:
            best = (key, encoding, text)
    if best is None:
        raise NoteError("cannot decode text")
    return best[1], best[2]


def _cjk_plausibility(text: str) -> float:
    """Share of non-ASCII characters that are CJK ideographs or CJK punctuation.

    Chinese decoded with the wrong codec turns into kana, Cyrillic and private-use characters.
    """
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    if non_ascii == 0:
        return 1.0
    return len(WIDE.findall(text)) / non_ascii


def _split_front_matter(text: str) -> tuple[dict[str, Any], str | None, int]:
    """Return (front matter, error or None, offset where the body starts)."""
    if header := _JBAKE_HEADER.match(text):
        pairs = (line.split("=", 1) for line in header["pairs"].splitlines() if line.strip())
        return {key.strip(): value.strip() for key, value in pairs}, None, header.end()
    first_line, newline, _ = text.partition("\n")
    opener = first_line.rstrip(" \t")
    if not newline or opener not in ("---", "+++"):
        return {}, None, 0
    closer = _YAML_CLOSE if opener == "---" else _TOML_CLOSE
    close = closer.search(text, len(first_line) + 1)
    if close is None:  # no closing line: the `---` is a thematic break, not front matter
        return {}, None, 0
    block = text[len(first_line) + 1 : close.start()]
    data, error = _parse_yaml(block) if opener == "---" else _parse_toml(block)
    body_start = min(close.end() + 1, len(text))
    return data, error, body_start


def _parse_yaml(block: str) -> tuple[dict[str, Any], str | None]:
    try:
        data = yaml.safe_load(block)
    # Any failure inside the parser (bad syntax, an impossible date...) is the note's problem.
    except Exception as exc:
        return {}, f"invalid YAML front matter: {_first_line(exc)}"
    if data is None:
        return {}, None
    if not isinstance(data, dict):
        return {}, f"front matter is not a mapping (got {type(data).__name__})"
    # YAML allows non-string keys (`1: x`); the Note model wants strings.
    return {str(key): value for key, value in data.items()}, None


def _parse_toml(block: str) -> tuple[dict[str, Any], str | None]:
    try:
        return tomllib.loads(block), None
    except tomllib.TOMLDecodeError as exc:
        return {}, f"invalid TOML front matter: {_first_line(exc)}"


def _first_line(exc: Exception) -> str:
    return str(exc).strip().split("\n", 1)[0] or type(exc).__name__
