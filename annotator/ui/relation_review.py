"""Relations in review mode: their disagreements as rows of the review list, and the selected one drawn.

The review list shows the relation disagreements among the span disagreements, in text order of
their first end (``review_list.RowOrder``): after the span rows starting at or before it, so a
disputed end there is decided first and the relation lands on gold's span. ``RelationRows`` holds one document's relation comparison
(``core.relation_disagreements``) and what gold says on each pair: its relations between the spans
at the pair's place, whatever their span labels (an end gold holds as a claim where ben drew a
quote), or a recorded rejection there; it is re-read from the store once per change set that touches a relation,
never per relation. ``RelationHighlight`` draws the selected disagreement: both ends framed and
each compared annotator's version as a dashed arc numbered with the annotator's key, beside
gold's own arcs (drawn solid by the window's relation painter).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QTextBlock

from annotator.core.relation_disagreements import (Place, RelationDisagreement, RelationKey, compare_relations,
                                                   pair_of, place_of)
from annotator.core.relations import RelationLabel
from annotator.store import Project, relation_review
from annotator.ui.decorations import Paragraph
from annotator.ui.relations_view import ROOM, STEP, RelationPainter, _arc, _arrowhead, _via_gutter, label_font
from annotator.ui.review_list import REJECTED, UNDECIDED, excerpt
from annotator.ui.text_view import SpanTextView

KIND_WORDS = {"label": "different relation label", "direction": "opposite direction"}


def relation_words(key: RelationKey, text: str, limit: int = 24) -> str:
    """``said_by: “the budget…” → “Bob Jones”``."""
    head, child, label = key
    return f"{label}: “{excerpt(text, head[0], head[1], limit)}” → “{excerpt(text, child[0], child[1], limit)}”"


def kind_text(d: RelationDisagreement) -> str:
    words = [KIND_WORDS[kind] for kind in d.kinds if kind in KIND_WORDS]
    if "missing" in d.kinds:
        words.append("only " + ", ".join(d.annotators))
    return " · ".join(words)


class RelationRows:
    """One document's relation disagreements and agreed relations, and what gold says on each pair."""

    def __init__(self) -> None:
        self.disagreements: list[RelationDisagreement] = []
        self.agreed: list[RelationKey] = []
        self.gold: dict[Place, list[RelationKey]] = {}  # gold's relations by the place of their ends
        self.gold_keys: set[RelationKey] = set()
        self.rejected: set[Place] = set()
        self.marks: list[str] = []

    def __len__(self) -> int:
        return len(self.disagreements)

    def load(self, project: Project, doc_id: int | None, annotators: Sequence[str]) -> None:
        """Compare the annotators' relations in ``doc_id`` (one query, linear in the relations), read gold."""
        if doc_id is None or len(annotators) < 2:
            self.disagreements, self.agreed = [], []
        else:
            self.disagreements, self.agreed = compare_relations(
                relation_review.relations_by_annotator(project, doc_id, annotators))
        self.refresh(project, doc_id)

    def refresh(self, project: Project, doc_id: int | None) -> None:
        """Read gold's relations and the rejected pairs again and re-mark every row (a change set touched them)."""
        self.gold, self.gold_keys, self.rejected = {}, set(), set()
        if doc_id is not None and (self.disagreements or self.agreed):
            for _relation, key in relation_review.gold_relations(project, doc_id):
                self.gold.setdefault(place_of(pair_of(key)), []).append(key)
                self.gold_keys.add(key)
            self.rejected = {place_of((r.first, r.second)) for r in relation_review.relation_rejections(project, doc_id)}
        self.marks = [self._mark(d) for d in self.disagreements]

    def _mark(self, d: RelationDisagreement) -> str:
        there = self.gold.get(place_of(d.pair))
        if there:
            return "✓ " + ", ".join(dict.fromkeys(label for _h, _c, label in there))
        return REJECTED if place_of(d.pair) in self.rejected else UNDECIDED

    def decided(self) -> int:
        return sum(mark != UNDECIDED for mark in self.marks)

    def pending_agreed(self) -> list[RelationKey]:
        return [key for key in self.agreed if key not in self.gold_keys]

    def row_text(self, row: int, number: int, text: str) -> str:
        d = self.disagreements[row]
        head, child = d.pair
        labels = "/".join(dict.fromkeys(label for _name, keys in d.versions for _h, _c, label in keys))
        return (f"{number}. {self.marks[row]}  relation {labels}: {kind_text(d)} — "
                f"“{excerpt(text, head[0], head[1], 18)}” ↔ “{excerpt(text, child[0], child[1], 18)}”")

    def detail(self, row: int, annotators: Sequence[str], text: str) -> str:
        d, mark = self.disagreements[row], self.marks[row]
        lines = [f"relation: {kind_text(d)}"]
        for name in annotators:
            lines.append(f"{name}: " + ("; ".join(relation_words(key, text) for key in d.version(name)) or "nothing"))
        gold = self.gold.get(place_of(d.pair), [])
        lines.append("gold: " + ("; ".join(relation_words(key, text) for key in gold) if gold else
                                 {REJECTED: "every version rejected"}.get(mark, "not decided yet")))
        return "\n".join(lines)


class _Place(NamedTuple):
    start: int
    end: int


class RelationHighlight(RelationPainter):
    """The selected relation disagreement on the text (an extra painter of the view, see ``decorations``)."""

    def __init__(self, view: SpanTextView, gold: RelationPainter | None) -> None:
        super().__init__(view)
        self.gold = gold  # the window's arcs: while they make room above the lines, these use the same room
        self.current: RelationDisagreement | None = None
        self.numbers: dict[str, int] = {}
        self.room = False
        view.extra_painters.append(self)

    def detach(self) -> None:
        if self in self.view.extra_painters:
            self.view.extra_painters.remove(self)
        self.current = None
        self.set_room(False)

    def set_room(self, on: bool, *, relayout: bool = True) -> None:
        """Room above the lines for the arcs (on while the document has relation disagreements).

        ``relayout=False`` when the caller places the lines again anyway (the lanes change with the
        document): on a 2 MB document one placing less is ~400 ms less to wait on entering review mode.
        """
        if on != self.room:
            self.room = on
            if relayout:
                self.room_changed()

    def show(self, d: RelationDisagreement | None, annotators: Sequence[str], labels: Sequence[RelationLabel]) -> None:
        self.current = d
        self.numbers = {name: n for n, name in enumerate(annotators)}
        self.labels = {label.name: label for label in labels}
        self.view.viewport().update()

    def above(self, block: QTextBlock) -> float:
        return ROOM if self.room and not (self.gold is not None and self.gold.above(block)) else 0.0

    def finish(self, painter: QPainter, paragraphs: Sequence[Paragraph]) -> None:
        d = self.current
        if d is None or not paragraphs:
            return
        starts = [p.start for p in paragraphs]
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(label_font(self.view.font()))
        painter.setPen(QPen(self.view.palette().text().color(), 1, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for start, end, _label in d.pair:
            for paragraph in paragraphs:
                for rect in paragraph.rects(start, end):
                    painter.drawRect(rect.adjusted(-2, -1, 2, 1))
        level = 0
        for name, keys in d.versions:
            for key in keys:
                self._draw_version(painter, paragraphs, starts, key, self.numbers.get(name, 0), level)
                level += 1
        painter.restore()

    def _draw_version(self, painter: QPainter, paragraphs: Sequence[Paragraph], starts: list[int], key: RelationKey,
                      number: int, level: int) -> None:
        head_key, child_key, label = key
        head = self.end_point(paragraphs, starts, _Place(head_key[0], head_key[1]))
        child = self.end_point(paragraphs, starts, _Place(child_key[0], child_key[1]))
        if head is None or child is None:
            return  # an end off screen: the list row and the frames say where the relation goes
        color = QColor(self.labels[label].color if label in self.labels else "#666666")
        painter.setPen(QPen(color, 1.6, Qt.PenStyle.DashLine))
        if head.line_top == child.line_top:
            top = head.line_top - 6 - min(level, 3) * STEP
            painter.drawPath(_arc(head.point, child.point, top))
            at = QPointF((head.point.x() + child.point.x()) / 2, top)
        else:
            gutter = self.view.viewport().width() - 14 - (level % 6) * STEP
            painter.drawPath(_via_gutter(head, child, gutter))
            at = QPointF(head.point.x() + 24, head.line_top - 10 - level * STEP)
        _arrowhead(painter, child.point, color)
        self._label(painter, at + QPointF(level * 4, 0), f"{number + 1}: {label}", color)

    def tooltip_at(self, point: QPointF) -> str | None:
        return None

    def slots(self, block: QTextBlock) -> int:
        return 0

    def framed(self) -> list[QRectF]:  # for tests: where the ends are framed on screen
        d = self.current
        if d is None:
            return []
        return [rect for paragraph in self.view.paragraphs_on_screen() for start, end, _ in d.pair
                for rect in paragraph.rects(start, end)]
