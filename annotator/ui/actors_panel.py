"""The actor list in the window: the Actors dock (entries with span and document counts, their
mentions, editing, merging, deleting), linking the selected span (``@``, ``ActorLinkBar``), the spans
list's Actor column and the span's link shown under its attributes.

Nothing here runs while a document opens: the Actor column reads the names of the rows it paints
(one query per paint, on the next event-loop turn), the dock its list only while it is shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, QStringListModel, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QAbstractItemView, QCompleter, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QPushButton, QTableView, QVBoxLayout, QWidget)

from annotator.core.actors import Actor, ActorCount, actor_key, actor_name, parse_aliases
from annotator.core.model import Span
from annotator.ui.actor_commands import (ActorNotifier, DeleteActorCommand, EditActorCommand, LinkActorCommand,
                                         MergeActorsCommand)
from annotator.ui.actions import menu_action
from annotator.ui.actor_link import ActorLinkBar, EnterWithCompletion
from annotator.ui.spans_panel import ACTOR_COLUMN

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

LINK_ACTOR_KEY = "@"
FOCUS_ACTORS_KEYS = "Ctrl+Shift+J"
HEADERS = ("Actor", "kb_id", "Spans", "Docs")


class ActorTableModel(QAbstractTableModel):
    """Entries with their counts, filtered by a typed prefix of a name or alias."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.all: list[ActorCount] = []
        self.rows: list[ActorCount] = []
        self.matching: set[int] | None = None  # the entries a filter keeps (the store finds them); None: all

    def set_rows(self, rows: list[ActorCount]) -> None:
        self.beginResetModel()
        self.all = rows
        self.rows = self._filtered()
        self.endResetModel()

    def set_filter(self, matching: set[int] | None) -> None:
        self.matching = matching
        self.set_rows(self.all)

    def _filtered(self) -> list[ActorCount]:
        if self.matching is None:
            return list(self.all)
        return [row for row in self.all if row.actor.id in self.matching]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.actor.name, row.actor.kb_id, row.spans, row.documents)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(filter(None, ("aka " + "; ".join(row.actor.aliases) if row.actor.aliases else "",
                                           row.actor.note or "")))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def row_of(self, actor_id: int) -> int | None:
        return next((n for n, row in enumerate(self.rows) if row.actor.id == actor_id), None)

    def update_counts(self, counts: list[ActorCount]) -> None:
        """New counts of some entries: their rows change in place (no reset of a list of 50,000)."""
        by_id = {count.actor.id: count for count in counts}
        self.all = [by_id.get(row.actor.id, row) for row in self.all]
        for n, row in enumerate(self.rows):
            if row.actor.id in by_id:
                self.rows[n] = by_id[row.actor.id]
                self.dataChanged.emit(self.index(n, 0), self.index(n, len(HEADERS) - 1))


class ActorsPanel(QWidget):
    """The Actors dock: filter, list, the selected entry's fields and mentions, merge and delete."""

    def __init__(self, controls: ActorControls) -> None:
        super().__init__()
        self.controls = controls
        self.filter = QLineEdit(placeholderText="Filter actors", clearButtonEnabled=True)
        self.filter.setObjectName("actorFilter")
        self.model = ActorTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("actorTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.name, self.aliases, self.external_id, self.note = (QLineEdit() for _ in range(4))
        for widget, name in ((self.name, "actorEditName"), (self.aliases, "actorEditAliases"),
                             (self.external_id, "actorEditExternalId"), (self.note, "actorEditNote")):
            widget.setObjectName(name)
            widget.returnPressed.connect(self.save)
        self.aliases.setPlaceholderText("separated by ;")
        self.external_id.setPlaceholderText("e.g. Wikidata Q56226")
        self.merge_into = QLineEdit(placeholderText="another actor's name, Enter")
        self.merge_into.setObjectName("actorMergeInto")
        self.merge_model = QStringListModel(self)
        completer = QCompleter(self.merge_model, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.merge_into.setCompleter(completer)
        self.merge_into.textEdited.connect(self._complete_merge)
        EnterWithCompletion(self.merge_into, self.merge)
        self.mentions = QListWidget()
        self.mentions.setObjectName("actorMentions")
        self.mentions.itemActivated.connect(self._open_mention)
        save = QPushButton("&Save")
        save.clicked.connect(self.save)
        delete = QPushButton("Delete actor")
        delete.setObjectName("deleteActor")
        delete.clicked.connect(self.delete)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Aliases", self.aliases)
        form.addRow("External id", self.external_id)
        form.addRow("Note", self.note)
        form.addRow("Merge into", self.merge_into)
        buttons = QHBoxLayout()
        buttons.addWidget(save)
        buttons.addStretch(1)
        buttons.addWidget(delete)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 3)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(QLabel("Mentions (Enter opens):"))
        layout.addWidget(self.mentions, 1)
        self.filter.textChanged.connect(self._filter)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.show_selected())
        self.table.activated.connect(lambda _index: self.mentions.setFocus())

    # ------------------------------------------------------------------ reading
    def reload(self) -> None:
        """Read the list again, keeping the selected entry selected."""
        selected = self.selected()
        self.model.set_rows(self.controls.window.project.actor_counts())
        self.select(selected.id if selected else None)

    def _filter(self, text: str) -> None:
        selected = self.selected()
        typed = actor_key(actor_name(text))
        self.model.set_filter(self.controls.window.project.actor_ids_matching(typed) if typed else None)
        self.select(selected.id if selected else None)

    def selected(self) -> Actor | None:
        row = self.table.currentIndex().row()
        return self.model.rows[row].actor if 0 <= row < len(self.model.rows) else None

    def select(self, actor_id: int | None) -> None:
        row = self.model.row_of(actor_id) if actor_id is not None else None
        if row is not None:
            self.table.setCurrentIndex(self.model.index(row, 0))
            self.table.scrollTo(self.model.index(row, 0))
        self.show_selected()

    def show_selected(self) -> None:
        actor = self.selected()
        self.name.setText(actor.name if actor else "")
        self.aliases.setText("; ".join(actor.aliases) if actor else "")
        self.external_id.setText(actor.external_id or "" if actor else "")
        self.note.setText(actor.note or "" if actor else "")
        self.mentions.clear()
        if actor is None:
            return
        for mention in self.controls.window.project.actor_mentions(actor.id, limit=2000):
            before, words, after = (" ".join(part.split()) for part in (mention.before, mention.text, mention.after))
            item = QListWidgetItem(f"{mention.title or mention.doc_id}: …{before} [{words}] {after}…")
            item.setToolTip(f"{mention.label} span of {mention.annotator}")
            item.setData(Qt.ItemDataRole.UserRole, (mention.doc_id, mention.span_id, mention.annotator))
            self.mentions.addItem(item)
        if self.mentions.count():
            self.mentions.setCurrentRow(0)

    def _complete_merge(self, typed: str) -> None:
        selected = self.selected()
        found = self.controls.window.project.complete_actors(typed)
        self.merge_model.setStringList([a.name for a in found if selected is None or a.id != selected.id])

    # ------------------------------------------------------------------ editing
    def save(self) -> None:
        actor = self.selected()
        if actor is None:
            return
        edited = Actor(actor.id, actor.uid, self.name.text(), parse_aliases(self.aliases.text()),
                       self.external_id.text().strip() or None, self.note.text().strip() or None)
        if edited != actor:
            self.controls.push(EditActorCommand(*self.controls.command_args(), edited))

    def merge(self) -> None:
        """Merge the selected entry into the one named in "Merge into" (one undo step)."""
        source = self.selected()
        target = self.controls.window.project.actor_named(self.merge_into.text())
        if source is None:
            return
        if target is None or target.id == source.id:
            self.controls.window.statusBar().showMessage(
                f"No other actor called {self.merge_into.text()!r}: type or pick the entry to merge into.", 5000)
            return
        self.merge_into.clear()
        if self.controls.push(MergeActorsCommand(*self.controls.command_args(), source, target)):
            self.select(target.id)

    def delete(self) -> None:
        actor = self.selected()
        if actor is not None:
            self.controls.push(DeleteActorCommand(*self.controls.command_args(), actor))

    def _open_mention(self, item: QListWidgetItem) -> None:
        doc_id, span_id, annotator = item.data(Qt.ItemDataRole.UserRole)
        window = self.controls.window
        if annotator != window.annotator:
            window.statusBar().showMessage(f"That mention is {annotator}'s span; switch annotator to see it.", 5000)
        if window.doc_id != doc_id:
            window.open_document(doc_id)
        window.select_span(span_id, scroll=True)
        window.text_view.setFocus()


class ActorNames:
    """The spans list's Actor column: names of the painted rows, read in one query per paint."""

    def __init__(self, controls: ActorControls) -> None:
        self.controls = controls
        self.names: dict[int, str] = {}
        self.wanted: set[int] = set()
        self.timer = QTimer(controls, singleShot=True, interval=0)
        self.timer.timeout.connect(self.read)

    def get(self, span_id: int, default: str = "") -> str:
        name = self.names.get(span_id)
        if name is None:
            self.wanted.add(span_id)
            self.timer.start()
            return default
        return name

    def read(self) -> None:
        wanted, self.wanted = self.wanted, set()
        found = self.controls.window.project.span_actor_names(wanted)
        for span_id in wanted:
            self.names[span_id] = found.get(span_id, "")
        self.controls.repaint_column()

    def forget(self, span_ids: list[int] | None) -> None:
        if span_ids is None:
            self.names.clear()
        else:
            for span_id in span_ids:
                self.names.pop(span_id, None)
        self.controls.repaint_column()


class ActorControls(QObject):
    """Wires the link bar, the dock, the Actor column and the attribute editor's link line to the window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.notifier = ActorNotifier(self)
        self.bar = ActorLinkBar(self)
        window.centralWidget().layout().addWidget(self.bar)
        self.names = ActorNames(self)
        window.spans_panel.model_.actor_text = self.names
        self.panel = ActorsPanel(self)
        self.dock = window.add_dock("Actors", self.panel, Qt.DockWidgetArea.RightDockWidgetArea, scroll=True)
        window.tabifyDockWidget(window.details_dock, self.dock)
        window.details_dock.raise_()
        self._add_to_panels_menu()
        self.link_line = QLabel()
        self.link_line.setObjectName("actorLinkLine")
        editor = window.attributes.editor
        editor.parentWidget().layout().insertWidget(1, self.link_line)
        self.action = self._action()
        self.focus_action = menu_action(window, window.menus["&View"], "focus_actors", "Go to &actors list",
                                        FOCUS_ACTORS_KEYS, self.show_panel)
        view = window.menus["&View"]
        view.removeAction(self.focus_action)  # after the other "Go to" actions
        after = view.actions()[view.actions().index(window.actions_by_name["focus_spans"]) + 1]
        view.insertAction(after, self.focus_action)
        self.notifier.linksChanged.connect(self._links_changed)
        self.notifier.actorsChanged.connect(self._actors_changed)
        self.notifier.countsChanged.connect(self._counts_changed)
        self.dock.visibilityChanged.connect(lambda shown: shown and self.panel.reload())
        window.text_view.currentSpanChanged.connect(lambda _id: self.show_link())
        window.documentOpened.connect(lambda _doc: self.show_link())
        window.spans_panel.model_.modelReset.connect(lambda: self.names.forget(None))
        window.notifier.changed.connect(self._spans_changed)
        window.notifier.projectChanged.connect(self._spans_changed)
        window.notifier.spanAdded.connect(lambda span: self.names.forget([span.id]))

    def _action(self) -> QAction:
        menu = self.window.menus["&Edit"]
        action = menu_action(self.window, menu, "link_actor", "&Link span to actor...", LINK_ACTOR_KEY, self.open_bar)
        menu.removeAction(action)  # beside the other edits of the selected span
        menu.insertAction(self.window.actions_by_name["copy_span"], action)
        return action

    def _add_to_panels_menu(self) -> None:
        for menu in self.window.menus["&View"].findChildren(type(self.window.menus["&View"])):
            if menu.title() == "&Panels":
                menu.addAction(self.dock.toggleViewAction())

    def command_args(self) -> tuple[Any, Any, ActorNotifier]:
        return self.window.project, self.window.notifier, self.notifier

    def push(self, command: Any) -> bool:
        return self.window.push(command)

    # ------------------------------------------------------------------ linking
    def open_bar(self) -> None:
        span = self.window.current_span()
        if span is None:
            self.window.statusBar().showMessage("Select a span (click it, or use [ and ]) to link it to an actor.", 4000)
            return
        self.bar.open_for(span)

    def link(self, span: Span, actor: Actor | None) -> None:
        self.push(LinkActorCommand(*self.command_args(), span.id, actor_id=actor.id if actor else None,
                                   shown=actor.name if actor else ""))

    def link_new(self, span: Span, name: str) -> None:
        self.push(LinkActorCommand(*self.command_args(), span.id, new_name=name))

    # ------------------------------------------------------------------ showing
    def show_link(self) -> None:
        span = self.window.current_span()
        actor = self.window.project.span_actor(span.id) if span is not None else None
        if span is None:
            self.link_line.setText("")
        elif actor is None:
            self.link_line.setText(f"Actor: none ({LINK_ACTOR_KEY} links)")
        else:
            self.link_line.setText(f"Actor: {actor.name} ({actor.kb_id})")

    def repaint_column(self) -> None:
        model = self.window.spans_panel.model_
        if model.rowCount():
            model.dataChanged.emit(model.index(0, ACTOR_COLUMN), model.index(model.rowCount() - 1, ACTOR_COLUMN))

    def _links_changed(self, span_ids: list[int] | None) -> None:
        self.names.forget(span_ids)
        self.show_link()

    def _spans_changed(self, _changes: object = None) -> None:
        """Many spans came or went at once (review, merge, import): their links and entries with them."""
        self.names.forget(None)
        self._actors_changed()

    def _actors_changed(self) -> None:
        if self.dock.isVisible():
            self.panel.reload()

    def _counts_changed(self, actor_ids: list[int]) -> None:
        if self.dock.isVisible():
            self.panel.model.update_counts(self.window.project.actor_counts(actor_ids))
            selected = self.panel.selected()
            if selected is not None and selected.id in actor_ids:
                self.panel.show_selected()

    def show_panel(self) -> None:
        self.dock.show()
        self.dock.raise_()
        self.panel.reload()
        self.panel.table.setFocus()


def install_actors(window: MainWindow) -> ActorControls:
    window.actors = ActorControls(window)
    return window.actors
