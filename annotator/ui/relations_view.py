"""Relations drawn on the text view, over the paragraphs on screen only (see ``decorations``).

Each relation is an arc in the room above the lines (brat's way): it rises from the head span,
runs above the text and comes down on the child span with an arrowhead, in the relation label's
colour, its label written on the arc. Arcs over one line are stacked by width (a shorter arc
lower), so several crossing arcs stay readable. When the two ends are on different lines the arc
runs to the right-hand gutter, along it, and back; when an end is off screen the arc ends in the
gutter at the top or bottom edge with a marker whose tooltip names the other end.
Only the relations with an end on screen are looked at (a bisect over their sorted end offsets).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF, QTextBlock

from annotator.core.model import Span
from annotator.core.relations import Relation, RelationLabel

if TYPE_CHECKING:
    from annotator.ui.decorations import Paragraph
    from annotator.ui.text_view import SpanTextView

ROOM = 22.0  # pixels above a line where an arc ends, for the arc and its label
_NO_LINES: frozenset[int] = frozenset()
STEP = 4.0  # from one stacked arc to the next
GUTTER = 10.0  # from the viewport's right edge to the first gutter lane


@dataclass
class _End:
    point: QPointF  # top middle of the span's first piece on screen
    line_top: float


class RelationPainter:
    """Arcs for the relations of the shown document and layer (an extra painter of the text view)."""

    line_room = ROOM

    def __init__(self, view: SpanTextView) -> None:
        self.view = view
        self.relations: dict[int, Relation] = {}  # by id
        self.labels: dict[str, RelationLabel] = {}
        self._ends: list[tuple[int, int]] = []  # (an end span's start, relation id), sorted
        self._starts: dict[int, tuple[int, int]] = {}  # relation id -> its head's and child's starts
        self.pending: tuple[int, int | None] | None = None  # linking: (head span id, target span id)
        self.selected: int | None = None  # relation id drawn thicker
        self.markers: list[tuple[QRectF, str]] = []  # far-end markers painted last, with their tooltips
        self._points: dict[tuple[int, int], _End | None] | None = None  # span range -> its arcs' end, in ``finish``

    # ----------------------------------------------------------- content
    def set_relations(self, relations: Sequence[Relation], labels: Sequence[RelationLabel],
                      starts: Sequence[tuple[int, int]]) -> None:
        """Show these relations (``starts``: the start offsets of each one's head and child)."""
        ids = [relation.id for relation in relations]
        self.relations = dict(zip(ids, relations))
        self.labels = {label.name: label for label in labels}
        self._starts = dict(zip(ids, starts))
        # heads first: in text order already, one run for the sort to merge with the children's
        self._ends = sorted([*zip((pair[0] for pair in starts), ids), *zip((pair[1] for pair in starts), ids)])
        self.view.viewport().update()  # the lines with arcs get their room as they are placed

    def add(self, relation: Relation, head_start: int, child_start: int) -> None:
        """One more arc: only the paragraphs of its ends are placed again, only what it covers is repainted."""
        self.relations[relation.id] = relation
        self._starts[relation.id] = (head_start, child_start)
        for start in (head_start, child_start):
            bisect.insort(self._ends, (start, relation.id))
        self._repaint_between(head_start, child_start)

    def remove(self, relation_id: int) -> None:
        relation = self.relations.pop(relation_id, None)
        if relation is None:
            return
        starts = self._starts.pop(relation_id)
        for start in starts:
            del self._ends[bisect.bisect_left(self._ends, (start, relation_id))]
        self._repaint_between(*starts)

    def _repaint_between(self, first: int, second: int) -> None:
        """Repaint from the paragraph of one end to that of the other where on screen, or the whole view when
        a line there gained or lost its room (the lines below move) or an end is off screen (its marker)."""
        view = self.view
        blocks = [view.document().findBlock(view.offsets.to_utf16(start)) for start in sorted((first, second))]
        placed = [view.reading_layout.placed_spacing(block) for block in blocks]
        if any(room is None or room != view.spacing(block) for room, block in zip(placed, blocks)):
            view.viewport().update()
            return
        offset = view.contentOffset()
        top = view.blockBoundingGeometry(blocks[0]).translated(offset).top()
        bottom = view.blockBoundingGeometry(blocks[1]).translated(offset).bottom()
        if top < 0 or bottom > view.viewport().height():
            view.viewport().update()
            return
        view.viewport().update(QRectF(0, top, view.viewport().width(), bottom - top).toAlignedRect())

    def room_changed(self) -> None:
        """Every paragraph placed again (a subclass's room on all lines changed, e.g. review's highlight)."""
        layout = self.view.reading_layout
        layout.forget()
        layout.documentSizeChanged.emit(layout.documentSize())

    def above(self, block: QTextBlock) -> float:
        """Room above every line of ``block``: none here (``lines_with_room`` names the lines with arcs)."""
        return 0.0

    def color(self, relation: Relation) -> QColor:
        label = self.labels.get(relation.label)
        return QColor(label.color if label else "#666666")

    # ----------------------------------------------------------- the painter protocol
    def slots(self, block: QTextBlock) -> int:
        return 0

    def lines_with_room(self, block: QTextBlock) -> frozenset[int]:
        """The lines of ``block`` where an arc ends: they get room above them. The pending link gets none:
        lines that moved while linking would move the span under the pointer of a Ctrl+drag."""
        if not self._ends:
            return _NO_LINES
        offsets, position = self.view.offsets, block.position()
        start = offsets.to_codepoint(position)
        end = offsets.to_codepoint(position + block.length() - 1)
        ends = {s for s, _id in self._ends[bisect.bisect_left(self._ends, (start, -1)):
                                           bisect.bisect_left(self._ends, (end, -1))]}
        if not ends:
            return _NO_LINES
        layout = block.layout()
        return frozenset(layout.lineForTextPosition(offsets.to_utf16(s) - position).lineNumber() for s in ends)

    def paint(self, painter: QPainter, paragraph: Paragraph) -> None:
        """Arcs are drawn once for the whole screen (``finish``): an arc joins paragraphs."""

    def finish(self, painter: QPainter, paragraphs: Sequence[Paragraph]) -> None:
        self.markers = []
        if not paragraphs or not (self.relations or self.pending):
            return
        self._points = {}
        try:
            self._draw_all(painter, paragraphs)
        finally:
            self._points = None

    def _draw_all(self, painter: QPainter, paragraphs: Sequence[Paragraph]) -> None:
        first, last = paragraphs[0].start, paragraphs[-1].end
        low = bisect.bisect_left(self._ends, (first, -1))
        high = bisect.bisect_left(self._ends, (last, -1))
        shown = sorted({relation_id for _start, relation_id in self._ends[low:high]})
        # relations whose ends are both above and below the screen are not drawn: nothing of them shows
        starts = [p.start for p in paragraphs]
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = label_font(self.view.font())
        painter.setFont(font)
        levels = self._levels(paragraphs, starts, shown)
        for lane, relation_id in enumerate(shown):
            relation = self.relations[relation_id]
            self._draw(painter, paragraphs, starts, relation, self.color(relation), levels.get(relation_id, 0), lane,
                       relation_id == self.selected)
        if self.pending is not None:
            self._draw_pending(painter, paragraphs, starts)
        painter.restore()

    # ----------------------------------------------------------- geometry
    def end_point(self, paragraphs: Sequence[Paragraph], starts: list[int], span: Span | None) -> _End | None:
        if span is None:
            return None
        if self._points is None:
            return self._find_end(paragraphs, starts, span)
        key = (span.start, span.end)  # (asked again for each arc at this end, and by the stacking)
        if key not in self._points:
            self._points[key] = self._find_end(paragraphs, starts, span)
        return self._points[key]

    @staticmethod
    def _find_end(paragraphs: Sequence[Paragraph], starts: list[int], span: Span) -> _End | None:
        at = bisect.bisect_right(starts, span.start) - 1
        if at < 0 or span.start >= paragraphs[at].end:
            return None
        rects = paragraphs[at].rects(span.start, span.end)
        if not rects:
            return None
        rect = rects[0]
        return _End(QPointF(rect.center().x(), rect.top()), rect.top())

    def _levels(self, paragraphs: Sequence[Paragraph], starts: list[int], shown: list[int]) -> dict[int, int]:
        """Stack the one-line arcs of each line by width: a narrower arc lower, overlapping ones apart."""
        by_line: dict[float, list[tuple[float, float, int]]] = {}
        for n in shown:
            relation = self.relations[n]  # (n: a relation id)
            head = self.end_point(paragraphs, starts, self.view.span(relation.head))
            child = self.end_point(paragraphs, starts, self.view.span(relation.child))
            if head is not None and child is not None and head.line_top == child.line_top:
                left, right = sorted((head.point.x(), child.point.x()))
                by_line.setdefault(head.line_top, []).append((right - left, left, n))
        levels: dict[int, int] = {}
        for arcs in by_line.values():
            placed: list[tuple[float, float, int]] = []  # (left, right, level)
            for width, left, n in sorted(arcs):
                right = left + width
                level = 0
                while any(lv == level and a < right + 2 and left - 2 < b for a, b, lv in placed):
                    level += 1
                placed.append((left, right, level))
                levels[n] = level
        return levels

    def _draw(self, painter: QPainter, paragraphs: Sequence[Paragraph], starts: list[int], relation: Relation,
              color: QColor, level: int, lane: int, selected: bool) -> None:
        head_span, child_span = self.view.span(relation.head), self.view.span(relation.child)
        head = self.end_point(paragraphs, starts, head_span)
        child = self.end_point(paragraphs, starts, child_span)
        painter.setPen(QPen(color, 2.4 if selected else 1.4))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        gutter = self.view.viewport().width() - GUTTER - (lane % 6) * STEP
        if head is not None and child is not None:
            if head.line_top == child.line_top:
                top = head.line_top - 6 - min(level, 3) * STEP
                path = _arc(head.point, child.point, top)
                label_at = QPointF((head.point.x() + child.point.x()) / 2, top)
            else:
                path = _via_gutter(head, child, gutter)
                label_at = QPointF(head.point.x() + 24, head.line_top - 10)
            painter.drawPath(path)
            _arrowhead(painter, child.point, color)
            self._label(painter, label_at, relation.label, color)
            return
        here, other_span, role = (head, child_span, "child") if head is not None else (child, head_span, "head")
        if here is None or other_span is None:
            return
        below = other_span.start > paragraphs[-1].start
        edge = self.view.viewport().height() - 2 if below else 2.0
        top = here.line_top - 8
        path = QPainterPath(here.point)
        path.lineTo(here.point.x(), top)
        path.lineTo(gutter, top)
        path.lineTo(gutter, edge)
        painter.drawPath(path)
        if role == "head":
            _arrowhead(painter, here.point, color)
        marker = QRectF(gutter - 5, edge - (9 if below else 0), 10, 9)
        painter.setBrush(color)
        tip = QPolygonF([QPointF(gutter - 5, marker.top()), QPointF(gutter + 5, marker.top()),
                         QPointF(gutter, marker.bottom())] if below else
                        [QPointF(gutter - 5, marker.bottom()), QPointF(gutter + 5, marker.bottom()),
                         QPointF(gutter, marker.top())])
        painter.drawPolygon(tip)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        self._label(painter, QPointF(here.point.x() + 24, top - 2), relation.label, color)
        words = self.view.text[other_span.start:other_span.end]
        words = words if len(words) <= 50 else words[:47] + "..."
        direction = "below" if below else "above"
        self.markers.append((marker.adjusted(-4, -4, 4, 4),
                             f"{relation.label}: {role} “{words}” ({other_span.label}), {direction}"))

    def _draw_pending(self, painter: QPainter, paragraphs: Sequence[Paragraph], starts: list[int]) -> None:
        head_id, target_id = self.pending
        head = self.end_point(paragraphs, starts, self.view.span(head_id))
        target = self.end_point(paragraphs, starts, self.view.span(target_id)) if target_id is not None else None
        if head is None or target is None:
            return
        color = self.view.palette().text().color()
        pen = QPen(color, 1.6, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        roomy = self._has_room(head_id)  # else the arc keeps to the gap between lines (no room is made for it)
        if head.line_top == target.line_top:
            painter.drawPath(_arc(head.point, target.point, head.line_top - (6 + 3 * STEP if roomy else 3)))
        else:
            painter.drawPath(_via_gutter(head, target, self.view.viewport().width() - GUTTER - 6 * STEP))
        _arrowhead(painter, target.point, color)
        if roomy:
            self._label(painter, QPointF(head.point.x() + 24, head.line_top - 10), "link to...?", color)

    def _has_room(self, span_id: int) -> bool:
        """Whether the line where span ``span_id`` starts has arc room above it (an arc of a relation ends there)."""
        span = self.view.span(span_id)
        if span is None:
            return False
        position = self.view.offsets.to_utf16(span.start)
        block = self.view.document().findBlock(position)
        line = block.layout().lineForTextPosition(position - block.position()).lineNumber()
        return line in self.lines_with_room(block)

    def _label(self, painter: QPainter, at: QPointF, text: str, color: QColor) -> None:
        metrics = QFontMetricsF(painter.font())
        box = QRectF(at.x() - metrics.horizontalAdvance(text) / 2 - 2, at.y() - metrics.height() / 2,
                     metrics.horizontalAdvance(text) + 4, metrics.height())
        painter.fillRect(box, self.view.palette().base())
        painter.setPen(color.darker(115))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def tooltip_at(self, point: QPointF) -> str | None:
        """The far-end marker's text under ``point`` (viewport coordinates), if any."""
        return next((tip for rect, tip in self.markers if rect.contains(QPointF(point))), None)


def _arc(start: QPointF, end: QPointF, top: float) -> QPainterPath:
    path = QPainterPath(start)
    bend = min(8.0, abs(end.x() - start.x()) / 3)
    direction = 1 if end.x() >= start.x() else -1
    path.cubicTo(QPointF(start.x(), top), QPointF(start.x(), top), QPointF(start.x() + direction * bend, top))
    path.lineTo(end.x() - direction * bend, top)
    path.cubicTo(QPointF(end.x(), top), QPointF(end.x(), top), end)
    return path


def _via_gutter(head: _End, child: _End, gutter: float) -> QPainterPath:
    path = QPainterPath(head.point)
    path.lineTo(head.point.x(), head.line_top - 6)
    path.lineTo(gutter, head.line_top - 6)
    path.lineTo(gutter, child.line_top - 6)
    path.lineTo(child.point.x(), child.line_top - 6)
    path.lineTo(child.point)
    return path


def _arrowhead(painter: QPainter, tip: QPointF, color: QColor) -> None:
    painter.save()
    painter.setBrush(color)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawPolygon(QPolygonF([tip, QPointF(tip.x() - 3.5, tip.y() - 6), QPointF(tip.x() + 3.5, tip.y() - 6)]))
    painter.restore()


def label_font(font: QFont) -> QFont:
    small = QFont(font)
    small.setPointSizeF(max(7.0, font.pointSizeF() * 0.72))
    return small
