"""Suggestions for one text from the rules and the dictionary: a pure function, safe off the UI thread."""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterable, Iterator, Sequence

from annotator.core.suggest import Place, Suggestion, combine
from annotator.core.suggest.columns import SuggestionColumns
from annotator.core.suggest.dictionary import Dictionary
from annotator.core.suggest.rules import CompiledRules

SUGGESTED = "suggested"


def origin_for(source: str) -> str:
    """The origin of a span made by accepting a suggestion: ``suggested:rules``, ``suggested:model``, ..."""
    return f"{SUGGESTED}:{source}"


def suggest_text(
    text: str,
    rules: CompiledRules | None = None,
    dictionary: Dictionary | None = None,
    *,
    more: Iterable[Suggestion] = (),
    rejected: Collection[Place] = (),
    existing: Collection[Place] = (),
    offset: int = 0,
) -> list[Suggestion]:
    """Rules, then dictionary, then ``more`` (e.g. a model's stored suggestions), combined:
    in text order, one per (start, end, label), none at a rejected place or on an existing span.

    ``text`` may be a part of a document starting at ``offset``: what is found is then placed in
    the document's offsets, as ``more``, ``rejected`` and ``existing`` are."""
    groups: list[Iterable[Suggestion]] = []
    if rules is not None:
        groups.append(rules.find(text))
    if dictionary is not None:
        groups.append(dictionary.find(text))
    if offset:
        groups = [[Suggestion(s.start + offset, s.end + offset, *s[2:]) for s in group] for group in groups]
    groups.append(more)
    return combine(groups, rejected=_as_set(rejected), existing=_as_set(existing))


def _as_set(places: Collection[Place]) -> Collection[Place]:
    return places if isinstance(places, (set, frozenset)) else set(places)


def suggest_parts(
    text: str,
    pieces: Iterable[tuple[int, int]],
    rules: CompiledRules | None,
    dictionary: Dictionary | None,
    *,
    model: Sequence[Suggestion] = (),
    rejected: Collection[Place] = (),
    existing: Collection[Place] = (),
) -> Iterator[tuple[int, int, SuggestionColumns]]:
    """``suggest_text`` over parts of a document, one (start, end, suggestions) per part as it is
    done: a caller hands each to the window and may stop between parts. ``model`` (in text order)
    gives each part the model's suggestions lying in it. Rules and dictionary entries never cross
    a line, so parts made of whole lines give what the whole text gives there."""
    model_starts = [s.start for s in model]
    rejected, existing = _as_set(rejected), _as_set(existing)
    for start, end in pieces:
        more = model[bisect.bisect_left(model_starts, start):bisect.bisect_left(model_starts, end)]
        found = suggest_text(text[start:end], rules, dictionary, offset=start, rejected=rejected, existing=existing,
                             more=[s for s in more if s.end <= end])
        yield start, end, SuggestionColumns(found)


def parts(text: str, first: tuple[int, int], size: int) -> list[tuple[int, int]]:
    """``first``, then the rest of the text in whole lines of about ``size`` characters."""
    found, start = [first], 0
    while start < len(text):
        if start == first[0]:
            start = first[1] + 1
            continue
        end = text.find("\n", min(len(text), start + size), first[0] if start < first[0] else len(text))
        end = (first[0] - 1 if start < first[0] else len(text)) if end < 0 else end
        found.append((start, max(start, end)))
        start = end + 1
    return found


def has_rest(text: str, first: tuple[int, int]) -> bool:
    """Whether ``parts(text, first, size)`` has parts after ``first`` (lines outside it), without making them."""
    return first[0] > 0 or first[1] + 1 < len(text)


def first_part(text: str, offset: int, size: int) -> tuple[int, int]:
    """Whole lines from the one at ``offset`` on, about ``size`` characters."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", min(len(text), start + size))
    return start, len(text) if end < 0 else end
