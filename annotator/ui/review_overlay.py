"""Each selected annotator's spans drawn as a coloured bar ("lane") under the text.

The highlighter gives a character one background, which is not enough to show two or
three annotators' spans over the same words. So in review mode the gold layer keeps the
label-colour background (it is the layer being edited) and every selected annotator gets a
lane of their own, below the baseline: annotator 1 the first bar slot under each line,
annotator 2 the next, and so on; the reading layout gives every line the room its lanes need
(``slots``), however many annotators are compared, so no bar crosses the letters. A bar has its
span's label colour, so a label disagreement shows two colours, a boundary disagreement two
lengths, and a missing span one bar where the others have two.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QObject, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap, QTextBlock

from annotator.core.intervals import IntervalIndex
from annotator.core.model import Span
from annotator.core.offsets import Utf16Map
from annotator.core.span_rows import SpanRows
from annotator.ui.decorations import BAR, PITCH, Paragraph
from annotator.ui.text_view import SpanTextView


def lane_offset(index: int, line_height: float) -> float:
    """Top of annotator ``index``'s bar, measured from the top of a text line of ``line_height``."""
    return line_height + 1 + index * PITCH


def lane_icon(index: int, color: str = "#333333", size: int = 16) -> QIcon:
    """A small picture of the lane: a line of text (grey) and this annotator's bar under it."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    text_height = max(2.0, size - 3 * PITCH - 1)
    painter.fillRect(QRectF(1, 0, size - 2, text_height), QColor("#bbbbbb"))
    painter.fillRect(QRectF(1, min(size - BAR, lane_offset(index, text_height)), size - 2, BAR), QColor(color))
    painter.end()
    return QIcon(pixmap)


class LaneOverlay(QObject):
    """A painter of the text view (see ``decorations``): the lanes take its first bar slots."""

    def __init__(self, view: SpanTextView) -> None:
        super().__init__(view)
        self.view = view
        self.indexes: dict[str, IntervalIndex] = {}  # one per lane: each annotator's spans come in text order
        self.lanes: dict[str, int] = {}
        self.colors: dict[str, str] = {}
        self.offsets = Utf16Map("")
        self.region: tuple[int, int] | None = None  # the current disagreement, framed
        view.extra_painters.append(self)

    def set_lanes(self, offsets: Utf16Map, spans_by_annotator: Mapping[str, Sequence[Span]], colors: dict[str, str]) -> None:
        """One lane per annotator, in the mapping's order. Each one's spans are indexed as they are
        (a copy of a ``SpanRows``: no merge, no sort, no Span object made)."""
        self.offsets = offsets
        self.lanes = {name: i for i, name in enumerate(spans_by_annotator)}
        self.indexes = {name: IntervalIndex(spans.copy() if isinstance(spans, SpanRows) else spans)
                        for name, spans in spans_by_annotator.items()}
        self.colors = dict(colors)
        self.view.relayout()

    def span_count(self) -> int:
        return sum(map(len, self.indexes.values()))

    def set_region(self, region: tuple[int, int] | None) -> None:
        self.region = region
        self.view.viewport().update()

    def clear(self) -> None:
        self.indexes = {}
        self.lanes = {}
        self.region = None
        self.view.relayout()

    def detach(self) -> None:
        if self in self.view.extra_painters:
            self.view.extra_painters.remove(self)
        self.clear()

    # ------------------------------------------------------------ painter
    def slots(self, _block: QTextBlock) -> int:
        return len(self.lanes)

    def paint(self, painter: QPainter, paragraph: Paragraph) -> None:
        for name, index in self.indexes.items():
            lane = self.lanes[name]
            for span in index.overlapping(paragraph.start, paragraph.end):
                color = QColor(self.colors.get(span.label, "#666666")).darker(120)
                for rect in paragraph.rects(span.start, span.end):
                    painter.fillRect(paragraph.bar(rect, lane), color)
        if self.region is not None and self.region[0] < paragraph.end and self.region[1] > paragraph.start:
            painter.save()
            painter.setPen(QPen(self.view.palette().text().color(), 1, Qt.PenStyle.DashLine))
            bottom = len(self.lanes) * PITCH + 1
            for rect in paragraph.rects(*self.region):
                painter.drawRect(rect.adjusted(-2, -1, 2, bottom))
            painter.restore()
