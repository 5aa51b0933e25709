"""Composition root: QApplication, settings, the annotator's name, the project, the main window."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QWidget

from annotator import paths
from annotator.store import Project, ProjectError

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
    from annotator.ui.project_files import annotator_name_problem

    stored = str(settings.value("annotator", "") or "")
    if stored and annotator_name_problem(stored) is None:
        return stored
    default, problem = default_user(), ""
    while True:
        name = ask(default, problem)
        if name is None:
            return None
        problem = annotator_name_problem(name) or ""
        if not problem:
            settings.setValue("annotator", name.strip())
            settings.sync()
            return name.strip()
        default = ""


def open_start_project(project_path: Path | None, files: list[Path], annotator: str) -> Project:
    """The project to show: the given one, or the default one seeded with the samples on first run."""
    path = project_path or paths.default_project_path()
    project = Project.open(path)
    seed = []
    if project_path is None and project.document_count() == 0 and paths.sample_docs_dir():
        seed = [paths.sample_docs_dir()]
    if seed or files:
        from annotator.io.importing import import_paths

        if seed:
            import_paths(project, seed)
        if files:
            report = import_paths(project, files, annotator=annotator)
            for problem in report.failed:
                print(f"annotator: {problem}", file=sys.stderr)
    return project


def settings_for_app() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "Annotator", "Annotator")


def run(project_path: Path | None, files: list[Path], *, settings: QSettings | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Annotator")
    app.setOrganizationName("Annotator")
    settings = settings if settings is not None else settings_for_app()
    annotator = choose_annotator(settings)
    if annotator is None:
        return 1
    try:
        project = open_start_project(project_path, files, annotator)
    except ProjectError as exc:
        QMessageBox.critical(None, "Cannot open project", f"{exc.path.name} was not opened.\n\n{exc.reason}")
        return 1
    from annotator.ui.main_window import MainWindow

    window = MainWindow(project, annotator, settings)
    window.show()
    code = app.exec()
    window.project.close()
    return code
