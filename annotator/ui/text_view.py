"""The read-only document view: the stored text, span highlights, selection in code points.

Never reads text back out of the widget: the stored text is kept here and every
position crossing the widget boundary goes through ``Utf16Map``.

Reading comfort without touching the text: lines are capped at a measure (about 80
characters, centred with viewport margins), and the reading layout spaces lines and
paragraphs; headings (offsets from the document's meta) get larger type. What the
highlighter's character formats cannot show is painted per visible paragraph by the
painters in ``self.extra_painters`` (``decorations``): bars for nested and crossing spans,
the selected span's frame, label tags, find hits, review lanes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from PySide6.QtCore import QEvent, QPoint, QSize, Qt, Signal
from PySide6.QtGui import (QFont, QFontMetricsF, QKeyEvent, QKeySequence, QMouseEvent, QPainter, QPaintEvent,
                           QPalette, QResizeEvent, QTextBlock, QTextCursor, QTextDocument)
from PySide6.QtWidgets import QPlainTextEdit, QToolTip, QWidget

from annotator.core.model import Span
from annotator.core.offsets import OffsetError, Utf16Map
from annotator.core.span_rows import SpanRows
from annotator.core.tokens import next_word_start, previous_word_start, word_at
from annotator.ui.decorations import PITCH, Painter, Paragraph, SpanDecorations, tag_font
from annotator.ui.highlighter import SpanHighlighter, StyleFunction, label_style
from annotator.ui.reading_layout import ReadingLayout, Spacing, once_per_paint
from annotator.ui.theme import tint

MEASURE = 80  # characters per line, at most (0: the whole width)
RESERVED_BARS = 1  # nesting levels every line has room for (deeper nesting makes room in its paragraph)

_MOVE, _SELECT = QTextCursor.MoveMode.MoveAnchor, QTextCursor.MoveMode.KeepAnchor
_WORD_KEYS = {
    QKeySequence.StandardKey.MoveToNextWord: (next_word_start, _MOVE),
    QKeySequence.StandardKey.MoveToPreviousWord: (previous_word_start, _MOVE),
    QKeySequence.StandardKey.SelectNextWord: (next_word_start, _SELECT),
    QKeySequence.StandardKey.SelectPreviousWord: (previous_word_start, _SELECT),
}
_ARROWS = {Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Home, Qt.Key.Key_End}


class SpanTextView(QPlainTextEdit):
    spanClicked = Signal(int)  # span id, or -1 for a click on plain text
    spanMenuRequested = Signal(int, QPoint)  # span id (-1: none), global position
    currentSpanChanged = Signal(object)  # span id or None: the selected span (the attribute editor follows it)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._spacing_in_paint: dict[int, Spacing] | None = None  # block number -> its room, during a paint
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        font = QFont(self.font())
        font.setPointSize(max(font.pointSize(), 11))
        self.setFont(font)
        self.setAutoFillBackground(True)  # the margins beside the measure take the page colour
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.decorations = SpanDecorations(self)
        self._measure_font()
        self.extra_painters: list[Painter] = []  # more painters (review lanes) take the first bar slots
        self.tooltip_providers: list[Callable[[int], list[str]]] = []  # more tooltip lines at an offset (suggestions)
        document = QTextDocument(self)
        document.setDocumentMargin(12)
        self.highlighter = SpanHighlighter(document)
        self.highlighter.base_point_size = font.pointSizeF()
        self.reading_layout = ReadingLayout(document, self, self.spacing)
        document.setDocumentLayout(self.reading_layout)
        self.setDocument(document)
        self.text = ""
        self.offsets = Utf16Map("")
        self.exact_selection = False  # Alt was held while the selection was made
        self.current_span_id: int | None = None
        self.measure = MEASURE
        self._zoom_steps = 0
        self.set_dark(None)

    # ----------------------------------------------------------- content
    def set_document(self, text: str, spans: Sequence[Span] | Callable[[], Sequence[Span]],
                     style: StyleFunction | None = None, headings: Sequence[Sequence[int]] = ()) -> None:
        """Show ``text`` with every one of ``spans`` painted by ``style`` (label colours by default),
        and ``headings`` (``[start, end, level]`` in code points) as headings.

        ``spans`` may be a function that gives them (``Project.spans_meanwhile``): it is called once
        the text is in the widget, so the spans can be read while Qt takes the text.
        A ``SpanRows`` (as the store reads them) is taken, not copied: the view changes it, so do not keep it.
        """
        self.text = text
        self.offsets = Utf16Map(text)
        self.current_span_id = None
        self.decorations.hits, self.decorations.current_hit = [], None
        self.highlighter.headings = _valid_headings(headings, len(text))
        later = spans if callable(spans) else None
        self.highlighter.configure(self.offsets, [] if later else spans, style or label_style({}))
        self.decorations.invalidate()
        self.reading_layout.forget()
        with self.highlighter.detached():
            self.setPlainText(self.offsets.in_utf16_units(text))  # (what Qt holds either way, 4x faster to hand over)
        if later is not None:  # nothing is painted before this returns: the first paint has every span
            self.highlighter.configure(self.offsets, later(), self.highlighter.style)
            self.decorations.invalidate()
            self.reading_layout.forget()

    def set_spans(self, spans: Sequence[Span], style: StyleFunction | None = None) -> None:
        """Change which spans are shown and how (e.g. review mode), keeping the text."""
        self.highlighter.configure(self.offsets, spans, style or self.highlighter.style)
        self.relayout()

    def relayout(self) -> None:
        """Format, space and paint every paragraph afresh (spans, style, fonts or hidden labels changed)."""
        self.highlighter.invalidate()
        self.decorations.invalidate()
        self.reading_layout.forget()
        # the scroll range follows the paragraphs' new heights (else the last ones may be out of reach)
        self.reading_layout.documentSizeChanged.emit(self.reading_layout.documentSize())
        self.viewport().update()

    def set_hidden_labels(self, hidden: set[str] | frozenset[str]) -> None:
        """Hide the spans of these labels (they still exist, and can be selected from the spans list)."""
        self.highlighter.hidden = frozenset(hidden)
        self.relayout()

    def set_show_tags(self, on: bool) -> None:
        self.decorations.show_tags = on
        self.relayout()

    def set_dark(self, dark: bool | None) -> None:
        """Span backgrounds for a dark or light page (None: the palette's)."""
        self.highlighter.tint = lambda color: tint(color, dark)
        self.relayout()

    def set_hits(self, hits: list[tuple[int, int]], current: int | None) -> None:
        """Find-in-document matches (code points, in order, not overlapping) and the current one."""
        self.decorations.hits, self.decorations.current_hit = hits, current
        self.viewport().update()

    # ----------------------------------------------------------- reading
    def spacing(self, block: QTextBlock) -> Spacing:
        """Room around a paragraph's lines: tags above, leading and bar slots below, a gap after."""
        return once_per_paint(self._spacing_in_paint, block, self._spacing)

    def _spacing(self, block: QTextBlock) -> Spacing:
        line, tag = self._metrics
        # every paragraph has room for RESERVED_BARS underline levels: labelling a span inside another
        # (a name in a quote) draws its bar there instead of spreading the whole paragraph's lines
        slots = (sum(painter.slots(block) for painter in self.extra_painters)
                 + max(self.decorations.slots(block), RESERVED_BARS))
        arcs = sum(painter.above(block) for painter in self.extra_painters if hasattr(painter, "above"))
        above = (tag if self.decorations.show_tags else 0.0) + arcs
        lines: frozenset[int] = frozenset()
        room = 0.0
        for painter in self.extra_painters:  # relation arcs: room only above the lines where one ends
            if hasattr(painter, "lines_with_room"):
                lines, room = lines | painter.lines_with_room(block), max(room, painter.line_room - arcs)
        return Spacing(above, max(round(line * 0.35), slots * PITCH + 3), round(line * 0.75), lines, room)

    def _measure_font(self) -> None:
        self._metrics = (QFontMetricsF(self.font()).lineSpacing(), QFontMetricsF(tag_font(self.font())).height() + 1)

    def set_measure(self, characters: int) -> None:
        """Cap lines at about ``characters`` (0: use the whole width)."""
        self.measure = characters
        self._fit_measure()

    def _fit_measure(self) -> None:
        margins = self.viewportMargins()
        total = self.viewport().width() + margins.left() + margins.right()
        side = 0
        if self.measure:
            wanted = self.measure * QFontMetricsF(self.font()).averageCharWidth() + 2 * self.document().documentMargin()
            side = max(0, int(total - wanted) // 2)
        if side != margins.left():
            self.setViewportMargins(side, 0, side, 0)
            # Qt lays the text out again only on a resize event of a new width, and the viewport's own
            # (from these margins) may come with none: then lines keep the width before the margins,
            # running past the pane's edge with a horizontal scroll bar (a window sized before shown)
            QPlainTextEdit.resizeEvent(self, QResizeEvent(self.size(), QSize()))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "highlighter"):  # light <-> dark
            self.relayout()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_measure()

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
        """Repaint these paragraphs where they are on screen: that region only, not the whole view
        (unless a paragraph needs more or fewer bar slots: then the paragraphs below it move).

        Paragraphs off screen are skipped: asking where one is would lay out the paragraphs in between.
        """
        if self.decorations.invalidate(blocks):
            self.viewport().update()
        else:
            self._update_blocks(blocks)

    def _update_blocks(self, blocks: list[QTextBlock]) -> None:
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
        # nothing a paint does changes the room a paragraph needs, nor where it is: each is worked out once
        self._spacing_in_paint, self.reading_layout.in_paint = {}, {}
        try:
            self._paint(event)
        finally:
            self._spacing_in_paint = self.reading_layout.in_paint = None

    def _paint(self, event: QPaintEvent) -> None:
        blocks = list(self.visible_blocks())
        self.highlighter.format_blocks(blocks)  # before Qt draws them
        super().paintEvent(event)
        painter = QPainter(self.viewport())
        paragraphs = self.paragraphs_on_screen(blocks)
        for paragraph in paragraphs:
            for extra, first_slot in zip(self.extra_painters, paragraph.first_slots):
                paragraph.first_slot = first_slot
                extra.paint(painter, paragraph)
            paragraph.first_slot = paragraph.first_slots[-1]
            self.decorations.paint(painter, paragraph)
        for extra in self.extra_painters:  # what joins paragraphs (relation arcs) is drawn once, over all
            if hasattr(extra, "finish"):
                extra.finish(painter, paragraphs)
        painter.end()

    def paragraphs_on_screen(self, blocks: list[QTextBlock] | None = None) -> list[Paragraph]:
        """The non-empty paragraphs on screen, each with the first bar slot of every painter
        (the extra painters' first, then the view's own)."""
        offset = self.contentOffset()
        found = []
        for block in self.visible_blocks() if blocks is None else blocks:
            if block.isVisible() and block.length() > 1:
                top = self.blockBoundingGeometry(block).translated(offset).top()
                slots = [0]
                for extra in self.extra_painters:
                    slots.append(slots[-1] + extra.slots(block))
                found.append(Paragraph(self, block, top, slots))
        return found

    # --------------------------------------------------------- selection
    def selection(self) -> tuple[int, int] | None:
        """The selected range in code points, or None."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return self._to_cp(cursor.selectionStart()), self._to_cp(cursor.selectionEnd())

    def cursor_offset(self) -> int:
        """Where the text cursor is, in code points."""
        return self._to_cp(self.textCursor().position())

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
        """Select a span (framed, see ``decorations``): only the paragraphs of the old and new one repaint."""
        old = self.span(self.current_span_id) if self.current_span_id is not None else None
        self.current_span_id = span_id
        span = self.span(span_id) if span_id is not None else None
        if span is not None and scroll:
            self.show_range(span.start, span.end)
        self._repaint_spans([s for s in (old, span) if s is not None])
        self.currentSpanChanged.emit(span_id)

    def show_range(self, start: int, end: int) -> None:
        """Scroll a code-point range into the middle of the view (the text cursor goes to its start)."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.offsets.to_utf16(start))
        self.setTextCursor(cursor)
        self.centerCursor()

    def _repaint_spans(self, spans: list[Span]) -> None:
        self._update_blocks([block for span in spans for block in self.highlighter.blocks(span.start, span.end)])

    def _paint_current(self) -> None:
        span = self.span(self.current_span_id) if self.current_span_id is not None else None
        self._repaint_spans([span] if span is not None else [])

    # -------------------------------------------------------------- zoom
    def zoom(self, steps: int) -> None:
        if steps > 0:
            self.zoomIn(steps)
        elif steps < 0:
            self.zoomOut(-steps)
        self._zoom_steps += steps
        self.highlighter.base_point_size = self.font().pointSizeF()  # headings scale with the text
        self._measure_font()
        self._fit_measure()
        self.relayout()

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

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Select the word under the pointer as the export tokenizes it, not Qt's word (``Trump’s``)."""
        super().mouseDoubleClickEvent(event)
        # Shift: a quick Shift+click after a click extends the selection; it is not a double-click on a word.
        if event.button() == Qt.MouseButton.LeftButton and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            word = word_at(self.text, self.offset_at_point(event.position().toPoint()))
            if word is not None:
                self.select_range(*word)

    def offset_at_point(self, point: QPoint) -> int:
        """The code point of the character under a viewport point (Qt gives the nearest gap between two)."""
        cursor = self.cursorForPosition(point)
        offset = self._to_cp(cursor.position())
        if offset > 0 and point.x() < self.cursorRect(cursor).left():
            offset -= 1
        return offset

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
        if not self._step_word(event):
            super().keyPressEvent(event)

    def _step_word(self, event: QKeyEvent) -> bool:
        """Ctrl+Right / Ctrl+Left (Shift: select) by the export's words, not Qt's: ``U.S.`` is one step."""
        for key, (step, mode) in _WORD_KEYS.items():
            if event.matches(key):
                cursor = self.textCursor()
                cursor.setPosition(self.offsets.to_utf16(step(self.text, self._to_cp(cursor.position()))), mode)
                self.setTextCursor(cursor)
                return True
        return False

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip:
            tips = [p.tooltip_at(event.pos()) for p in self.extra_painters if hasattr(p, "tooltip_at")]
            if any(tips):  # a relation's far-end marker
                QToolTip.showText(event.globalPos(), next(tip for tip in tips if tip), self.viewport())
                return True
            spans = self.spans_at_point(event.pos())
            offset = self.offset_at_point(event.pos())
            lines = [line for provide in self.tooltip_providers for line in provide(offset)]
            if spans or lines:
                text = "<br/>".join(([self.tooltip_text(spans)] if spans else []) + lines)
                QToolTip.showText(event.globalPos(), text, self.viewport())
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


def _valid_headings(headings: Sequence[Sequence[int]], length: int) -> list[tuple[int, int, int]]:
    """The well-formed ``[start, end, level]`` triples inside the text, sorted and not overlapping."""
    found: list[tuple[int, int, int]] = []
    wellformed = (tuple(h) for h in headings if isinstance(h, (list, tuple)) and len(h) == 3
                  and all(isinstance(v, int) and not isinstance(v, bool) for v in h))
    for start, end, level in sorted(wellformed):
        if 0 <= start < end <= length and 1 <= level <= 6 and (not found or start >= found[-1][1]):
            found.append((start, end, level))
    return found


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")
