"""The window's View handlers: View > Panels and Theme, zoom, find in the document, label tags,
the reading measure and hidden labels (each remembered in the settings where it is a choice).

A mixin of ``MainWindow``: the actions in ``ui/actions.py`` bind to these method names on the window.
"""

from __future__ import annotations

from PySide6.QtGui import QActionGroup

from annotator.ui.text_view import MEASURE
from annotator.ui.theme import MODES, apply_theme


class ViewSettings:
    def _build_view_menu(self) -> None:
        """View > Panels (close and bring back each panel) and View > Theme."""
        view = self.menus["&View"]
        view.addSeparator()
        panels = view.addMenu("&Panels")
        for dock in (self.documents_dock, self.spans_dock, self.details_dock):
            panels.addAction(dock.toggleViewAction())
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

    def toggle_full_width(self, on: bool) -> None:
        self.settings.setValue("view/fullWidth", on)
        self.text_view.set_measure(0 if on else MEASURE)

    def set_theme(self, mode: str) -> None:
        """Follow the system's colours, or force light or dark (remembered)."""
        self.settings.setValue("view/theme", mode)
        apply_theme(mode)
        self.text_view.set_dark(None)
        self.palette.set_labels(self.labels)

    def set_hidden_labels(self, hidden: set[str]) -> None:
        self.settings.setValue("view/hiddenLabels", sorted(hidden))
        self.text_view.set_hidden_labels(hidden)
