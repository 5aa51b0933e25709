"""The window's View handlers: View > Panels, Line length and Theme, zoom, find in the document,
label tags and hidden labels (each remembered in the settings where it is a choice).

A mixin of ``MainWindow``: the actions in ``ui/actions.py`` bind to these method names on the window.
"""

from __future__ import annotations

from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QMenu

from annotator.ui.text_view import MEASURE

# View > Line length: characters a line holds at most (0: the whole width), and the menu's words.
LINE_LENGTHS = {MEASURE: f"&Comfortable (about {MEASURE} characters)", 110: "&Wide (about 110 characters)",
                0: "&Full width"}
from annotator.ui.theme import MODES, apply_theme


class ViewSettings:
    def _build_view_menu(self) -> None:
        """View > Panels (close and bring back each panel) and View > Theme."""
        view = self.menus["&View"]
        view.addSeparator()
        panels = view.addMenu("&Panels")
        for dock in (self.documents_dock, self.spans_dock, self.details_dock):
            panels.addAction(dock.toggleViewAction())
        self._build_line_length_menu(view.addMenu("&Line length"))
        themes = view.addMenu("T&heme")
        group = QActionGroup(self)
        chosen = str(self.settings.value("view/theme", "system"))
        for mode in MODES:
            action = themes.addAction({"system": "Follow the &system", "light": "&Light", "dark": "&Dark"}[mode])
            action.setObjectName(f"theme_{mode}")
            action.setCheckable(True)
            action.setChecked(mode == chosen)
            action.triggered.connect(lambda _=False, mode=mode: self.set_theme(mode))
            group.addAction(action)

    def zoom_in(self) -> None:
        self.text_view.zoom(1)

    def zoom_out(self) -> None:
        self.text_view.zoom(-1)

    def zoom_reset(self) -> None:
        self.text_view.reset_zoom()

    def find_in_document(self) -> None:
        self.find_bar.open_bar()

    def find_next(self) -> None:
        self.find_bar.step(1)

    def find_previous(self) -> None:
        self.find_bar.step(-1)

    def toggle_label_tags(self, on: bool) -> None:
        self.settings.setValue("view/labelTags", on)
        self.text_view.set_show_tags(on)

    def _build_line_length_menu(self, menu: QMenu) -> None:
        """View > Line length: comfortable, wide or the whole width, as last chosen."""
        group = QActionGroup(self)
        self.line_length_actions = {}
        for characters, text in LINE_LENGTHS.items():
            action = self.line_length_actions[characters] = menu.addAction(text)
            action.setObjectName(f"line_length_{characters}")
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, characters=characters: self.set_line_length(characters))
            group.addAction(action)
        characters = self._saved_line_length()
        self.line_length_actions[characters].setChecked(True)
        self.text_view.set_measure(characters)

    def _saved_line_length(self) -> int:
        """The line length last chosen (an older version's "full-width lines" on counts as full width)."""
        saved = self.settings.value("view/lineLength")
        if saved is None:
            return 0 if self._setting("view/fullWidth", False) else MEASURE
        try:
            characters = int(saved)
        except (TypeError, ValueError):
            return MEASURE
        return characters if characters in LINE_LENGTHS else MEASURE

    def set_line_length(self, characters: int) -> None:
        """Cap lines at about ``characters`` (0: the whole width), remembered; offsets do not change."""
        self.settings.setValue("view/lineLength", characters)
        self.line_length_actions[characters].setChecked(True)
        self.text_view.set_measure(characters)
        self.statusBar().showMessage(f"Line length: {LINE_LENGTHS[characters].replace('&', '')}", 3000)

    def next_line_length(self) -> None:
        """Comfortable -> wide -> full width -> comfortable."""
        lengths = list(LINE_LENGTHS)
        current = self.text_view.measure
        self.set_line_length(lengths[(lengths.index(current) + 1) % len(lengths)] if current in lengths else MEASURE)

    def set_theme(self, mode: str) -> None:
        """Follow the system's colours, or force light or dark (remembered)."""
        self.settings.setValue("view/theme", mode)
        apply_theme(mode)
        self.text_view.set_dark(None)
        self.palette.set_labels(self.labels)

    def set_hidden_labels(self, hidden: set[str]) -> None:
        self.settings.setValue("view/hiddenLabels", sorted(hidden))
        self.text_view.set_hidden_labels(hidden)
