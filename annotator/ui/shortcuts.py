"""The shortcut cheat sheet (F1): every action of the window, grouped by menu, with its keys."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget


# Keys that are not window actions (so not in any menu), listed after the menus' actions.
# The README's shortcut table lists every one of these and every action's keys (a test checks).
KEY_NOTES: tuple[tuple[str, str], ...] = (
    ("Select text", "Shift+arrows, or drag, double-click, Shift+click"),
    ("Select exact characters (no snapping to words)", "Alt+Shift+arrows, or hold Alt while dragging"),
    ("Scroll the text a page down / up", "PgDown / PgUp"),
    ("Review dock: take annotator N's version", "1-9"),
    ("Review dock: reject every version", "X"),
    ("Attribute editor: pick the n-th choice, or a choice by its hotkey; clear; next attribute",
     "1-9 or the choice's letter; 0; Up/Down"),
    ("Actor bar: link (accept the suggestion, or a new actor from the span); take a completion; close",
     "Enter; Down, Enter; Esc"),
    ("While linking: move the other end; link with a relation label; pick from the labels that fit; cancel",
     "] / [; the relation label's key (S, C, U by default); Enter; Esc"),
)


def shortcut_text(action: QAction) -> str:
    """The action's keys as a reader types them, leaving out dedicated keys few keyboards have.

    Qt's standard bindings add keys such as "New", "Open" or "Find" (multimedia and office
    keyboards); the action still answers them, but the sheet lists the keys everyone has.
    """
    keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()
            if not k.isEmpty() and not _dedicated_key(k)]
    return " or ".join(keys)


def _dedicated_key(sequence: QKeySequence) -> bool:
    """A key few keyboards have: an application or multimedia key (Qt numbers them from Key_Back up)
    without modifiers, or a function key past F12 (Qt binds Undo to F14 and Copy to F16 on X11)."""
    combination = sequence[0]
    key = combination.key().value
    if Qt.Key.Key_F13.value <= key <= Qt.Key.Key_F35.value:
        return True
    return (sequence.count() == 1 and combination.keyboardModifiers() == Qt.KeyboardModifier.NoModifier
            and Qt.Key.Key_Back.value <= key < Qt.Key.Key_unknown.value)


def cheat_sheet_html(groups: list[tuple[str, list[QAction]]]) -> str:
    parts = ["<h2>Keyboard shortcuts</h2>"]
    for title, actions in groups:
        rows = "".join(
            f"<tr><td style='padding-right:24px'>{a.text().replace('&', '').replace('...', '…')}</td>"
            f"<td><b>{shortcut_text(a)}</b></td></tr>"
            for a in actions if shortcut_text(a)
        )
        if rows:
            parts.append(f"<h3>{title}</h3><table>{rows}</table>")
    rows = "".join(f"<tr><td style='padding-right:24px'>{text}</td><td><b>{keys}</b></td></tr>"
                   for text, keys in KEY_NOTES)
    parts.append(f"<h3>Other keys</h3><table>{rows}</table>")
    return "".join(parts)


class CheatSheet(QDialog):
    def __init__(self, groups: list[tuple[str, list[QAction]]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cheatSheet")
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(520, 640)
        self.browser = QTextBrowser()
        self.browser.setHtml(cheat_sheet_html(groups))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
