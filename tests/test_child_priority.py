"""Background children (suggestions, model training) run at a lower priority than the window by
default, so the window keeps the processor on a busy machine; ANNOTATOR_CHILD_PRIORITY=normal keeps
them at the caller's priority (the test suite sets it: a lowered child on a loaded CI machine got
almost no processor and the tests waiting for it took ten times longer)."""

from __future__ import annotations

import os

import pytest

from annotator.io.model_process import CHILD_PRIORITY
from annotator.io.suggest_process import SuggestingProcess

pytestmark = pytest.mark.skipif(not hasattr(os, "getpriority"), reason="no process priorities here")


def child_niceness(monkeypatch, setting: str | None) -> tuple[int, int]:
    """The niceness of a suggestion child started with ``setting`` (None: unset), and ours."""
    if setting is None:
        monkeypatch.delenv(CHILD_PRIORITY, raising=False)
    else:
        monkeypatch.setenv(CHILD_PRIORITY, setting)
    process = SuggestingProcess(lambda: None)
    try:
        return os.getpriority(os.PRIO_PROCESS, process._process.pid), os.getpriority(os.PRIO_PROCESS, 0)
    finally:
        process.close()


def test_by_default_a_child_runs_at_a_lower_priority_than_its_owner(monkeypatch):
    child, own = child_niceness(monkeypatch, None)
    assert child == min(19, own + 10)
    assert child > own or own == 19


@pytest.mark.parametrize("setting", ["normal", " Normal "])
def test_the_setting_normal_keeps_a_child_at_its_owners_priority(monkeypatch, setting):
    child, own = child_niceness(monkeypatch, setting)
    assert child == own


def test_any_other_setting_is_the_default_lowered_priority(monkeypatch):
    child, own = child_niceness(monkeypatch, "low")
    assert child == min(19, own + 10)


def test_the_test_suite_runs_children_at_normal_priority():
    assert os.environ.get(CHILD_PRIORITY) == "normal"  # set by tests/conftest.py
