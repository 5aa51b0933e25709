"""Switch annotator: pick a name the project knows, or type a new one and confirm it.

A typo ("ana " for "ana", "bne" for "ben") would otherwise start a new annotator
silently, and their work would seem lost. So the names already in the project are
offered (an editable list), and a name nobody has used yet is only taken after
the user confirms it is a new annotator.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QLabel, QMessageBox, QVBoxLayout, QWidget)

TITLE = "Switch annotator"


class SwitchAnnotatorDialog(QDialog):
    """Window-modal; ``on_name`` gets the chosen name (known, or new and confirmed)."""

    def __init__(self, names: list[str], current: str, on_name: Callable[[str], object], parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("switchAnnotator")
        self.setWindowTitle(TITLE)
        self.names = names
        self.on_name = on_name
        self.combo = QComboBox(objectName="annotatorNames", editable=True)
        self.combo.addItems(names)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)  # a typed name is not added to the list
        self.combo.setCurrentText(current)
        self.combo.lineEdit().selectAll()
        label = QLabel("Annotator name (pick one, or type a new name):")
        label.setBuddy(self.combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._chosen)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.combo)
        layout.addWidget(buttons)
        # Wide enough that the window manager does not cut the title ("Switch annot...").
        self.setMinimumWidth(max(360, self.fontMetrics().horizontalAdvance(TITLE) + 200))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.confirm: QMessageBox | None = None

    def _chosen(self) -> None:
        name = self.combo.currentText().strip()
        if not name or name in self.names:
            self._take(name)
            return
        self.confirm = QMessageBox(
            QMessageBox.Icon.Question, "New annotator?",
            f"Nobody called “{name}” has worked in this project yet.\nStart a new annotator “{name}”?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        self.confirm.setObjectName("confirmNewAnnotator")
        self.confirm.setInformativeText("Known annotators: " + (", ".join(self.names) or "none"))
        self.confirm.setDefaultButton(QMessageBox.StandardButton.No)
        self.confirm.finished.connect(lambda answer: self._take(name) if answer == QMessageBox.StandardButton.Yes
                                      else self.combo.lineEdit().selectAll())
        self.confirm.open()

    def _take(self, name: str) -> None:
        self.accept()
        self.on_name(name)


def ask_annotator(parent: QWidget, names: list[str], current: str, on_name: Callable[[str], object]) -> SwitchAnnotatorDialog:
    dialog = SwitchAnnotatorDialog(names, current, on_name, parent)
    dialog.open()
    return dialog
