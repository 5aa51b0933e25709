"""File-menu work for the main window: open/new/recent projects, import, export, label editing.

The dialogs are imported when their action first runs, to keep the window's start quick.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QFileDialog

from annotator.store import Project, ProjectError
from annotator.ui.folders import last_folder, remember_folder
from annotator.ui.prompts import show_error

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

RECENT_KEY = "recentProjects"
RECENT_MAX = 8
PROJECT_FILTER = "Annotator projects (*.db *.annotator);;All files (*)"
# What opening or first using a project file can raise; each is shown to the user as a reason.
OPEN_ERRORS = (ProjectError, sqlite3.Error, OSError, ValueError)


def recent_projects(settings: QSettings) -> list[str]:
    value = settings.value(RECENT_KEY, [])
    return [value] if isinstance(value, str) else list(value or [])


def remember_recent(settings: QSettings, path: Path) -> None:
    path_text = str(Path(path).resolve())
    recent = [p for p in recent_projects(settings) if p != path_text]
    settings.setValue(RECENT_KEY, [path_text, *recent][:RECENT_MAX])


def fill_recent_menu(window: MainWindow) -> None:
    menu = window.recent_menu
    menu.clear()
    for number, path in enumerate(recent_projects(window.settings), start=1):
        action = menu.addAction(f"&{number} {Path(path).name}", lambda p=path: window.open_project(Path(p)))
        action.setToolTip(path)
    menu.setEnabled(not menu.isEmpty())


def prepare_project(project: Project, annotator: str) -> None:
    """Every step of showing ``project`` that can fail, done before a window switches to it:
    recording the annotator (a write: refused when another program holds the project) and
    the first reads. Raises one of OPEN_ERRORS."""
    project.ensure_annotator(annotator)
    project.labels()
    project.document_count()


def open_error_reason(exc: BaseException) -> str:
    return exc.reason if isinstance(exc, ProjectError) else str(exc)


def open_project(window: MainWindow, path: Path, *, create: bool = False) -> bool:
    """Switch the window to another project file; on failure say why and keep the current one."""
    path = Path(path)
    if path.resolve() == window.project.path.resolve():
        return True
    old = window.project
    try:
        project = Project.open(path, create=create)
    except OPEN_ERRORS as exc:
        _refuse(window, path, exc)
        return False
    try:
        window.set_project(project)  # checks the project before it switches anything
    except OPEN_ERRORS as exc:
        if window.project is not old:  # failed half-way: go back to the project that works
            window.set_project(old)
        project.close()
        _refuse(window, path, exc)
        return False
    old.close()
    return True


def _refuse(window: MainWindow, path: Path, exc: BaseException) -> None:
    show_error(window, "Cannot open project",
               f"{path.name} was not opened; {window.project.path.name} stays open.", open_error_reason(exc))


def choose_project_to_open(window: MainWindow) -> None:
    path, _ = QFileDialog.getOpenFileName(window, "Open project", last_folder(window, window.project.path.parent),
                                          PROJECT_FILTER)
    if path:
        remember_folder(window, path)
        open_project(window, Path(path))


def choose_new_project(window: MainWindow) -> None:
    start = Path(last_folder(window, window.project.path.parent)) / "project.db"
    path, _ = QFileDialog.getSaveFileName(window, "New project", str(start), PROJECT_FILTER)
    if not path:
        return
    remember_folder(window, path)
    if Path(path).exists() and Path(path).stat().st_size:
        show_error(window, "Cannot create project", f"{Path(path).name} already exists; use Open project.")
        return
    open_project(window, Path(path), create=True)


def import_files(window: MainWindow, *, folder: bool) -> None:
    """File > Import: the file picker lists the importable types (from the io registry)."""
    from annotator.ui.import_dialog import choose_import_paths

    paths = choose_import_paths(window, folder)
    if paths:
        import_paths(window, paths)


def import_paths(window: MainWindow, paths: list[Path]) -> None:
    from annotator.ui.import_dialog import import_with_progress

    report = import_with_progress(window.project, paths, window.own_annotator, window)
    if report is None:
        return
    window.notifier.projectChanged.emit()
    window.documents.apply_filter()
    if window.doc_id is None and window.documents.model.ids:
        window.open_document(window.documents.model.ids[0])
    elif window.doc_id is not None:
        window.open_document(window.doc_id, keep_view=True)  # imported spans may belong to it


def export(window: MainWindow) -> None:
    from annotator.ui.export_dialog import ExportDialog

    dialog = ExportDialog(window.project, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # one per use, not one more per use
    dialog.open()


def edit_labels(window: MainWindow) -> None:
    from annotator.ui.label_dialog import LabelSchemaDialog

    dialog = LabelSchemaDialog(window.project, window.undo_stack, window)
    dialog.labelsChanged.connect(window.reload_labels)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
