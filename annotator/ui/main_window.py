"""The annotation workspace: document list, text view, label palette, spans panel, status bar.

Assembly and action handlers only; each widget lives in its own module and every
edit is a QUndoCommand from ``ui/commands.py`` pushed on ``self.undo_stack``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QPoint, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QUndoGroup, QUndoStack
from PySide6.QtWidgets import (QDialog, QDockWidget, QLabel, QMainWindow, QMenu, QToolBar, QVBoxLayout, QWidget)

from annotator.core.changes import Changes
from annotator.core.model import Label, Span, annotator_name_problem, hotkey_problem
from annotator.core.tokens import snap_to_words, trim_whitespace
from annotator.store import Project
from annotator.ui import project_files
from annotator.ui.annotator_dialog import ask_annotator
from annotator.ui.actions import (MENU_ORDER, REDO_KEYS, UNDO_KEYS, WORKSPACE_ACTIONS, ActionSpec, build_actions,
                                  key_sequences)
from annotator.ui.commands import (AddSpanCommand, ChangeNotifier, DeleteSpanCommand, EditCommand,
                                   SetStatusCommand, note_command, relabel_command)
from annotator.ui.damage_check import install_damage_check
from annotator.ui.details_panel import DetailsPanel
from annotator.ui.dock_scroll import ScrollingPanel
from annotator.ui.document_list import DocumentListPanel
from annotator.ui.find_bar import FindBar
from annotator.ui.highlighter import label_style
from annotator.ui.palette import LabelPalette
from annotator.ui.prompts import ask_text, sentence, show_error
from annotator.ui.actors_panel import install_actors
from annotator.ui.attribute_panel import install_attributes
from annotator.ui.relation_linking import install_relations
from annotator.ui.relation_prompts import ask_before_unlinking
from annotator.ui.review_mode import install_review
from annotator.ui.shortcuts import CheatSheet
from annotator.ui.spans_panel import SpansPanel
from annotator.ui.suggestions import install_suggestions
from annotator.ui.text_view import SpanTextView
from annotator.ui.view_settings import ViewSettings


def bindable(label: Label) -> Label:
    """``label`` as the window binds it: without a hotkey that breaks the rules."""
    return label if hotkey_problem(label.hotkey) is None else replace(label, hotkey="")


FEW_SPANS = 20  # a change set up to this size is shown span by span; a bigger one by re-reading the layer


class MainWindow(ViewSettings, QMainWindow):
    documentOpened = Signal(int)  # review mode follows the document shown

    def __init__(self, project: Project, annotator: str, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.project = project
        self.annotator = annotator
        self.settings = settings
        self.doc_id: int | None = None
        self.document = None  # the Document shown (text, title, source, meta)
        self.labels: list[Label] = []
        self.undo_group = QUndoGroup(self)  # one history per layer (each annotator, gold): switching keeps them
        self._undo_stacks: dict[str, QUndoStack] = {}
        self.use_undo_stack(annotator)
        self.notifier = ChangeNotifier(self)
        self.cheat_sheet: CheatSheet | None = None
        self.new_span_options: dict[str, str] = {}  # review mode: gold spans get origin and reviewer
        self._build_widgets()
        self._build_actions()
        self._connect()
        self.reload_labels()
        self.damage_check = install_damage_check(self)
        self.review = install_review(self)
        self.attributes = install_attributes(self)
        self.actors = install_actors(self)
        self.suggestions = install_suggestions(self)
        self.relations = install_relations(self)
        # last: the first document is opened the way any later one is, so every part installed above
        # (relations, attributes, actors, suggestions) shows it through its usual signals
        self.set_project(project)
        self.resize(1280, 800)
        self.resizeDocks([self.documents_dock, self.spans_dock], [300, 400], Qt.Orientation.Horizontal)
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = settings.value("window/state")
        if state is not None:  # which panels are open, and where
            self.restoreState(state)

    @property
    def undo_stack(self) -> QUndoStack:
        """The history of the layer being edited (the annotator's own, or gold in review mode)."""
        return self.undo_group.activeStack()

    def use_undo_stack(self, layer: str) -> QUndoStack:
        """Make ``layer``'s history the one Undo and Redo work on; a layer met again gets its history back."""
        stack = self._undo_stacks.get(layer)
        if stack is None:
            stack = self._undo_stacks[layer] = QUndoStack(self.undo_group)
        self.undo_group.setActiveStack(stack)
        return stack

    # ------------------------------------------------------------ assembly
    def _build_widgets(self) -> None:
        self.text_view = SpanTextView()
        self.text_view.setObjectName("textView")
        self.palette = LabelPalette()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.find_bar = FindBar(self.text_view)
        layout.addWidget(self.palette)
        layout.addWidget(self.find_bar)
        layout.addWidget(self.text_view, 1)
        self.setCentralWidget(central)
        self.documents = DocumentListPanel(self.project, self.annotator)
        self.documents_dock = self.add_dock("Documents", self.documents, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.spans_panel = SpansPanel()
        self.spans_dock = self.add_dock("Spans", self.spans_panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self.details = DetailsPanel()
        self.details_dock = self.add_dock("Details", self.details, Qt.DockWidgetArea.RightDockWidgetArea)
        self.splitDockWidget(self.spans_dock, self.details_dock, Qt.Orientation.Vertical)
        self.details_dock.visibilityChanged.connect(lambda shown: shown and self.show_details())
        self.status_project = QLabel()
        self.status_annotator = QLabel()
        self.status_saved = QLabel("✓ All changes saved")
        self.status_position = QLabel()
        for widget in (self.status_project, self.status_annotator, self.status_saved, self.status_position):
            self.statusBar().addPermanentWidget(widget)

    def add_dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea, *, scroll: bool = False) -> QDockWidget:
        """Add a panel as a dock (review mode adds its own the same way); ``scroll``: a tall panel (a form)
        scrolls when its column is short, instead of growing the window past the screen."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{title.lower()}Dock")
        dock.setWidget(ScrollingPanel(widget) if scroll else widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)  # View > Panels brings it back
        self.addDockWidget(area, dock)
        return dock

    def _build_actions(self) -> None:
        self.menus: dict[str, QMenu] = {title: self.menuBar().addMenu(title) for title in MENU_ORDER}
        self.toolbar = QToolBar("Main", self)
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(self.toolbar)
        edit = self.menus["&Edit"]
        self.undo_action = self.undo_group.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts(key_sequences(UNDO_KEYS))
        self.redo_action = self.undo_group.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts(key_sequences(REDO_KEYS))
        for action in (self.undo_action, self.redo_action):
            edit.addAction(action)
            self.addAction(action)
        self.toolbar.addAction(self._toolbar_twin(self.undo_action, "Undo", self.undo_group.undoTextChanged))
        self.toolbar.addAction(self._toolbar_twin(self.redo_action, "Redo", self.undo_group.redoTextChanged))
        self.recent_menu = QMenu("Open &recent", self)
        self.actions_by_name = self.add_actions(WORKSPACE_ACTIONS)
        self.menus["&File"].insertMenu(self.actions_by_name["import_files"], self.recent_menu)
        for name, on in (("snap_words", self.snap_to_words), ("label_tags", self._setting("view/labelTags", False))):
            action = self.actions_by_name[name]
            action.blockSignals(True)  # restore the saved state silently: no message, no settings write
            action.setChecked(on)
            action.blockSignals(False)
        self.text_view.set_show_tags(self.actions_by_name["label_tags"].isChecked())
        self._build_view_menu()
        hidden = self.settings.value("view/hiddenLabels", [])
        self.palette.hidden = {hidden} if isinstance(hidden, str) else set(hidden or [])
        self.text_view.set_hidden_labels(self.palette.hidden)
        self.label_actions: list[QAction] = []

    def _setting(self, key: str, default: bool) -> bool:
        return self.settings.value(key, default, type=bool)

    def _toolbar_twin(self, action: QAction, word: str, text_changed: Signal) -> QAction:
        """A toolbar button for Undo or Redo, whose menu text changes (Undo Add actor span): a fixed
        word, with the full text and keys in its tooltip, so the toolbar keeps its width."""
        twin = QAction(word, self)
        twin.setObjectName(f"toolbar_{word.lower()}")
        twin.setEnabled(action.isEnabled())
        twin.triggered.connect(action.trigger)
        action.enabledChanged.connect(twin.setEnabled)
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)

        def retip(text: str) -> None:
            twin.setToolTip(f"{word} {text} ({keys})" if text else f"{word} ({keys})")
        text_changed.connect(retip)
        retip("")
        return twin

    def add_actions(self, specs: tuple[ActionSpec, ...] | list[ActionSpec]) -> dict[str, QAction]:
        """Build more actions into the menus and toolbar (e.g. a "Review" menu)."""
        return build_actions(self, specs, self.menus, self.toolbar)

    def _connect(self) -> None:
        self.palette.labelChosen.connect(self.apply_label)
        self.palette.hiddenChanged.connect(self.set_hidden_labels)
        self.text_view.spanClicked.connect(self._span_clicked)
        self.text_view.spanMenuRequested.connect(self.show_span_menu)
        self.spans_panel.spanSelected.connect(lambda span_id: self.select_span(span_id, scroll=True))
        self.documents.documentActivated.connect(self._document_activated)
        self.notifier.spanAdded.connect(self._on_span_added)
        self.notifier.spanRemoved.connect(self._on_span_removed)
        self.notifier.spanUpdated.connect(self._on_span_updated)
        self.notifier.statusChanged.connect(self._on_status_changed)
        self.notifier.saved.connect(lambda: self._set_saved(True))
        self.notifier.failed.connect(lambda reason: self._set_saved(False, reason))
        self.notifier.changed.connect(self._on_changes)
        self.undo_group.indexChanged.connect(self._maybe_labels_changed)

    # ----------------------------------------------------- project & labels
    def set_project(self, project: Project) -> None:
        """Show ``project`` (after opening or creating it); the previous one is closed by the caller.

        Raises ProjectError or sqlite3.Error, with the window unchanged, when the project
        cannot be used (e.g. another program holds its write lock).
        """
        project_files.prepare_project(project, self.own_annotator)
        if getattr(self, "review", None) is not None:
            self.review.set_active(False)
        self.project = project
        for stack in self._undo_stacks.values():  # another project: its edits cannot be undone here
            stack.clear()
        self.documents.set_project(project, self.annotator)
        self.reload_labels()
        self.setWindowTitle(f"{project.path.name} — Annotator")
        self.status_project.setText(f"Project: {project.path.name}")
        self.status_project.setToolTip(str(project.path))
        self.status_annotator.setText(f"Annotator: {self.annotator}")
        project_files.remember_recent(self.settings, project.path)
        self.refresh_recent_menu()
        self.damage_check.start(project.path)  # opening itself never reads the whole file
        self.doc_id = None
        first = self.documents.next_unfinished(None) or self.documents.neighbour(None, 1)
        if first is not None:
            self.open_document(first)
        else:
            self.text_view.set_document("", [], self.style)
            self.spans_panel.model_.set_spans("", [])
            self._update_position()

    @property
    def own_annotator(self) -> str:
        """The analyst's own name (in review mode ``annotator`` is the gold layer being edited)."""
        review = getattr(self, "review", None)
        return review.reviewer if review is not None and review.active else self.annotator

    def reload_labels(self) -> None:
        stored = self.project.labels()
        self.labels = [bindable(label) for label in stored]
        self._say_unbound_hotkeys(stored)
        colors = {label.name: label.color for label in self.labels}
        self.style = label_style(colors)
        self.spans_panel.model_.colors = colors
        self.spans_panel.fit_labels(list(colors))
        self.palette.set_labels(self.labels)
        menu = self.menus["&Labels"]
        for action in getattr(self, "label_actions", []):
            menu.removeAction(action)
            self.removeAction(action)
        self.label_actions = []
        for label in self.labels:
            action = QAction(f"Label as {label.name}", self)
            action.setObjectName(f"label_{label.name}")
            if label.hotkey:
                action.setShortcut(QKeySequence(label.hotkey))
            action.setToolTip(label.description)
            action.triggered.connect(lambda _=False, name=label.name: self.apply_label(name))
            menu.addAction(action)
            self.addAction(action)
            self.label_actions.append(action)
        if self.doc_id is not None:
            self.open_document(self.doc_id, keep_view=True)

    def _say_unbound_hotkeys(self, stored: list[Label]) -> None:
        """A hotkey that breaks the rules (kept from an older project, e.g. N, which review mode
        needs) is not bound: say so once, naming every such label."""
        unbound = [f"{label.name} ({hotkey_problem(label.hotkey)})" for label in stored if bindable(label) != label]
        if unbound:
            self.statusBar().showMessage(f"Not bound as hotkeys: {'; '.join(unbound)}. Change them in "
                                         "Labels > Edit labels.", 15000)

    def _maybe_labels_changed(self) -> None:
        """After every edit, undo and redo: reload the labels if a label edit was undone or redone.
        ``Project.labels()`` is cached (no query); compared as bound, or a label whose hotkey is
        not bound would reload the labels, and reopen the document, after every edit."""
        if [bindable(label) for label in self.project.labels()] != self.labels:
            self.reload_labels()

    # ------------------------------------------------------------ documents
    def open_document(self, doc_id: int, *, keep_view: bool = False) -> None:
        """Show a document with every span of the current annotator. Does not change its status."""
        scroll = self.text_view.verticalScrollBar().value() if keep_view else 0
        current = self.text_view.current_span_id if keep_view else None
        self.doc_id = doc_id
        self.load_all_spans()
        if scroll:
            self.text_view.verticalScrollBar().setValue(scroll)
        self.documents.select(doc_id)
        if keep_view:
            self.select_span(current)
        self._update_position()
        self.documentOpened.emit(doc_id)

    def load_all_spans(self) -> None:
        """Read the current document and all its spans into the text view and the spans list."""
        if self.doc_id is None:
            return
        # read while Qt takes the text; without the times made and changed, which the window does not show
        spans = self.project.spans_meanwhile(self.doc_id, self.annotator, timestamps=False)
        document = self.project.document(self.doc_id)  # text and meta (headings) in one read
        self.document = document
        self.text_view.set_document(document.text, spans, self.style, headings=document.meta.get("headings") or ())
        self.spans_panel.model_.set_spans(document.text, self.text_view.spans())
        reviewing = getattr(self, "review", None) is not None and self.review.active
        self.spans_panel.set_annotator_column(reviewing)
        if self.find_bar.isVisible():
            self.find_bar.search()
        self.show_details()

    def show_details(self) -> None:
        """Fill the details panel (only while it is shown: it reads the statuses)."""
        if not self.details_dock.isVisible():
            return
        document = self.document if self.doc_id is not None else None
        statuses = self.project.document_statuses(self.doc_id) if document is not None else {}
        self.details.show_document(document, statuses)

    def _document_activated(self, doc_id: int) -> None:
        if doc_id != self.doc_id:
            self.open_document(doc_id)
        self.text_view.setFocus()

    def next_document(self) -> None:
        self._go(self.documents.neighbour(self.doc_id, 1), "This is the last document in the list.")

    def previous_document(self) -> None:
        self._go(self.documents.neighbour(self.doc_id, -1), "This is the first document in the list.")

    def _go(self, doc_id: int | None, otherwise: str) -> None:
        if doc_id is None:
            self.statusBar().showMessage(otherwise, 4000)
        else:
            self.open_document(doc_id)

    def mark_done_and_next(self) -> None:
        self._set_status_and_next("done")

    def skip_and_next(self) -> None:
        self._set_status_and_next("skipped")

    def reopen_document(self) -> None:
        if self.doc_id is not None:
            self.push(SetStatusCommand(self.project, self.notifier, self.doc_id, self.annotator, "in_progress"))

    def _set_status_and_next(self, status: str) -> None:
        if self.doc_id is None:
            return
        following = self.documents.next_unfinished(self.doc_id)  # before a status filter drops this one
        if not self.push(SetStatusCommand(self.project, self.notifier, self.doc_id, self.annotator, status)):
            return
        self._go(following, "All documents in the list are done or skipped.")

    def _update_position(self) -> None:
        row = self.documents.model.row_of(self.doc_id) if self.doc_id is not None else None
        total = len(self.documents.model.ids)
        if self.doc_id is None:
            text = "No document"
        elif row is None:
            text = f"Document #{self.doc_id} (not in the filtered list)"
        else:
            status = self.documents.model.doc_row(row)["status"].replace("_", " ")
            text = f"Document {row + 1} of {total} · {status}"
        self.status_position.setText(text)

    # ----------------------------------------------------------- annotating
    @property
    def snap_to_words(self) -> bool:
        return self.settings.value("snapToWords", True, type=bool)

    def toggle_snap(self, checked: bool) -> None:
        self.settings.setValue("snapToWords", checked)
        self.statusBar().showMessage("Selections snap to whole words." if checked
                                     else "Exact character selections.", 3000)

    def apply_label(self, label: str) -> None:
        """A label's hotkey or button: label the selection, or relabel the selected span."""
        selection = self.text_view.selection()
        if selection is None and self.suggestions.accept(label):  # a suggestion is current: accept it as ``label``
            return
        if selection is None:
            if self.current_span() is None:
                self.statusBar().showMessage("Select some text first, then press a label's key.", 4000)
            else:
                self.relabel_current_span(label)
            return
        self.add_span(selection[0], selection[1], label)

    def _already_labelled(self, start: int, end: int, label: str) -> bool:
        """True (and say so) when the layer shown already has this exact span (the view holds all of them)."""
        if not any(s.start == start and s.end == end and s.label == label for s in self.text_view.spans_at(start)):
            return False
        self.statusBar().showMessage(f"“{self.text_view.text[start:end][:40]}” is already labelled {label}.", 4000)
        return True

    def add_span(self, start: int, end: int, label: str) -> Span | None:
        if self.doc_id is None:
            return None
        text = self.text_view.text
        exact = self.text_view.exact_selection or not self.snap_to_words
        bounds = trim_whitespace(text, start, end) if exact else snap_to_words(text, start, end)
        if bounds is None:
            self.statusBar().showMessage("Nothing to label: the selection is only spaces or punctuation.", 4000)
            return None
        if self._already_labelled(bounds[0], bounds[1], label):
            return None
        command = AddSpanCommand(self.project, self.notifier, self.doc_id, bounds[0], bounds[1], label, self.annotator,
                                 **self.new_span_options)
        if not self.push(command):
            return None
        self.text_view.clear_selection()
        self.select_span(command.span.id if command.span else None)
        return command.span

    def push(self, command: EditCommand) -> bool:
        """Push an edit (``push`` performs it); report a refusal. True when the edit is done."""
        self.undo_stack.push(command)
        if command.error:
            show_error(self, "Change not saved", command.error)
            return False
        return True

    def current_span(self) -> Span | None:
        span_id = self.text_view.current_span_id
        return self.text_view.span(span_id) if span_id is not None else None

    def select_span(self, span_id: int | None, *, scroll: bool = False) -> None:
        """One selection shared by the text view and the spans list."""
        self.text_view.set_current_span(span_id, scroll=scroll)
        self.spans_panel.select_span(span_id)

    def _span_clicked(self, span_id: int) -> None:
        self.select_span(span_id if span_id >= 0 else None)

    def clear_current_span(self) -> None:
        self.select_span(None)

    def delete_current_span(self) -> None:
        span = self.current_span()
        if span is None:
            self.statusBar().showMessage("Click a span (or use [ and ]) to select it first.", 4000)
            return
        self.push(DeleteSpanCommand(self.project, self.notifier, span))

    def relabel_current_span(self, label: str) -> None:
        span = self.current_span()
        if span is not None and span.label != label and not self._already_labelled(span.start, span.end, label):
            ask_before_unlinking(self, self.project, span, label,
                                 lambda unlink: self.push(relabel_command(self.project, self.notifier, span, label,
                                                                          unlink=unlink)))

    def edit_note(self) -> None:
        span = self.current_span()
        if span is None:
            self.statusBar().showMessage("Select a span to add a note to it.", 4000)
            return
        ask_text(self, "Span note", f"Note for “{self.text_view.text[span.start:span.end][:60]}”:",
                 span.note or "", lambda note, span_id=span.id: self.set_note(span_id, note))

    def set_note(self, span_id: int, note: str) -> None:
        span = self.text_view.span(span_id)
        if span is not None and (note.strip() or None) != span.note:
            self.push(note_command(self.project, self.notifier, span, note.strip() or None))

    def copy_span_text(self) -> None:
        span = self.current_span()
        if span is not None:
            QGuiApplication.clipboard().setText(span.text_in(self.text_view.text))
            self.statusBar().showMessage("Span text copied.", 2000)

    def next_span(self) -> None:
        self._step_span(1)

    def previous_span(self) -> None:
        self._step_span(-1)

    def _step_span(self, step: int) -> None:
        spans = self.spans_panel.model_.spans
        if not spans:
            return
        row = self.spans_panel.model_.row_of(self.text_view.current_span_id) if self.text_view.current_span_id else None
        row = (0 if step > 0 else len(spans) - 1) if row is None else max(0, min(len(spans) - 1, row + step))
        self.select_span(spans.ids[row], scroll=True)

    def show_span_menu(self, span_id: int, where: QPoint) -> QMenu:
        menu = QMenu(self)
        menu.setObjectName("spanMenu")
        if span_id >= 0:
            self.select_span(span_id)
            relabel = menu.addMenu("Relabel as")
            for label in self.labels:
                action = relabel.addAction(label.name, lambda name=label.name: self.relabel_current_span(name))
                action.setEnabled(label.name != self.text_view.span(span_id).label)
            menu.addAction(self.actions_by_name["delete_span"])
            menu.addAction(self.actions_by_name["edit_note"])
            menu.addAction(self.actions_by_name["copy_span"])
            menu.addAction("Link to...", self.relations.start)
        else:
            menu.addAction("Copy", self.text_view.copy)
        menu.popup(where)
        return menu

    # --------------------------------------------------- change notifications
    def _shows(self, span: Span) -> bool:
        """True if the change is on screen now; otherwise bring its document up (undo elsewhere)."""
        if span.annotator != self.annotator:
            return False
        if span.doc_id != self.doc_id:
            self.open_document(span.doc_id)
            return False
        return True

    def _on_span_added(self, span: Span) -> None:
        self.documents.model.count_span(span, 1)  # first: what follows may read rows (opening another document)
        if self._shows(span):
            self.spans_panel.hold_repaint()  # the text's paragraph is painted first
            self.text_view.add_span(span)
            self.spans_panel.model_.add(span)

    def _on_span_removed(self, span: Span) -> None:
        self.documents.model.count_span(span, -1)
        if self._shows(span):
            self.spans_panel.hold_repaint()
            self.text_view.remove_span(span.id)
            self.spans_panel.model_.remove(span.id)
            self.spans_panel.select_span(self.text_view.current_span_id)

    def _on_span_updated(self, _old: Span, new: Span) -> None:
        if self._shows(new):
            self.text_view.replace_span(new)
            self.spans_panel.model_.replace(new)
            self.select_span(new.id)

    def _on_changes(self, changes: Changes) -> None:
        """One command's change set (accept all agreed, its undo): shown once, however many spans."""
        if len(changes.added) + len(changes.removed) <= FEW_SPANS:  # a region's spans: repaint just them
            for span in changes.removed:
                self._on_span_removed(span)
            for span in changes.added:
                self._on_span_added(span)
            return
        for doc_id in changes.doc_ids():
            self.documents.refresh(doc_id)
        mine = [s for s in (*changes.added, *changes.removed) if s.annotator == self.annotator]
        if mine and mine[0].doc_id != self.doc_id:
            self.open_document(mine[0].doc_id)  # an undo of another document's change: show it
        elif mine:
            self.reload_layer()

    def reload_layer(self) -> None:
        """Show the spans of ``self.annotator`` in the document shown again, keeping its text and place
        (review mode switched on or off, or a change set too big to apply span by span)."""
        if self.doc_id is None:
            return
        current = self.text_view.current_span_id
        self.text_view.set_spans(self.project.spans(self.doc_id, self.annotator))
        self.spans_panel.model_.set_spans(self.text_view.text, self.text_view.spans())
        self.select_span(current if current is not None and self.text_view.span(current) else None)

    def _on_status_changed(self, doc_id: int, annotator: str) -> None:
        self.documents.status_changed(doc_id, self.doc_id)
        if annotator == self.annotator and doc_id != self.doc_id:
            self.open_document(doc_id)  # an undo or redo of another document's status: show it
        self._update_position()
        if doc_id == self.doc_id:
            self.show_details()

    def _set_saved(self, ok: bool, reason: str = "") -> None:
        self.status_saved.setText("✓ All changes saved" if ok else "✗ Last change NOT saved")
        self.status_saved.setToolTip(reason or "Every change is written to the project file at once.")

    # ----------------------------------------------------------- focus
    def focus_search(self) -> None:
        self.documents.search.setFocus()
        self.documents.search.selectAll()

    def focus_documents(self) -> None:
        self.documents.view.setFocus()

    def focus_text(self) -> None:
        self.text_view.setFocus()

    def focus_spans(self) -> None:
        self.spans_panel.setFocus()

    def show_cheat_sheet(self) -> None:
        groups = [(title.replace("&", ""), [a for a in menu.actions() if not a.isSeparator() and a.menu() is None])
                  for title, menu in self.menus.items()]
        self.cheat_sheet = CheatSheet(groups, self)
        self.cheat_sheet.show()

    # ------------------------------------------------------ files, annotators
    def open_project_dialog(self) -> None:
        project_files.choose_project_to_open(self)

    def new_project_dialog(self) -> None:
        project_files.choose_new_project(self)

    def open_project(self, path: Path, *, create: bool = False) -> bool:
        return project_files.open_project(self, path, create=create)

    def refresh_recent_menu(self) -> None:
        project_files.fill_recent_menu(self)

    def import_files(self) -> None:
        project_files.import_files(self, folder=False)

    def import_folder(self) -> None:
        project_files.import_files(self, folder=True)

    def export(self) -> None:
        project_files.export(self)

    def edit_labels(self) -> None:
        project_files.edit_labels(self)

    def switch_annotator(self) -> None:
        ask_annotator(self, self.project.annotators(), self.own_annotator, self.set_annotator)

    def set_annotator(self, name: str) -> bool:
        name = name.strip()
        problem = annotator_name_problem(name)
        if problem:
            show_error(self, "Cannot switch annotator", sentence(problem))
            return False
        try:
            self.project.ensure_annotator(name)
        except project_files.OPEN_ERRORS as exc:  # e.g. another program is writing to the project
            show_error(self, "Cannot switch annotator", f"{name} was not recorded; you are still {self.own_annotator}.",
                       project_files.open_error_reason(exc))
            return False
        self.review.set_active(False)
        self.annotator = name
        self.settings.setValue("annotator", name)
        self.use_undo_stack(name)  # each annotator undoes only their own edits; theirs wait for them
        self.status_annotator.setText(f"Annotator: {name}")
        self.documents.set_annotator(name)
        if self.doc_id is not None:
            self.open_document(self.doc_id)
        return True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.sync()
        for dialog in self.findChildren(QDialog):  # the F1 sheet and other open dialogs go with the window
            dialog.close()
        for timer in self.findChildren(QTimer):  # nothing pending may reach the project once it is closed
            timer.stop()
        self.suggestions.shutdown()  # its worker thread and training process end with the window
        self.damage_check.stop()
        super().closeEvent(event)
