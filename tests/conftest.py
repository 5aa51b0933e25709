import os
import sys

# Every test runs without a display; set before Qt is imported anywhere.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Background children (suggestions, training) at the suite's own priority: lowered, they got almost
# no processor on a busy CI machine and the tests waiting for them took ten times longer.
# tests/test_child_priority.py checks the lowered default.
os.environ["ANNOTATOR_CHILD_PRIORITY"] = "normal"

import pytest

from annotator.store import Project


@pytest.fixture
def project(tmp_path):
    """A fresh project file in tmp_path, closed after the test."""
    proj = Project.open(tmp_path / "project.db")
    yield proj
    proj.close()


def _leftover_qt_objects() -> list[str]:
    """Active timers and visible windows still around after a test and its fixtures are gone."""
    widgets = sys.modules.get("PySide6.QtWidgets")
    if widgets is None or widgets.QApplication.instance() is None:
        return []  # the test never touched Qt
    from PySide6.QtCore import QTimer

    leftovers = []
    for top in widgets.QApplication.topLevelWidgets():
        if top.isVisible() and not top.inherits("QMenu"):
            leftovers.append(f"visible window {type(top).__name__} {top.windowTitle()!r}")
        leftovers += [f"active timer in {type(top).__name__} ({t.interval()} ms)"
                      for t in top.findChildren(QTimer) if t.isActive()]
    return leftovers


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item):
    """No timer or window may outlive the test that made it: on a busy machine a timer
    that fires after its project was closed fails the *next* test, far from the cause."""
    result = yield
    leftovers = _leftover_qt_objects()
    if leftovers:
        widgets = sys.modules["PySide6.QtWidgets"]
        for top in widgets.QApplication.topLevelWidgets():  # do not let them fail the next test too
            top.close()
            for timer in top.findChildren(sys.modules["PySide6.QtCore"].QTimer):
                timer.stop()
        pytest.fail("left running after the test: " + "; ".join(leftovers), pytrace=False)
    return result
