"""Where Annotator keeps its files: the default project and the bundled sample documents."""

from __future__ import annotations

import sys
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "Annotator"


def default_project_path() -> Path:
    return user_data_path(APP_NAME, appauthor=False) / "default.annotator.db"


def _bundled(folder: str) -> Path | None:
    candidates = [
        Path(__file__).resolve().parent.parent / folder,  # a source checkout / editable install
        Path(sys.prefix) / "share" / "annotator" / folder,  # a regular install
    ]
    return next((p for p in candidates if p.is_dir()), None)


def sample_docs_dir() -> Path | None:
    return _bundled("sample_docs")


def resources_dir() -> Path | None:
    return _bundled("resources")
