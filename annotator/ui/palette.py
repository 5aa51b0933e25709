"""The label palette: one button per label in its colour, with its hotkey and description."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from annotator.core.model import Label
from annotator.ui.theme import text_color, tint


class LabelPalette(QWidget):
    labelChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labelPalette")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(6, 4, 6, 4)
        self.buttons: dict[str, QPushButton] = {}

    def set_labels(self, labels: list[Label]) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.widget():
                item.widget().hide()  # at once: deleteLater waits for the event loop, and until then
                item.widget().deleteLater()  # the old buttons would cover the palette
        self.buttons.clear()
        caption = QLabel("Labels:")
        self._layout.addWidget(caption)
        for label in labels:
            self._layout.addWidget(self._button(label))
        self._layout.addStretch(1)

    def _button(self, label: Label) -> QPushButton:
        text = f"{label.hotkey}  {label.name}" if label.hotkey else label.name
        button = QPushButton(text)
        button.setObjectName(f"label-{label.name}")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keep focus (and selection) in the text
        border = QColor(label.color).darker(130).name()
        button.setStyleSheet(
            f"QPushButton {{ background: {tint(label.color).name()}; border: 2px solid {border};"
            f" border-radius: 4px; padding: 3px 10px; color: {text_color().name()}; font-weight: 600; }}"
            f" QPushButton:hover {{ background: {label.color}; }}"
        )
        hint = f"Hotkey: {label.hotkey}" if label.hotkey else "No hotkey"
        button.setToolTip(f"<b>{label.name}</b><br/>{label.description or 'No description.'}<br/><i>{hint}</i>")
        button.clicked.connect(lambda _=False, name=label.name: self.labelChosen.emit(name))
        self.buttons[label.name] = button
        return button
