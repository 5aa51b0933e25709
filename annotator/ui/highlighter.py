"""Paints spans into the text view: one set of character formats per paragraph (block).

The spans shown and how each looks are data: a list of spans plus a style
function (span -> SpanStyle). Annotation mode shows one annotator's spans in
their label colours; review mode can pass several annotators' spans with a
style per annotator. Spans get a level each (``stack_levels``): level 0 gets a
background here, a span nested in or crossing another gets a bar under the text,
painted by ``decorations``. Headings (from the document's meta) get a larger bold
font. Positions are converted between code points (stored) and UTF-16 (Qt) only
through Utf16Map.

A paragraph gets its formats when it is first painted (``format_blocks``, called by
the view before each paint), so opening a document costs the same whatever its length:
the spans are indexed once, and the few paragraphs on screen are formatted. Off-screen
paragraphs are formatted as they scroll into view. One span added or removed
re-formats only the paragraphs it touches.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import NamedTuple

from PySide6.QtCore import SIGNAL, SLOT, QObject
from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextBlock, QTextCharFormat, QTextDocument, QTextLayout

from annotator.core.intervals import IntervalIndex, pieces, stack_levels
from annotator.core.model import Span
from annotator.core.offsets import Utf16Map

UNDERLINES = {
    "single": QTextCharFormat.UnderlineStyle.SingleUnderline,
    "dash": QTextCharFormat.UnderlineStyle.DashUnderline,
    "dot": QTextCharFormat.UnderlineStyle.DotLine,
    "wave": QTextCharFormat.UnderlineStyle.WaveUnderline,
}


class SpanStyle(NamedTuple):
    """How one span looks. A NamedTuple: formats are cached by style, and hashing one
    happens for every span of a document."""

    color: str  # "#rrggbb"
    role: str = "auto"  # "auto" (level 0: background, nested or crossing: a bar), "background" or "underline"
    underline: str = "single"  # a key of UNDERLINES


StyleFunction = Callable[[Span], SpanStyle]
Piece = tuple[int, int, tuple[Span, ...]]


def label_style(colors: dict[str, str]) -> StyleFunction:
    """The annotation-mode style: each span in its label's colour (one style object per label)."""
    styles = {name: SpanStyle(color) for name, color in colors.items()}
    unknown = SpanStyle("#999999")
    return lambda span: styles.get(span.label, unknown)


HEADING_SCALE = {1: 1.6, 2: 1.4, 3: 1.25, 4: 1.15, 5: 1.1, 6: 1.05}


class SpanHighlighter(QSyntaxHighlighter):
    """Formats each paragraph from an interval index of spans.

    A QSyntaxHighlighter, so ``rehighlight``/``rehighlightBlock`` work as Qt documents
    them; but the view's own updates bypass them. Qt's per-paragraph path lays the
    paragraph out at once (~150 us each: ~350 ms for a 2 MB text) and repaints the whole
    viewport for one changed paragraph. Here formats go straight onto each paragraph's
    layout, which Qt lays out again lazily when it paints it, and the view repaints
    only the paragraphs changed (``reformat`` returns them).
    """

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.index = IntervalIndex()
        self.style: StyleFunction = label_style({})
        self.offsets = Utf16Map("")
        self._astral = False  # some character takes two UTF-16 positions: convert every offset
        self._formats: dict[tuple, QTextCharFormat] = {}
        self._pool: list[QTextLayout.FormatRange] = []  # reused: setFormats copies them
        self._formatted: set[int] = set()  # numbers of the blocks whose formats match the spans and style
        self._replacing = False  # the text is being replaced (see detached)
        self.hidden: frozenset[str] = frozenset()  # labels whose spans are not shown
        self.headings: list[tuple[int, int, int]] = []  # (start, end, level), code points, by start
        self.base_point_size = 11.0
        self.tint: Callable[[str], QColor] = lambda color: QColor(color)

    def configure(self, offsets: Utf16Map, spans: Sequence[Span], style: StyleFunction) -> None:
        """Set the spans and style; each paragraph is formatted again when next painted (``format_blocks``)."""
        self.offsets = offsets
        self._astral = offsets.has_astral
        self.index = IntervalIndex(spans)
        self.style = style
        self.invalidate()

    def invalidate(self) -> None:
        """Format every paragraph afresh when next painted (after a change of style, fonts or hidden labels)."""
        self._formats.clear()
        self._formatted.clear()

    def shown_spans(self, block: QTextBlock) -> list[Span]:
        """The spans touching a paragraph whose labels are shown, in text order."""
        _, start, end = self._bounds(block)
        return self._shown(start, end)

    def _shown(self, start: int, end: int) -> list[Span]:
        spans = self.index.overlapping(start, end)
        hidden = self.hidden
        return [span for span in spans if span.label not in hidden] if hidden else spans

    @contextmanager
    def detached(self) -> Iterator[None]:
        """Replace the document's text without a highlightBlock call per paragraph.

        Qt reformats every block of a new text (~12 ms for 2 MB, for nothing: paragraphs
        are formatted when painted). The connection is Qt's private slot; if a Qt version lacks it, nothing
        is detached, highlightBlock returns at once and only that time is lost.
        """
        signal, slot = SIGNAL("contentsChange(int,int,int)"), SLOT("_q_reformatBlocks(int,int,int)")
        document = self.document()
        try:
            detached = bool(QObject.disconnect(document, signal, self, slot))
        except (RuntimeError, TypeError):
            detached = False
        self._replacing = True
        try:
            yield
        finally:
            self._replacing = False
            if detached:
                QObject.connect(document, signal, self, slot)

    # ------------------------------------------------------- painted blocks
    def format_blocks(self, blocks: Iterable[QTextBlock]) -> None:
        """Give each of ``blocks`` (those about to be painted) its formats, unless it has them."""
        for block in blocks:
            number = block.blockNumber()
            if number not in self._formatted:
                self._format_block(block)
                self._formatted.add(number)

    def _format_block(self, block: QTextBlock) -> None:
        """Set the block's formats straight on its layout (Qt lays it out again when it paints it)."""
        pool, used = self._pool, 0
        for start, length, fmt in self._ranges(block):
            if used == len(pool):
                pool.append(QTextLayout.FormatRange())
            target = pool[used]
            target.start, target.length, target.format = start, length, fmt
            used += 1
        block.layout().setFormats(pool[:used])

    def _bounds(self, block: QTextBlock) -> tuple[int, int, int]:
        """The block's UTF-16 position, and its text's code-point range (without the separator)."""
        position = block.position()
        end = position + block.length() - 1
        if self._astral:
            return position, self.offsets.to_codepoint(position), self.offsets.to_codepoint(end)
        return position, position, end

    def _ranges(self, block: QTextBlock) -> Iterator[tuple[int, int, QTextCharFormat]]:
        """(UTF-16 start within the block, length, format) of each piece of span touching the block."""
        position, start, end = self._bounds(block)
        found, formats = self._local(start, end)
        if self.headings:
            found, formats = self._heading_ranges(start, end) + found, self._heading_formats(start, end) + formats
        to_utf16 = self.offsets.to_utf16 if self._astral else None
        for (a, b, _), fmt in zip(found, formats):
            a, b = (a if a > start else start), (b if b < end else end)
            if a < b:  # (a span may run across an empty paragraph)
                if to_utf16 is not None:
                    a, b = to_utf16(a), to_utf16(b)
                yield a - position, b - a, fmt

    def _local(self, start: int, end: int) -> tuple[list[Piece], list[QTextCharFormat]]:
        """The pieces (and their formats) of the spans touching a code-point range."""
        spans = self._shown(start, end)
        levels = stack_levels(spans) if len(spans) > 1 else {}
        found = pieces(spans)
        return found, [self._format(covering, levels) for _, _, covering in found]

    def _headings_in(self, start: int, end: int) -> list[tuple[int, int, int]]:
        first = bisect.bisect_right(self.headings, start, key=lambda h: h[1])
        found = []
        for heading in self.headings[first:]:
            if heading[0] >= end:
                break
            found.append(heading)
        return found

    def _heading_ranges(self, start: int, end: int) -> list[Piece]:
        return [(a, b, ()) for a, b, _ in self._headings_in(start, end)]

    def _heading_formats(self, start: int, end: int) -> list[QTextCharFormat]:
        return [self._heading_format(level) for _, _, level in self._headings_in(start, end)]

    def _heading_format(self, level: int) -> QTextCharFormat:
        key = ("heading", level)
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = QTextCharFormat()
            fmt.setFontPointSize(self.base_point_size * HEADING_SCALE.get(level, 1.0))
            fmt.setFontWeight(QFont.Weight.Bold)
            self._formats[key] = fmt
        return fmt

    # ------------------------------------------------------- partial updates
    def reformat(self, start: int, end: int) -> list[QTextBlock]:
        """Format again the painted paragraphs a code-point range touches (the rest wait for their first paint);
        returns every paragraph it touches, for repainting."""
        changed = self.blocks(start, end)
        for block in changed:
            if block.blockNumber() in self._formatted:  # the others get their formats when first painted
                self._format_block(block)
        return changed

    def blocks(self, start: int, end: int) -> list[QTextBlock]:
        """The paragraphs a code-point range touches."""
        document = self.document()
        block = document.findBlock(self.offsets.to_utf16(start))
        last = document.findBlock(self.offsets.to_utf16(max(start, end - 1)))
        found = []
        while block.isValid():
            found.append(block)
            if block == last:
                break
            block = block.next()
        return found

    def add_span(self, span: Span) -> list[QTextBlock]:
        self.index.add(span)
        return self.reformat(span.start, span.end)

    def remove_span(self, span_id: int) -> list[QTextBlock]:
        span = self.index.remove(span_id)
        return self.reformat(span.start, span.end) if span is not None else []

    def highlightBlock(self, _text: str) -> None:  # noqa: N802 (Qt's name; for Qt's own rehighlight calls)
        if not self._replacing:
            for start, length, fmt in self._ranges(self.currentBlock()):
                self.setFormat(start, length, fmt)

    def _format(self, covering: tuple[Span, ...], levels: dict[int, int]) -> QTextCharFormat:
        """A piece's format: the background of its level-0 span (the other levels are bars, painted)."""
        background: SpanStyle | None = None
        underline: SpanStyle | None = None
        for span in covering:  # text order: outer first, so the innermost wins each role
            style = self.style(span)
            if style.role == "underline":
                underline = style
            elif style.role == "background" or levels.get(span.id, 0) == 0:
                background = style
        key = (background, underline)
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = QTextCharFormat()
            if background is not None:
                fmt.setBackground(self.tint(background.color))
            if underline is not None:
                fmt.setUnderlineStyle(UNDERLINES.get(underline.underline, UNDERLINES["single"]))
                fmt.setUnderlineColor(QColor(underline.color).darker(115))
            self._formats[key] = fmt
        return fmt
