"""Light and dark: the window follows the system's colour scheme unless the analyst forces one.

Span backgrounds are the label colour mixed into the page colour (towards white in light mode,
towards the dark page in dark mode), so the text keeps its contrast on them (WCAG 4.5:1 is
checked by a test for the default labels) and labels stay apart from each other.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

MODES = ("system", "light", "dark")
LIGHT_PAGE, LIGHT_TEXT = QColor("#ffffff"), QColor("#1a1a1a")
DARK_PAGE, DARK_TEXT = QColor("#1e1f22"), QColor("#e6e6e6")


def mix(color: QColor, towards: QColor, amount: float) -> QColor:
    """``color`` moved ``amount`` (0-1) of the way towards ``towards``."""
    return QColor(*(round(a + (b - a) * amount) for a, b in ((color.red(), towards.red()),
                                                           (color.green(), towards.green()),
                                                           (color.blue(), towards.blue()))))


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def tint(color: str, dark: bool | None = None) -> QColor:
    """A span's background: its label colour mixed into the page colour."""
    dark = is_dark() if dark is None else dark
    return mix(QColor(color), DARK_PAGE, 0.62) if dark else mix(QColor(color), LIGHT_PAGE, 0.55)


def text_color(dark: bool | None = None) -> QColor:
    return DARK_TEXT if (is_dark() if dark is None else dark) else LIGHT_TEXT


def luminance(color: QColor) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(color.red()) + 0.7152 * channel(color.green()) + 0.0722 * channel(color.blue())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def dark_palette() -> QPalette:
    palette = QPalette()
    roles = QPalette.ColorRole
    for role, color in ((roles.Window, "#2b2d30"), (roles.WindowText, "#dfe1e5"), (roles.Base, DARK_PAGE.name()),
                        (roles.AlternateBase, "#26282b"), (roles.ToolTipBase, "#3c3f41"),
                        (roles.ToolTipText, "#dfe1e5"), (roles.Text, DARK_TEXT.name()), (roles.Button, "#3c3f41"),
                        (roles.ButtonText, "#dfe1e5"), (roles.BrightText, "#ff6b6b"), (roles.Link, "#56a8f5"),
                        (roles.Highlight, "#2f65ca"), (roles.HighlightedText, "#ffffff"),
                        (roles.PlaceholderText, "#8c8f94")):
        palette.setColor(role, QColor(color))
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6f737a"))
    return palette


def apply_theme(mode: str) -> None:
    """Force ``light`` or ``dark`` colours on the application, or follow the ``system``."""
    app = QApplication.instance()
    if app is None:
        return
    hints = QGuiApplication.styleHints()
    if mode == "system":
        if hasattr(hints, "unsetColorScheme"):
            hints.unsetColorScheme()
        app.setPalette(app.style().standardPalette())
        return
    app.setStyle("Fusion")  # a style that takes any palette (by name: Qt owns the style object)
    scheme = Qt.ColorScheme.Dark if mode == "dark" else Qt.ColorScheme.Light
    if hasattr(hints, "setColorScheme"):
        hints.setColorScheme(scheme)
    app.setPalette(dark_palette() if mode == "dark" else app.style().standardPalette())
