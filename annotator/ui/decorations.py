"""Everything drawn over the text view's paragraphs, one visible paragraph at a time.

The highlighter gives characters their backgrounds (level-0 spans) and fonts (headings); what a
character format cannot show is painted here, after Qt has drawn the text, for the paragraphs on
screen only:

- a bar under the text for each span nested in or crossing another (one bar per level, below the
  baseline, in the room the reading layout leaves under each line), so every span's whole extent
  shows however spans overlap;
- a frame around the selected span (a text selection is a filled block: the two never look alike);
- label tags at span starts (optional), find-in-document hits;
- whatever extra painters the view is given (review lanes), in bar slots of their own.

A later layer (relations drawn as arcs, suggestions drawn dashed) adds a painter with the same
two methods: ``slots(block)`` (how many bar slots it needs under the lines of a paragraph) and
``paint(painter, paragraph)``.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QTextBlock, QTextLine

from annotator.core.intervals import stack_levels
from annotator.core.model import Span
from annotator.ui.theme import is_dark

if TYPE_CHECKING:
    from annotator.ui.text_view import SpanTextView

BAR = 3.0  # thickness of an underline bar or lane, pixels
PITCH = 5.0  # from one bar slot to the next
HIT_FILL = QColor(255, 196, 0, 110)
CURRENT_HIT = QColor(230, 120, 0)


class Painter(Protocol):
    def slots(self, block: QTextBlock) -> int: ...

    def paint(self, painter: QPainter, paragraph: Paragraph) -> None: ...


class Paragraph:
    """One paragraph on screen: its code-point range and where its characters are drawn."""

    def __init__(self, view: SpanTextView, block: QTextBlock, top: float, first_slots: list[int]) -> None:
        self.view, self.block, self.top = view, block, top
        self.position = block.position()
        self.start = view.offsets.to_codepoint(self.position)
        self.end = view.offsets.to_codepoint(self.position + block.length() - 1)
        self.first_slots = first_slots  # each extra painter's first bar slot, then the view's own
        self.first_slot = first_slots[-1]  # the first bar slot of the painter painting now
        self._lines: list[tuple[int, int, float, float, QTextLine]] | None = None  # read on first need
        self._line_starts: list[int] = []

    def rects(self, start: int, end: int) -> list[QRectF]:
        """One rectangle per line the code-point range [start, end) covers (clipped to this paragraph)."""
        return [QRectF(*piece) for piece in self.pieces(start, end)]

    def pieces(self, start: int, end: int) -> list[tuple[float, float, float, float]]:
        """``rects`` as (left, top, width, height), for a painter that makes rectangles of its own from them."""
        start, end = max(start, self.start), min(end, self.end)
        if start >= end:
            return []
        to_utf16 = self.view.offsets.to_utf16
        a, b = to_utf16(start) - self.position, to_utf16(end) - self.position
        if self._lines is None:
            self._read_lines()
        lines, line_starts = self._lines, self._line_starts
        found: list[tuple[float, float, float, float]] = []
        for n in range(max(0, bisect.bisect_right(line_starts, a) - 1), len(lines)):  # from the range's first line
            line_start, line_end, top, height, line = lines[n]
            if line_start >= b:
                break
            lo, hi = max(a, line_start), min(b, line_end)
            if lo < hi:
                x1, x2 = line.cursorToX(lo)[0], line.cursorToX(hi)[0]
                found.append((min(x1, x2), top, abs(x2 - x1), height))
        return found

    def _read_lines(self) -> None:
        """Each line's (start, end, top, height, QTextLine), asked of Qt once per paint: the painters ask for
        hundreds of ranges (a screen of dense suggestions), and each asking Qt for the lines again took half
        of the text view's painting."""
        layout, top = self.block.layout(), self.top
        self._lines = []
        for n in range(layout.lineCount()):
            line = layout.lineAt(n)
            start = line.textStart()
            self._lines.append((start, start + line.textLength(), top + line.y(), line.height(), line))
        self._line_starts = [line[0] for line in self._lines]

    def bar(self, rect: QRectF, slot: int) -> QRectF:
        """The bar in ``slot`` (counted from this painter's first) under a line's rectangle."""
        return QRectF(rect.left(), rect.bottom() + 1 + (self.first_slot + slot) * PITCH, rect.width(), BAR)


class SpanDecorations:
    """The view's own painter: level bars, the selected span's frame, label tags, find hits."""

    def __init__(self, view: SpanTextView) -> None:
        self.view = view
        self.show_tags = False
        self.hits: list[tuple[int, int]] = []  # find-in-document matches, code points, in order
        self.current_hit: int | None = None
        self._levels: dict[int, tuple[dict[int, int], int]] = {}  # block number -> (levels, deepest)

    # ------------------------------------------------------------- levels
    def invalidate(self, blocks: Sequence[QTextBlock] | None = None) -> bool:
        """Forget the levels of ``blocks`` (all when None); True when a paragraph's bar count changed."""
        if blocks is None:
            self._levels.clear()
            return True
        changed = False
        for block in blocks:
            old = self._levels.pop(block.blockNumber(), None)
            if old is not None and old[1] != self.levels(block)[1]:
                changed = True
        return changed

    def levels(self, block: QTextBlock) -> tuple[dict[int, int], int]:
        """Each shown span's level in this paragraph, and the deepest level."""
        number = block.blockNumber()
        cached = self._levels.get(number)
        if cached is None:
            spans = self.view.highlighter.shown_spans(block)
            levels = stack_levels(spans)
            cached = self._levels[number] = (levels, max(levels.values(), default=0))
        return cached

    def slots(self, block: QTextBlock) -> int:
        return self.levels(block)[1]

    # ------------------------------------------------------------- painting
    def paint(self, painter: QPainter, paragraph: Paragraph) -> None:
        view = self.view
        levels, _ = self.levels(paragraph.block)
        spans = view.highlighter.shown_spans(paragraph.block) if levels else []
        style = view.highlighter.style
        for span in spans:
            bars = self._bars(paragraph, span, levels)
            if bars:
                color = QColor(style(span).color).darker(125)
                for bar in bars:
                    painter.fillRect(bar, color)
        self._paint_hits(painter, paragraph)
        current = view.span(view.current_span_id) if view.current_span_id is not None else None
        if current is not None and current.start < paragraph.end and current.end > paragraph.start:
            self._paint_frame(painter, paragraph, current)
        if self.show_tags:
            self._paint_tags(painter, paragraph, spans or view.highlighter.shown_spans(paragraph.block))

    def _bars(self, paragraph: Paragraph, span: Span, levels: dict[int, int]) -> list[QRectF]:
        """The bars drawn under a span nested in or crossing another, one per line (none for level 0)."""
        level = levels.get(span.id, 0)
        if not level or self.view.highlighter.style(span).role != "auto":
            return []
        return [paragraph.bar(rect, level - 1) for rect in paragraph.rects(span.start, span.end)]

    def bar_rects(self, span_id: int) -> list[QRectF]:
        """Where a span's bars are drawn on screen now (viewport coordinates): what the analyst sees."""
        view = self.view
        span = view.span(span_id)
        if span is None:
            return []
        found = []
        for paragraph in view.paragraphs_on_screen():
            if span.start < paragraph.end and span.end > paragraph.start:
                found += self._bars(paragraph, span, self.levels(paragraph.block)[0])
        return found

    def _paint_frame(self, painter: QPainter, paragraph: Paragraph, span: Span) -> None:
        label = QColor(self.view.highlighter.style(span).color)
        color = label.lighter(150) if is_dark(self.view.palette()) else label.darker(160)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(color, 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for rect in paragraph.rects(span.start, span.end):
            painter.drawRoundedRect(rect.adjusted(-2, 0, 2, 0), 3, 3)
        painter.restore()

    def _paint_hits(self, painter: QPainter, paragraph: Paragraph) -> None:
        if not self.hits:
            return
        first = bisect.bisect_right(self.hits, paragraph.start, key=lambda hit: hit[1])  # hits never overlap
        for number in range(first, len(self.hits)):
            start, end = self.hits[number]
            if start >= paragraph.end:
                break
            for rect in paragraph.rects(start, end):
                painter.fillRect(rect, HIT_FILL)
                if number == self.current_hit:
                    painter.setPen(QPen(CURRENT_HIT, 2))
                    painter.drawRect(rect)

    def _paint_tags(self, painter: QPainter, paragraph: Paragraph, spans: Sequence[Span]) -> None:
        font = tag_font(self.view.font())
        metrics = QFontMetricsF(font)
        painter.save()
        painter.setFont(font)
        style = self.view.highlighter.style
        taken: dict[float, float] = {}  # line top -> right edge of the last tag on it: tags never overlap
        for span in spans:
            if not paragraph.start <= span.start < paragraph.end:
                continue
            rects = paragraph.rects(span.start, span.end)
            if not rects:
                continue
            color = QColor(style(span).color)
            top = rects[0].top()
            left = max(rects[0].left(), taken.get(top, rects[0].left() - 1) + 1)
            box = QRectF(left, top - metrics.height(), metrics.horizontalAdvance(span.label) + 6, metrics.height())
            taken[top] = box.right()
            painter.fillRect(box, color.darker(140))
            painter.setPen(QColor("#ffffff"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, span.label)
        painter.restore()


def tag_font(font: QFont) -> QFont:
    small = QFont(font)
    small.setPointSizeF(max(6.0, font.pointSizeF() * 0.62))
    small.setBold(True)
    return small
