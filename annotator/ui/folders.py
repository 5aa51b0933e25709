"""File dialogs start in the last folder the analyst used (remembered in the window's settings)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

LAST_FOLDER_KEY = "files/lastFolder"


def _settings(widget: QWidget | None) -> QSettings | None:
    """The settings of the window ``widget`` belongs to (dialogs are their own windows: follow parents)."""
    while widget is not None:
        settings = getattr(widget, "settings", None)
        if isinstance(settings, QSettings):
            return settings
        widget = widget.parentWidget()
    return None


def last_folder(widget: QWidget | None, fallback: Path | None = None) -> str:
    """Where a file dialog opened from ``widget`` starts: the last folder used, else ``fallback``, else home."""
    settings = _settings(widget)
    stored = str(settings.value(LAST_FOLDER_KEY, "") or "") if settings is not None else ""
    if stored and Path(stored).is_dir():
        return stored
    return str(fallback if fallback is not None else Path.home())


def remember_folder(widget: QWidget | None, chosen: str | Path) -> None:
    """Remember the folder of a chosen file (or the chosen folder itself)."""
    settings = _settings(widget)
    if settings is None or not str(chosen):
        return
    path = Path(chosen)
    settings.setValue(LAST_FOLDER_KEY, str(path if path.is_dir() else path.parent))
