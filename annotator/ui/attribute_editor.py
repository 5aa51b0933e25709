"""The selected span's attributes, in a compact editor beside the text, worked by keyboard.

`;` (Edit > Edit attributes) puts the focus here. Up/Down pick the attribute; a digit
picks its n-th choice (for yes-no: 1 = yes, 2 = no), a choice's hotkey picks that choice
(of the attribute shown first that has it), `0`, `Delete` or `Backspace` clear it, Enter
edits a text or number value, `Esc` goes back to the text. Every pick is one undo step,
saved at once (the window pushes a ``SetAttributeCommand``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QDoubleValidator, QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (QCheckBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget)

from annotator.core.attributes import AttributeDef, parse_value, show_value

_CLEAR_KEYS = (Qt.Key.Key_0, Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
_OWN_KEYS = (*_CLEAR_KEYS, Qt.Key.Key_Escape, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter,
             Qt.Key.Key_Space)


def pick_by_key(defs: list[AttributeDef], row: int, key_text: str) -> tuple[AttributeDef, Any] | None:
    """What a key picks: a digit the n-th value of attribute ``row``, a letter the choice with that hotkey
    (attribute ``row`` first, then the others in order)."""
    if not defs:
        return None
    current = defs[row]
    if key_text.isdigit() and key_text != "0":
        values = (True, False) if current.kind == "yes-no" else current.values()
        index = int(key_text) - 1
        return (current, values[index]) if index < len(values) else None
    lowered = key_text.lower()
    if current.kind == "yes-no" and lowered in ("y", "n"):
        return current, lowered == "y"
    for attribute in [current] + [d for d in defs if d is not current]:
        for choice, hotkey in zip(attribute.choices, attribute.hotkeys):
            if hotkey and hotkey.lower() == lowered:
                return attribute, choice
    return None


class AttributeEditor(QFrame):
    valuePicked = Signal(int, str, object)  # span id, attribute name, value (None clears)
    finished = Signal()  # Esc: the window gives the text the focus back

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attributeEditor")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.span_id: int | None = None
        self.defs: list[AttributeDef] = []
        self.values: dict[str, Any] = {}
        self.row = 0
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(6, 4, 6, 4)
        self._grid.setColumnStretch(1, 1)
        self._names: list[QLabel] = []
        self._editors: list[QWidget] = []
        self._empty = QLabel()
        self._empty.setWordWrap(True)
        self._grid.addWidget(self._empty, 0, 0, 1, 2)
        self.show_span(None, "", [], {})

    # --------------------------------------------------------------- showing
    def show_span(self, span_id: int | None, label: str, defs: list[AttributeDef], values: dict[str, Any]) -> None:
        """Show one span's attributes (``defs`` of its label, ``values`` it holds); None: no span selected."""
        if span_id != self.span_id or [d.name for d in defs] != [d.name for d in self.defs]:
            self.row = 0
        self.span_id, self.defs, self.values = span_id, list(defs), dict(values)
        self._rebuild(label)

    def _rebuild(self, label: str) -> None:
        for widget in self._names + self._editors:
            self._grid.removeWidget(widget)
            widget.hide()  # at once: the deferred delete waits for the event loop, and until then the
            widget.deleteLater()  # previous label's captions and buttons would be drawn (and clickable)
        self._names, self._editors = [], []
        if self.span_id is None:
            self._empty.setText("Select a span to see its attributes.")
        elif not self.defs:
            self._empty.setText(f"{label} has no attributes (Labels > Edit labels adds some).")
        self._empty.setVisible(self.span_id is None or not self.defs)
        if self.span_id is None:
            return
        for index, attribute in enumerate(self.defs):
            name = QLabel(attribute.name)
            editor = self._value_widget(attribute, self.values.get(attribute.name))
            self._grid.addWidget(name, index + 1, 0, Qt.AlignmentFlag.AlignTop)
            self._grid.addWidget(editor, index + 1, 1)
            self._names.append(name)
            self._editors.append(editor)
        self._mark_row()

    def _value_widget(self, attribute: AttributeDef, value: Any) -> QWidget:
        if attribute.kind == "choice":
            box = QWidget()
            row = QHBoxLayout(box)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(2)
            for number, choice in enumerate(attribute.choices, 1):
                hotkey = attribute.hotkey_of(choice)
                button = QPushButton(f"{number} {choice}" + (f" ({hotkey})" if hotkey else ""))
                button.setObjectName(f"choice_{attribute.name}_{choice}")
                button.setCheckable(True)
                button.setChecked(choice == value)
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the editor
                button.clicked.connect(lambda _=False, a=attribute, c=choice: self._pick(a, None if self.values.get(a.name) == c else c))
                row.addWidget(button)
            row.addStretch(1)
            return box
        if attribute.kind == "yes-no":
            check = QCheckBox("yes (y / n)")
            check.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            check.setChecked(value is True)
            check.clicked.connect(lambda on, a=attribute: self._pick(a, bool(on)))
            return check
        line = QLineEdit(show_value(value))
        line.setObjectName(f"value_{attribute.name}")
        line.setPlaceholderText("Enter to type a number" if attribute.kind == "number" else "Enter to type")
        if attribute.kind == "number":
            line.setValidator(QDoubleValidator(line))
        line.returnPressed.connect(lambda a=attribute, e=line: self._typed(a, e))
        return line

    def _mark_row(self) -> None:
        for index, name in enumerate(self._names):
            current = index == self.row and self.hasFocus()
            name.setText(("▸ " if current else "") + self.defs[index].name)
            font = name.font()
            font.setBold(current)
            name.setFont(font)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusInEvent(event)
        self._mark_row()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusOutEvent(event)
        self._mark_row()

    # ----------------------------------------------------------------- keys
    def event(self, event: QEvent) -> bool:
        """Plain keys (digits, letters, Delete, Esc) are the window's label and span shortcuts:
        while the editor has the focus they are its own."""
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier) and (
                    event.text().isalnum() or event.key() in _OWN_KEYS):
                event.accept()
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.finished.emit()
            return
        if self.span_id is None or not self.defs:
            super().keyPressEvent(event)
            return
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.row = (self.row + (1 if key == Qt.Key.Key_Down else -1)) % len(self.defs)
            self._mark_row()
            return
        current = self.defs[self.row]
        if key in _CLEAR_KEYS:
            self._pick(current, None)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and current.kind in ("text", "number"):
            self._editors[self.row].setFocus()
            return
        if key == Qt.Key.Key_Space and current.kind == "yes-no":
            self._pick(current, not self.values.get(current.name, False))
            return
        picked = pick_by_key(self.defs, self.row, event.text()) if event.text() else None
        if picked is None:
            super().keyPressEvent(event)
            return
        self._pick(*picked)

    def _typed(self, attribute: AttributeDef, line: QLineEdit) -> None:
        text = line.text().strip()
        self._pick(attribute, parse_value(attribute, text) if text else None)
        self.setFocus()

    def _pick(self, attribute: AttributeDef, value: Any) -> None:
        if self.span_id is not None and self.values.get(attribute.name) != value:
            self.valuePicked.emit(self.span_id, attribute.name, value)
