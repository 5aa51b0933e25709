"""Linking with the mouse: Ctrl+drag from one span and release on another, then pick the relation label.

A plain drag still selects text and Alt+drag still selects exactly; only a Ctrl press on a span starts
a link (a Ctrl press on plain text goes to the view as before). While dragging, a dashed arc runs from
the span to the span under the pointer; on release a menu offers the relation labels whose rule fits
the two ends (Esc or a click elsewhere links nothing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QMouseEvent

from annotator.core.model import Span

if TYPE_CHECKING:
    from annotator.ui.relation_linking import RelationControls

LINK_MODIFIER = Qt.KeyboardModifier.ControlModifier


class RelationDrag(QObject):
    def __init__(self, controls: RelationControls) -> None:
        super().__init__(controls)
        self.controls = controls
        self.view = controls.view
        self.dragging = False
        self.view.viewport().installEventFilter(self)

    def span_at(self, point: QPoint) -> Span | None:
        """The innermost span under the pointer (not the nearest one beside it)."""
        spans = self.view.spans_at(self.view.offset_at_point(point))
        return spans[-1] if spans else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind not in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.MouseButtonRelease):
            return False
        assert isinstance(event, QMouseEvent)
        point = event.position().toPoint()
        if kind == QEvent.Type.MouseButtonPress:
            if event.button() != Qt.MouseButton.LeftButton or not event.modifiers() & LINK_MODIFIER:
                return False
            head = self.span_at(point)
            if head is None:
                return False
            self.dragging = True
            self.view.viewport().setCursor(Qt.CursorShape.CrossCursor)
            self.controls.drag_from(head)
            return True
        if not self.dragging:
            return False
        if kind == QEvent.Type.MouseMove:
            self.controls.drag_over(self.span_at(point))
            return True
        if event.button() == Qt.MouseButton.LeftButton:
            self.dragging = False
            self.view.viewport().unsetCursor()
            self.controls.drop_on(self.span_at(point), self.view.viewport().mapToGlobal(point))
        return True
