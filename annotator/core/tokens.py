"""Tokenization and word-boundary facts, all in code-point offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Combining marks stay with the character they modify; emoji keep their skin-tone
# modifiers, variation selectors and ZWJ sequences; a flag is a pair of regional
# indicators. A word is letters/digits joined by inner apostrophes, hyphens, or the
# dot and comma of numbers; anything else that is not space is a token of its own.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_WORD = rf"\w[\w{_MARKS}]*"
_SYMBOL = rf"[^\w\s{_MARKS}][{_MARKS}\ufe0e\ufe0f\U0001F3FB-\U0001F3FF]*"
_TOKEN = re.compile(
    rf"{_WORD}(?:[’'\-.,]{_WORD})*|[\U0001F1E6-\U0001F1FF]{{2}}|{_SYMBOL}(?:\u200d{_SYMBOL})*",
    re.UNICODE,
)


@dataclass(frozen=True)
class Token:
    id: int
    text: str
    start: int
    end: int
    ws: bool  # followed by whitespace


def tokenize(text: str) -> list[Token]:
    matches = list(_TOKEN.finditer(text))
    tokens = []
    for i, m in enumerate(matches):
        end = m.end()
        tokens.append(Token(i, m.group(), m.start(), end, end < len(text) and text[end].isspace()))
    return tokens


def token_bounds(text: str) -> list[tuple[int, int]]:
    """The (start, end) of every token ``tokenize`` finds, without building Token records.

    Agreement over thousands of documents needs only the offsets; this is ~5x faster.
    """
    return [m.span() for m in _TOKEN.finditer(text)]


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_" or (0x300 <= ord(ch) <= 0x36F)  # combining marks stay with their letter


# Scripts written without spaces between words: snapping outward there would
# swallow a whole sentence, so selections are only trimmed, never grown.
_UNSPACED = ((0x0E00, 0x0E7F), (0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))


def _grows_word(ch: str) -> bool:
    code = ord(ch)
    return _is_word_char(ch) and not any(lo <= code <= hi for lo, hi in _UNSPACED)


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Grow a selection outward to whole words, then trim edge whitespace and punctuation.

    Returns None when nothing but whitespace/punctuation is selected.
    """
    start, end = max(0, min(start, end)), min(len(text), max(start, end))
    # Trim first so that a selection that starts on a space does not grab the previous word.
    while start < end and not _is_word_char(text[start]):
        start += 1
    while end > start and not _is_word_char(text[end - 1]):
        end -= 1
    if start >= end:
        return None
    while start > 0 and _grows_word(text[start - 1]) and _grows_word(text[start]):
        start -= 1
    while end < len(text) and _grows_word(text[end]) and _grows_word(text[end - 1]):
        end += 1
    return start, end


def trim_whitespace(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Exact-character mode: keep the selection but drop surrounding whitespace."""
    start, end = max(0, min(start, end)), min(len(text), max(start, end))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
