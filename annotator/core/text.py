"""Canonical document text: newline normalization with offset remapping, hashing."""

from __future__ import annotations

import bisect
import hashlib
import re

_CR = re.compile(r"\r\n?")
# Every character Python's str.splitlines() ends a line at (brat reads .ann files with it).
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF. Every other character is kept as is."""
    return _CR.sub("\n", text) if "\r" in text else text


class NewlineRemap:
    """Maps code-point offsets in a raw text to offsets in its normalized form.

    Each CRLF collapses to one LF, so an offset moves left by the number of CRLF
    pairs that end before it. An offset between CR and LF maps to the LF.
    """

    def __init__(self, raw: str) -> None:
        # Positions of the LF of every CRLF pair in the raw text.
        self._lf_positions = [m.start() + 1 for m in re.finditer("\r\n", raw)]

    def __call__(self, offset: int) -> int:
        return offset - bisect.bisect_right(self._lf_positions, offset - 1) if self._lf_positions else offset


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be a stored document text, or None.

    The rules every way in (import, merge, the store) applies: some visible text,
    newlines already normalized, and no NUL, at which SQLite's length() stops
    while Python counts on, so span offsets past it could never be checked.
    """
    if not text or text.isspace():
        return "the text is empty"
    if "\r" in text:
        return "the newlines are not normalized"
    if "\x00" in text:
        return "the text contains NUL characters"
    return None


def excerpt(text: str, start: int, end: int, limit: int = 40) -> str:
    """``text[start:end]`` on one line (runs of whitespace as one space), cut with "…" past ``limit``."""
    words = " ".join(text[start:end].split())
    return words if len(words) <= limit else words[: limit - 1] + "…"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
