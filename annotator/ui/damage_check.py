"""The open project checked for damage in the background (SQLite's quick_check, on its own
read-only connection), so that opening costs the same whatever the file's size and damage that
no command has met yet is still reported. One check at a time; a new project or closing the
window stops the running one and waits for its thread."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from annotator.core.wording import counted
from annotator.store import ProjectError
from annotator.store.schema import full_check


class DamageCheck(QObject):
    found = Signal(str, list)  # the project's path, SQLite's findings (only when there are some)
    finished = Signal()  # a check ran to its end (damage or not): for tests and the status bar

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def start(self, path: Path) -> None:
        self.stop()
        stop = self._stop = threading.Event()

        def run() -> None:
            try:
                problems = full_check(path, lambda _seconds: stop.is_set(), quick=True, in_use=True)
            except ProjectError as exc:
                problems = [str(exc)]
            if stop.is_set():
                return  # stopped half-way: what it says means nothing
            if problems:
                self.found.emit(str(path), problems)
            self.finished.emit()

        self._thread = threading.Thread(target=run, name="annotator-damage-check", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the running check (within a few milliseconds) and wait for its thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()


def install_damage_check(window: QWidget) -> DamageCheck:
    """The window's check: damage found is a warning that names the file and says what to do."""
    from annotator.ui.prompts import show_error

    check = DamageCheck(window)

    def warn(path: str, problems: list[str]) -> None:
        name = Path(path).name
        window.statusBar().showMessage(f"{name} is damaged: run annotator check {name}")
        show_error(window, "Project file damaged",
                   f"{name} is damaged: SQLite's check found {counted(len(problems), 'problem')}, "
                   f"first: {problems[0]}",
                   "What is saved stays saved where SQLite can still read it. Export or copy your work, "
                   f"run 'annotator check {path}' for the full check, and restore from a backup.")

    check.found.connect(warn)
    return check
