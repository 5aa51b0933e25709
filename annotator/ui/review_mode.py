"""Review mode: the main window compares annotators and edits the gold layer.

Switching on (Review > Review mode, Ctrl+R) makes gold the layer the window
shows and edits, so every normal tool (label keys, relabel, delete, notes,
undo) works on gold, and new gold spans record the reviewer. Each selected
annotator's spans are drawn as lanes over the text (see ``review_overlay``)
and the review dock lists their disagreements. Switching off restores the
reviewer's own layer.

*Sort documents by agreement* ranks documents for the compared annotators once
(``AgreementOrder``) and reuses the ranking on every refresh of the list (each
search keystroke) until a span or status of a compared annotator changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMenu, QMessageBox

from annotator.core.agreement_inputs import AgreementError
from annotator.core.disagreements import Disagreement, collector_paused
from annotator.core.span_rows import SpanRows
from annotator.core.model import GOLD_ANNOTATOR, Span, annotator_name_problem
from annotator.core.relation_disagreements import RelationDisagreement
from annotator.store import Project, ProjectError, review
from annotator.ui.actions import menu_action, mode_menu
from annotator.ui.agreement_dialog import AgreementDialog, agreement_dialog_for
from annotator.ui.busy import DialogProgress, StatusProgress, busy_cursor, busy_progress
from annotator.ui.prompts import ask_text, show_error
from annotator.ui.relation_review import RelationHighlight
from annotator.ui.review_overlay import LaneOverlay
from annotator.ui.review_list import ComparisonCache
from annotator.ui.review_panel import ReviewPanel

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

REVIEW_MENU = "&Review"


class AgreementOrder:
    """Document ids, least agreement first, for some annotators: computed once, then reused.

    The ranking is kept until ``invalidate()`` (a change notice: a compared
    annotator's span or status changed here) or until the key changes: other
    annotators, another project, another program's commit, a document added.
    """

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._ids: list[int] = []
        self.computed = 0  # how many rankings were computed

    def invalidate(self) -> None:
        self._key = None

    def ids(self, project: Project, annotators: list[str] | None) -> list[int]:
        key = (project, None if annotators is None else tuple(annotators), review.change_marker(project))
        if key != self._key:
            try:
                self._ids = review.document_ids_by_agreement(project, annotators)
            except AgreementError:
                self._ids = []  # fewer than two compared, or nothing done by two: list order stays
            self._key = key
            self.computed += 1
        return self._ids


class ReviewMode(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.reviewer = window.annotator
        self.panel: ReviewPanel | None = None
        self.dock: QDockWidget | None = None
        self.overlay: LaneOverlay | None = None
        self.relation_highlight: RelationHighlight | None = None  # the selected relation disagreement, drawn
        self.agreement: AgreementDialog | None = None
        self.summary: QMessageBox | None = None  # the last merge's summary
        self.merge_progress: StatusProgress | None = None  # the last merged source's progress (what it showed)
        self.reading_progress: DialogProgress | None = None  # the last source's reading (a JSONL file's scratch import)
        self.order = AgreementOrder()
        self.comparisons = ComparisonCache()  # kept across entering and leaving review mode
        self.menu = self._menu()
        self.actions = self._build_actions()
        window.documentOpened.connect(self._document_opened)
        notifier = window.notifier
        notifier.spanAdded.connect(self._span_changed)
        notifier.spanRemoved.connect(self._span_changed)
        notifier.spanUpdated.connect(lambda old, new: (self._span_changed(old), self._span_changed(new)))
        notifier.statusChanged.connect(lambda _doc, annotator: self._data_changed(annotator))
        notifier.changed.connect(lambda changes: [self._data_changed(name) for name in changes.annotators()])

    @property
    def active(self) -> bool:
        return self.panel is not None

    @property
    def gold_layer(self) -> str:
        """The undo history of the gold edits this reviewer made (another reviewer does not undo them)."""
        return f"{GOLD_ANNOTATOR}\t{self.reviewer}"

    # ------------------------------------------------------------- actions
    def _menu(self) -> QMenu:
        return mode_menu(self.window, self.window.menus, REVIEW_MENU)

    def _action(self, name: str, text: str, keys: str, slot, *, checkable: bool = False) -> QAction:  # noqa: ANN001
        return menu_action(self.window, self.menu, name, text, keys, slot, checkable=checkable)

    def _build_actions(self) -> dict[str, QAction]:
        actions = {
            "review_mode": self._action("review_mode", "&Review mode", "Ctrl+R", self.set_active, checkable=True),
            "next_disagreement": self._action("next_disagreement", "&Next disagreement", "N", self._next),
            "previous_disagreement": self._action("previous_disagreement", "&Previous disagreement", "P", self._previous),
            "accept_agreed": self._action("accept_agreed", "Accept all a&greed spans", "A", self._accept_agreed),
            "sort_by_agreement": self._action("sort_by_agreement", "&Sort documents by agreement", "Ctrl+Shift+O",
                                              self.sort_by_agreement, checkable=True),
        }
        self.menu.addSeparator()
        actions["agreement"] = self._action("agreement", "&Agreement...", "Ctrl+Shift+G", self.show_agreement)
        for name in ("next_disagreement", "previous_disagreement", "accept_agreed"):
            actions[name].setEnabled(False)
        actions["merge"] = self._merge_action()
        return actions

    def _merge_action(self) -> QAction:
        action = QAction("&Merge colleague's work...", self.window)
        action.setObjectName("merge_colleague")
        action.setShortcut(QKeySequence("Ctrl+Shift+M"))
        action.triggered.connect(self.choose_merge_files)
        file_menu = self.window.menus["&File"]
        before = self.window.actions_by_name.get("export")
        file_menu.insertAction(before, action) if before else file_menu.addAction(action)
        self.window.addAction(action)
        return action

    def choose_merge_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self.window, "Merge colleague's work", "", "Annotator projects and exports (*.db *.annotator *.jsonl);;All files (*)")
        if paths:
            self.merge_files([Path(p) for p in paths])

    def merge_files(self, paths: list[Path], annotator: str | None = None, progress_after: float | None = None) -> list[str]:
        """Merge colleagues' project files or JSONL exports; returns the summary lines (as the CLI prints them).

        The summary opens as a dialog, one section per source, refused sources with their reason.
        A file whose records name no annotator makes the window ask whose work it is
        (``annotator``), then merge it again. Work going on past ``progress_after`` seconds
        (default: 2) shows its progress: reading a JSONL file in a dialog whose Cancel merges
        nothing of it, the merge itself (one transaction) in the status bar.
        """
        from annotator.io.merge import MergeCancelled, MergeError, MissingAnnotatorError, format_summary, merge_source
        from annotator.ui.merge_dialog import merge_summary_box

        merged, refused, unowned, stopped = [], [], [], []
        for n, path in enumerate(paths):  # each source is one transaction: a busy cursor, and past 2 s a progress bar
            reading = DialogProgress(self.window, "Merging colleague's work", f"Reading {path.name}...", progress_after)
            with busy_progress(self.window.statusBar(), f"Merging {path.name}", progress_after) as progress:
                try:
                    merged.append(merge_source(self.window.project, path, annotator=annotator, progress=progress,
                                               reading=reading, cancelled=reading.cancelled))
                except MissingAnnotatorError as exc:
                    unowned.append((path, exc.places))
                except MergeCancelled:
                    stopped = paths[n:]  # the reviewer stopped the merge: the files after it wait too
                except (MergeError, ProjectError) as exc:
                    refused.append((path, str(exc)))
                finally:
                    reading.close()
            self.merge_progress, self.reading_progress = progress, reading
            if stopped:
                self.window.statusBar().showMessage(
                    f"Merge cancelled: nothing merged from {', '.join(p.name for p in stopped)}", 15000)
                break
        self.order.invalidate()
        self.comparisons.invalidate()
        window = self.window
        if self.panel is not None:
            listed, ticked = set(self.panel.listed_annotators()), self.panel.selected_annotators()
            newcomers = [n for n in review.annotators_with_done_documents(window.project) if n not in listed]
            self.panel.set_selected_annotators(ticked + newcomers)  # the reviewer's ticks stay
        self._refill_list(always=True)  # merged documents join the list
        if merged:
            window.notifier.projectChanged.emit()
        if merged or refused:
            self.summary = merge_summary_box(merged, refused, window)
            self.summary.open()
        for path, places in unowned:
            self._ask_owner(path, places)
        return [line for summary in merged for line in format_summary(summary)]

    def _ask_owner(self, path: Path, places: list[str]) -> None:
        def merge_as(name: str) -> None:
            problem = annotator_name_problem(name)
            if problem:
                show_error(self.window, "Nothing merged", f"{path.name}: {problem}")
            else:  # ask_text answers once the dialog has closed, so the progress bar never runs inside it
                self.merge_files([path], annotator=name.strip())

        where = ", ".join(places)
        ask_text(self.window, "Whose work is this?",
                 f"Records in {path.name} name no annotator (first: {where}).\nWhose spans are they?", "", merge_as)

    def _next(self) -> None:
        if self.panel is not None:
            self.panel.next()

    def _previous(self) -> None:
        if self.panel is not None:
            self.panel.previous()

    def _accept_agreed(self) -> None:
        if self.panel is not None:
            self.panel.accept_agreed()

    # ------------------------------------------------------------ switching
    def set_active(self, on: bool) -> None:
        if on == self.active:
            return
        # A long report's disagreements: ~100 ms. Reading two layers, comparing them and building the
        # list make ~60,000 tuples without cycles: the collector waits until all is done (no pass between).
        with busy_cursor(), collector_paused():
            if on:
                self._enter()
            else:
                self._leave()
        self.actions["review_mode"].setChecked(on)
        for name in ("next_disagreement", "previous_disagreement", "accept_agreed"):
            self.actions[name].setEnabled(on)

    def _raise_dock(self) -> None:
        """Show the review tab, as tall as its panel wants where the column has room (it scrolls where not)."""
        if self.dock is not None:
            self.dock.raise_()
            self.window.resizeDocks([self.dock], [self.panel.sizeHint().height()], Qt.Orientation.Vertical)

    def _enter(self) -> None:
        window = self.window
        self.reviewer = window.annotator
        window.use_undo_stack(self.gold_layer)  # undo covers the layer being edited; the reviewer's own waits
        window.annotator = GOLD_ANNOTATOR
        window.new_span_options = {"origin": "gold", "reviewer": self.reviewer}
        self.panel = ReviewPanel(window.project, window.undo_stack, window.notifier, self.reviewer,
                                 comparisons=self.comparisons)
        self.panel.disagreementChanged.connect(self._show_disagreement)
        self.panel.annotatorsChanged.connect(self._update_lanes)
        self.panel.annotatorsChanged.connect(self._refill_list)
        self.panel.reviewStatusChanged.connect(lambda doc_id, _status: window.documents.refresh(doc_id))
        self.dock = window.add_dock("Review", self.panel, Qt.DockWidgetArea.RightDockWidgetArea, scroll=True)
        window.tabifyDockWidget(window.spans_dock, self.dock)  # a tall list beside the gold spans
        QTimer.singleShot(0, self._raise_dock)  # raising works once the tab exists on screen
        self.overlay = LaneOverlay(window.text_view)
        self.relation_highlight = RelationHighlight(window.text_view, window.relations.painter)
        window.documents.set_review_columns(True)
        window.status_annotator.setText(f"Reviewing as {self.reviewer} · editing gold")
        if window.doc_id is not None:
            own = {self.reviewer: window.text_view.spans()}  # the reviewer's layer, shown until now: compared as it is
            window.reload_layer()  # the same text, the gold layer's spans
            self._document_opened(window.doc_id, own)
        self._refill_list()
        self.panel.list.setFocus()

    def _leave(self) -> None:
        window = self.window
        window.use_undo_stack(self.reviewer)  # the gold history waits for the next time in review mode
        window.annotator = self.reviewer
        window.new_span_options = {}
        if self.overlay is not None:
            self.overlay.detach()
            self.overlay.deleteLater()
        if self.relation_highlight is not None:
            self.relation_highlight.detach()
        self.relation_highlight = None
        if self.panel is not None:
            self.panel.detach()
        if self.dock is not None:
            window.removeDockWidget(self.dock)
            self.dock.deleteLater()
        self.panel = self.dock = self.overlay = None
        window.documents.set_review_columns(False)
        window.status_annotator.setText(f"Annotator: {self.reviewer}")
        window.reload_layer()
        self._refill_list()

    # ------------------------------------------------------------- showing
    def _document_opened(self, doc_id: int, shown: dict[str, SpanRows] | None = None) -> None:
        if self.panel is None:
            return
        if doc_id != self.panel.doc_id:
            view = self.window.text_view  # it has just read this document's text and gold layer: not read again
            shows_gold = self.window.annotator == GOLD_ANNOTATOR and self.window.doc_id == doc_id
            self.panel.set_document(doc_id, view.text if shows_gold else None, view.spans() if shows_gold else None,
                                    shown)
        self._update_lanes()

    def _update_lanes(self) -> None:
        if self.panel is None or self.overlay is None:
            return
        colors = {label.name: label.color for label in self.window.labels}
        if self.relation_highlight is not None:  # before the lanes: their placing of the lines makes its room too
            self.relation_highlight.set_room(bool(len(self.panel.relations)), relayout=False)
        self.overlay.set_lanes(self.window.text_view.offsets, self.panel.spans_by_annotator, colors)
        self._show_disagreement(self.panel.current())

    def _show_disagreement(self, d: Disagreement | RelationDisagreement | None) -> None:
        if self.overlay is None:
            return
        view = self.window.text_view
        is_relation = isinstance(d, RelationDisagreement)
        self.overlay.set_region(None if d is None or is_relation else (d.start, d.end))
        if self.relation_highlight is not None and self.panel is not None:
            self.relation_highlight.set_room(bool(len(self.panel.relations)))
            self.relation_highlight.show(d if is_relation else None, list(self.panel.spans_by_annotator),
                                         self.window.project.relation_labels())
        if d is not None:
            cursor = view.textCursor()
            cursor.setPosition(view.offsets.to_utf16(d.start))
            view.setTextCursor(cursor)
            view.ensureCursorVisible()

    # -------------------------------------------------------- documents, agreement
    def sort_by_agreement(self, on: bool) -> None:
        """Order the document list with the least agreement first (then the rest, by id).

        Switching it on ranks afresh; afterwards the ranking is reused (see ``AgreementOrder``).
        """
        self.order.invalidate()
        self.window.documents.order = self._agreement_order if on else None
        self._refill_list(always=True)

    def compared_annotators(self) -> list[str] | None:
        """The ticked annotators in review mode; None (everyone who marked documents done) otherwise."""
        return self.panel.selected_annotators() if self.panel is not None else None

    def _agreement_order(self, ids: list[int]) -> list[int]:
        wanted = set(ids)
        ranked = [d for d in self.order.ids(self.window.project, self.compared_annotators()) if d in wanted]
        seen = set(ranked)
        return ranked + [d for d in ids if d not in seen]

    def _refill_list(self, *, always: bool = False) -> None:
        """Filter and sort the document list again (when sorted by agreement), keeping the shown document."""
        documents = self.window.documents
        if always or documents.order is not None:
            documents.apply_filter()
            if self.window.doc_id is not None:
                documents.select(self.window.doc_id)

    def _span_changed(self, span: Span) -> None:
        self._data_changed(span.annotator)

    def _data_changed(self, annotator: str) -> None:
        if annotator != GOLD_ANNOTATOR:  # gold is never compared: editing it keeps the ranking
            self.order.invalidate()
            self.comparisons.invalidate()

    def show_agreement(self) -> None:
        selected = self.panel.selected_annotators() if self.panel is not None else None
        try:
            self.agreement = agreement_dialog_for(self.window.project, selected or None, self.window)
        except AgreementError as exc:
            show_error(self.window, "No agreement to show", str(exc))
            return
        self.agreement.show()


def install_review(window: MainWindow) -> ReviewMode:
    """Give the window its Review menu; review mode starts switched off."""
    window.review = ReviewMode(window)
    return window.review
