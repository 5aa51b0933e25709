"""The read-only document view: the stored text, span highlights, selection in code points.

Never reads text back out of the widget: the stored text is kept here and every
position crossing the widget boundary goes through ``Utf16Map``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPaintEvent, QTextBlock, QTextCursor, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip, QWidget

from annotator.core.model import Span
from annotator.core.offsets import OffsetError, Utf16Map
from annotator.core.span_rows import SpanRows
from annotator.ui.highlighter import SpanHighlighter, StyleFunction, label_style

_ARROWS = {Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Home, Qt.Key.Key_End}


class SpanTextView(QPlainTextEdit):
    spanClicked = Signal(int)  # span id, or -1 for a click on plain text
    spanMenuRequested = Signal(int, QPoint)  # span id (-1: none), global position

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        font = QFont(self.font())
        font.setPointSize(max(font.pointSize(), 11))
        self.setFont(font)
        self.document().setDocumentMargin(12)
        self.highlighter = SpanHighlighter(self.document())
        self.text = ""
        self.offsets = Utf16Map("")
        self.exact_selection = False  # Alt was held while the selection was made
        self.current_span_id: int | None = None
        self._zoom_steps = 0

    # ----------------------------------------------------------- content
    def set_document(self, text: str, spans: Sequence[Span], style: StyleFunction | None = None) -> None:
        """Show ``text`` with every one of ``spans`` painted by ``style`` (label colours by default).

        A ``SpanRows`` (as the store reads them) is taken, not copied: the view changes it, so do not keep it.
        """
        self.text = text
        self.offsets = Utf16Map(text)
        self.current_span_id = None
        self.setExtraSelections([])
        self.highlighter.configure(self.offsets, spans, style or label_style({}))
        with self.highlighter.detached():
            self.setPlainText(text)

    def set_spans(self, spans: Sequence[Span], style: StyleFunction | None = None) -> None:
        """Change which spans are shown and how (e.g. review mode), keeping the text."""
        self.highlighter.configure(self.offsets, spans, style or self.highlighter.style)
        self.viewport().update()
        self._paint_current()

    def set_style(self, style: StyleFunction) -> None:
        self.set_spans(self.spans(), style)

    def spans(self) -> SpanRows:
        """Every span shown, in text order (a copy)."""
        return self.highlighter.index.all()

    def span(self, span_id: int) -> Span | None:
        return self.highlighter.index.get(span_id)

    def add_span(self, span: Span) -> None:
        self._repaint(self.highlighter.add_span(span))

    def remove_span(self, span_id: int) -> None:
        self._repaint(self.highlighter.remove_span(span_id))
        if span_id == self.current_span_id:
            self.set_current_span(None)

    def replace_span(self, span: Span) -> None:
        self._repaint(self.highlighter.remove_span(span.id) + self.highlighter.add_span(span))
        self._paint_current()

    def _repaint(self, blocks: list[QTextBlock]) -> None:
        """Repaint these paragraphs where they are on screen: that region only, not the whole view.

        Paragraphs off screen are skipped: asking where one is would lay out the paragraphs in between.
        """
        on_screen = {block.blockNumber() for block in self.visible_blocks()}
        offset = self.contentOffset()
        for block in blocks:
            if block.blockNumber() in on_screen:
                self.viewport().update(self.blockBoundingGeometry(block).translated(offset).toAlignedRect())

    def visible_blocks(self) -> Iterator[QTextBlock]:
        """The paragraphs on screen, top to bottom."""
        block, offset, bottom = self.firstVisibleBlock(), self.contentOffset(), self.viewport().height()
        while block.isValid() and self.blockBoundingGeometry(block).translated(offset).top() <= bottom:
            yield block
            block = block.next()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        self.highlighter.format_blocks(self.visible_blocks())  # before Qt draws them
        super().paintEvent(event)

    # --------------------------------------------------------- selection
    def selection(self) -> tuple[int, int] | None:
        """The selected range in code points, or None."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return self._to_cp(cursor.selectionStart()), self._to_cp(cursor.selectionEnd())

    def _to_cp(self, position: int) -> int:
        try:
            return self.offsets.to_codepoint(position)
        except OffsetError:  # inside a surrogate pair: take the whole character
            return self.offsets.to_codepoint(position + 1)

    def select_range(self, start: int, end: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.offsets.to_utf16(start))
        cursor.setPosition(self.offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def clear_selection(self) -> None:
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)

    def spans_at(self, offset: int) -> list[Span]:
        if not 0 <= offset < len(self.text):
            return []
        return self.highlighter.index.at(offset)

    def spans_at_point(self, point: QPoint) -> list[Span]:
        """Spans under a viewport point, outermost first."""
        position = self._to_cp(self.cursorForPosition(point).position())
        return self.spans_at(position) or self.spans_at(position - 1)

    def set_current_span(self, span_id: int | None, *, scroll: bool = False) -> None:
        self.current_span_id = span_id
        span = self.span(span_id) if span_id is not None else None
        if span is not None and scroll:
            cursor = QTextCursor(self.document())
            cursor.setPosition(self.offsets.to_utf16(span.start))
            self.setTextCursor(cursor)
            self.centerCursor()
        self._paint_current()

    def _paint_current(self) -> None:
        span = self.span(self.current_span_id) if self.current_span_id is not None else None
        if span is None:
            self.setExtraSelections([])
            return
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.offsets.to_utf16(span.start))
        cursor.setPosition(self.offsets.to_utf16(span.end), QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        color = QColor(self.highlighter.style(span).color)
        selection.format.setBackground(color)
        selection.format.setForeground(QColor("#000000"))
        selection.format.setProperty(QTextFormat.Property.FontWeight, QFont.Weight.Bold)
        self.setExtraSelections([selection])

    # -------------------------------------------------------------- zoom
    def zoom(self, steps: int) -> None:
        if steps > 0:
            self.zoomIn(steps)
        elif steps < 0:
            self.zoomOut(-steps)
        self._zoom_steps += steps

    def reset_zoom(self) -> None:
        self.zoom(-self._zoom_steps)

    @property
    def point_size(self) -> float:
        return self.font().pointSizeF()

    # ------------------------------------------------------------ events
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.exact_selection = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            spans = self.spans_at_point(event.position().toPoint())
            innermost = min(spans, key=lambda s: (s.end - s.start, -s.id)) if spans else None
            self.spanClicked.emit(innermost.id if innermost else -1)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        mods = event.modifiers()
        if event.key() in _ARROWS and mods & Qt.KeyboardModifier.ShiftModifier:
            self.exact_selection = bool(mods & Qt.KeyboardModifier.AltModifier)
            if self.exact_selection:  # Alt+Shift+arrow: select exactly, as Shift+arrow would
                event = QKeyEvent(event.type(), event.key(), mods & ~Qt.KeyboardModifier.AltModifier, event.text())
        super().keyPressEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip:
            spans = self.spans_at_point(event.pos())
            if spans:
                QToolTip.showText(event.globalPos(), self.tooltip_text(spans), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def tooltip_text(self, spans: list[Span]) -> str:
        lines = []
        for span in spans:
            words = self.text[span.start : span.end]
            words = words if len(words) <= 60 else words[:57] + "..."
            line = f"<b>{span.label}</b> ({span.annotator}): {_escape(words)}"
            if span.note:
                line += f"<br/>&nbsp;&nbsp;<i>note:</i> {_escape(span.note)}"
            lines.append(line)
        return "<br/>".join(lines)

    def _context_menu(self, point: QPoint) -> None:
        spans = self.spans_at_point(point)
        innermost = min(spans, key=lambda s: (s.end - s.start, -s.id)) if spans else None
        self.spanMenuRequested.emit(innermost.id if innermost else -1, self.viewport().mapToGlobal(point))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")
