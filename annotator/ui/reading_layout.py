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
from typing import NamedTuple

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QTextBlock, QTextDocument
from PySide6.QtWidgets import QPlainTextDocumentLayout


class Spacing(NamedTuple):
    above: float = 0.0  # pixels above each line (label tags)
    below: float = 0.0  # pixels below each line (leading, underline bars, lanes)
    after: float = 0.0  # pixels after the paragraph


class ReadingLayout(QPlainTextDocumentLayout):
    def __init__(self, document: QTextDocument, spacing: Callable[[QTextBlock], Spacing]) -> None:
        super().__init__(document)
        self.spacing = spacing

    def blockBoundingRect(self, block: QTextBlock) -> QRectF:  # noqa: N802 (Qt's name)
        rect = super().blockBoundingRect(block)  # lays the paragraph out if it is not
        layout = block.layout()
        count = layout.lineCount()
        if not count or not block.isVisible():
            return rect
        room = self.spacing(block)
        y = 0.0
        for n in range(count):
            line = layout.lineAt(n)
            y += room.above
            if line.y() != y:
                line.setPosition(QPointF(line.x(), y))
            y += line.height() + room.below
        height = y + room.after
        if not block.next().isValid():
            height += self.document().documentMargin()
        return QRectF(rect.x(), rect.y(), rect.width(), height)
