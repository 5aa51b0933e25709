"""The review dock: who is compared, where they disagree, and the keys that resolve it.

Keys while the panel has focus: N / P next / previous disagreement, 1..9 accept
that annotator's version into gold, X reject all (the region's gold is cleared
and the region is recorded as rejected: decided, with nothing in gold), A accept
every agreed span. Each resolution is one command on the gold layer's undo
stack; the panel itself never writes to the store except the review status.
Accepting a version takes its attribute values into gold; a span the annotators
marked alike but with different attribute values is listed as its own
disagreement ("different attribute: certainty asserted/hedged") and A leaves it
for the reviewer to decide (A takes agreed spans with their agreed values only).

A document compares the ticked annotators who marked it done, the rule the
agreement report uses; ticked annotators who did not are listed as "not done".

The dock keeps one width whatever it shows: list rows and version buttons are
cut with "…" (their whole text is the tooltip), so the text being reviewed never
re-wraps under the reviewer's eyes.
"""

from __future__ import annotations

import itertools

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.changes import Changes
from annotator.core.disagreements import Disagreement
from annotator.core.model import GOLD_ANNOTATOR, REVIEW_STATUSES, Span
from annotator.core.relation_disagreements import RelationDisagreement
from annotator.core.span_rows import SpanRows
from annotator.store import Project, review
from annotator.ui.commands import ChangeNotifier
from annotator.ui.relation_review import RelationRows, relation_words
from annotator.ui.review_commands import (AcceptAgreedCommand, ResolveRegionCommand, ResolveRelationCommand,
                                          accept_relation_text, accept_text)
from annotator.ui.review_list import (Comparison, ComparisonCache, Decisions, DisagreementModel, ElidedButton, excerpt,
                                     values_text, version_of, version_values)
from annotator.ui.review_overlay import lane_icon

REVIEW_TEXT = {"unreviewed": "unreviewed", "in_review": "in review", "reviewed": "reviewed"}
MAX_KEYED = 9
NOT_DONE = "not done"
NOT_DONE_COLOR = QColor("#8a8a8a")
PANEL_WIDTH = 380  # the dock's width, whatever it lists (the reviewer can still drag it)


class ReviewPanel(QWidget):
    annotatorsChanged = Signal()  # the ticked annotators changed
    disagreementChanged = Signal(object)  # the current Disagreement, or None
    reviewStatusChanged = Signal(int, str)  # doc_id, status

    def __init__(self, project: Project, undo_stack: QUndoStack, notifier: ChangeNotifier, reviewer: str,
                 parent: QWidget | None = None, comparisons: ComparisonCache | None = None) -> None:
        super().__init__(parent)
        self.comparisons = comparisons or ComparisonCache()  # review mode keeps one across its panels
        self.setObjectName("reviewPanel")
        self.project, self.undo_stack, self.notifier, self.reviewer = project, undo_stack, notifier, reviewer
        self.doc_id: int | None = None
        self.text = ""
        self.not_done: list[str] = []  # ticked, but they did not mark this document done
        self.spans_by_annotator: dict[str, list[Span]] = {}  # the compared annotators, in list order
        self.disagreements: list[Disagreement] = []
        self.agreed: list[tuple[int, int, str]] = []  # what every compared annotator marked alike (values too)
        self.comparison: Comparison | None = None
        self.relations = RelationRows()  # relation disagreements: listed among the span disagreements, in text order
        self._build()
        self._shortcuts()
        self.load_annotators()
        self._listening = [
            (notifier.changed, self._changes),
            (notifier.spanAdded, lambda span: self._changes(Changes(added=(span,)))),
            (notifier.spanRemoved, lambda span: self._changes(Changes(removed=(span,)))),
            (notifier.spanUpdated, lambda old, new: self._changes(Changes(added=(new,), removed=(old,)))),
            (notifier.relationsChanged, self._relations_changed),
            (notifier.relationAdded, lambda relation: self._relations_changed(relation.doc_id)),
            (notifier.relationRemoved, lambda relation: self._relations_changed(relation.doc_id)),
        ]
        for signal, slot in self._listening:
            signal.connect(slot)

    def detach(self) -> None:
        """Stop following the window's changes (review mode is switched off; the panel is deleted later)."""
        for signal, slot in self._listening:
            signal.disconnect(slot)
        self._listening = []

    @property
    def decisions(self) -> Decisions:
        return self.model.decisions

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(PANEL_WIDTH, super().sizeHint().height())

    # ------------------------------------------------------------ building
    def _build(self) -> None:
        self.annotator_list = QListWidget(objectName="reviewAnnotators")
        self.annotator_list.setMaximumHeight(110)
        self.annotator_list.itemChanged.connect(self._annotator_toggled)
        self.model = DisagreementModel(self)
        self.list = QListView(objectName="disagreementList")
        self.list.setModel(self.model)
        self.list.setUniformItemSizes(True)  # 5,000 rows laid out without measuring each
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)  # the number and the decision come first
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.selectionModel().currentRowChanged.connect(lambda _now, _before: self._current_row_changed())
        self.list.activated.connect(lambda _index: self.accept(0))
        self.count_label = QLabel(objectName="disagreementCount")
        self.versions = QVBoxLayout()
        self.versions.setSpacing(2)
        self.version_buttons: list[ElidedButton] = []
        self.reject_button = ElidedButton("Reject all   X", objectName="rejectAll")
        self.reject_button.setToolTip("Keep nobody's version: the region's gold spans go and it counts as decided")
        self.reject_button.clicked.connect(self.reject)
        self.agreed_button = ElidedButton("", objectName="acceptAgreed")
        self.agreed_button.setToolTip("Copy into gold every span all selected annotators marked identically (one undo step)")
        self.agreed_button.clicked.connect(self.accept_agreed)
        self.status_combo = QComboBox(objectName="reviewStatus")
        for status in REVIEW_STATUSES:
            self.status_combo.addItem(REVIEW_TEXT[status], status)
        self.status_combo.activated.connect(lambda i: self.set_review_status(self.status_combo.itemData(i)))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        compare = QLabel("<b>Compare</b> (lane: where each annotator's bar sits)", wordWrap=True)
        layout.addWidget(compare)
        layout.addWidget(self.annotator_list)
        header = QHBoxLayout()
        header.addWidget(QLabel("<b>Disagreements</b>  N / P"))
        header.addWidget(self.count_label, 1, Qt.AlignmentFlag.AlignRight)
        layout.addLayout(header)
        layout.addWidget(self.list, 1)
        layout.addWidget(QLabel("<b>Accept a version</b>  1–9 or click"))
        layout.addLayout(self.versions)
        layout.addWidget(self.reject_button)
        layout.addWidget(self.agreed_button)
        form = QFormLayout()
        form.addRow("Review status:", self.status_combo)
        layout.addLayout(form)

    def _shortcuts(self) -> None:
        # The window binds plain digits to label hotkeys; inside the panel the
        # review keys win, so the panel claims them before any shortcut fires.
        self.keys: dict[int, Callable[[], None]] = {
            int(Qt.Key.Key_N): self.next, int(Qt.Key.Key_P): self.previous,
            int(Qt.Key.Key_X): self.reject, int(Qt.Key.Key_A): self.accept_agreed,
        }
        for n in range(1, MAX_KEYED + 1):
            self.keys[int(Qt.Key.Key_0) + n] = lambda n=n: self.accept(n - 1)
        for widget in (self.list, self.annotator_list, self.reject_button, self.agreed_button):
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) or not isinstance(event, QKeyEvent):
            return False
        key = int(event.key())
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier or key not in self.keys:
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # deliver it as a key press to us, not to a window shortcut
            return True
        self.keys[key]()
        return True

    # ---------------------------------------------------------- annotators
    def load_annotators(self, checked: list[str] | None = None) -> None:
        """List every annotator but gold; tick ``checked`` (default: everyone who marked a document done)."""
        names = self.project.annotators()
        if checked is None:
            checked = review.annotators_with_done_documents(self.project)
        keep = set(checked)
        self.annotator_list.blockSignals(True)
        self.annotator_list.clear()
        for name in names:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in keep else Qt.CheckState.Unchecked)
            self.annotator_list.addItem(item)
        self.annotator_list.blockSignals(False)
        self._number_annotators()

    def listed_annotators(self) -> list[str]:
        return [self.annotator_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.annotator_list.count())]

    def selected_annotators(self) -> list[str]:
        return [
            item.data(Qt.ItemDataRole.UserRole)
            for item in (self.annotator_list.item(i) for i in range(self.annotator_list.count()))
            if item.checkState() == Qt.CheckState.Checked
        ]

    def set_selected_annotators(self, names: list[str]) -> None:
        self.load_annotators(names)
        self.reload()
        self.annotatorsChanged.emit()

    def _number_annotators(self) -> None:
        """Number the compared annotators (their key and lane); grey out the ticked ones who are not done."""
        compared = list(self.spans_by_annotator)
        self.annotator_list.blockSignals(True)
        for i in range(self.annotator_list.count()):
            item = self.annotator_list.item(i)
            name = item.data(Qt.ItemDataRole.UserRole)
            item.setData(Qt.ItemDataRole.ForegroundRole, None)
            item.setToolTip("")
            if name in compared:
                n = compared.index(name)
                item.setText(f"{n + 1}  {name}" if n < MAX_KEYED else name)
                item.setIcon(lane_icon(n))
            elif name in self.not_done:
                item.setText(f"    {name} — {NOT_DONE}")
                item.setIcon(lane_icon(0, "#ffffff"))
                item.setForeground(NOT_DONE_COLOR)
                item.setToolTip(f"{name} has not marked this document done, so it is not compared here")
            else:
                item.setText(f"    {name}")
                item.setIcon(lane_icon(0, "#ffffff"))
        self.annotator_list.blockSignals(False)

    def _annotator_toggled(self, _item: QListWidgetItem) -> None:
        self.reload()
        self.annotatorsChanged.emit()

    # ------------------------------------------------------------ document
    def set_document(self, doc_id: int | None, text: str | None = None, gold: SpanRows | None = None,
                     shown: dict[str, SpanRows] | None = None) -> None:
        """Show a document's disagreements. What the caller has just read of it is not read again: its
        ``text``, its ``gold`` spans (the panel keeps them) and ``shown`` layers (annotator -> spans)."""
        self.doc_id = doc_id
        if text is None:
            text = self.project.document_text(doc_id) if doc_id is not None else ""
        self.text = text
        self.reload(gold, shown)

    def reload(self, gold: SpanRows | None = None, shown: dict[str, SpanRows] | None = None) -> None:
        """Recompute the disagreements of the current document among the ticked annotators who did it
        (``gold`` and ``shown``: see ``set_document``)."""
        selected = self.selected_annotators()
        did = review.annotators_who_did(self.project, self.doc_id, selected) if self.doc_id is not None else set()
        compared = [name for name in selected if name in did]
        self.not_done = [name for name in selected if name not in did] if self.doc_id is not None else []
        comparison = self.comparisons.get(self.project, self.doc_id, compared, shown) if compared else None
        self.spans_by_annotator = comparison.spans_by_annotator if comparison else {}
        self.disagreements = comparison.disagreements if comparison else []
        self.agreed = comparison.agreed if comparison else []
        self.comparison = comparison
        self.model.attributes = comparison.attributes if comparison else {}
        self._number_annotators()
        if gold is None:
            gold = review.gold_spans(self.project, self.doc_id) if self.doc_id is not None else SpanRows()
        rejected = review.rejections(self.project, self.doc_id) if self.doc_id is not None else []
        self.relations.load(self.project, self.doc_id, compared)
        self.model.reset(self.text, compared, Decisions(self.disagreements, gold, rejected), self.relations)
        self._show_counts()
        self._show_status()
        self.set_row(0 if self.row_count() else -1)
        if not self.row_count():
            self._current_row_changed()

    def _changes(self, changes: Changes) -> None:
        """One change set: gold or a rejection re-marks the rows it overlaps; a compared annotator's edit reloads."""
        if self.doc_id is None or self.doc_id not in changes.doc_ids():
            return
        if any(changes.spans_of(self.doc_id, name) for name in self.spans_by_annotator):
            self.comparisons.invalidate()
            row = self.row()
            self.reload()
            self.set_row(min(row, self.row_count() - 1))
            return
        self.model.span_rows_changed(self.decisions.apply(changes, self.doc_id))
        # a gold end relabelled (or gone) changes what gold says on a pair, as a relation change does
        if changes.relations_changed(self.doc_id) or changes.spans_of(self.doc_id, GOLD_ANNOTATOR):
            self._relations_changed(self.doc_id)
        self._show_counts()

    def _relations_changed(self, doc_id: int) -> None:
        """Gold's relations or the rejected pairs changed: re-mark the relation rows (one read, not one per row)."""
        if doc_id != self.doc_id or not len(self.relations):
            return
        self.relations.refresh(self.project, doc_id)
        self.model.relation_rows_changed()
        self._show_counts()

    def _show_counts(self) -> None:
        """How many regions are decided, and the agreed-spans button."""
        total = self.row_count()
        decided = self.decisions.decided() + self.relations.decided()
        self.count_label.setText(f"{decided} of {total} decided" if total else "none")
        pending = len(self.pending_agreed()) + len(self.relations.pending_agreed())
        self.agreed_button.set_full_text(f"Accept all agreed ({pending})   A")
        self.agreed_button.setEnabled(bool(pending))

    def pending_agreed(self) -> list[tuple[int, int, str]]:
        """Agreed spans the gold layer does not have yet."""
        present = self.decisions.gold_keys
        return list(itertools.filterfalse(present.__contains__, self.agreed)) if present else list(self.agreed)

    # ---------------------------------------------------------- navigation
    def row_text(self, row: int) -> str:
        """The list's text of a row, as shown (before eliding)."""
        return self.model.row_text(row)

    def row(self) -> int:
        return self.list.currentIndex().row() if self.list.currentIndex().isValid() else -1

    def set_row(self, row: int) -> None:
        self.list.setCurrentIndex(self.model.index(row) if row >= 0 else self.model.index(-1))

    def row_count(self) -> int:
        """Rows of the list: the span and relation disagreements, in text order."""
        return len(self.disagreements) + len(self.relations)

    def current(self) -> Disagreement | RelationDisagreement | None:
        return self.model.shown(self.row())

    def next(self) -> None:
        if self.row_count():
            self.set_row(min(self.row() + 1, self.row_count() - 1))

    def previous(self) -> None:
        if self.row_count():
            self.set_row(max(self.row() - 1, 0))

    def _current_row_changed(self) -> None:
        self._show_versions(self.current())
        self.disagreementChanged.emit(self.current())

    def _show_versions(self, d: Disagreement | None) -> None:
        for button in self.version_buttons:
            self.versions.removeWidget(button)
            button.hide()  # at once: deleteLater waits for the event loop, and until then it covers the dock
            button.deleteLater()
        self.version_buttons = []
        self.reject_button.setEnabled(d is not None)
        if d is None:
            return
        for n, name in enumerate(self.spans_by_annotator):
            if isinstance(d, RelationDisagreement):
                said = "; ".join(relation_words(key, self.text, 14) for key in d.version(name)) or "no relation"
            else:
                values = version_values(d, name, self.model.attributes) if "attribute" in d.kinds else {}
                said = "; ".join(f"{lb}: “{excerpt(self.text, s, e, 28)}”{values_text(values.get((s, e, lb), {}))}"
                                 for s, e, lb in version_of(d, name)) or "nothing"
            key = f"{n + 1}  " if n < MAX_KEYED else ""
            button = ElidedButton(f"{key}{name} — {said}", objectName=f"accept_{n + 1}")
            button.setStyleSheet("text-align: left; padding: 3px 6px")
            button.setIcon(lane_icon(n))
            button.setToolTip(f"Put {name}'s version of this region into gold:\n{said}")
            button.clicked.connect(lambda _checked=False, n=n: self.accept(n))
            button.installEventFilter(self)
            self.versions.addWidget(button)
            self.version_buttons.append(button)

    # ----------------------------------------------------------- resolving
    def accept(self, index: int) -> None:
        """Put the ``index``-th selected annotator's version of the current region into gold."""
        d = self.current()
        names = list(self.spans_by_annotator)
        if d is None or not 0 <= index < len(names) or self.doc_id is None:
            return
        if isinstance(d, RelationDisagreement):
            keys = d.version(names[index])
            ends = [end for head, child, _label in keys for end in (head, child)]
            values = self.comparison.values_of(names[index], ends) if self.comparison is not None else {}
            self._resolve_relation(d, keys, accept_relation_text(names[index], keys), values)
            return
        version = version_of(d, names[index])
        self._resolve(d, version, accept_text(names[index], version),
                      version_values(d, names[index], self.model.attributes))

    def reject(self) -> None:
        d = self.current()
        if isinstance(d, RelationDisagreement):
            self._resolve_relation(d, (), "Reject all relations between two spans")
        elif d is not None and self.doc_id is not None:
            self._resolve(d, [], "Reject all versions")

    def _resolve_relation(self, d: RelationDisagreement, version: tuple, text: str, values: dict | None = None) -> None:
        if self.doc_id is None:
            return
        self._push(ResolveRelationCommand(
            self.project, self.notifier, self.doc_id, d.pair, version, self.reviewer, text, values))

    def _resolve(self, d: Disagreement, version: list[tuple[int, int, str]], text: str,
                 values: dict | None = None) -> None:
        """Make gold say ``version`` in the region, with ``values`` (the version's attribute values)."""
        assert self.doc_id is not None
        self._push(ResolveRegionCommand(
            self.project, self.notifier, self.doc_id, (d.start, d.end), version, self.reviewer, text, values))

    def _push(self, command: QUndoCommand) -> None:
        """Push a resolution and go on to the next row; a step the store refuses (the window says why)
        leaves the reviewer on the row, to read why and decide otherwise."""
        refused: list[str] = []

        def note(reason: str) -> None:
            refused.append(reason)

        self.notifier.failed.connect(note)
        try:
            self.undo_stack.push(command)
        finally:
            self.notifier.failed.disconnect(note)
        if not refused:
            self._start_review()
            self.next()

    def accept_agreed(self) -> None:
        if self.doc_id is None:
            return
        agreed, relations = self.pending_agreed(), self.relations.pending_agreed()
        if agreed or relations:
            values = self.comparison.agreed_values(agreed) if self.comparison is not None else {}
            self.undo_stack.push(AcceptAgreedCommand(self.project, self.notifier, self.doc_id, agreed, self.reviewer,
                                                     relations, values))
            self._start_review()

    # -------------------------------------------------------------- status
    def _start_review(self) -> None:
        """The first resolution in an unreviewed document marks it as in review."""
        if self.doc_id is not None and self.project.review_status(self.doc_id) == "unreviewed":
            self.set_review_status("in_review")

    def set_review_status(self, status: str) -> None:
        if self.doc_id is None:
            return
        self.project.set_review_status(self.doc_id, status, self.reviewer)
        self._show_status()
        self.reviewStatusChanged.emit(self.doc_id, status)

    def _show_status(self) -> None:
        status = self.project.review_status(self.doc_id) if self.doc_id is not None else "unreviewed"
        self.status_combo.setCurrentIndex(REVIEW_STATUSES.index(status))
        self.status_combo.setEnabled(self.doc_id is not None)
