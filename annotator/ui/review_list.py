"""The review dock's list of disagreements: what each region is, and what the reviewer decided there.

``Decisions`` holds the gold layer and the rejected regions of one document and
answers, per disagreement, what was decided (gold labels, rejected, or nothing).
It is kept current from change sets: a change touches only the rows it overlaps,
and a change of any size costs one pass, so accepting 16,000 agreed spans (or
undoing it) refreshes the list once. The Qt model asks for a row's text only
when the view shows it.
"""

from __future__ import annotations

import bisect
import itertools
import operator
from dataclasses import dataclass, field
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, QStringListModel, Qt
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QPushButton, QSizePolicy, QWidget

from annotator.core.changes import Changes, Rejection
from annotator.core.attributes import show_value, shown_name
from annotator.core.disagreements import (Disagreement, Disagreements, Values, collector_paused, attribute_differences,
                                          compare_on_demand)
from annotator.core.intervals import BUCKET, IntervalIndex
from annotator.core.model import GOLD_ANNOTATOR, Span
from annotator.core.span_rows import SpanRows
from annotator.core.text import excerpt
from annotator.store import Project, review
from annotator.store.review import SpanKey

if TYPE_CHECKING:
    from annotator.core.relation_disagreements import RelationDisagreement
    from annotator.ui.relation_review import RelationRows

UNDECIDED = "·"
REJECTED = "✗ rejected"
WHOLE_PASS = 64  # a change of more spans than this recomputes every row (one pass) instead of row by row


def kind_text(d: Disagreement, attributes: Mapping[int, Values] | None = None) -> str:
    """What differs, in words: "different label", "different boundaries", both, "different attribute:
    certainty asserted/hedged" (``attributes``: span id -> values), and who alone marked it."""
    words = []
    if "label" in d.kinds and "boundary" in d.kinds:
        words.append("different label and boundaries")
    elif "label" in d.kinds:
        words.append("different label")
    elif "boundary" in d.kinds:
        words.append("different boundaries")
    if "attribute" in d.kinds:
        words.append(attribute_text(d, attributes or {}))
    if "missing" in d.kinds:
        words.append("only " + ", ".join(d.annotators))
    return " · ".join(words)


def attribute_text(d: Disagreement, attributes: Mapping[int, Values]) -> str:
    differences = attribute_differences(d.spans, attributes)
    said = ", ".join(f"{shown_name(name)} " + "/".join(show_value(v) or "none" for v in values) for name, values in differences.items())
    return "different attribute" + (f": {said}" if said else "")


def version_of(d: Disagreement, annotator: str) -> list[tuple[int, int, str]]:
    return sorted({(s.start, s.end, s.label) for s in d.spans if s.annotator == annotator})


def version_values(d: Disagreement, annotator: str, attributes: Mapping[int, Values]) -> dict[SpanKey, Values]:
    """The attribute values of an annotator's version of a region: what accepting it puts into gold."""
    return {(s.start, s.end, s.label): attributes.get(s.id, {}) for s in d.spans if s.annotator == annotator}


def values_text(values: Values) -> str:
    """" [certainty hedged]" for a version button, or "" without values."""
    return f" [{', '.join(f'{shown_name(name)} {show_value(v)}' for name, v in sorted(values.items()))}]" if values else ""


@dataclass
class Comparison:
    """What the compared annotators did in one document: the input and output of the comparison."""

    spans_by_annotator: dict[str, SpanRows]  # each annotator's spans, in text order: their lane
    disagreements: Sequence[Disagreement]  # each made when first read (see ``Disagreements``)
    agreed: list[tuple[int, int, str]]  # with the same attribute values (or none) everywhere
    attributes: Mapping[int, Values] = field(default_factory=dict)  # span id -> attribute values

    def agreed_values(self, keys: Iterable[SpanKey]) -> dict[SpanKey, Values]:
        """The values the annotators agree on for agreed spans (read off the first annotator's copy)."""
        return self.values_of(next(iter(self.spans_by_annotator), ""), keys)

    def values_of(self, annotator: str, keys: Iterable[SpanKey]) -> dict[SpanKey, Values]:
        """The attribute values ``annotator``'s spans ``keys`` hold (those with none left out)."""
        wanted = set(keys)
        if not self.attributes or not wanted or annotator not in self.spans_by_annotator:
            return {}
        rows = self.spans_by_annotator[annotator]
        return {key: self.attributes[span_id]
                for key, span_id in zip(zip(rows.starts, rows.ends, rows.column("label")), rows.ids)
                if span_id in self.attributes and key in wanted}


class ComparisonCache:
    """The last few documents' comparisons, so that entering review mode again (or coming back to a
    document) does not compare 36,000 spans again. Kept while the compared annotators' spans stay as
    they were (``review.spans_marker``) and until ``invalidate()`` (the window's change notices)."""

    KEEP = 3

    def __init__(self) -> None:
        self._items: dict[tuple, tuple[tuple, Comparison]] = {}
        self.computed = 0

    def invalidate(self) -> None:
        self._items.clear()

    def get(self, project: Project, doc_id: int, names: list[str], shown: Mapping[str, SpanRows] | None = None
            ) -> Comparison:
        """The comparison of ``names`` in a document; ``shown``: layers of it the caller holds as they are
        stored (the window's own layer when review mode is switched on), taken instead of read again."""
        key = (id(project), doc_id, tuple(names))
        found = self._items.pop(key, None)
        if found is not None and found[0] != review.spans_marker(project, doc_id, names):
            found = None
        if found is None:
            with collector_paused():  # reading and comparing 36,000 spans: one pause, no collection between
                found = self._compute(project, doc_id, names, shown or {})
            self.computed += 1
        self._items[key] = found  # the most recent last
        while len(self._items) > self.KEEP:
            del self._items[next(iter(self._items))]
        return found[1]


    @staticmethod
    def _compute(project: Project, doc_id: int, names: list[str], shown: Mapping[str, SpanRows]
                 ) -> tuple[tuple, Comparison]:
        """(marker, comparison) of ``names`` read afresh: the marker from the rows in hand (the same as
        ``review.spans_marker``: data version, count, highest id), not from a query of its own."""
        version = review.data_version(project)  # before reading: a write meanwhile makes the marker stale, not wrong
        # (as the window's own layer is read: without the times made and changed, which review never shows)
        read = review.spans_by_annotator(project, doc_id, [name for name in names if name not in shown], timestamps=False)
        by = {name: shown[name] if name in shown else read[name] for name in names}
        attributes = {span: values for name in names if len(names) >= 2  # the compared layers' values only
                      for span, values in review.review_values(project, doc_id, name).items()}
        disagreements, agreed = compare_on_demand(by, attributes) if len(names) >= 2 else ([], [])
        marker = (version, sum(map(len, by.values())), max((max(rows.ids, default=0) for rows in by.values()), default=0))
        return marker, Comparison(by, disagreements, agreed, attributes)


def extents(disagreements: Sequence[Disagreement]) -> tuple[list[int], list[int]]:
    """Every disagreement's (starts, ends), read from the columns of a ``Disagreements`` (none made)."""
    if isinstance(disagreements, Disagreements):
        return disagreements.starts, disagreements.ends
    return [d.start for d in disagreements], [d.end for d in disagreements]


def span_keys(spans: Sequence[Span]) -> set[tuple[int, int, str]]:
    """Each span's (start, end, label), read from the columns of a ``SpanRows`` (no Span made)."""
    if isinstance(spans, SpanRows):
        return set(zip(spans.starts, spans.ends, spans.column("label")))
    return {(s.start, s.end, s.label) for s in spans}


class Decisions:
    """The gold spans and rejected regions of one document, and each disagreement's mark."""

    def __init__(self, disagreements: Sequence[Disagreement], gold: Sequence[Span], rejected: Iterable[Rejection]) -> None:
        self.disagreements = disagreements
        self._starts, self._ends = extents(disagreements)  # regions are disjoint and in text order
        self.rejected: dict[int, Rejection] = {r.id: r for r in rejected}
        self.marks: list[str] = []
        with collector_paused():  # 16,000 keys of gold made: no collection of the window's heap meanwhile
            self.gold_keys = span_keys(gold)  # before the index takes the rows (it moves long spans out of them)
            self.gold = IntervalIndex(gold)
            self.remark_all()

    def remark_all(self) -> None:
        if not len(self.gold) and not self.rejected:  # nothing decided yet: no region looked at
            self.marks = [UNDECIDED] * len(self._starts)
            return
        rejected = sorted(self.rejected.values(), key=lambda r: r.start)
        starts = [r.start for r in rejected]
        longest = max((r.end - r.start for r in rejected), default=0)
        found = self._gold_labels()
        if found is None:  # a chapter-long gold span: each region looked up in the index
            self.marks = [self._mark(start, end, rejected, starts, longest) for start, end in zip(self._starts, self._ends)]
            return
        self.marks = ["✓ " + ", ".join(labels) if labels else UNDECIDED for labels in found]
        for row in itertools.compress(range(len(found)), map(operator.not_, found)) if rejected else ():
            self.marks[row] = self._mark(self._starts[row], self._ends[row], rejected, starts, longest, ())

    def _gold_labels(self) -> list[tuple[str, ...]] | None:
        """Per region, the labels of the gold spans over it (text order, each once; () where none): two
        bisects per region done in C, a loop only over regions with gold spans near. None when a gold
        span is longer than the index's bucket (a chapter): then the regions are looked up one by one."""
        rows = self.gold.all()
        starts, ends, labels = rows.starts, rows.ends, rows.column("label")
        if max(map(operator.sub, ends, starts), default=0) > BUCKET:
            return None
        reach = list(itertools.accumulate(ends, max))  # rows before the first whose reach passes a start end before it
        firsts = list(map(bisect.bisect_right, itertools.repeat(reach), self._starts))
        lasts = list(map(bisect.bisect_left, itertools.repeat(starts), self._ends))
        found: list[tuple[str, ...]] = [()] * len(self._starts)
        for region in itertools.compress(range(len(found)), map(operator.lt, firsts, lasts)):
            start = self._starts[region]
            found[region] = tuple(dict.fromkeys([labels[row] for row in range(firsts[region], lasts[region])
                                                 if ends[row] > start]))
        return found

    def _mark(self, start: int, end: int, rejected: list[Rejection], starts: list[int], longest: int,
              labels: tuple[str, ...] | None = None) -> str:
        """A region's mark; ``labels``: its gold labels when known (None: looked up in the index)."""
        if labels is None:
            labels = tuple(dict.fromkeys(s.label for s in self.gold.overlapping(start, end)))
        if labels:
            return "✓ " + ", ".join(labels)
        i = bisect.bisect_left(starts, end) - 1
        while i >= 0 and rejected[i].start >= start - longest:
            if rejected[i].end > start:
                return REJECTED
            i -= 1
        return UNDECIDED

    @property
    def starts(self) -> list[int]:
        """Each disagreement's start, in list order."""
        return self._starts

    def rows_overlapping(self, start: int, end: int) -> range:
        first = bisect.bisect_right(self._ends, start)
        return range(first, bisect.bisect_left(self._starts, end, first))

    def apply(self, changes: Changes, doc_id: int) -> list[int] | None:
        """Take in a change set; returns the rows whose mark may have changed (None: every row)."""
        gold_added = [s for s in changes.added if s.doc_id == doc_id and s.annotator == GOLD_ANNOTATOR]
        gold_removed = [s for s in changes.removed if s.doc_id == doc_id and s.annotator == GOLD_ANNOTATOR]
        if len(gold_added) + len(gold_removed) > WHOLE_PASS:  # index the layer afresh: one sort, not n inserts
            with collector_paused():
                gone = {s.id for s in gold_removed}
                kept = [s for s in self.gold.all() if s.id not in gone]
                self.gold = IntervalIndex(SpanRows([*kept, *gold_added]))
                self.gold_keys = {(s.start, s.end, s.label) for s in [*kept, *gold_added]}
        else:
            for span in gold_removed:
                self.gold.remove(span.id)
                self.gold_keys.discard((span.start, span.end, span.label))
            for span in gold_added:
                self.gold.add(span)
                self.gold_keys.add((span.start, span.end, span.label))
        for r in changes.unrejected:
            self.rejected.pop(r.id, None)
        self.rejected.update((r.id, r) for r in changes.rejected if r.doc_id == doc_id)
        touched = [*gold_added, *gold_removed, *changes.rejected, *changes.unrejected]
        if len(touched) > WHOLE_PASS:
            self.remark_all()
            return None
        rows = sorted({row for x in touched if x.doc_id == doc_id for row in self.rows_overlapping(x.start, x.end)})
        rejected = sorted(self.rejected.values(), key=lambda r: r.start)
        starts = [r.start for r in rejected]
        longest = max((r.end - r.start for r in rejected), default=0)
        for row in rows:
            self.marks[row] = self._mark(self._starts[row], self._ends[row], rejected, starts, longest)
        return rows

    def decided(self) -> int:
        return len(self.marks) - self.marks.count(UNDECIDED)  # counted in C: 4,000 rows per decision


class RowOrder:
    """Where each relation disagreement's row sits among the span disagreements' rows: in text order,
    by its first end (then its second: the order ``compare_relations`` gives), after the span rows that
    start at or before it, so the span row of a disputed end there comes first. Two bisects per question,
    whatever the number of rows: nothing is made per span row."""

    def __init__(self, span_starts: Sequence[int], relation_starts: Sequence[int]) -> None:
        self.spans_before = [bisect.bisect_right(span_starts, start) for start in relation_starts]
        self.relation_rows = [before + j for j, before in enumerate(self.spans_before)]  # ascending

    def at(self, row: int) -> tuple[bool, int]:
        """(is a relation row, which span or relation disagreement) shown at list row ``row``."""
        j = bisect.bisect_left(self.relation_rows, row)
        if j < len(self.relation_rows) and self.relation_rows[j] == row:
            return True, j
        return False, row - j

    def span_row(self, index: int) -> int:
        """The list row of span disagreement ``index``."""
        return index + bisect.bisect_right(self.spans_before, index)


class DisagreementModel(QStringListModel):
    """One row per disagreement: "3. ✓ actor  different label — “North Korea”"; its details as the tooltip.

    The rows are a C++ string list of empty strings (Qt asks a model for its row count thousands
    of times per key press; a Python model paid ~17 ms for that alone on 4,000 disagreements);
    a row's text is made when the view asks for it, so a list of 4,000 costs what its screenful does.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.annotators: list[str] = []
        self.decisions = Decisions([], [], [])
        self.relations: RelationRows | None = None  # relation disagreements: rows among the spans' (``order``)
        self.order = RowOrder([], [])
        self.attributes: Mapping[int, Values] = {}  # span id -> attribute values, set before ``reset``

    def reset(self, text: str, annotators: list[str], decisions: Decisions, relations: RelationRows | None = None) -> None:
        self.text, self.annotators, self.decisions, self.relations = text, annotators, decisions, relations
        self.order = RowOrder(decisions.starts, [d.start for d in relations.disagreements] if relations is not None else [])
        count = len(decisions.disagreements) + len(self.order.relation_rows)
        self.setStringList([""] * count)

    def relation_row(self, row: int) -> int | None:
        """Which relation disagreement list row ``row`` shows, or None (a span disagreement's row)."""
        is_relation, index = self.order.at(row)
        return index if is_relation else None

    def shown(self, row: int) -> Disagreement | RelationDisagreement | None:
        """The span or relation disagreement list row ``row`` shows (None: no such row)."""
        if not 0 <= row < self.rowCount():
            return None
        is_relation, index = self.order.at(row)
        return self.relations.disagreements[index] if is_relation and self.relations is not None else \
            self.decisions.disagreements[index]

    def row_text(self, row: int) -> str:
        is_relation, index = self.order.at(row)
        if is_relation:
            assert self.relations is not None
            return self.relations.row_text(index, row + 1, self.text)
        d = self.decisions.disagreements[index]
        # The decision first: a long row is cut at its end, and what gold says must stay in view.
        return f"{row + 1}. {self.decisions.marks[index]}  {kind_text(d, self.attributes)} — “{excerpt(self.text, d.start, d.end)}”"

    def span_rows_changed(self, indexes: list[int] | None) -> None:
        """Repaint the rows of these span disagreements (None: all rows) with their new marks."""
        self._repaint(None if indexes is None else  # the first and last are all a repaint needs
                      [self.order.span_row(min(indexes)), self.order.span_row(max(indexes))] if indexes else [])

    def relation_rows_changed(self) -> None:
        """Repaint every relation disagreement's row (gold's relations or rejected pairs changed)."""
        self._repaint(self.order.relation_rows)

    def _repaint(self, rows: list[int] | None) -> None:
        """Repaint these rows (None: all); the current row stays."""
        rows = range(self.rowCount()) if rows is None else rows
        if rows:
            self.dataChanged.emit(self.index(min(rows)), self.index(max(rows)))

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.row_text(index.row())
        if role == Qt.ItemDataRole.ToolTipRole:
            is_relation, at = self.order.at(index.row())
            if is_relation:
                assert self.relations is not None
                return self.relations.detail(at, self.annotators, self.text)
            return self.detail(self.decisions.disagreements[at], self.decisions.marks[at])
        return super().data(index, role)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return super().flags(index) & ~Qt.ItemFlag.ItemIsEditable

    def detail(self, d: Disagreement, mark: str) -> str:
        lines = [f"{kind_text(d, self.attributes)}, characters {d.start}–{d.end}"]
        for name in self.annotators:
            values = version_values(d, name, self.attributes)
            lines.append(f"{name}: " + ("; ".join(f"{lb} “{excerpt(self.text, s, e)}”{values_text(values[(s, e, lb)])}"
                                                  for s, e, lb in version_of(d, name)) or "nothing"))
        lines.append("gold: " + {UNDECIDED: "not decided yet", REJECTED: "every version rejected"}.get(mark, mark[2:]))
        return "\n".join(lines)


class ElidedButton(QPushButton):
    """A push button whose long text is cut with "…" to the width it is given (the whole text in its tooltip),
    so a long version never widens the dock and re-wraps the text being reviewed."""

    def __init__(self, text: str, parent: QWidget | None = None, **kwargs: Any) -> None:
        super().__init__(text, parent, **kwargs)
        self.full_text = text
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setToolTip(text)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(80, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.sizeHint()

    def set_full_text(self, text: str) -> None:
        self.full_text = text
        self.setToolTip(text)
        self._elide(self.width())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        self._elide(event.size().width())
        super().resizeEvent(event)

    def _elide(self, width: int) -> None:
        room = max(0, width - (self.iconSize().width() if not self.icon().isNull() else 0) - 24)
        self.setText(QFontMetrics(self.font()).elidedText(self.full_text, Qt.TextElideMode.ElideRight, room))
