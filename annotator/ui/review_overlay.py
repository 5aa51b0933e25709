"""Each selected annotator's spans drawn as a thin coloured bar ("lane") on the text.

The highlighter gives a character one background and one underline, which is
not enough to show two or three annotators' spans over the same words. So in
review mode the gold layer keeps the label-colour background (it is the layer
being edited) and every selected annotator gets a lane of their own: annotator
1 a bar along the bottom of the line, annotator 2 a bar just above it, and so
on upwards (a bar at the top of a line would read as the line above's). A bar has its span's label colour, so a
label disagreement shows two colours, a boundary disagreement two lengths, and
a missing span one bar where the others have two.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap, QTextLayout
from PySide6.QtWidgets import QPlainTextEdit

from annotator.core.intervals import IntervalIndex
from annotator.core.model import Span
from annotator.core.offsets import Utf16Map

BAR = 2.0  # bar thickness in pixels


def lane_offset(index: int, line_height: float) -> float:
    """Top of annotator ``index``'s bar, measured from the top of a text line."""
    return line_height - BAR - index * (BAR + 1)


def lane_icon(index: int, color: str = "#333333", size: int = 16) -> QIcon:
    """A small picture of the lane: where this annotator's bar sits on a line."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.fillRect(QRectF(1, 2, size - 2, size - 4), QColor("#eeeeee"))
    painter.fillRect(QRectF(1, 2 + lane_offset(index, size - 4), size - 2, BAR), QColor(color))
    painter.end()
    return QIcon(pixmap)


class LaneOverlay(QObject):
    """Paints lanes on a QPlainTextEdit's viewport after the text itself is painted."""

    def __init__(self, view: QPlainTextEdit) -> None:
        super().__init__(view)
        self.view = view
        self.index = IntervalIndex()
        self.lanes: dict[str, int] = {}
        self.colors: dict[str, str] = {}
        self.offsets = Utf16Map("")
        self.region: tuple[int, int] | None = None  # the current disagreement, framed
        self._painting = False
        view.viewport().installEventFilter(self)

    def set_spans(self, offsets: Utf16Map, spans: Sequence[Span], annotators: Sequence[str], colors: dict[str, str]) -> None:
        self.offsets = offsets
        self.lanes = {name: i for i, name in enumerate(annotators)}
        self.index = IntervalIndex([s for s in spans if s.annotator in self.lanes])
        self.colors = dict(colors)
        self.view.viewport().update()

    def set_region(self, region: tuple[int, int] | None) -> None:
        self.region = region
        self.view.viewport().update()

    def clear(self) -> None:
        self.index = IntervalIndex()
        self.lanes = {}
        self.region = None
        self.view.viewport().update()

    def detach(self) -> None:
        self.clear()
        self.view.viewport().removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() != QEvent.Type.Paint or self._painting or not (len(self.index) or self.region):
            return False
        # Let the text paint first, then draw on top of it in the same paint event.
        self._painting = True
        try:
            self.view.paintEvent(event)  # the view's own paint (it may prepare the visible blocks)
            self._paint_lanes()
        finally:
            self._painting = False
        return True

    def _paint_lanes(self) -> None:
        view = self.view
        painter = QPainter(view.viewport())
        bottom = view.viewport().rect().bottom()
        offset = view.contentOffset()
        block = view.firstVisibleBlock()
        while block.isValid():
            top = view.blockBoundingGeometry(block).translated(offset).top()
            if top > bottom:
                break
            if block.isVisible():
                self._paint_block(painter, block, top)
            block = block.next()
        painter.end()

    def _paint_block(self, painter: QPainter, block, top: float) -> None:  # noqa: ANN001
        utf16_start = block.position()
        utf16_end = utf16_start + block.length() - 1
        if utf16_end <= utf16_start:
            return
        start = self.offsets.to_codepoint(utf16_start)
        end = self.offsets.to_codepoint(utf16_end)
        layout: QTextLayout = block.layout()
        for span in self.index.overlapping(start, end):
            lane = self.lanes.get(span.annotator)
            if lane is None:
                continue
            color = QColor(self.colors.get(span.label, "#666666")).darker(120)
            for rect in self._line_rects(layout, block, top, max(span.start, start), min(span.end, end)):
                painter.fillRect(QRectF(rect.left(), rect.top() + lane_offset(lane, rect.height()), rect.width(), BAR), color)
        if self.region is not None and self.region[0] < end and self.region[1] > start:
            painter.setPen(QPen(QColor("#222222"), 1, Qt.PenStyle.DashLine))
            for rect in self._line_rects(layout, block, top, max(self.region[0], start), min(self.region[1], end)):
                painter.drawRect(rect.adjusted(-2, -1, 2, 0))

    def _line_rects(self, layout: QTextLayout, block, top: float, start: int, end: int) -> list[QRectF]:  # noqa: ANN001
        """One rectangle per laid-out line that the code-point range ``[start, end)`` covers."""
        a = self.offsets.to_utf16(start) - block.position()
        b = self.offsets.to_utf16(end) - block.position()
        rects = []
        for n in range(layout.lineCount()):
            line = layout.lineAt(n)
            lo, hi = max(a, line.textStart()), min(b, line.textStart() + line.textLength())
            if lo >= hi:
                continue
            x1, x2 = line.cursorToX(lo)[0], line.cursorToX(hi)[0]
            rects.append(QRectF(min(x1, x2), top + line.y(), abs(x2 - x1), line.height()))
        return rects
