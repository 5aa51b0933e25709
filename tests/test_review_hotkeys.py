"""One hotkey rule (core.model.hotkey_problem), enforced by the store: review mode's N, P, A, X stay free."""

import sqlite3

import pytest

from annotator.core.model import REVIEW_KEYS, Label, hotkey_problem
from annotator.store import Project
from annotator.ui.main_window import MainWindow
from ui_fixtures import *  # noqa: F403


def stored_hotkeys(project):
    with sqlite3.connect(project.path) as conn:
        return dict(conn.execute("SELECT name, hotkey FROM labels"))


@pytest.mark.parametrize("key, reason", [
    ("n", "reserved: in review mode N means next disagreement"),
    ("p", "reserved: in review mode P means previous disagreement"),
    ("a", "reserved: in review mode A means accept agreed spans"),
    ("x", "reserved: in review mode X means reject all"),
    ("Q", "not one character 0-9 or a-z"),
    ("Ctrl+S", "not one character 0-9 or a-z"),
    ("é", "not one character 0-9 or a-z"),
    (" ", "not one character 0-9 or a-z"),
])
def test_unusable_hotkeys_are_refused_by_add_and_update(project, key, reason):
    before = stored_hotkeys(project)
    with pytest.raises(ValueError, match=reason):
        project.add_label(Label("person", "#0072b2", key))
    with pytest.raises(ValueError, match=reason):
        project.update_label("actor", Label("actor", "#e69f00", key))
    assert stored_hotkeys(project) == before


def test_usable_hotkeys_and_no_hotkey_are_accepted(project):
    project.add_label(Label("person", "#0072b2", "q"))
    project.add_label(Label("place", "#d55e00", ""))
    project.update_label("actor", Label("actor", "#e69f00", "0"))
    assert {k: v for k, v in stored_hotkeys(project).items() if k in ("person", "place", "actor")} == {
        "person": "q", "place": "", "actor": "0"}
    with pytest.raises(ValueError, match="already used by 'person'"):
        project.add_label(Label("org", "#0072b2", "q"))


def test_the_rule_covers_every_review_key():
    assert set(REVIEW_KEYS) == {"n", "p", "a", "x"}
    assert [k for k in "0123456789abcdefghijklmnopqrstuvwxyz" if hotkey_problem(k)] == ["a", "n", "p", "r", "x"]  # R links (issue 12)


def test_an_older_projects_reserved_hotkey_is_not_bound_and_n_stays_next_disagreement(qtbot, tmp_path, settings):
    """A project written before the rule may have a label on N: the window leaves it unbound and says so."""
    path = tmp_path / "old.db"
    with Project.open(path) as project:
        project.add_document("Kim met Trump.", title="t")
    with sqlite3.connect(path) as conn:  # as an older Annotator could have stored it
        conn.execute("UPDATE labels SET hotkey = 'n' WHERE name = 'quote'")
    project = Project.open(path)
    window = MainWindow(project, "ana", settings)
    qtbot.addWidget(window)
    bound = {a.objectName(): a.shortcut().toString() for a in window.label_actions}
    assert bound["label_quote"] == "" and bound["label_actor"] == "1"
    assert "Not bound as hotkeys: quote (hotkey 'n' is reserved" in window.statusBar().currentMessage()
    assert stored_hotkeys(project)["quote"] == "n"  # the project is not changed behind the analyst's back
    project.close()
