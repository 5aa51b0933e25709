"""Find many fixed phrases at once, on the project's word boundaries.

One Aho-Corasick pass (pyahocorasick) finds every occurrence of every phrase in
time linear in the text; each hit is then kept only if it starts and ends where
``annotator.core.tokens`` puts token boundaries, so "Kim" is not found inside
"Kimberley" and "UN" not inside "UNESCO". Phrases of rule files and the
project's dictionary share this matcher.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

import ahocorasick

from annotator.core.tokens import token_bounds

T = TypeVar("T")

# Tokens never hold whitespace, so the tokens around a hit are those of the run of
# non-space characters it sits in. A run is tokenized at most this far either side
# of the hit (a longer run, e.g. unspaced CJK, is one token there anyway).
_CONTEXT = 64
_RUN_BEFORE = re.compile(r"\S*\Z")  # searched up to the hit: where its run starts
_RUN_AFTER = re.compile(r"\S*")


def on_token_boundaries(text: str, start: int, end: int) -> bool:
    """Whether ``start`` begins a token and ``end`` ends one, by ``core.tokens``' rules."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if (before + text[start]).isalnum() or (text[end - 1] + after).isalnum():
        return False  # inside one word: the common miss, decided without tokenizing
    if before.isspace() and after.isspace() and (text[start] + text[end - 1]).isalnum():
        return True  # whole words between spaces: tokens hold no space and every letter is in one
    left = _RUN_BEFORE.search(text, max(0, start - _CONTEXT), start).start()  # type: ignore[union-attr]
    right = _RUN_AFTER.match(text, end, min(len(text), end + _CONTEXT)).end()  # type: ignore[union-attr]
    return _bounds_in_run(text[left:right], start - left, end - left)


@functools.lru_cache(maxsize=4096)
def _bounds_in_run(run: str, start: int, end: int) -> bool:
    """The tokenizer's verdict on one run of non-space text (runs repeat: "Seoul," and "Putin's" recur)."""
    bounds = token_bounds(run)
    return any(s == start for s, _ in bounds) and any(e == end for _, e in bounds)


class PhraseMatcher(Generic[T]):
    """Phrases, each with a value (its label, rule, ...), found on token boundaries."""

    def __init__(self, phrases: Iterable[tuple[str, T]]) -> None:
        self._automaton = ahocorasick.Automaton()
        for phrase, value in phrases:
            phrase = phrase.strip()
            if phrase:
                values = self._automaton.get(phrase, None)
                if values is None:
                    self._automaton.add_word(phrase, (len(phrase), [value]))
                else:
                    values[1].append(value)
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self._automaton)

    def find(self, text: str) -> list[tuple[int, int, list[T]]]:
        """(start, end, values of the phrase) for every occurrence on token boundaries, overlapping ones too."""
        if self._empty:
            return []
        on_boundaries = on_token_boundaries
        return [(last + 1 - length, last + 1, values) for last, (length, values) in self._automaton.iter(text)
                if on_boundaries(text, last + 1 - length, last + 1)]

    def find_longest(self, text: str, wanted: Callable[[list[T]], bool]) -> list[tuple[int, int, list[T]]]:
        """What ``find`` gives (of the phrases whose values are ``wanted``), less those that overlap an earlier
        or longer one: "Kim Jong Un", not also "Kim". Candidates are taken leftmost, longest first, and
        only one that could be kept is checked against the word boundaries: in dense text most
        occurrences overlap a kept one (a dictionary of 4,600 entries found ~2,000 in 5,000 characters)."""
        if self._empty:
            return []
        candidates = sorted((last + 1 - length, -last - 1, values) for last, (length, values) in self._automaton.iter(text)
                            if wanted(values))  # (no two share start and end: one phrase per text)
        kept: list[tuple[int, int, list[T]]] = []
        reach = -1
        for start, negative_end, values in candidates:
            if start >= reach and on_token_boundaries(text, start, -negative_end):
                reach = -negative_end
                kept.append((start, reach, values))
        return kept
