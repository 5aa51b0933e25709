"""The project's dictionary: every labelled text, suggested wherever it appears again.

Each (text, label) pair counts the spans carrying it (votes for) and the
suggestions of it that were rejected (votes against). A text is suggested with
the label it carries most often, scored by that label's share of its votes,
and only while its votes for outnumber the rejections of it; a place where it
was rejected is never suggested again (``combine`` drops rejected places).
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable, Mapping

from annotator.core.suggest import Suggestion
from annotator.core.suggest.phrases import PhraseMatcher

# A one-character text ("a", "1", "-") would be found everywhere.
MIN_LENGTH = 2


class Dictionary:
    """Labelled texts -> the label each is suggested with."""

    def __init__(self, votes: Mapping[tuple[str, str], int], rejections: Mapping[tuple[str, str], int] | None = None) -> None:
        self._rejections = dict(rejections or {})
        self._votes: dict[str, Counter[str]] = {}
        for (text, label), count in votes.items():
            text = text.strip()
            if len(text) >= MIN_LENGTH and count > 0:
                self._votes.setdefault(text, Counter())[label] += count
        self._entries: dict[str, tuple[str, str, str, float]] = {}  # text -> Suggestion's label, source, rule, score
        for text in self._votes:
            self._decide(text, self._votes[text])
        self._matcher = PhraseMatcher((text, text) for text in self._votes)

    def _decide(self, text: str, labels: Mapping[str, int]) -> None:
        self._entries.pop(text, None)
        if not labels:
            return
        label, count = min(labels.items(), key=lambda item: (-item[1], item[0]))  # ties: by name
        if count > self._rejections.get((text, label), 0):
            self._entries[text] = (label, "dictionary", text, round(count / sum(labels.values()), 3))

    @classmethod
    def from_spans(cls, labelled: Iterable[tuple[str, str]], rejected: Iterable[tuple[str, str]] = ()) -> Dictionary:
        """From (text, label) of every labelled span and of every rejected suggestion."""
        return cls(Counter(labelled), Counter(rejected))

    def without(self, votes: Mapping[tuple[str, str], int]) -> Dictionary:
        """This dictionary less some votes (one document's own labels, to measure it there), sharing
        the phrase matcher: no rebuild per document."""
        other = copy.copy(self)
        other._entries = dict(self._entries)
        for text in {text.strip() for text, _ in votes}:
            if text in self._votes:
                left = Counter(self._votes[text])
                left.subtract({label: n for (t, label), n in votes.items() if t.strip() == text})
                other._decide(text, +left)
        return other

    @property
    def entries(self) -> dict[str, tuple[str, float]]:
        """Text -> (label, score) of every text suggested."""
        return {text: (fields[0], fields[3]) for text, fields in self._entries.items()}

    def __len__(self) -> int:
        return len(self._entries)

    def find(self, text: str) -> list[Suggestion]:
        """Every entry where it appears on word boundaries; of overlapping ones the leftmost, longest."""
        entries = self._entries
        return [Suggestion(start, end, *entries[entry])
                for start, end, (entry,) in self._matcher.find_longest(text, lambda values: values[0] in entries)]
