"""The label dialog's "Relation labels" tab: add, rename, recolour, re-key, set the end rule, delete.

The end rule says which span labels a relation's head and child may have (none ticked: any).
Every change is one undoable command (``label_commands``) pushed on the window's undo stack;
a change the store refuses (a duplicate name or hotkey, a rule that relations already break)
changes nothing and the reason is shown under the form.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QRegularExpressionValidator, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.relations import RelationLabel
from annotator.core.wording import verb
from annotator.store import Project
from annotator.ui.label_commands import (
    AddRelationLabelCommand,
    DeleteRelationLabelCommand,
    UpdateRelationLabelCommand,
    relations_phrase,
)
from annotator.ui.label_form import LabelForm, buddy, error_line
from annotator.ui.spans_panel import swatch


def rule_text(label: RelationLabel) -> str:
    """``quote → actor`` (``any`` for an end without a rule)."""
    return f"{' / '.join(label.heads) or 'any'} → {' / '.join(label.children) or 'any'}"


class EndList(QListWidget):
    """The span labels one end of a relation may have, as check boxes (Space ticks the current one)."""

    def set_names(self, names: Sequence[str], ticked: Sequence[str]) -> None:
        self.clear()
        for name in dict.fromkeys([*names, *ticked]):  # a rule naming a label that no longer exists stays shown
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in ticked else Qt.CheckState.Unchecked)
            self.addItem(item)
        self.setCurrentRow(0 if self.count() else -1)

    def ticked(self) -> tuple[str, ...]:
        return tuple(self.item(row).text() for row in range(self.count())
                     if self.item(row).checkState() == Qt.CheckState.Checked)


class RelationLabelEditor(LabelForm, QWidget):
    kind = "relation label"
    relationLabelsChanged = Signal()

    def __init__(self, project: Project, undo_stack: QUndoStack, *, confirm: Callable[[str], bool],
                 choose_color: Callable[[QColor, QWidget], QColor | None], palette: Sequence[str]) -> None:
        super().__init__()
        self.project, self.undo_stack = project, undo_stack
        self.confirm, self.choose_color, self.palette = confirm, choose_color, tuple(palette)
        self._labels: list[RelationLabel] = []
        self._editing: str | None = None  # the relation label in the form; None = a new one
        self._select_next: str | None = None
        self._build()
        self._reload()

    def _build(self) -> None:
        self.label_list = QListWidget()
        self.label_list.setAccessibleName("Relation labels")
        self.new_button = QPushButton("&New")
        self.new_button.setToolTip("New relation label (Ctrl+N)")
        self.delete_button = QPushButton("&Delete")
        self.delete_button.setToolTip("Delete the relation label and its relations (Delete)")
        self.name_edit = QLineEdit()
        self.hotkey_edit = QLineEdit()
        self.hotkey_edit.setMaxLength(1)
        self.hotkey_edit.setValidator(QRegularExpressionValidator(QRegularExpression("[0-9A-Za-z]?")))
        self.hotkey_edit.setPlaceholderText("the key that links, after R")
        self.color_edit = QLineEdit()
        self.color_edit.setValidator(QRegularExpressionValidator(QRegularExpression("#[0-9A-Fa-f]{0,6}")))
        self.color_button = QPushButton("C&hoose...")
        self.heads_list = EndList()
        self.heads_list.setAccessibleName("Head labels")
        self.children_list = EndList()
        self.children_list.setAccessibleName("Child labels")
        self.description_edit = QLineEdit()
        self.apply_button = QPushButton("&Apply")
        self.error_label = error_line("relationLabelError")

        left = QVBoxLayout()
        left.addWidget(self.label_list)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addWidget(self.delete_button)
        left.addLayout(row)
        color_row = QHBoxLayout()
        color_row.addWidget(self.color_edit)
        color_row.addWidget(self.color_button)
        ends = QHBoxLayout()
        for text, widget in (("Head (&from):", self.heads_list), ("Chi&ld (to):", self.children_list)):
            column = QVBoxLayout()
            column.addWidget(buddy(text, widget))
            column.addWidget(widget)
            ends.addLayout(column)
        form = QFormLayout()
        form.addRow(buddy("Na&me:", self.name_edit), self.name_edit)
        form.addRow(buddy("Hot&key:", self.hotkey_edit), self.hotkey_edit)
        form.addRow(buddy("C&olour:", self.color_edit), color_row)
        form.addRow(buddy("Desc&ription:", self.description_edit), self.description_edit)
        form.addRow(ends)
        form.addRow(QLabel("No label ticked: an end may be any span."))
        form.addRow("", self.apply_button)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addLayout(form, 3)
        outer = QVBoxLayout(self)
        outer.addLayout(body)
        outer.addWidget(self.error_label)
        order = [self.label_list, self.name_edit, self.hotkey_edit, self.color_edit, self.color_button,
                 self.description_edit, self.heads_list, self.children_list, self.apply_button,
                 self.new_button, self.delete_button]
        for first, second in zip(order, order[1:]):
            QWidget.setTabOrder(first, second)

        self.label_list.currentRowChanged.connect(self._row_changed)
        self.new_button.clicked.connect(self.start_new_label)
        self.delete_button.clicked.connect(self.delete_current)
        self.color_button.clicked.connect(self.pick_color)
        self.apply_button.clicked.connect(self.apply)
        for button in (self.new_button, self.delete_button, self.color_button):
            button.setAutoDefault(False)  # Enter in the form applies it (the dialog's default button), never these
        delete = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.label_list)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)  # in a text field Delete deletes characters
        delete.activated.connect(self.delete_current)

    # --------------------------------------------------------------- showing
    def refresh(self) -> None:
        """Reload when the project's relation labels (or the span labels the rules offer) differ from what is shown."""
        if self.project.relation_labels() != self._labels or self._span_names() != self._shown_span_names:
            self._reload()
            self.relationLabelsChanged.emit()

    def _span_names(self) -> list[str]:
        return [label.name for label in self.project.labels()]

    def _reload(self) -> None:
        previous = self.label_list.currentRow()
        wanted = self._select_next or self._editing
        self._select_next = None
        self._labels = self.project.relation_labels()
        self._shown_span_names = self._span_names()
        self.label_list.blockSignals(True)
        self.label_list.clear()
        for label in self._labels:
            key = f"  [{label.hotkey}]" if label.hotkey else ""
            item = QListWidgetItem(swatch(label.color), f"{label.name}{key}    {rule_text(label)}")
            item.setToolTip(label.description)
            self.label_list.addItem(item)
        names = [label.name for label in self._labels]
        row = names.index(wanted) if wanted in names else min(max(previous, 0), len(names) - 1)
        self.label_list.setCurrentRow(row)
        self.label_list.blockSignals(False)
        self._row_changed(row)

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(self._labels):
            self._fill_form(self._labels[row])
        else:
            self._clear_form(self.palette[0])

    def _fill_form(self, label: RelationLabel) -> None:
        self._editing = label.name
        self.name_edit.setText(label.name)
        self.hotkey_edit.setText(label.hotkey)
        self.color_edit.setText(label.color)
        self.color_button.setIcon(swatch(label.color))
        self.description_edit.setText(label.description)
        self.description_edit.setCursorPosition(0)
        self.heads_list.set_names(self._shown_span_names, label.heads)
        self.children_list.set_names(self._shown_span_names, label.children)
        self._update_buttons()

    def _clear_form(self, color: str) -> None:
        self._editing = None
        for edit in (self.name_edit, self.hotkey_edit, self.description_edit):
            edit.clear()
        self.color_edit.setText(color)
        self.color_button.setIcon(swatch(color))
        self.heads_list.set_names(self._shown_span_names, ())
        self.children_list.set_names(self._shown_span_names, ())
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.apply_button.setText("&Apply" if self._editing is not None else "&Add relation label")
        self.delete_button.setEnabled(self._editing is not None)

    def start_new_label(self) -> None:
        """Clear the form for a new relation label with the first colour no relation label uses."""
        used = {label.color.lower() for label in self._labels}
        self.label_list.blockSignals(True)
        self.label_list.setCurrentRow(-1)
        self.label_list.blockSignals(False)
        self._clear_form(next((c for c in self.palette if c not in used), self.palette[0]))
        self._show_error(None)
        self.name_edit.setFocus()

    def _form_label(self) -> RelationLabel | None:
        checked = self._color_and_hotkey()
        if checked is None:
            return None
        color, hotkey = checked
        return RelationLabel(self.name_edit.text().strip(), color, hotkey, self.description_edit.text().strip(),
                             0, self.heads_list.ticked(), self.children_list.ticked())

    def _stored(self, name: str) -> RelationLabel | None:
        return self.project.relation_label(name)

    def _add_command(self, label: RelationLabel) -> AddRelationLabelCommand:
        return AddRelationLabelCommand(self.project, label)

    def _update_command(self, old: RelationLabel, new: RelationLabel) -> UpdateRelationLabelCommand:
        return UpdateRelationLabelCommand(self.project, old, new)

    def pick_color(self) -> None:
        """Choose a colour; for an existing relation label the choice is applied at once."""
        chosen = self.choose_color(QColor(self.color_edit.text()), self)
        if chosen is None or not chosen.isValid():
            return
        self.color_edit.setText(chosen.name())
        if self._editing is not None:
            self.apply()

    def delete_current(self) -> None:
        """Delete the selected relation label (and its relations) after asking."""
        if self._editing is None:
            return
        name = self._editing
        count = self.project.relation_count(name)
        question = (f"Delete relation label {name} and the {relations_phrase(count)} that {verb(count, 'uses', 'use')} it?"
                    if count else f"Delete relation label {name}? No relations use it.")
        if self.confirm(question + " You can undo this."):
            self._push(DeleteRelationLabelCommand(self.project, name, count), select=None)
