"""Non-blocking message and question dialogs: the window keeps running and tests can answer them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget


def sentence(message: str) -> str:
    """A problem as the model words it ("an annotator needs a name") as a sentence for a dialog."""
    return f"{message[:1].upper()}{message[1:]}." if message else ""


def show_error(parent: QWidget, title: str, text: str, detail: str = "") -> QMessageBox:
    """A warning the user closes; opened window-modal, so the caller returns at once."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorDialog")
    if detail:
        box.setInformativeText(detail)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def ask_text(parent: QWidget, title: str, label: str, value: str, on_ok: Callable[[str], None],
             *, multiline: bool = False) -> QInputDialog:
    """Ask for a line (or a few lines) of text; ``on_ok`` gets the answer if the user accepts.

    ``on_ok`` runs on the next event-loop turn, once the dialog's own key or click handler has
    returned: an answer that runs events (a progress bar, a busy merge) would otherwise let the
    dialog's deferred delete free it under that handler (valgrind: an invalid write in
    QDialog::keyPressEvent; the test process aborted with "corrupted size vs. prev_size").
    """
    dialog = QInputDialog(parent)
    dialog.setObjectName("askText")
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    if multiline:
        dialog.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput)
    dialog.setTextValue(value)
    dialog.textValueSelected.connect(lambda text: QTimer.singleShot(0, parent, lambda: on_ok(text)))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def ask_yes_no(parent: QWidget, title: str, text: str, detail: str, on_yes: Callable[[], None]) -> QMessageBox:
    """A question the user answers Yes or No (No is the default); ``on_yes`` runs on Yes."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setObjectName("askYesNo")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    if detail:
        box.setInformativeText(detail)
    box.button(QMessageBox.StandardButton.Yes).clicked.connect(on_yes)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
