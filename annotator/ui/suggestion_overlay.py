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
        view.extra_painters.append(self)

    def set_suggestions(self, suggestions: Sequence[Suggestion], current: int | None = None) -> None:
        if suggestions is not self.suggestions and not len(suggestions) and not len(self.suggestions) \
                and current == self.current:
            return  # nothing drawn changes (no source on: every document): no second paint of the view
        self.suggestions = suggestions if isinstance(suggestions, SuggestionColumns) else SuggestionColumns(suggestions)
        self.current = current
        self.view.viewport().update()

    def insert_part(self, start: int, end: int, part: SuggestionColumns) -> None:
        """The suggestions of the text [start, end) arrived: in their place, drawn if on screen."""
        at = self.suggestions.insert_part(part)
        if self.current is not None and self.current >= at:
            self.current += len(part)
        if len(part) and self._on_screen(start, end):
            self.view.viewport().update()

    def _on_screen(self, start: int, end: int) -> bool:
        blocks = list(self.view.visible_blocks())
        if not blocks:
            return False
        to_cp = self.view.offsets.to_codepoint
        first = to_cp(blocks[0].position())
        last = to_cp(blocks[-1].position() + blocks[-1].length() - 1)
        return start <= last and end >= first

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
        found = self.overlapping(paragraph.start, paragraph.end)
        if not found:
            return
        by_label: dict[str, list[QRectF]] = {}
        current: list[QRectF] = []
        for index in found:
            suggestion = self.suggestions[index]
            rects = [rect.adjusted(-1, 0, 1, -1) for rect in paragraph.rects(suggestion.start, suggestion.end)]
            by_label.setdefault(suggestion.label, []).extend(rects)
            if index == self.current:
                current = rects
        painter.save()
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for label, rects in by_label.items():  # one thin dashed pen per label: hundreds on screen stay cheap
            painter.setPen(QPen(self._color(label), 0, Qt.PenStyle.DashLine))
            painter.drawRects(rects)
        if current:
            painter.setPen(QPen(self._color(self.suggestions[self.current].label), 2.5, Qt.PenStyle.DashLine))
            painter.drawRects(current)
        painter.restore()

    def _color(self, label: str) -> QColor:
        return QColor(self.colors.get(label, "#666666")).darker(130)
