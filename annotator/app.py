"""Composition root: QApplication, settings, the project, the main window."""

from __future__ import annotations

from pathlib import Path


def run(project_path: Path | None, files: list[Path]) -> int:
    raise NotImplementedError  # replaced by the workspace
