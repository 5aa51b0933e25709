"""Find many fixed phrases at once, on the project's word boundaries.

One Aho-Corasick pass (pyahocorasick) finds every occurrence of every phrase in
time linear in the text; each hit is then kept only if it starts and ends where
``annotator.core.tokens`` puts token boundaries, so "Kim" is not found inside
"Kimberley" and "UN" not inside "UNESCO". Phrases of rule files and the
project's dictionary share this matcher.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Generic, TypeVar

import ahocorasick

from annotator.core.tokens import token_bounds

T = TypeVar("T")

# Tokens never hold whitespace, so the tokens around a hit are those of the run of
# non-space characters it sits in. A run is tokenized at most this far either side
# of the hit (a longer run, e.g. unspaced CJK, is one token there anyway).
_CONTEXT = 64


def on_token_boundaries(text: str, start: int, end: int) -> bool:
    """Whether ``start`` begins a token and ``end`` ends one, by ``core.tokens``' rules."""
    if start > 0 and (text[start - 1] + text[start]).isalnum():
        return False  # inside one word: the common case, decided without tokenizing
    if end < len(text) and (text[end - 1] + text[end]).isalnum():
        return False
    left = start
    floor = max(0, start - _CONTEXT)
    while left > floor and not text[left - 1].isspace():
        left -= 1
    right = end
    ceiling = min(len(text), end + _CONTEXT)
    while right < ceiling and not text[right].isspace():
        right += 1
    bounds = token_bounds(text[left:right])
    return any(s == start - left for s, _ in bounds) and any(e == end - left for _, e in bounds)


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

    def find(self, text: str) -> Iterator[tuple[int, int, list[T]]]:
        """(start, end, values of the phrase) for every occurrence on token boundaries, overlapping ones too."""
        if self._empty:
            return
        for last, (length, values) in self._automaton.iter(text):
            start, end = last + 1 - length, last + 1
            if on_token_boundaries(text, start, end):
                yield start, end, values
