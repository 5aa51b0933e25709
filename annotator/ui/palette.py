"""The label palette: one button per label in its colour, with its hotkey and description,
and a Show menu that hides or shows each label's spans in the text (to declutter)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QToolButton, QWidget

from annotator.core.model import Label
from annotator.ui.theme import text_color, tint


class LabelPalette(QWidget):
    labelChosen = Signal(str)
    hiddenChanged = Signal(object)  # the set of label names whose spans are hidden

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labelPalette")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(6, 4, 6, 4)
        self.buttons: dict[str, QPushButton] = {}
        self.hidden: set[str] = set()
        self.show_menu = QMenu(self)
        self.show_menu.setObjectName("showLabelsMenu")
        self.show_button = QToolButton(text="Show ▾", toolTip="Show or hide each label's spans in the text")
        self.show_button.setObjectName("showLabels")
        self.show_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.show_button.setMenu(self.show_menu)
        self.show_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)

    def set_labels(self, labels: list[Label]) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.widget() and item.widget() is not self.show_button:
                item.widget().hide()  # at once: deleteLater waits for the event loop, and until then
                item.widget().deleteLater()  # the old buttons would cover the palette
        self.buttons.clear()
        caption = QLabel("Labels:")
        self._layout.addWidget(caption)
        for label in labels:
            self._layout.addWidget(self._button(label))
        self._layout.addStretch(1)
        self._fill_show_menu(labels)
        self._layout.addWidget(self.show_button)

    def _fill_show_menu(self, labels: list[Label]) -> None:
        self.show_menu.clear()
        for label in labels:
            action = self.show_menu.addAction(label.name)
            action.setObjectName(f"show-{label.name}")
            action.setCheckable(True)
            action.setChecked(label.name not in self.hidden)
            action.toggled.connect(lambda on, name=label.name: self.set_shown(name, on))
        self._mark_hidden()

    def set_shown(self, name: str, shown: bool) -> None:
        """Show or hide one label's spans in the text."""
        if shown == (name not in self.hidden):
            return
        (self.hidden.discard if shown else self.hidden.add)(name)
        for action in self.show_menu.actions():
            if action.text() == name and action.isChecked() != shown:
                action.setChecked(shown)
        self._mark_hidden()
        self.hiddenChanged.emit(set(self.hidden))

    def _mark_hidden(self) -> None:
        """A hidden label's button says so (its key still labels)."""
        for name, button in self.buttons.items():
            font = button.font()
            font.setStrikeOut(name in self.hidden)
            button.setFont(font)
        self.show_button.setText(f"Show ▾ ({len(self.hidden)} hidden)" if self.hidden else "Show ▾")

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
