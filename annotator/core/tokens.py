"""The one definition of a word: tokens for export, agreement, the window's word snapping and Ctrl+arrow steps.

All offsets are code points into the stored text, ``end`` exclusive. The rules:

- Tokens never split a user-perceived character (an extended grapheme cluster of
  Unicode UAX #29, found with the ``regex`` module's ``\\X``): an accent stays with its
  letter, a Devanagari vowel sign with its consonant, 👍🏽, a ZWJ family, a keycap, a
  flag's two regional indicators and a subdivision flag's tags stay whole.
- A word is a run of letters, digits, marks and ``_``. Hyphens split words
  (``Russia-North`` is ``Russia`` ``-`` ``North``); an English clitic is a token of
  its own (``Trump’s`` is ``Trump`` ``’s``, ``don't`` is ``do`` ``n't``), other inner
  apostrophes stay (``O'Brien``); numbers keep their inner dots and commas (``1,300.5``).
- Abbreviations keep their dots: letters each followed by a dot (``U.S.``, ``D.C.``,
  ``e.g.``), a capital initial (the ``J.`` of ``Kim J.``) and the titles in
  ``ABBREVIATIONS`` (``Mr.``, ``Dr.``, ``Inc.``). At the end of a sentence (``in the U.S.``)
  the dot stays with the abbreviation: there is no separate full stop token, as in spaCy.
- Han, kana, Thai, Lao, Khmer and Myanmar are written without spaces between words:
  each of their characters is a token, so a span may start and end anywhere in them.
- Everything else that is not whitespace (punctuation, emoji, symbols) is one token
  per character, except runs of dots or hyphens (``...``, ``--``).
- Whitespace follows spaCy's rule so the text can be rebuilt from the tokens: one
  space (U+0020) after a token is its ``ws`` flag; any other whitespace run (tabs,
  newlines, NBSP, U+2028, two spaces) is a token of its own. Hence
  ``"".join(t.text + " " * t.ws for t in tokens) == text``.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Collection, Container, Iterable, Iterator
from typing import NamedTuple

import regex

# Python's str.isspace() also counts the information separators U+001C-U+001F.
_SPACE = r"[\s\x1c-\x1f]"
_UNSPACED = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\u3005\u3006\u30fc\uff70"
ABBREVIATIONS = ("Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Jr", "Sr", "Gen", "Gov", "Sen", "Rep", "Lt", "Col",
                 "Capt", "Sgt", "Inc", "Ltd", "Corp", "Co", "vs", "etc", "approx")
_CLITIC = r"(?i:['’](?:s|re|ve|ll|d|m)|n['’]t)(?!\w)"
# Word characters (letters, digits, marks, joiners, ``_``) but not those of unspaced scripts;
# stop before the n't of "don't". Marks and joiners are word characters, so a word never ends
# inside a grapheme cluster.
_WORD_PART = rf"(?:(?![nN]['’][tT](?!\w))[^\W{_UNSPACED}])+"
# Every character that is not whitespace belongs to exactly one match; whitespace is what
# lies between matches (searching skips it faster than matching it would).
_TOKEN = regex.compile(
    rf"""
    (?=[{_UNSPACED}])\X
    | (?<![\w.])(?:(?:\p{{L}}\p{{M}}*\.){{2,}}|(?:\p{{Lu}}\p{{M}}*|{"|".join(ABBREVIATIONS)})\.)(?!\w)  # U.S.  J.  Mr.
    | \p{{N}}+(?:[.,]\p{{N}}+)+                                     # 1,300.5
    | (?<=\w){_CLITIC}
    | {_WORD_PART}(?:(?!{_CLITIC})['’]{_WORD_PART})*
    | \.{{2,}} | -{{2,}}
    | (?![\s\x1c-\x1f])\X
    """,
    regex.VERSION0 | regex.VERBOSE,
)
_SPACE_AHEAD = regex.compile(_SPACE)
_SPACE_BEHIND = regex.compile(_SPACE, regex.REVERSE)
_NOT_SPACE_AHEAD = regex.compile(r"[^\s\x1c-\x1f]")
_NOT_SPACE_BEHIND = regex.compile(r"[^\s\x1c-\x1f]", regex.REVERSE)


class Token(NamedTuple):
    id: int
    text: str
    start: int
    end: int
    ws: bool  # followed by one space (U+0020) that belongs to no token


def _piece_spans(text: str) -> Iterator[tuple[int, int]]:
    """Token and whitespace-run offsets in text order."""
    done = 0
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        if start > done:
            yield done, start
        yield start, end
        done = end
    if done < len(text):
        yield done, len(text)


def _cut(pieces: Iterable[tuple[int, int]], cuts: list[int]) -> Iterator[tuple[int, int]]:
    """``pieces`` (in text order) split at every cut (``cuts`` sorted) strictly inside one: one pass."""
    at = 0
    for start, end in pieces:
        at = bisect.bisect_right(cuts, start, at)
        while at < len(cuts) and cuts[at] < end:
            yield start, cuts[at]
            start = cuts[at]
            at += 1
        yield start, end


def _fold(text: str, pieces: Iterable[tuple[int, int]], starts: Container[int], ends: Container[int],
          tokens: list[Token]) -> None:
    """Append the pieces to ``tokens`` as tokens, a space after a token folded into its ``ws`` (see tokenize)."""
    for start, end in pieces:
        if text[start] == " " and tokens:
            last = tokens[-1]
            if (not last.ws and last.end == start and not text[last.start].isspace()
                    and start not in starts and start + 1 not in ends):
                tokens[-1] = last._replace(ws=True)
                start += 1
                if start == end:
                    continue
        tokens.append(Token(len(tokens), text[start:end], start, end, False))


def tokenize(text: str, starts: Collection[int] = (), ends: Collection[int] = ()) -> list[Token]:
    """Every token of ``text``, whitespace tokens included (see the module rules).

    ``starts`` and ``ends`` are span boundaries that must be token boundaries: a
    token they fall inside is split there, and a space is not folded into ``ws``
    where a span starts on it or ends just after it. Without them (the usual case,
    snapped spans) this is the document's plain tokenization.
    """
    starts, ends = set(starts), set(ends)
    tokens: list[Token] = []
    _fold(text, _cut(_piece_spans(text), sorted(starts | ends)), starts, ends, tokens)
    return tokens


def split_tokens(text: str, tokens: list[Token], starts: Collection[int], ends: Collection[int]) -> list[Token]:
    """``tokenize(text, starts, ends)`` from ``tokens == tokenize(text)``, redoing only the stretches an edge touches.

    A stretch is a token that is not whitespace with the whitespace after it (up to the next
    such token): folding a space never reaches back past one, so stretches are independent.
    """
    starts, ends = set(starts), set(ends)
    cuts = sorted(starts | ends)
    if not cuts:
        return list(tokens)
    token_starts = [t.start for t in tokens]
    result: list[Token] = []
    done = 0  # tokens[:done] are in result
    for first, stop in _touched_stretches(text, tokens, token_starts, cuts):
        _copy(tokens, done, first, result)
        stretch_end = token_starts[stop] if stop < len(tokens) else len(text)
        _fold(text, _cut(_stretch_pieces(text, tokens[first], stretch_end), cuts), starts, ends, result)
        done = stop
    _copy(tokens, done, len(tokens), result)
    return result


def _touched_stretches(text: str, tokens: list[Token], token_starts: list[int],
                       cuts: list[int]) -> list[tuple[int, int]]:
    """(first, stop) token indexes of each stretch holding a cut c with stretch start < c <= stretch end, in order."""
    stretches: list[tuple[int, int]] = []
    for cut in cuts:
        first = bisect.bisect_left(token_starts, cut) - 1  # the last token starting before the cut
        if first < 0 or (stretches and first < stretches[-1][1]):
            continue
        while first > 0 and text[token_starts[first]].isspace():
            first -= 1
        stop = first + 1
        while stop < len(tokens) and text[token_starts[stop]].isspace():
            stop += 1
        if not stretches or stretches[-1][0] != first:
            stretches.append((first, stop))
    return stretches


def _stretch_pieces(text: str, token: Token, end: int) -> list[tuple[int, int]]:
    """The pieces (before cutting and folding) of the stretch from ``token`` to ``end``."""
    if text[token.start].isspace():  # whitespace at the start of the text
        return [(token.start, end)]
    return [(token.start, token.end), (token.end, end)] if end > token.end else [(token.start, token.end)]


def _copy(tokens: list[Token], first: int, stop: int, result: list[Token]) -> None:
    """Append tokens[first:stop] to ``result``, their ids renumbered to follow it."""
    shift = len(result) - first
    if shift == 0:
        result.extend(tokens[first:stop])
    else:
        result.extend(Token(t.id + shift, t.text, t.start, t.end, t.ws) for t in tokens[first:stop])


def token_bounds(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The (start, end) of every token that is not whitespace, in ``text[start:end]`` (start and end
    must not fall inside a token). The words agreement counts and snapping grows to."""
    stop = len(text) if end is None else end
    return [m.span() for m in _TOKEN.finditer(text, start, stop)]


def rebuild_text(tokens: list[Token]) -> str:
    """The text the tokens came from (tokens of a whole text, in order)."""
    return "".join(t.text + " " if t.ws else t.text for t in tokens)


def _is_labellable(token: str) -> bool:
    """Worth labelling: it has a letter, digit or ``_``, a mark, or a symbol such as an emoji (So)."""
    return any(ch.isalnum() or ch == "_" or unicodedata.category(ch) in ("So", "Mn", "Mc", "Me") for ch in token)


def _chunk(text: str, start: int, end: int) -> tuple[int, int]:
    """The whitespace-delimited stretch around [start, end): tokens never cross whitespace."""
    before = _SPACE_BEHIND.search(text, 0, start)
    after = _SPACE_AHEAD.search(text, end)
    return (before.end() if before else 0), (after.start() if after else len(text))


def words_in(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The non-whitespace tokens that share a character with [start, end)."""
    lo, hi = _chunk(text, start, end)
    return [(s, e) for s, e in token_bounds(text, lo, hi) if s < end and e > start]


def word_at(text: str, offset: int) -> tuple[int, int] | None:
    """The token that holds the character at ``offset`` (a double-click's word), or None on whitespace."""
    if not 0 <= offset < len(text) or text[offset].isspace():
        return None
    words = words_in(text, offset, offset + 1)
    return words[0] if words else None


def next_word_start(text: str, offset: int) -> int:
    """Where Ctrl+Right goes from ``offset``: the start of the next word (any non-whitespace token: ``U.S.``
    and 👍🏽 are one step each), or the end of the text."""
    lo, hi = _chunk(text, offset, offset)
    later = [s for s, _e in token_bounds(text, lo, hi) if s > offset]
    if later:
        return later[0]
    after = _NOT_SPACE_AHEAD.search(text, hi)
    return after.start() if after else len(text)


def previous_word_start(text: str, offset: int) -> int:
    """Where Ctrl+Left goes from ``offset``: the start of the word it is in or after, or the start of the text."""
    lo, hi = _chunk(text, offset, offset)
    earlier = [s for s, _e in token_bounds(text, lo, hi) if s < offset]
    if earlier:
        return earlier[-1]
    before = _NOT_SPACE_BEHIND.search(text, 0, lo)
    if before is None:
        return 0
    lo, hi = _chunk(text, before.start(), before.end())
    return token_bounds(text, lo, hi)[-1][0]


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Grow a selection to the whole tokens it touches, then drop punctuation tokens at its edges.

    Emoji and other symbols count as words; abbreviations keep their dots (``U.S.``).
    Returns None when nothing but whitespace/punctuation is selected.
    """
    start, end = max(0, min(start, end)), min(len(text), max(start, end))
    words = [(s, e) for s, e in words_in(text, start, end) if _is_labellable(text[s:e])] if start < end else []
    if not words:
        return None
    return words[0][0], words[-1][1]


def trim_whitespace(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Exact-character mode: keep the selection but drop surrounding whitespace."""
    start, end = max(0, min(start, end)), min(len(text), max(start, end))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
