"""Suggested spans: records shared by the rule, dictionary and model sources, and how they combine.

Pure functions over plain text: usable off the UI thread, no Qt, no database.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import NamedTuple

# In the order a user reads them; when two sources suggest the same span with the
# same label, the first one here is kept.
SOURCES = ("rules", "dictionary", "model")


class Suggestion(NamedTuple):
    """A span some source proposes; the analyst accepts or rejects it."""

    start: int  # code-point offset into the document text, inclusive
    end: int  # exclusive
    label: str
    source: str  # one of SOURCES
    rule: str = ""  # which rule, dictionary entry or model proposed it (for the tooltip)
    score: float = 1.0  # confidence in [0, 1]: rules 1.0, dictionary the label's share of votes, model its score

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)


Place = tuple[int, int, str]  # (start, end, label)


def combine(groups: Iterable[Iterable[Suggestion]], *, rejected: Collection[Place] = (),
            existing: Collection[Place] = ()) -> list[Suggestion]:
    """One list in text order: a span offered by several sources once (the first source's),
    none at a place rejected with that label, none where that span already exists."""
    seen: dict[Place, Suggestion] = {}
    for group in groups:
        for suggestion in group:
            key = suggestion.key
            if key not in seen and key not in rejected and key not in existing:
                seen[key] = suggestion
    return sorted(seen.values(), key=lambda s: (s.start, -s.end, s.label))
