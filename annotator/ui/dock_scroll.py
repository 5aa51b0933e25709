"""A tall panel in a dock that scrolls rather than make the window taller than the screen.

Docks stacked in one column add up their minimum heights, and the main window grows to hold them:
entering review mode (its panel beside the actors form) grew a 950-px window to 1072 px on a
1000-px screen. In a ``ScrollingPanel`` the panel keeps its width and scrolls when the column is short.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

SHORTEST = 120  # pixels: the least height the panel asks of its column


class ScrollingPanel(QScrollArea):
    def __init__(self, panel: QWidget) -> None:
        super().__init__()
        self.setObjectName(f"{panel.objectName() or 'panel'}Scroll")
        self.setWidget(panel)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        inner = self.widget().minimumSizeHint()
        return QSize(inner.width() + self.verticalScrollBar().sizeHint().width(), min(inner.height(), SHORTEST))

    def sizeHint(self) -> QSize:  # noqa: N802
        inner = self.widget().sizeHint()
        return QSize(inner.width() + self.verticalScrollBar().sizeHint().width(), inner.height())
