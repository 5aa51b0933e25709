"""Conversion between Python code-point offsets and Qt's UTF-16 positions.

Qt counts UTF-16 code units: a character outside the Basic Multilingual Plane
(most emoji, rare CJK) takes two positions. Spans are stored in code points, so
every position that crosses the widget boundary goes through this pair.
"""

from __future__ import annotations

import bisect
import sys

import regex

# The regex module scans a 2 MB str for these in ~1.2 ms, where the standard re took ~4 ms and
# encoding to UTF-16 and searching the bytes for surrogates ~2.4 ms of every opening.
_ASTRAL = regex.compile("[\U00010000-\U0010FFFF]")


class OffsetError(ValueError):
    """A position that names no character boundary."""


class Utf16Map:
    """Both directions of the code point <-> UTF-16 mapping for one text."""

    def __init__(self, text: str) -> None:
        self._length = len(text)
        # Code-point index of each astral character, in order, and the UTF-16 index of its high surrogate.
        self._astral = [match.start() for match in _ASTRAL.finditer(text)] if _has_astral(text) else []
        self._astral_utf16 = [offset + n for n, offset in enumerate(self._astral)]

    @property
    def has_astral(self) -> bool:
        """Whether some character takes two UTF-16 positions (so the two kinds of offset differ)."""
        return bool(self._astral)

    @property
    def utf16_length(self) -> int:
        return self._length + len(self._astral)

    def in_utf16_units(self, text: str) -> str:
        """``text`` (the text this map is of) with each astral character written as its two surrogates.

        A str of 2-byte characters, which PySide copies into a QString as it is; a str holding an
        astral character (4 bytes per character) it converts one character at a time:
        ``setPlainText`` of 2 MB with an emoji every 4 KB took 24 ms that way and 6 ms this way,
        plus ~2 ms to make this str. Qt reads the same text from either.
        """
        if not self._astral:
            return text
        pieces, previous = [], 0
        for offset in self._astral:  # (each slice between two is stored as narrowly as its characters allow)
            code = ord(text[offset]) - 0x10000
            pieces += (text[previous:offset], chr(0xD800 + (code >> 10)) + chr(0xDC00 + (code & 0x3FF)))
            previous = offset + 1
        pieces.append(text[previous:])
        return "".join(pieces)

    def to_utf16(self, offset: int) -> int:
        """Code-point offset -> UTF-16 position."""
        if not 0 <= offset <= self._length:
            raise OffsetError(f"offset {offset} outside text of length {self._length}")
        return offset + bisect.bisect_left(self._astral, offset)

    def to_codepoint(self, position: int) -> int:
        """UTF-16 position -> code-point offset. Refuses the middle of a surrogate pair."""
        if not 0 <= position <= self.utf16_length:
            raise OffsetError(f"UTF-16 position {position} outside text of length {self.utf16_length}")
        before = bisect.bisect_left(self._astral_utf16, position)
        if before and self._astral_utf16[before - 1] == position - 1:
            raise OffsetError(f"UTF-16 position {position} falls inside a surrogate pair")
        return position - before


_CPYTHON = sys.implementation.name == "cpython"
_WIDE = sys.getsizeof("\U00010000" * 2) - sys.getsizeof("\U00010000")  # 4: bytes per character of such a str


def _has_astral(text: str) -> bool:
    """Whether ``text`` holds a character outside the BMP, without reading it where possible.

    CPython keeps a str at 1, 2 or 4 bytes per character, the narrowest that holds its widest
    character (PEP 393): 4 bytes means a character past U+FFFF. Its size tells that at once;
    encoding 2 MB to UTF-16 to find out took ~5 ms of every document's opening.
    """
    if text.isascii():
        return False
    if _CPYTHON and len(text) > 64:
        return sys.getsizeof(text) - sys.getsizeof(text[:1]) >= _WIDE * (len(text) - 1)
    return len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)


def first_astral(text: str) -> int | None:
    """Index of the first character outside the BMP (code points and UTF-16 agree before it), or None."""
    return _ASTRAL.search(text).start() if _has_astral(text) else None  # type: ignore[union-attr]


def utf16_to_codepoint(text: str, position: int) -> int:
    return Utf16Map(text).to_codepoint(position)


def codepoint_to_utf16(text: str, offset: int) -> int:
    return Utf16Map(text).to_utf16(offset)
