"""The label-schema dialog: add, rename, recolour, re-key, describe, reorder and delete labels
(span labels in one tab, relation labels with their end rules in the other: relation_label_editor).

Every change is one undoable command (annotator.ui.label_commands) pushed on the
window's undo stack. The dialog shows what the project holds: it reloads when the
stack moves (undo/redo by its own Ctrl+Z / Ctrl+Shift+Z keys included) and emits ``labelsChanged``
whenever the labels it shows have changed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, QRegularExpression, Qt, Signal
from PySide6.QtGui import (QColor, QIcon, QKeyEvent, QKeySequence, QPixmap, QRegularExpressionValidator, QShortcut,
                           QUndoStack)
from PySide6.QtWidgets import (
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import DEFAULT_LABELS, EXTRA_COLORS, Label
from annotator.core.wording import verb
from annotator.store import Project
from annotator.ui.actions import REDO_KEYS, UNDO_KEYS, key_sequences
from annotator.ui.attribute_schema import AttributeSchemaEditor
from annotator.ui.label_commands import (
    AddLabelCommand,
    DeleteLabelCommand,
    UpdateLabelCommand,
    move_label_command,
    spans_phrase,
)
from annotator.ui.label_form import HEX_COLOR, LabelForm, buddy, error_line
from annotator.ui.relation_label_editor import RelationLabelEditor

# The eight Okabe-Ito colours, offered first in the colour dialog and to new labels.
PALETTE: tuple[str, ...] = tuple(label.color for label in DEFAULT_LABELS) + EXTRA_COLORS

ColorChooser = Callable[[QColor, QWidget], "QColor | None"]


def next_free_color(labels: Sequence[Label]) -> str:
    """The first palette colour no label uses yet (cycling once all are taken)."""
    used = {label.color.lower() for label in labels}
    return next((c for c in PALETTE if c not in used), PALETTE[len(labels) % len(PALETTE)])


def ask_color(initial: QColor, parent: QWidget) -> QColor | None:
    """A QColorDialog with the Okabe-Ito palette as its custom colours."""
    for index, color in enumerate(PALETTE):
        QColorDialog.setCustomColor(index, QColor(color))
    dialog = QColorDialog(initial, parent)
    dialog.setWindowTitle("Label colour")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.selectedColor()


def swatch(color: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class LabelSchemaDialog(LabelForm, QDialog):
    labelsChanged = Signal()

    def __init__(
        self,
        project: Project,
        undo_stack: QUndoStack,
        parent: QWidget | None = None,
        confirm: Callable[[str], bool] | None = None,
        *,
        choose_color: ColorChooser | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.undo_stack = undo_stack
        self.confirm = confirm or self._ask
        self.choose_color = choose_color or ask_color
        self._labels: list[Label] = []
        self._editing: str | None = None  # name of the label in the form; None = a new one
        self._select_next: str | None = None
        self.setWindowTitle("Labels")
        self._build()
        self._connect()
        undo_stack.indexChanged.connect(self._stack_moved)
        self._reload()
        self.label_list.setFocus()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.label_list = QListWidget()
        self.label_list.setAccessibleName("Labels")
        self.new_button = QPushButton("&New")
        self.delete_button = QPushButton("&Delete")
        self.up_button = QPushButton("Move &up")
        self.down_button = QPushButton("Move do&wn")
        for button, tip in (
            (self.new_button, "New label (Ctrl+N)"),
            (self.delete_button, "Delete the label and its spans (Delete)"),
            (self.up_button, "Move up (Alt+Up)"),
            (self.down_button, "Move down (Alt+Down)"),
        ):
            button.setToolTip(tip)
        self.name_edit = QLineEdit()
        self.hotkey_edit = QLineEdit()
        self.hotkey_edit.setMaxLength(1)
        self.hotkey_edit.setValidator(QRegularExpressionValidator(QRegularExpression("[0-9A-Za-z]?")))
        self.hotkey_edit.setPlaceholderText("1-9, 0 or a letter but n, p, a, x")
        self.color_edit = QLineEdit()
        self.color_edit.setValidator(QRegularExpressionValidator(QRegularExpression("#[0-9A-Fa-f]{0,6}")))
        self.color_edit.setMinimumWidth(self.color_edit.fontMetrics().horizontalAdvance("#MMMMMM") + 16)
        self.color_button = QPushButton("&Choose...")
        self.description_edit = QLineEdit()
        self.apply_button = QPushButton("&Apply")
        self.error_label = error_line("labelError")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAutoDefault(False)

        left = QVBoxLayout()
        left.addWidget(self.label_list)
        row = QHBoxLayout()
        for button in (self.new_button, self.delete_button, self.up_button, self.down_button):
            row.addWidget(button)
        left.addLayout(row)

        color_row = QHBoxLayout()
        color_row.addWidget(self.color_edit)
        color_row.addWidget(self.color_button)
        form = QFormLayout()
        form.addRow(buddy("Na&me:", self.name_edit), self.name_edit)
        form.addRow(buddy("&Hotkey:", self.hotkey_edit), self.hotkey_edit)
        form.addRow(buddy("C&olour:", self.color_edit), color_row)
        form.addRow(buddy("Desc&ription:", self.description_edit), self.description_edit)
        form.addRow("", self.apply_button)

        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addLayout(form, 3)
        span_page = QWidget()
        span_column = QVBoxLayout(span_page)
        span_column.addLayout(body)
        self.attributes = AttributeSchemaEditor(self.project, self.undo_stack)
        span_column.addWidget(self.attributes)
        span_column.addWidget(self.error_label)
        self.relation_labels = RelationLabelEditor(self.project, self.undo_stack, confirm=self.confirm,
                                                   choose_color=self.choose_color, palette=PALETTE)
        self.tabs = QTabWidget()
        self.tabs.addTab(span_page, "&Span labels")
        self.tabs.addTab(self.relation_labels, "Relation la&bels")
        outer = QVBoxLayout(self)
        outer.addWidget(self.tabs)
        outer.addWidget(self.buttons)
        self.tabs.currentChanged.connect(self._tab_changed)
        self._tab_changed()
        self.resize(680, 600)

        order = [self.label_list, self.name_edit, self.hotkey_edit, self.color_edit, self.color_button,
                 self.description_edit, self.apply_button, self.new_button, self.delete_button,
                 self.up_button, self.down_button, self.close_button]
        for first, second in zip(order, order[1:]):
            QWidget.setTabOrder(first, second)

    def _connect(self) -> None:
        self.label_list.currentRowChanged.connect(self._row_changed)
        self.new_button.clicked.connect(self.start_new_label)
        self.delete_button.clicked.connect(self.delete_current)
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button.clicked.connect(lambda: self.move_current(1))
        self.color_button.clicked.connect(self.pick_color)
        self.relation_labels.relationLabelsChanged.connect(self.labelsChanged)
        self.color_edit.textChanged.connect(self._show_color)
        self.apply_button.clicked.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        shortcuts = (
            (QKeySequence("Alt+Up"), lambda: self.move_current(-1), self),
            (QKeySequence("Alt+Down"), lambda: self.move_current(1), self),
            (QKeySequence("Ctrl+N"), self._new_in_tab, self),
            # Only on the list: Delete in a text field deletes characters.
            (QKeySequence(Qt.Key.Key_Delete), self.delete_current, self.label_list),
        )
        for keys, slot, owner in shortcuts:
            shortcut = QShortcut(keys, owner)
            shortcut.setContext(
                Qt.ShortcutContext.WidgetShortcut if owner is self.label_list else Qt.ShortcutContext.WindowShortcut
            )
            shortcut.activated.connect(slot)
        self._undo_keys()

    def _undo_keys(self) -> None:
        """The window's Undo/Redo keys work here too (the dialog is window-modal: the Edit menu is out of reach).
        A text field with typing of its own to undo or redo keeps the key for that."""
        for keys, slot in ((UNDO_KEYS, self.undo_stack.undo), (REDO_KEYS, self.undo_stack.redo)):
            shortcut = QShortcut(self)
            shortcut.setKeys(key_sequences(keys))
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
        for field in self.findChildren(QLineEdit):
            field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(watched, QLineEdit):
            assert isinstance(event, QKeyEvent)
            pressed = QKeySequence(event.keyCombination())
            undo, redo = (pressed in key_sequences(keys) for keys in (UNDO_KEYS, REDO_KEYS))
            if (undo and not watched.isUndoAvailable()) or (redo and not watched.isRedoAvailable()):
                event.ignore()  # not the field's: the dialog's Undo/Redo shortcut takes it
                return True
        return super().eventFilter(watched, event)

    # --------------------------------------------------------------- showing
    def _tab_changed(self) -> None:
        """Enter applies the form of the tab shown (the default button is set once the button is in the dialog)."""
        relations = self.tabs.currentWidget() is self.relation_labels
        self.relation_labels.apply_button.setDefault(relations)
        self.apply_button.setDefault(not relations)

    def _new_in_tab(self) -> None:
        """Ctrl+N: a new label of the kind the shown tab edits."""
        if self.tabs.currentWidget() is self.relation_labels:
            self.relation_labels.start_new_label()
        else:
            self.start_new_label()

    def _stack_moved(self, _index: int) -> None:
        try:
            self.refresh()
            self.relation_labels.refresh()
        except sqlite3.ProgrammingError:
            pass  # the project was closed first (shutting down); a stack being destroyed clears itself

    def refresh(self) -> None:
        """Reload when the project's labels differ from what is shown, and say so."""
        if self.project.labels() != self._labels:
            self._reload()
            self.labelsChanged.emit()

    def _reload(self) -> None:
        previous_row = self.label_list.currentRow()
        wanted = self._select_next or self._editing
        self._select_next = None
        self._labels = self.project.labels()
        self.label_list.blockSignals(True)
        self.label_list.clear()
        for label in self._labels:
            text = f"{label.name}    [{label.hotkey}]" if label.hotkey else label.name
            item = QListWidgetItem(swatch(label.color), text)
            item.setData(Qt.ItemDataRole.UserRole, label.name)
            item.setToolTip(label.description)
            self.label_list.addItem(item)
        names = [label.name for label in self._labels]
        if wanted in names:
            row = names.index(wanted)
        else:
            row = min(max(previous_row, 0), len(names) - 1)
        self.label_list.setCurrentRow(row)
        self.label_list.blockSignals(False)
        self._row_changed(row)

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(self._labels):
            self._fill_form(self._labels[row])
        else:
            self._editing = None
            self.attributes.set_label(None)
            self._update_buttons()

    def _fill_form(self, label: Label) -> None:
        self._editing = label.name
        self.attributes.set_label(label.name)
        self.name_edit.setText(label.name)
        self.hotkey_edit.setText(label.hotkey)
        self.color_edit.setText(label.color)
        self.description_edit.setText(label.description)
        self.description_edit.setCursorPosition(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        editing = self._editing is not None
        self.apply_button.setText("&Apply" if editing else "&Add label")
        self.delete_button.setEnabled(editing)
        row = self.label_list.currentRow() if editing else -1
        self.up_button.setEnabled(editing and row > 0)
        self.down_button.setEnabled(editing and 0 <= row < len(self._labels) - 1)

    def _show_color(self, text: str) -> None:
        if HEX_COLOR.fullmatch(text):
            self.color_button.setIcon(swatch(text))

    def start_new_label(self) -> None:
        """Clear the form for a new label with the next free palette colour."""
        self._editing = None
        self.attributes.set_label(None)
        self.label_list.blockSignals(True)
        self.label_list.setCurrentRow(-1)
        self.label_list.blockSignals(False)
        self.name_edit.clear()
        self.hotkey_edit.clear()
        self.color_edit.setText(next_free_color(self._labels))
        self.description_edit.clear()
        self._show_error(None)
        self._update_buttons()
        self.name_edit.setFocus()

    def _form_label(self) -> Label | None:
        checked = self._color_and_hotkey()
        if checked is None:
            return None
        color, hotkey = checked
        return Label(self.name_edit.text().strip(), color, hotkey, self.description_edit.text().strip())

    def _stored(self, name: str) -> Label | None:
        return self.project.label(name)

    def _add_command(self, label: Label) -> AddLabelCommand:
        return AddLabelCommand(self.project, label)

    def _update_command(self, old: Label, new: Label) -> UpdateLabelCommand:
        return UpdateLabelCommand(self.project, old, new)

    def pick_color(self) -> None:
        """Choose a colour; for an existing label the choice is applied at once."""
        current = QColor(self.color_edit.text()) if HEX_COLOR.fullmatch(self.color_edit.text()) else QColor(PALETTE[0])
        chosen = self.choose_color(current, self)
        if chosen is None or not chosen.isValid():
            return
        self.color_edit.setText(chosen.name())
        if self._editing is not None:
            self.apply()

    def move_current(self, step: int) -> None:
        if self._editing is None:
            return
        command = move_label_command(self.project, self._editing, step)
        if command is not None:
            self._push(command, select=self._editing)

    def delete_current(self) -> None:
        """Delete the selected label (and its spans) after asking."""
        if self._editing is None:
            return
        name = self._editing
        count = self.project.label_span_count(name)
        if count:
            question = f"Delete label {name} and the {spans_phrase(count)} that {verb(count, 'uses', 'use')} it?"
        else:
            question = f"Delete label {name}? No spans use it."
        if not self.confirm(question + " You can undo this."):
            return
        self._push(DeleteLabelCommand(self.project, name), select=None)

    def _ask(self, question: str) -> bool:
        answer = QMessageBox.question(self, "Delete label", question)
        return answer == QMessageBox.StandardButton.Yes
