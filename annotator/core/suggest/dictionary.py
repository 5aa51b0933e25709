"""The project's dictionary: every labelled text, suggested wherever it appears again.

Each (text, label) pair counts the spans carrying it (votes for) and the
suggestions of it that were rejected (votes against). A text is suggested with
the label it carries most often, scored by that label's share of its votes,
and only while its votes for outnumber the rejections of it; a place where it
was rejected is never suggested again (``combine`` drops rejected places).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from annotator.core.suggest import Suggestion, leftmost_longest
from annotator.core.suggest.phrases import PhraseMatcher

# A one-character text ("a", "1", "-") would be found everywhere.
MIN_LENGTH = 2


class Dictionary:
    """Labelled texts -> the label each is suggested with."""

    def __init__(self, votes: Mapping[tuple[str, str], int], rejections: Mapping[tuple[str, str], int] | None = None) -> None:
        rejections = rejections or {}
        by_text: dict[str, Counter[str]] = {}
        for (text, label), count in votes.items():
            text = text.strip()
            if len(text) >= MIN_LENGTH and count > 0:
                by_text.setdefault(text, Counter())[label] += count
        self.entries: dict[str, tuple[str, float]] = {}
        for text, labels in by_text.items():
            label, count = min(labels.items(), key=lambda item: (-item[1], item[0]))  # ties: by name
            if count > rejections.get((text, label), 0):
                self.entries[text] = (label, round(count / sum(labels.values()), 3))
        self._matcher = PhraseMatcher((text, (label, "dictionary", text, share))
                                      for text, (label, share) in self.entries.items())

    @classmethod
    def from_spans(cls, labelled: Iterable[tuple[str, str]], rejected: Iterable[tuple[str, str]] = ()) -> Dictionary:
        """From (text, label) of every labelled span and of every rejected suggestion."""
        return cls(Counter(labelled), Counter(rejected))

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, text: str) -> list[Suggestion]:
        """Every entry where it appears on word boundaries; of overlapping ones the leftmost, longest."""
        found = [Suggestion(start, end, *fields) for start, end, (fields,) in self._matcher.find(text)]
        return leftmost_longest(found)
