"""Relations in the window: the arcs on the text, linking by keyboard and mouse, and the Relations dock.

Keyboard: select a span, press ``R`` (the link key, which no label may take as its hotkey); the
nearest following span of the layer becomes the other end, shown by a dashed arc; ``]`` / ``[``
move it, a relation label's hotkey links with that label, ``Enter`` links with the only label
the two ends allow (or opens a picker when several do), ``Esc`` cancels. Mouse: the span's context
menu has **Link to...**; then click the other span and pick the label.
Each link is one ``AddRelationCommand``; a label the rule refuses is only said in the status bar (nothing
written, the linking goes on). The dock lists every relation of the document and
selecting one scrolls to it; ``Delete``/``Backspace`` in the dock delete the selected relation.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, QPoint, Qt
from PySide6.QtGui import QAction, QColor, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView

from annotator.core.disagreements import collector_paused
from annotator.core.model import LINK_KEY, Span
from annotator.core.relations import Relation, RelationLabel
from annotator.core.wording import with_article
from annotator.ui.commands import AddRelationCommand, DeleteRelationCommand
from annotator.ui.relation_drag import RelationDrag
from annotator.ui.relations_view import RelationPainter
from annotator.ui.spans_panel import RELATIONS_COLUMN

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

_MOVE = {Qt.Key.Key_BracketRight: 1, Qt.Key.Key_BracketLeft: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_Left: -1}
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class RelationControls(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.view = window.text_view
        self.painter = RelationPainter(self.view)
        self.view.extra_painters.append(self.painter)
        self.head: Span | None = None  # linking: from this span
        self.target: Span | None = None
        self.picker: QMenu | None = None
        self.model = RelationListModel(self)
        self.column = RelationColumn(self.view)
        # a one-column table of fixed row height: it lays out only the rows on screen, where after every
        # opening a QListView walked all 3,000 rows of a document (~12 ms) and a QTreeView made an item each (~3 ms)
        self.list = QTableView(objectName="relationsList", showGrid=False, wordWrap=False,
                               selectionBehavior=QTableView.SelectionBehavior.SelectRows,
                               selectionMode=QTableView.SelectionMode.SingleSelection)
        self.list.horizontalHeader().hide()
        self.list.horizontalHeader().setStretchLastSection(True)
        rows = self.list.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.list.fontMetrics().height() + 6)
        self.list.setModel(self.model)
        self.list.selectionModel().currentChanged.connect(lambda current, _old: self._relation_picked(current))
        self.list.installEventFilter(self)
        self.dock = window.add_dock("Relations", self.list, Qt.DockWidgetArea.RightDockWidgetArea)
        self.action = self._action()
        notifier = window.notifier
        notifier.relationsChanged.connect(lambda _doc: self.reload())
        notifier.relationAdded.connect(self._added)
        notifier.relationRemoved.connect(self._removed)
        notifier.spanRemoved.connect(lambda _span: self.reload())
        notifier.spanUpdated.connect(lambda _old, _new: self.reload())
        notifier.changed.connect(lambda _changes: self.reload())
        # (after a reset of the spans list its cells are read afresh anyway: no change notice for them)
        window.spans_panel.model_.modelReset.connect(lambda: self.reload(notify_cells=False))
        self.view.spanClicked.connect(self._clicked)
        self.mouse = RelationDrag(self)

    def _action(self) -> QAction:
        action = QAction("&Link span to...", self.window)
        action.setObjectName("link_span")
        action.setShortcut(QKeySequence(LINK_KEY.upper()))
        action.triggered.connect(self.start)
        self.window.menus["&Edit"].insertAction(self.window.actions_by_name["copy_span"], action)
        self.window.addAction(action)
        self.window.actions_by_name["link_span"] = action
        return action

    # ----------------------------------------------------------- reading
    def reload(self, *, notify_cells: bool = True) -> None:
        """The shown document's relations between shown spans: arcs, the dock list, the spans list's
        column. One query brings each relation with its ends' offsets (no span looked up per relation)."""
        with collector_paused():  # ~20,000 tuples, no cycle: collections of the window's heap cost ~30 ms
            self._reload(notify_cells)

    def _reload(self, notify_cells: bool) -> None:
        window = self.window
        found: list[tuple[Relation, int, int]] = []  # (relation, its head's start, its child's start)
        if window.doc_id is not None:
            starts = window.spans_panel.model_.spans.starts_by_id()
            # the shown layer's only: in review mode the colleagues' 6,000 relations are not gold's arcs
            found = [(relation, starts[relation.head], starts[relation.child])
                     for relation in window.project.layer_relations(window.doc_id, window.annotator)
                     if relation.head in starts and relation.child in starts]
            found.sort(key=itemgetter(1))  # (stable: ties stay in id order)
        relations = [relation for relation, _head, _child in found]
        self.painter.set_relations(relations, window.project.relation_labels(),
                                   [(head, child) for _relation, head, child in found])
        self.model.set_relations(self.view, relations, [head for _relation, head, _child in found],
                                 self.painter.color)  # in text order of the heads
        self._fill_span_column(relations, notify_cells)

    def _fill_span_column(self, relations: list[Relation], notify_cells: bool) -> None:
        """The spans list's Relations column (its words made only for the rows the list shows)."""
        self.column = RelationColumn(self.view, relations)
        model = self.window.spans_panel.model_
        if notify_cells:
            model.set_relation_text(self.column)
        else:
            model.relation_text = self.column

    def _added(self, relation: Relation) -> None:
        """One relation linked (or brought back): its arc, its row in the dock, its ends' rows in the spans
        list; nothing else is read again."""
        head, child = self.view.span(relation.head), self.view.span(relation.child)
        if relation.doc_id != self.window.doc_id or head is None or child is None:
            return
        shown = self.window.spans_panel.model_.spans
        if not (shown.has_id(head.id) and shown.has_id(child.id)):
            return
        self.painter.add(relation, head.start, child.start)
        self.model.insert(relation, head.start)
        self.column.add(relation)
        self._refresh_span_rows(relation)

    def _removed(self, relation: Relation) -> None:
        if relation.id not in self.painter.relations:
            return
        self.painter.remove(relation.id)
        self.model.remove(relation.id)
        self.column.remove(relation)
        self._refresh_span_rows(relation)

    def _refresh_span_rows(self, relation: Relation) -> None:
        model = self.window.spans_panel.model_
        for span_id in (relation.head, relation.child):
            row = model.row_of(span_id)
            if row is not None:
                index = model.index(row, RELATIONS_COLUMN)
                model.dataChanged.emit(index, index)

    def relations_of(self, span_id: int) -> list[Relation]:
        return [r for r in self.painter.relations.values() if span_id in (r.head, r.child)]

    def _relation_picked(self, index: QModelIndex) -> None:
        relation = self.model.relation(index)
        if relation is None:
            return
        self.painter.selected = relation.id
        self.window.select_span(relation.head, scroll=True)
        self.view.viewport().update()

    # ----------------------------------------------------------- linking
    @property
    def linking(self) -> bool:
        return self.head is not None

    def start(self) -> None:
        head = self.window.current_span()
        if head is None:
            self.window.statusBar().showMessage("Select the span to link from first (click it, or ] / [).", 5000)
            return
        self.head = head
        self.target = self._step(head, 1) or self._step(head, -1)
        self.view.installEventFilter(self)
        self._show_pending()

    def cancel(self, message: str = "Linking cancelled.") -> None:
        if self.head is None:
            return
        self.head = self.target = None
        self.view.removeEventFilter(self)
        self.painter.pending = None
        self.view.viewport().update()
        if message:
            self.window.statusBar().showMessage(message, 4000)
        else:  # the linking prompt ends with the linking
            self.window.statusBar().clearMessage()

    def _step(self, from_span: Span, step: int) -> Span | None:
        """The next (or previous) span of the layer in text order, skipping the head."""
        ids = self.window.spans_panel.model_.spans.ids
        if from_span.id not in ids:
            return None
        row = list(ids).index(from_span.id) + step
        while 0 <= row < len(ids):
            span = self.view.span(ids[row])
            if span is not None and (self.head is None or span.id != self.head.id):
                return span
            row += step
        return None

    def _show_pending(self) -> None:
        head, target = self.head, self.target
        assert head is not None
        self.painter.pending = (head.id, target.id if target else None)
        if target is not None:
            self.view.show_range(target.start, target.end)
        keys = " · ".join(f"{lb.hotkey.upper()} {lb.name}" for lb in self.allowed() if lb.hotkey)
        where = f"to “{_short(self.view.text, target)}” ({target.label})" if target else "(no other span)"
        self.window.statusBar().showMessage(
            f"Link “{_short(self.view.text, head)}” ({head.label}) {where}: ] / [ move, "
            f"{keys or 'no relation label fits these two spans'}, Enter picks, Esc cancels")
        self.view.viewport().update()

    def allowed(self) -> list[RelationLabel]:
        if self.head is None or self.target is None:
            return []
        return [lb for lb in self.window.project.relation_labels() if lb.allows(self.head.label, self.target.label)]

    def link(self, label: str, head: Span | None = None, target: Span | None = None) -> None:
        """Link ``head`` to ``target`` (the linking mode's ends when not given) with ``label``."""
        head, target = head or self.head, target or self.target
        if head is None or target is None:
            return
        problem = self.window.project.relation_problem(head.id, target.id, label)
        if problem:  # refused before anything is written: said where the analyst looks, linking goes on
            self.window.statusBar().showMessage(f"Not linked: {problem}.", 8000)
            return
        self.cancel(message="")
        command = AddRelationCommand(self.window.project, self.window.notifier, head, target, label)
        if self.window.push(command):
            self.window.statusBar().showMessage(f"Linked: {label}.", 4000)
        else:  # a failure on disk (push showed it): said where the analyst looks too
            self.window.statusBar().showMessage(f"Not linked: {command.error}", 8000)

    def pick(self) -> None:
        """Enter: link with the only label that fits, else a picker of those that fit."""
        allowed = self.allowed()
        if len(allowed) == 1:
            self.link(allowed[0].name)
        elif allowed:
            self.show_picker(allowed, self.view.viewport().mapToGlobal(self.view.cursorRect().bottomLeft()))
        else:
            self.window.statusBar().showMessage(self._nothing_fits(), 5000)

    def _nothing_fits(self) -> str:
        if self.head is None or self.target is None:
            return "No other span to link to."
        return (f"No relation label goes from {with_article(self.head.label)} span "
                f"to {with_article(self.target.label)} span.")

    def show_picker(self, allowed: list[RelationLabel], at: QPoint, *, cancel_on_close: bool = False) -> QMenu:
        """A menu of the relation labels that fit the two ends (their keys shown); with ``cancel_on_close``
        closing it without a choice ends the linking (the mouse way: nothing else is pending)."""
        head, target = self.head, self.target
        menu = self.picker = QMenu(self.window)
        menu.setObjectName("relationPicker")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for label in allowed:
            menu.addAction(f"{label.name}" + (f"\t{label.hotkey.upper()}" if label.hotkey else ""),
                           lambda name=label.name: self.link(name, head, target))
        if cancel_on_close:
            menu.aboutToHide.connect(lambda: self.cancel(message=""))  # (a choice links the ends it kept)
        menu.popup(at)
        return menu

    # ----------------------------------------------------------- the mouse way (relation_drag)
    def drag_from(self, head: Span) -> None:
        self.cancel(message="")
        self.head, self.target = head, None
        self.painter.pending = (head.id, None)
        self.window.statusBar().showMessage(f"Link “{_short(self.view.text, head)}” ({head.label}): "
                                            "release the mouse on the other span.")
        self.view.viewport().update()

    def drag_over(self, span: Span | None) -> None:
        target = span if span is not None and self.head is not None and span.id != self.head.id else None
        if (target and target.id) != (self.target and self.target.id):
            self.target = target
            self.painter.pending = (self.head.id, target.id if target else None)
            self.view.viewport().update()

    def drop_on(self, span: Span | None, at: QPoint) -> None:
        """The drag ended over ``span``: a picker of the relation labels that fit, or why nothing can be linked."""
        self.drag_over(span)
        allowed = self.allowed()
        if not allowed:
            why = "Drop on another span to link it." if self.target is None else self._nothing_fits()
            self.cancel(message=why)
            return
        self.show_picker(allowed, at, cancel_on_close=True)

    def _clicked(self, span_id: int) -> None:
        """Mouse linking: a click on another span while linking makes it the other end and asks the label."""
        if self.head is None or span_id < 0 or span_id == self.head.id:
            return
        self.target = self.view.span(span_id)
        self._show_pending()
        self.pick()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.list:
            return self._list_key(event)
        if event.type() not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) or not self.linking:
            return False
        assert isinstance(event, QKeyEvent)
        action = self._key_action(event)
        if action is None:
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # the key comes to the view as a key press, not as a window shortcut
            return True
        action()
        return True

    def _list_key(self, event: QEvent) -> bool:
        """Delete/Backspace in the dock delete the selected relation. The window's "delete span" shortcut
        (the same keys) would take them first and delete the relation's head span, the current span:
        the override is accepted so the key comes to the list as a key press."""
        if event.type() not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        assert isinstance(event, QKeyEvent)
        if event.key() not in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) or event.modifiers():
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()
        else:
            self.delete_selected()
        return True

    def _key_action(self, event: QKeyEvent):  # noqa: ANN202 (a bound method or a lambda)
        key = event.key()
        if key in _MOVE and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            return lambda: self._move(_MOVE[key])
        if key == Qt.Key.Key_Escape:
            return self.cancel
        if key in _ENTER and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            return self.pick
        text = event.text().lower()
        for label in self.window.project.relation_labels():
            if label.hotkey and text == label.hotkey:
                return lambda name=label.name: self.link(name)
        return None

    def _move(self, step: int) -> None:
        if self.target is not None:
            self.target = self._step(self.target, step) or self.target
        self._show_pending()

    def delete_selected(self) -> None:
        relation = self.model.relation(self.list.currentIndex())
        if relation is not None:
            self.window.push(DeleteRelationCommand(self.window.project, self.window.notifier, relation))


class RelationColumn:
    """What the spans list's Relations column shows for a span ("said_by → Merkel; ← said_by ..."), made on demand.

    Per span: (relation id, arrow, relation label, the other end's id) of each of its relations.
    """

    def __init__(self, view: Any, relations: Iterable[Relation] = ()) -> None:
        self.view = view
        self.ends: defaultdict[int, list[tuple[int, str, str, int]]] = defaultdict(list)
        for relation_id, _doc, head, child, label, _annotator, _created in relations:  # (3,000 of them per opening)
            self.ends[head].append((relation_id, "→", label, child))
            self.ends[child].append((relation_id, "←", label, head))

    def add(self, relation: Relation) -> None:
        self.ends[relation.head].append((relation.id, "→", relation.label, relation.child))
        self.ends[relation.child].append((relation.id, "←", relation.label, relation.head))

    def remove(self, relation: Relation) -> None:
        for span_id in (relation.head, relation.child):
            self.ends[span_id] = [item for item in self.ends.get(span_id, ()) if item[0] != relation.id]

    def get(self, span_id: int, default: str = "") -> str:
        items = self.ends.get(span_id)
        if not items:
            return default
        text, span = self.view.text, self.view.span
        return "; ".join(f"{label} → {_short(text, span(other))}" if arrow == "→" else
                         f"← {label} {_short(text, span(other))}" for _id, arrow, label, other in items)


class RelationListModel(QAbstractListModel):
    """The document's relations, one row each, its text made only when the list shows the row."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.relations: list[Relation] = []
        self.starts: list[int] = []  # each one's head's start: the rows are in text order of the heads
        self.view: Any = None
        self.color: Any = None
        self._texts: dict[int, str] = {}
        self._colors: dict[str, QColor] = {}

    def set_relations(self, view: Any, relations: list[Relation], starts: list[int], color: Any) -> None:
        self.beginResetModel()
        self.view, self.relations, self.starts, self.color = view, relations, starts, color
        self._texts: dict[int, str] = {}  # relation id -> its row's words, made when first shown
        self._colors: dict[str, QColor] = {}  # relation label -> its rows' colour
        self.endResetModel()

    def insert(self, relation: Relation, head_start: int) -> None:
        row = bisect.bisect_right(self.starts, head_start)
        self.beginInsertRows(QModelIndex(), row, row)
        self.relations.insert(row, relation)
        self.starts.insert(row, head_start)
        self.endInsertRows()

    def remove(self, relation_id: int) -> None:
        row = next((n for n, relation in enumerate(self.relations) if relation.id == relation_id), None)
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.relations[row], self.starts[row]
            self.endRemoveRows()

    def relation(self, index: QModelIndex | QPersistentModelIndex) -> Relation | None:
        return self.relations[index.row()] if index.isValid() and 0 <= index.row() < len(self.relations) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.relations)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _LIST_ROLES:  # (a view asks each cell for ten roles as it paints it)
            return None
        relation = self.relation(index)
        if relation is None:
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            color = self._colors.get(relation.label)
            if color is None:
                color = self._colors[relation.label] = self.color(relation).darker(130)
            return color
        if role == Qt.ItemDataRole.UserRole:
            return relation
        text = self._texts.get(relation.id)
        if text is None:
            head, child = self.view.span(relation.head), self.view.span(relation.child)
            text = self._texts[relation.id] = (f"{_short(self.view.text, head)} ({head.label})  —{relation.label}→  "
                                               f"{_short(self.view.text, child)} ({child.label})")
        return text


_LIST_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole,
                         Qt.ItemDataRole.UserRole})


def _short(text: str, span: Span | None) -> str:
    return _words(text[span.start:span.end]) if span is not None else ""


def _words(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= 40 else words[:37] + "..."


def install_relations(window: MainWindow) -> RelationControls:
    window.relations = RelationControls(window)
    return window.relations
