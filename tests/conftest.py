import os

# Every test runs without a display; set before Qt is imported anywhere.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from annotator.store import Project


@pytest.fixture
def project(tmp_path):
    """A fresh project file in tmp_path, closed after the test."""
    proj = Project.open(tmp_path / "project.db")
    yield proj
    proj.close()
