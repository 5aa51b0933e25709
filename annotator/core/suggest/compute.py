"""Suggestions for one text from the rules and the dictionary: a pure function, safe off the UI thread."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from annotator.core.suggest import Place, Suggestion, combine
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
) -> list[Suggestion]:
    """Rules, then dictionary, then ``more`` (e.g. a model's stored suggestions), combined:
    in text order, one per (start, end, label), none at a rejected place or on an existing span."""
    groups: list[Iterable[Suggestion]] = []
    if rules is not None:
        groups.append(rules.find(text))
    if dictionary is not None:
        groups.append(dictionary.find(text))
    groups.append(more)
    return combine(groups, rejected=set(rejected), existing=set(existing))
