"""Paints spans into the text view, one paragraph (block) at a time.

The spans shown and how each looks are data: a list of spans plus a style
function (span -> SpanStyle). Annotation mode shows one annotator's spans in
their label colours; review mode can pass several annotators' spans with a
style per annotator. Outer spans get a background, spans nested inside another
get an underline, so overlaps stay visible. Positions are converted between
code points (stored) and UTF-16 (Qt) only through Utf16Map.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import SIGNAL, SLOT, QObject
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextBlock, QTextCharFormat, QTextDocument

from annotator.core.intervals import IntervalIndex, nested_ids
from annotator.core.model import Span
from annotator.core.offsets import Utf16Map

UNDERLINES = {
    "single": QTextCharFormat.UnderlineStyle.SingleUnderline,
    "dash": QTextCharFormat.UnderlineStyle.DashUnderline,
    "dot": QTextCharFormat.UnderlineStyle.DotLine,
    "wave": QTextCharFormat.UnderlineStyle.WaveUnderline,
}


@dataclass(frozen=True)
class SpanStyle:
    color: str  # "#rrggbb"
    role: str = "auto"  # "auto" (outer: background, nested: underline), "background" or "underline"
    underline: str = "single"  # a key of UNDERLINES


StyleFunction = Callable[[Span], SpanStyle]


def label_style(colors: dict[str, str]) -> StyleFunction:
    """The annotation-mode style: each span in its label's colour."""
    return lambda span: SpanStyle(colors.get(span.label, "#999999"))


def light(color: str, amount: float = 0.55) -> QColor:
    """The label colour blended towards white, so black text stays readable on it."""
    c = QColor(color)
    return QColor(round(c.red() + (255 - c.red()) * amount), round(c.green() + (255 - c.green()) * amount),
                  round(c.blue() + (255 - c.blue()) * amount))


class SpanHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.index: IntervalIndex[Span] = IntervalIndex()
        self.style: StyleFunction = label_style({})
        self.offsets = Utf16Map("")
        self._formats: dict[tuple, QTextCharFormat] = {}
        # Blocks are painted lazily: setPlainText runs highlightBlock for every block, which
        # would cost ~100 ms on a 2 MB text; instead the view asks for the visible ones.
        self.armed = False
        self.done: set[int] = set()
        # (start, end) in code points while only the spans touching that range are known
        # (a document is shown before all its spans are read); None once all are.
        self.covered: tuple[int, int] | None = None

    def configure(self, offsets: Utf16Map, spans: list[Span], style: StyleFunction,
                  covered: tuple[int, int] | None = None) -> None:
        """Set the spans and style without repainting (the caller sets text or rehighlights).

        ``covered``: ``spans`` are only those touching this range; blocks outside it must
        wait for ``complete``.
        """
        self.offsets = offsets
        self.index = IntervalIndex(spans)
        self.style = style
        self.covered = covered
        self._formats.clear()
        self.done.clear()

    def complete(self, spans: list[Span]) -> None:
        """All spans are known now. Blocks painted so far lay inside the covered range,
        so they already showed every span touching them and need no repaint."""
        self.index = IntervalIndex(spans)
        self.covered = None

    def covers(self, start: int, end: int) -> bool:
        """True if the spans known are all those touching [start, end)."""
        return self.covered is None or (self.covered[0] <= start and end <= self.covered[1])

    @contextmanager
    def detached(self) -> Iterator[None]:
        """Replace the document's text without a highlightBlock call per paragraph.

        Qt reformats every block of a new text (~12 ms for 2 MB, all to paint nothing:
        painting is lazy). The connection is Qt's private slot; if a Qt version lacks
        it, nothing is detached and only that time is lost.
        """
        signal, slot = SIGNAL("contentsChange(int,int,int)"), SLOT("_q_reformatBlocks(int,int,int)")
        document = self.document()
        try:
            detached = bool(QObject.disconnect(document, signal, self, slot))
        except (RuntimeError, TypeError):
            detached = False
        try:
            yield
        finally:
            if detached:
                QObject.connect(document, signal, self, slot)

    # ------------------------------------------------------------- painting
    def highlightBlock(self, _text: str) -> None:  # noqa: N802 (Qt name)
        block = self.currentBlock()
        if not self.armed:
            return
        self.done.add(block.blockNumber())
        utf16_start = block.position()
        utf16_len = block.length() - 1  # without the paragraph separator; never read the text
        if utf16_len <= 0 or not len(self.index):
            return
        start = self.offsets.to_codepoint(utf16_start)
        end = self.offsets.to_codepoint(utf16_start + utf16_len)
        spans = self.index.overlapping(start, end)
        if not spans:
            return
        inner = nested_ids(spans)
        cuts = sorted({start, end} | {max(s.start, start) for s in spans} | {min(s.end, end) for s in spans})
        for a, b in zip(cuts, cuts[1:]):
            covering = [s for s in spans if s.start <= a and s.end >= b]
            if covering:
                fmt = self._format(covering, inner)
                pos = self.offsets.to_utf16(a) - utf16_start
                self.setFormat(pos, self.offsets.to_utf16(b) - utf16_start - pos, fmt)

    def _format(self, covering: list[Span], inner: set[int]) -> QTextCharFormat:
        background: SpanStyle | None = None
        underline: SpanStyle | None = None
        for span in covering:  # text order: outer first, so the innermost wins each role
            style = self.style(span)
            role = style.role if style.role != "auto" else ("underline" if span.id in inner else "background")
            if role == "background":
                if background is not None and background.color != style.color:
                    underline = underline or background  # crossing spans: keep the other one visible
                background = style
            else:
                underline = style
        key = (background, underline)
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = QTextCharFormat()
            if background is not None:
                fmt.setBackground(light(background.color))
            if underline is not None:
                fmt.setUnderlineStyle(UNDERLINES.get(underline.underline, UNDERLINES["single"]))
                fmt.setUnderlineColor(QColor(underline.color).darker(115))
            self._formats[key] = fmt
        return fmt

    # ------------------------------------------------------- partial updates
    def ensure_blocks(self, blocks: Iterable[QTextBlock]) -> None:
        """Highlight these blocks if not done yet (the view passes the visible ones)."""
        for block in blocks:
            if block.blockNumber() not in self.done:
                self._rehighlight(block)

    def _rehighlight(self, block: QTextBlock) -> None:
        self.armed = True
        try:
            self.rehighlightBlock(block)
        finally:
            self.armed = False

    def rehighlight_all(self) -> None:
        self.armed = True
        try:
            self.rehighlight()
        finally:
            self.armed = False

    def rehighlight_range(self, start: int, end: int) -> None:
        """Repaint only the blocks a code-point range touches (those not painted yet wait for the view)."""
        document = self.document()
        block = document.findBlock(self.offsets.to_utf16(start))
        last = document.findBlock(self.offsets.to_utf16(max(start, end - 1)))
        while block.isValid():
            if block.blockNumber() in self.done:
                self._rehighlight(block)
            if block == last:
                break
            block = block.next()

    def add_span(self, span: Span) -> None:
        self.index.add(span)
        self.rehighlight_range(span.start, span.end)

    def remove_span(self, span_id: int) -> None:
        span = self.index.remove(span_id)
        if span is not None:
            self.rehighlight_range(span.start, span.end)
