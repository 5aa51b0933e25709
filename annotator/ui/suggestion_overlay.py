"""Suggestions drawn over the text view: a dashed outline in the label's colour, never a fill.

A painter of the text view (see ``decorations``): it needs no bar slots, it outlines the
suggested characters of the paragraphs on screen, and the current suggestion (the one the
keys act on) gets a thicker outline (the status bar names its label and the keys).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QTextBlock

from annotator.core.suggest import Suggestion
from annotator.core.suggest.columns import SuggestionColumns
from annotator.ui.decorations import Paragraph
from annotator.ui.text_view import SpanTextView

def describe(suggestion: Suggestion) -> str:
    """Where a suggestion comes from, for its tooltip: "rule figure-number", "model, score 0.83"."""
    if suggestion.source == "model":
        return f"model, score {suggestion.score:.2f}"
    if suggestion.source == "dictionary":
        what = f" “{suggestion.rule}”" if suggestion.rule else ""
        return f"dictionary{what}, {suggestion.score:.0%} of its labels"
    return f"rule {suggestion.rule}" if suggestion.rule else "rule"


class SuggestionOverlay(QObject):
    def __init__(self, view: SpanTextView) -> None:
        super().__init__(view)
        self.view = view
        self.suggestions = SuggestionColumns()
        self.current: int | None = None  # index into ``suggestions``
        self.colors: dict[str, str] = {}
        # paragraph (start, end, how it is laid out) -> label -> outlines from the paragraph's top: scrolling
        # paints the same paragraphs again and again (a dense one took 15-35 ms to outline each time)
        self._outlines: dict[tuple, dict[str, list[QRectF]]] = {}
        self.painted: tuple[int, int] | None = None  # the code points the last paint showed
        view.extra_painters.append(self)

    def set_suggestions(self, suggestions: Sequence[Suggestion], current: int | None = None) -> None:
        if suggestions is not self.suggestions and not len(suggestions) and not len(self.suggestions) \
                and current == self.current:
            return  # nothing drawn changes (no source on: every document): no second paint of the view
        self.suggestions = suggestions if isinstance(suggestions, SuggestionColumns) else SuggestionColumns(suggestions)
        self._outlines.clear()
        self.current = current
        self.view.viewport().update()

    def insert_part(self, start: int, end: int, part: SuggestionColumns) -> None:
        """The suggestions of the text [start, end) arrived: in their place, drawn if on screen."""
        at = self.suggestions.insert_part(part)
        for key in [key for key in self._outlines if key[0] <= end and key[1] >= start]:
            del self._outlines[key]
        if self.current is not None and self.current >= at:
            self.current += len(part)
        if len(part) and self._on_screen(start, end):
            self.view.viewport().update()

    def _on_screen(self, start: int, end: int) -> bool:
        """Whether [start, end) meets the text the last paint showed (finding the blocks on screen
        again took 2-5 ms per part; text scrolled into view since is painted with what is there)."""
        return self.painted is not None and start <= self.painted[1] and end >= self.painted[0]

    def set_current(self, index: int | None) -> None:
        self.current = index
        self.view.viewport().update()

    def overlapping(self, start: int, end: int) -> list[int]:
        """Indexes of the suggestions sharing a character with [start, end)."""
        return list(self.suggestions.overlapping(start, end))

    def tooltip_lines(self, offset: int) -> list[str]:
        lines = []
        for index in self.overlapping(offset, offset + 1):
            suggestion = self.suggestions[index]
            words = self.view.text[suggestion.start:suggestion.end]
            words = words if len(words) <= 60 else words[:57] + "..."
            words = words.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            lines.append(f"suggested <b>{suggestion.label}</b> ({describe(suggestion)}): {words}")
        return lines

    # ------------------------------------------------------------ painter
    def slots(self, _block: QTextBlock) -> int:
        return 0

    def paint(self, painter: QPainter, paragraph: Paragraph) -> None:
        outlines = self._paragraph_outlines(paragraph)
        current = self.current
        current = current if current is not None and self.suggestions.starts[current] < paragraph.end \
            and self.suggestions.ends[current] > paragraph.start else None
        if not outlines and current is None:
            return
        painter.save()
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.translate(0, paragraph.top)
        for label, rects in outlines.items():  # one thin dashed pen per label: hundreds on screen stay cheap
            painter.setPen(QPen(self._color(label), 0, Qt.PenStyle.DashLine))
            painter.drawRects(rects)
        if current is not None:
            painter.setPen(QPen(self._color(self.suggestions.label(current)), 2.5, Qt.PenStyle.DashLine))
            painter.drawRects(self._rects(paragraph, current))
        painter.restore()

    def finish(self, _painter: QPainter, paragraphs: Sequence[Paragraph]) -> None:
        """Once per paint, after every paragraph: remember what was on screen."""
        self.painted = (paragraphs[0].start, paragraphs[-1].end) if paragraphs else None

    def _paragraph_outlines(self, paragraph: Paragraph) -> dict[str, list[QRectF]]:
        layout = paragraph.block.layout()
        lines = layout.lineCount()
        last = layout.lineAt(lines - 1)
        shape = (lines, layout.lineAt(0).height(), last.textStart(), last.y()) if lines else (0,)
        key = (paragraph.start, paragraph.end, *shape)
        found = self._outlines.get(key)
        if found is None:
            found = {}
            for index in self.suggestions.overlapping(paragraph.start, paragraph.end):
                found.setdefault(self.suggestions.label(index), []).extend(self._rects(paragraph, index))
            if len(self._outlines) > 1000:
                self._outlines.clear()
            self._outlines[key] = found
        return found

    def _rects(self, paragraph: Paragraph, index: int) -> list[QRectF]:
        """The outline of suggestion ``index`` on each line, from the paragraph's top."""
        top = paragraph.top
        return [QRectF(left - 1, line_top - top, width + 2, height - 1)
                for left, line_top, width, height in paragraph.pieces(self.suggestions.starts[index],
                                                                      self.suggestions.ends[index])]

    def _color(self, label: str) -> QColor:
        return QColor(self.colors.get(label, "#666666")).darker(130)
