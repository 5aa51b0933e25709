"""Line and paragraph spacing for the text view, without touching the text.

``QPlainTextEdit`` lays paragraphs out lazily, line by line (what keeps a 2 MB report fast),
but its layout ignores block margins and line height. ``QTextEdit`` honours them and lays the
whole document out in the background (seconds for 2 MB). So this keeps Qt's plain layout and
moves its lines afterwards: every paint asks ``blockBoundingRect`` first (a virtual call, so
this override runs), and that is where a paragraph's lines are spread out and its height grown.
Hit testing, cursor rectangles and drawing all read the lines' positions, so they follow.

How much room a paragraph needs is asked of ``spacing`` (the view knows: room above each line
for label tags, below each line for underline bars and review lanes, after the paragraph).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple, TypeVar

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QTextBlock, QTextDocument
from PySide6.QtWidgets import QPlainTextDocumentLayout, QWidget
from shiboken6 import isValid


class Spacing(NamedTuple):
    above: float = 0.0  # pixels above each line (label tags)
    below: float = 0.0  # pixels below each line (leading, underline bars, lanes)
    after: float = 0.0  # pixels after the paragraph
    lines_with_room: frozenset[int] = frozenset()  # these lines (numbers in the paragraph) get ``line_room`` more
    line_room: float = 0.0  # above them (relation arcs: only lines where an arc ends need room for it)


T = TypeVar("T")


def once_per_paint(memo: dict[int, T] | None, block: QTextBlock, work_out: Callable[[QTextBlock], T]) -> T:
    """``work_out(block)``, kept in ``memo`` (by block number) while the view paints (``memo`` is then a
    dict): a paint asks ~6 times per paragraph on screen (Qt, each painter), nothing it does changes the answer."""
    if memo is None:
        return work_out(block)
    number = block.blockNumber()
    found = memo.get(number)
    if found is None:
        found = memo[number] = work_out(block)
    return found


class ReadingLayout(QPlainTextDocumentLayout):
    def __init__(self, document: QTextDocument, view: QWidget, spacing: Callable[[QTextBlock], Spacing]) -> None:
        super().__init__(document)
        self.setParent(document)  # owned by the document (Qt deletes it with it), not by Python: else both would
        self.view = view
        self.spacing = spacing
        # block number -> ((line count, spacing, last line's y and height), height): a paragraph whose
        # lines are where they were put is not walked again (Qt asks for its rectangle often)
        self._placed: dict[int, tuple[tuple[int, Spacing, float, float], float]] = {}
        self.in_paint: dict[int, QRectF] | None = None  # block number -> its rectangle, while the view paints

    def blockBoundingRect(self, block: QTextBlock) -> QRectF:  # noqa: N802 (Qt's name)
        return QRectF(once_per_paint(self.in_paint, block, self._bounding_rect))

    def _bounding_rect(self, block: QTextBlock) -> QRectF:
        rect = super().blockBoundingRect(block)  # lays the paragraph out if it is not
        layout = block.layout()
        count = layout.lineCount()
        if not count or not block.isVisible() or not isValid(self.view):  # (the view is being destroyed:
            return rect  # its document, a child, goes last and must not call back into it)
        room = self.spacing(block)
        last = layout.lineAt(count - 1)
        known = self._placed.get(block.blockNumber())
        key = (count, room, last.y(), last.height())
        if known is not None and known[0] == key:  # placed already, and Qt has not laid it out again since
            return QRectF(rect.x(), rect.y(), rect.width(), known[1])
        y = 0.0
        for n in range(count):
            line = layout.lineAt(n)
            y += room.above + (room.line_room if n in room.lines_with_room else 0.0)
            if line.y() != y:
                line.setPosition(QPointF(line.x(), y))
            y += line.height() + room.below
        height = y + room.after
        if not block.next().isValid():
            height += self.document().documentMargin()
        self._placed[block.blockNumber()] = ((count, room, last.y(), last.height()), height)
        return QRectF(rect.x(), rect.y(), rect.width(), height)

    def placed_spacing(self, block: QTextBlock) -> Spacing | None:
        """The room ``block`` was last placed with (None: not placed since the last ``forget``)."""
        known = self._placed.get(block.blockNumber())
        return known[0][1] if known is not None else None

    def forget(self) -> None:
        """Place every paragraph's lines afresh (the room they need changed)."""
        self._placed.clear()
