"""Composition root: QApplication, settings, the annotator's name, the project, the main window."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QWidget

from annotator import paths
from annotator.store import Project

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

AskName = Callable[[str, str], "str | None"]  # (default, problem) -> name, or None if cancelled


def default_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "annotator"


def ask_name_dialog(default: str, problem: str, parent: QWidget | None = None) -> str | None:
    text = "Your name, recorded with every label you make:"
    if problem:
        text = f"{problem}\n\n{text}"
    name, ok = QInputDialog.getText(parent, "Who is annotating?", text, text=default)
    return name if ok else None


def choose_annotator(settings: QSettings, ask: AskName = ask_name_dialog) -> str | None:
    """The remembered annotator name, or ask for one (first launch) and remember it."""
    from annotator.core.model import annotator_name_problem
    from annotator.ui.prompts import sentence

    stored = str(settings.value("annotator", "") or "")
    if stored and annotator_name_problem(stored) is None:
        return stored
    default, problem = default_user(), ""
    while True:
        name = ask(default, problem)
        if name is None:
            return None
        problem = sentence(annotator_name_problem(name) or "")
        if not problem:
            settings.setValue("annotator", name.strip())
            settings.sync()
            return name.strip()
        default = ""


def open_start_project(project_path: Path | None, annotator: str) -> tuple[Project, str]:
    """The project to show (the given one, or the default one seeded with the samples on first run),
    and a message for the status bar ("" when there is nothing to say)."""
    from annotator.io.importing import import_samples

    path = project_path or paths.default_project_path()
    project = Project.open(path)
    message = ""
    if project_path is None and project.document_count() == 0:
        message = import_samples(project)
    return project, message


def start_window(project_path: Path | None, files: list[Path], annotator: str,
                 settings: QSettings) -> MainWindow | None:
    """The main window on the start project, or None after telling the user why it cannot be opened
    (damaged, foreign, newer, or busy: another program holds its write lock)."""
    from annotator.ui.main_window import MainWindow
    from annotator.ui.project_files import OPEN_ERRORS, import_paths, open_error_reason

    path = project_path or paths.default_project_path()
    project = None
    try:
        project, message = open_start_project(project_path, annotator)
        window = MainWindow(project, annotator, settings)  # checks the project before showing it
        if message:
            window.statusBar().showMessage(message, 15000)
        if files:  # as File > Import does: progress, then its summary (successes and failures) in the window
            import_paths(window, files)
        return window
    except OPEN_ERRORS as exc:
        if project is not None:
            project.close()
        QMessageBox.critical(None, "Cannot open project", f"{path.name} was not opened.\n\n{open_error_reason(exc)}")
        return None


def settings_for_app() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "Annotator", "Annotator")


def display_problem(env: Mapping[str, str] = os.environ, platform: str = sys.platform) -> str | None:
    """Why the window cannot open here (one line, with what to do instead), or None.

    Checked before QApplication exists: without a display Qt aborts the process, and its message
    blames a missing xcb-cursor0 library, which is not the problem.
    """
    from PySide6.QtCore import QLibraryInfo

    cli = "The command line works without a display: run `annotator --help`."
    chosen = env.get("QT_QPA_PLATFORM", "").split(":")[0].strip()
    if chosen:
        plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
        if plugins.is_dir() and not any(p.name.startswith((f"libq{chosen}.", f"q{chosen}.")) for p in plugins.iterdir()):
            names = sorted(p.name.removeprefix("lib").removeprefix("q").split(".")[0] for p in plugins.iterdir())
            return (f"annotator: QT_QPA_PLATFORM={chosen} names no Qt platform plugin (there are: "
                    f"{', '.join(names)}); the window cannot open. {cli}")
        return None
    if platform.startswith("linux") and not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return f"annotator: no display (neither DISPLAY nor WAYLAND_DISPLAY is set), so the window cannot open. {cli}"
    if platform.startswith("linux") and env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        missing = _missing_x11_library()
        if missing:
            return (f"annotator: the window needs the system library {missing}, which is not installed "
                    f"(Debian/Ubuntu: the package named like it, e.g. apt install {_package_of(missing)}). {cli}")
    return None


def _missing_x11_library() -> str | None:
    """The first shared library Qt's X11 plugin needs that cannot be loaded, or None.

    Qt itself then aborts and names xcb-cursor0 whatever is missing (measured: libxcb-icccm4 and
    libxcb-keysyms1 were missing, the message blamed xcb-cursor0).
    """
    import ctypes

    from PySide6.QtCore import QLibraryInfo

    library = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.LibrariesPath)) / "libQt6XcbQpa.so.6"
    if not library.exists():
        return None
    try:
        ctypes.CDLL(str(library))
    except OSError as exc:
        name = str(exc).split(":")[0].strip()
        return name if name.endswith(tuple(f".so.{n}" for n in range(10))) or ".so" in name else str(exc)
    return None


def _package_of(library: str) -> str:
    """The Debian package name of a shared library: libxcb-icccm.so.4 -> libxcb-icccm4."""
    stem, _, version = library.partition(".so.")
    return f"{stem}{version}" if version else stem


def run(project_path: Path | None, files: list[Path], *, settings: QSettings | None = None) -> int:
    if QApplication.instance() is None:
        problem = display_problem()
        if problem:
            print(problem, file=sys.stderr)
            return 1
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Annotator")
    app.setOrganizationName("Annotator")
    settings = settings if settings is not None else settings_for_app()
    from annotator.ui.theme import apply_theme

    apply_theme(str(settings.value("view/theme", "system")))
    annotator = choose_annotator(settings)
    if annotator is None:
        return 1
    window = start_window(project_path, files, annotator, settings)
    if window is None:
        return 1
    window.show()
    code = app.exec()
    window.project.close()
    return code
