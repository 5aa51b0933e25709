"""File names made from document titles: safe on every file system, unique, never a path.

A name keeps letters, digits and most punctuation of the title, drops path
separators, characters Windows refuses (``\\ / : * ? " < > |``), control
characters, invisible format and bidi controls (Unicode category Cf, e.g. U+202E
RIGHT-TO-LEFT OVERRIDE, which can make a name read backwards) and leading dots, is
capped in UTF-8 bytes (file systems count bytes), avoids Windows' reserved
device names (CON, NUL, COM1, COM¹, LPT², ...) and trailing dots or spaces, and
is made unique ignoring case and Unicode normalization (macOS and Windows
folders do).
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_BYTES = 120  # leaves room for ".ANNOTATOR", "-123" and ".txt" under the usual 255
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f-\x9f]+')
_SPACES = re.compile(r"\s+")
# Windows also reserves COM and LPT followed by a superscript digit (¹ ² ³).
_PORT_DIGITS = "0123456789\u00b9\u00b2\u00b3"
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"{port}{d}" for port in ("COM", "LPT") for d in _PORT_DIGITS)}


def _cap(name: str, limit: int) -> str:
    while len(name.encode("utf-8")) > limit:
        name = name[:-1]
    return name


def safe_name(title: str, fallback: str = "document", limit: int = MAX_NAME_BYTES) -> str:
    """A single path component made from ``title`` (never empty, never ``.`` or ``..``)."""
    name = unicodedata.normalize("NFC", title)
    name = "".join(ch for ch in name if unicodedata.category(ch) != "Cf")
    name = _SPACES.sub(" ", name).strip()
    name = _UNSAFE.sub("_", name)
    name = name.lstrip(". ")
    name = _cap(name, limit).rstrip(". ")
    if not name.strip("_"):
        name = fallback
    if name.split(".", 1)[0].strip().upper() in _RESERVED:
        name = f"_{name}"
    return name


class UniqueNames:
    """Hands out names that differ from every earlier one, ignoring case and normalization."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    @staticmethod
    def _key(name: str) -> str:
        return unicodedata.normalize("NFC", name).casefold()

    def claim(self, name: str) -> str:
        candidate, n = name, 1
        while self._key(candidate) in self._taken:
            n += 1
            candidate = f"{name}-{n}"
        self._taken.add(self._key(candidate))
        return candidate
