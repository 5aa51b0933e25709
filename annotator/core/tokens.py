"""Tokenization and word-boundary facts, all in code-point offsets."""

from __future__ import annotations

import re
import unicodedata
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


_ZWJ = "\u200d"


def _is_extender(ch: str) -> bool:
    """Belongs to the character before it: combining marks (accents, variation selectors, the
    keycap U+20E3), the zero-width joiner, emoji skin tones and the tags of subdivision flags."""
    code = ord(ch)
    return (unicodedata.category(ch)[0] == "M" or ch == _ZWJ
            or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F)


def _is_regional_indicator(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF  # two of them make a flag


def _is_word_char(ch: str) -> bool:
    """Something worth labelling: letters, digits, marks and symbols such as emoji (category So)."""
    return ch.isalnum() or ch == "_" or _is_extender(ch) or unicodedata.category(ch) == "So"


# Scripts written without spaces between words: snapping outward there would
# swallow a whole sentence, so selections are only trimmed, never grown.
_UNSPACED = ((0x0E00, 0x0E7F), (0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))


def _grows_word(ch: str) -> bool:
    """Letters that join into a word; an emoji is a unit of its own and does not grow into "ok👍"."""
    code = ord(ch)
    is_letter = ch.isalnum() or ch == "_" or unicodedata.category(ch)[0] == "M"
    return is_letter and not any(lo <= code <= hi for lo, hi in _UNSPACED)


def _regional_run(text: str, end: int) -> int:
    """How many regional indicators end at ``end``."""
    start = end
    while start > 0 and _is_regional_indicator(text[start - 1]):
        start -= 1
    return end - start


def _whole_characters(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen to whole user-perceived characters: an accent with its letter, 👍🏽 with its skin tone,
    a ZWJ family, a keycap, a flag's two regional indicators."""
    while start > 0 and not text[start - 1].isspace() and (_is_extender(text[start]) or text[start - 1] == _ZWJ):
        start -= 1
    while end < len(text) and (_is_extender(text[end]) or text[end - 1] == _ZWJ):
        end += 1
    if _is_regional_indicator(text[start]) and _regional_run(text, start) % 2:
        start -= 1
    if end < len(text) and _is_regional_indicator(text[end]) and _regional_run(text, end) % 2:
        end += 1
    return start, end


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Grow a selection outward to whole words, then trim edge whitespace and punctuation.

    Emoji and other symbols count as words. Returns None when nothing but
    whitespace/punctuation is selected.
    """
    start, end = max(0, min(start, end)), min(len(text), max(start, end))
    if start < end:
        start, end = _whole_characters(text, start, end)  # the "#" of the keycap #️⃣ is not punctuation
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
    return _whole_characters(text, start, end)


def trim_whitespace(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Exact-character mode: keep the selection but drop surrounding whitespace."""
    start, end = max(0, min(start, end)), min(len(text), max(start, end))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
