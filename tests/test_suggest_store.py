"""Suggestions in the project file: the dictionary from labelled text, accept / accept all / reject as
durable transactions (read back through a second connection), rejections never re-proposed, and the
suggester layer refused over someone's own work."""

import sqlite3

import pytest

from annotator.core.changes import Offered
from annotator.core.suggest import Suggestion
from annotator.core.suggest.rules import DEFAULT_RULES, compile_rules
from annotator.store import Project
from annotator.store.suggestions import (
    accept,
    accept_all,
    check_layer_name,
    document_suggestions,
    enabled_sources,
    undo,
    project_dictionary,
    reject,
    set_enabled_sources,
    store_suggestions,
)

FIRST = "Kim Jong Un met Vladimir Putin in Vladivostok."
SECOND = "Later, 👍 Vladimir Putin said “we agree” to Kim Jong Un; Kimberley stayed. 10,000 troops moved."


@pytest.fixture
def labelled(tmp_path):
    proj = Project.open(tmp_path / "p.db")
    first, _ = proj.add_document(FIRST)
    second, _ = proj.add_document(SECOND)
    proj.add_span(first, 0, 11, "actor", "ana")
    proj.add_span(first, 16, 30, "actor", "ana")
    proj.add_span(first, 34, 45, "claim", "ana")  # a place labelled once: still a dictionary entry
    yield proj, first, second
    proj.close()


def offered(proj, doc_id, annotator="ana"):
    return document_suggestions(proj, doc_id, annotator, rules=compile_rules(DEFAULT_RULES),
                                dictionary=project_dictionary(proj))


def second_connection(proj: Project) -> sqlite3.Connection:
    return sqlite3.connect(proj.path.resolve().as_uri() + "?mode=ro", uri=True)


def test_the_dictionary_suggests_labelled_text_in_other_documents(labelled):
    proj, first, second = labelled
    found = {(SECOND[s.start:s.end], s.label, s.source) for s in offered(proj, second)}
    assert found == {("Vladimir Putin", "actor", "dictionary"), ("Kim Jong Un", "actor", "dictionary"),
                     ("we agree", "quote", "rules"), ("10,000 troops", "figure", "rules")}
    assert offered(proj, first) == []  # ana's own spans are not offered back to her


def test_accept_makes_a_durable_span_whose_origin_names_the_source(labelled):
    proj, _, second = labelled
    putin = next(s for s in offered(proj, second) if s.source == "dictionary" and SECOND[s.start:s.end] == "Vladimir Putin")
    changes = accept(proj, second, putin, "ana")
    assert [(s.label, s.origin) for s in changes.added] == [("actor", "suggested:dictionary")]
    assert changes.used == (Offered(second, putin),) and changes.doc_ids() == {second}
    with second_connection(proj) as other:
        assert other.execute("SELECT label, origin FROM spans WHERE doc_id = ? AND start = ?",
                             [second, putin.start]).fetchall() == [("actor", "suggested:dictionary")]
    assert proj.status(second, "ana") == "in_progress"
    assert putin.key not in {s.key for s in offered(proj, second)}


def test_accept_with_another_label(labelled):
    proj, _, second = labelled
    quote = next(s for s in offered(proj, second) if s.label == "quote")
    changes = accept(proj, second, quote, "ana", label="claim")
    assert [(s.label, s.origin) for s in changes.added] == [("claim", "suggested:rules")]


def test_accept_all_of_a_label_is_one_change_set(labelled):
    proj, _, second = labelled
    changes = accept_all(proj, second, offered(proj, second), "actor", "ana")
    assert sorted(SECOND[s.start:s.end] for s in changes.added) == ["Kim Jong Un", "Vladimir Putin"]
    assert {s.label for s in offered(proj, second)} == {"quote", "figure"}
    with second_connection(proj) as other:
        assert other.execute("SELECT count(*) FROM spans WHERE doc_id = ? AND annotator = 'ana'",
                             [second]).fetchone() == (2,)


def test_a_rejected_place_is_not_proposed_again_and_counts_against_the_text(labelled):
    proj, first, second = labelled
    kim = next(s for s in offered(proj, second) if SECOND[s.start:s.end] == "Kim Jong Un")
    changes = reject(proj, second, kim, "ana")
    assert [d.suggestion for d in changes.declined] == [kim] and changes.added == ()
    with second_connection(proj) as other:
        assert other.execute("SELECT text, label, source, annotator FROM rejections").fetchall() == [
            ("Kim Jong Un", "actor", "dictionary", "ana")]
    assert kim.key not in {s.key for s in offered(proj, second)}
    assert kim.key not in {s.key for s in offered(proj, second, "ben")}  # nor to anyone else
    # One label and one rejection: the text is no longer an entry of the dictionary.
    assert "Kim Jong Un" not in project_dictionary(proj).entries
    undo(proj, changes)
    assert kim.key in {s.key for s in offered(proj, second)}
    with second_connection(proj) as other:
        assert other.execute("SELECT count(*) FROM rejections").fetchone() == (0,)


def test_stored_model_suggestions_are_offered_and_replaced(labelled):
    proj, _, second = labelled
    store_suggestions(proj, second, "model", [Suggestion(59, 68, "actor", "model", "spancat", 0.61)])
    assert any(s.source == "model" and s.score == 0.61 for s in offered(proj, second))
    set_enabled_sources(proj, ["rules"])
    assert enabled_sources(proj) == ["rules"]
    assert {s.source for s in offered(proj, second)} == {"rules"}
    with pytest.raises(ValueError, match="unknown suggestion source oracle"):
        set_enabled_sources(proj, ["oracle"])


def test_a_suggester_layer_never_overwrites_someones_work(labelled):
    proj, _, _ = labelled
    with pytest.raises(ValueError, match="ana has 3 spans of their own work"):
        check_layer_name(proj, "ana")
    with pytest.raises(ValueError, match="reserved"):
        check_layer_name(proj, "gold")
    assert check_layer_name(proj, "suggester") == "suggester"


def test_accepting_a_suggestion_outside_the_text_writes_nothing(labelled):
    proj, _, second = labelled
    good = Suggestion(0, 5, "actor", "rules")
    bad = Suggestion(0, 10_000, "actor", "rules")
    with pytest.raises(ValueError, match="outside"):
        accept_all(proj, second, [good, bad], "actor", "ana")
    assert list(proj.spans(second)) == []


def test_undo_of_accept_all_removes_its_spans_and_gives_back_the_models_suggestions(labelled):
    proj, _, second = labelled
    model = Suggestion(59, 68, "actor", "model", "spancat", 0.61)
    store_suggestions(proj, second, "model", [model])
    before = offered(proj, second)
    changes = accept_all(proj, second, before, "actor", "ana")
    assert len(changes.added) == 3
    undone = undo(proj, changes)
    assert undone == changes.inverse() and undone.removed == changes.added and undone.offered == changes.used
    assert offered(proj, second) == before
    with second_connection(proj) as other:
        assert other.execute("SELECT count(*) FROM spans WHERE doc_id = ?", [second]).fetchone() == (0,)
        assert other.execute("SELECT start, [end], label, score FROM suggestions").fetchall() == [(59, 68, "actor", 0.61)]
