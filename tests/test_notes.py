"""Loading notes: encodings, newlines, front matter, files to skip, and never writing."""

from __future__ import annotations

import codecs
import hashlib
import os
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from debater.errors import NoteError
from debater.notes.load import load_note

SEED = Path(__file__).parent / "data" / "seed_note.txt"


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def write(tmp_path: Path, data: bytes, name: str = "note.md") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8(tmp_path: Path, seed_text: str) -> None:
    raw = seed_text.encode("utf-8")
    path = write(tmp_path, raw)
    note = load_note(path)
    assert note.encoding == "utf-8"
    assert note.text == seed_text
    assert note.body == seed_text
    assert note.body_line_offset == 0
    assert note.front_matter == {}
    assert note.front_matter_error is None
    assert note.path == path
    assert note.sha256 == hashlib.sha256(raw).hexdigest()


def test_utf8_with_bom(tmp_path: Path) -> None:
    note = load_note(write(tmp_path, codecs.BOM_UTF8 + "héllo 你好\n".encode()))
    assert note.encoding == "utf-8-sig"
    assert note.text == "héllo 你好\n"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_utf16_and_utf32_with_bom(tmp_path: Path, seed_text: str, bom: bytes, codec: str) -> None:
    note = load_note(write(tmp_path, bom + seed_text.encode(codec)))
    assert note.encoding == codec
    assert note.text == seed_text


def test_gb18030_matches_utf8_load(tmp_path: Path, seed_text: str) -> None:
    utf8 = load_note(write(tmp_path, seed_text.encode("utf-8"), "a.md"))
    gb = load_note(write(tmp_path, seed_text.encode("gb18030"), "b.md"))
    assert gb.encoding == "gb18030"
    assert gb.text == utf8.text


def test_short_gbk_guessed_as_big5_is_read_as_gb18030(tmp_path: Path) -> None:
    # charset-normalizer guesses Big5 for this GBK text; GB18030 reads it as Chinese.
    text = "中文 mixed with English words here"
    note = load_note(write(tmp_path, text.encode("gbk")))
    assert (note.encoding, note.text) == ("gb18030", text)


def test_big5_stays_big5(tmp_path: Path) -> None:
    text = "繁體中文的句子，我覺得不錯。資料才是關鍵。"
    note = load_note(write(tmp_path, text.encode("big5")))
    assert (note.encoding, note.text) == ("big5", text)


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_newlines_normalised(tmp_path: Path, newline: str) -> None:
    note = load_note(write(tmp_path, newline.join(["a", "b", "", "c"]).encode()))
    assert note.text == "a\nb\n\nc"
    assert note.body == note.text


def test_crlf_front_matter(tmp_path: Path) -> None:
    note = load_note(write(tmp_path, b"---\r\ntitle: x\r\n---\r\nbody\r\n"))
    assert note.front_matter == {"title": "x"}
    assert (note.body, note.body_line_offset) == ("body\n", 3)


def test_yaml_front_matter(tmp_path: Path) -> None:
    text = "---\ntitle: Reading\ntags: [ai, 思考]\n---\n# Heading\nBody line\n"
    note = load_note(write(tmp_path, text.encode()))
    assert note.front_matter == {"title": "Reading", "tags": ["ai", "思考"]}
    assert note.front_matter_error is None
    assert note.body == "# Heading\nBody line\n"
    assert note.body_line_offset == 4
    assert note.text == text
    body_line = 2
    assert text.split("\n")[body_line + note.body_line_offset - 1] == "Body line"


def test_yaml_front_matter_closed_with_dots(tmp_path: Path) -> None:
    note = load_note(write(tmp_path, b"---\na: 1\n...\nbody"))
    assert (note.front_matter, note.body, note.body_line_offset) == ({"a": 1}, "body", 3)


def test_toml_front_matter(tmp_path: Path) -> None:
    note = load_note(write(tmp_path, b'+++\ntitle = "x"\n[extra]\nn = 2\n+++\nbody\n'))
    assert note.front_matter == {"title": "x", "extra": {"n": 2}}
    assert (note.body, note.body_line_offset) == ("body\n", 5)


def test_jbake_header_is_front_matter_not_a_code_fence(tmp_path: Path) -> None:
    data = b"title=Book Review: Effective C\r\ntags=book, c\r\n~~~~~~\r\nIt's not bad.\r\n"
    note = load_note(write(tmp_path, data))
    assert note.front_matter == {"title": "Book Review: Effective C", "tags": "book, c"}
    assert (note.body, note.body_line_offset) == ("It's not bad.\n", 3)
    fence = load_note(write(tmp_path, b"~~~~~~\ncode\n~~~~~~\n", "fence.md"))
    assert fence.front_matter == {} and fence.body.startswith("~~~~~~")


def test_empty_front_matter(tmp_path: Path) -> None:
    note = load_note(write(tmp_path, b"---\n---\nbody"))
    assert (note.front_matter, note.front_matter_error) == ({}, None)
    assert (note.body, note.body_line_offset) == ("body", 2)


@pytest.mark.parametrize(
    ("front", "reason"),
    [
        ("title: [unclosed\n", "invalid YAML"),
        ("date: 2024-13-45\n", "invalid YAML"),  # the date constructor raises ValueError
        ("- a\n- b\n", "not a mapping"),
        ("just a sentence\n", "not a mapping"),
    ],
)
def test_bad_yaml_front_matter_is_recorded_not_raised(
    tmp_path: Path, front: str, reason: str
) -> None:
    note = load_note(write(tmp_path, f"---\n{front}---\nbody\n".encode()))
    assert note.front_matter == {}
    assert note.front_matter_error is not None
    assert reason in note.front_matter_error
    assert note.body == "body\n"
    assert note.body_line_offset == front.count("\n") + 2


def test_bad_toml_front_matter(tmp_path: Path) -> None:
    note = load_note(write(tmp_path, b"+++\ntitle = \n+++\nbody"))
    assert note.front_matter == {}
    assert note.front_matter_error is not None
    assert "invalid TOML" in note.front_matter_error
    assert note.body == "body"


def test_yaml_keys_become_strings(tmp_path: Path) -> None:
    note = load_note(write(tmp_path, b"---\n1: one\n2.5: half\n---\nbody"))
    assert note.front_matter == {"1": "one", "2.5": "half"}


def test_unclosed_front_matter_is_body(tmp_path: Path) -> None:
    text = "---\ntitle: x\nno closing line\n"
    note = load_note(write(tmp_path, text.encode()))
    assert (note.front_matter, note.body, note.body_line_offset) == ({}, text, 0)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\t\r\n  ", "empty note"),
        (codecs.BOM_UTF8 + b"\n\n", "empty note"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "binary file"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8", "cannot decode"),  # lone surrogate
    ],
)
def test_files_to_skip(tmp_path: Path, data: bytes, reason: str) -> None:
    with pytest.raises(NoteError, match=reason):
        load_note(write(tmp_path, data))


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(NoteError, match="not a regular file"):
        load_note(tmp_path)


def test_fifo_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    with pytest.raises(NoteError, match="not a regular file"):
        load_note(fifo)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(NoteError, match="no such file"):
        load_note(tmp_path / "missing.md")


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulated: the tests may run as root, who can read a file whatever its mode.
    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(NoteError, match="permission denied"):
        load_note(write(tmp_path, b"secret"))


def test_file_unchanged_after_load(tmp_path: Path, seed_text: str) -> None:
    raw = ("---\ntitle: x\n---\r\n" + seed_text).encode("gb18030")
    path = write(tmp_path, raw)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    load_note(path)
    assert path.read_bytes() == raw
    assert path.stat().st_mtime_ns == 1_000_000_000


def test_ten_megabytes_load_fast(tmp_path: Path, seed_text: str) -> None:
    raw = ("---\ntitle: big\n---\n" + seed_text * 1400).encode()
    assert len(raw) > 10_000_000
    path = write(tmp_path, raw)
    start = time.perf_counter()
    note = load_note(path)
    assert time.perf_counter() - start < 1.0
    assert note.body_line_offset == 3


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_load_or_raise_note_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "note.md"
        path.write_bytes(data)
        try:
            note = load_note(path)
        except NoteError:
            return
        assert "\r" not in note.text
        assert note.text.endswith(note.body)
        assert note.text.count("\n") >= note.body_line_offset
