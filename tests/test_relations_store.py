"""Relations in the project file: rules, refusals, deletion with spans, undo with ids, migration defaults."""

from __future__ import annotations

import sqlite3

import pytest

from annotator.core.relations import DEFAULT_RELATION_LABELS, RelationLabel
from annotator.store import Project

TEXT = "Putin said \"we will win\" on Monday; the 40% rise backs that claim."


@pytest.fixture
def linked(tmp_path):
    project = Project.open(tmp_path / "p.db")
    doc, _ = project.add_document(TEXT)
    actor = project.add_span(doc, 0, 5, "actor", "ann")
    quote = project.add_span(doc, 12, 23, "quote", "ann")
    yield project, doc, actor, quote
    project.close()


def rows(path):
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT id, head, tail, label, annotator FROM relations ORDER BY id").fetchall()


def test_new_project_has_default_relation_labels(tmp_path):
    with Project.open(tmp_path / "p.db") as project:
        assert project.relation_labels() == list(DEFAULT_RELATION_LABELS)
        said_by = project.relation_label("said_by")
        assert (said_by.heads, said_by.children) == (("quote",), ("actor",))


def test_existing_project_gets_the_defaults_that_fit_its_labels(tmp_path):
    """A project made before relation labels existed gets the defaults whose end labels it has."""
    path = tmp_path / "old.db"
    with Project.open(path) as project:
        project.delete_label("figure")
        project.conn.execute("DROP TABLE relation_labels")
        project.conn.execute("DROP INDEX idx_relations_head")
        project.conn.execute("DROP INDEX idx_relations_tail")
        project.conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0006_relation_labels'")
    with Project.open(path) as project:
        assert [lb.name for lb in project.relation_labels()] == ["said_by", "claimed_by"]  # supports needs figure


def test_add_relation_is_durable(linked):
    project, doc, actor, quote = linked
    relation = project.add_relation(quote.id, actor.id, "said_by")
    assert rows(project.path) == [(relation.id, quote.id, actor.id, "said_by", "ann")]
    assert project.relations(doc, "ann") == [relation]



def test_layer_relations_are_one_layers_in_id_order_as_relations_reads_them(linked):
    """The window's columnar read gives what the row read gives (but the time made, which the window never
    shows), for one annotator's layer only, in id order."""
    project, doc, actor, quote = linked
    other_actor = project.add_span(doc, 36, 39, "actor", "bob")
    other_quote = project.add_span(doc, 12, 23, "quote", "bob")
    second_quote = project.add_span(doc, 40, 48, "quote", "ann")
    first = project.add_relation(second_quote.id, actor.id, "said_by")
    project.add_relation(other_quote.id, other_actor.id, "said_by")
    second = project.add_relation(quote.id, actor.id, "said_by")
    assert project.layer_relations(doc, "ann") == [r._replace(created="") for r in project.relations(doc, "ann")]
    assert [r.id for r in project.layer_relations(doc, "ann")] == [first.id, second.id]
    assert project.layer_relations(doc, "nobody") == []

@pytest.mark.parametrize("head, child, label, why", [
    ("actor", "quote", "said_by", "'said_by' goes from a 'quote' span, not from an 'actor' span"),
    ("quote", "quote", "said_by", "a relation joins two different spans"),
    ("quote", "actor", "nope", "unknown relation label 'nope'"),
])
def test_relation_breaking_the_rule_is_refused_saying_why(linked, head, child, label, why):
    project, doc, actor, quote = linked
    spans = {"actor": actor, "quote": quote}
    with pytest.raises(ValueError, match=why):
        project.add_relation(spans[head].id, spans[child].id, label)
    assert rows(project.path) == []


def test_relation_across_layers_or_documents_is_refused(linked):
    project, doc, actor, quote = linked
    bobs = project.add_span(doc, 0, 5, "actor", "bob")
    with pytest.raises(ValueError, match="one annotator layer"):
        project.add_relation(quote.id, bobs.id, "said_by")
    other, _ = project.add_document("Another text entirely.")
    elsewhere = project.add_span(other, 0, 7, "actor", "ann")
    with pytest.raises(ValueError, match="same document"):
        project.add_relation(quote.id, elsewhere.id, "said_by")
    project.add_relation(quote.id, actor.id, "said_by")
    with pytest.raises(ValueError, match="already joined"):
        project.add_relation(quote.id, actor.id, "said_by")


def test_deleting_a_span_deletes_its_relations_and_restore_brings_both_back(linked):
    project, doc, actor, quote = linked
    relation = project.add_relation(quote.id, actor.id, "said_by")
    span, relations = project.delete_span_with_relations(actor.id)
    assert relations == [relation] and rows(project.path) == []
    project.restore_span_with_relations(span, relations)
    assert project.relations(doc) == [relation] and project.span(actor.id) == actor


def test_relabel_that_breaks_a_rule_is_refused_unless_unlinking(linked):
    project, doc, actor, quote = linked
    project.add_relation(quote.id, actor.id, "said_by")
    with pytest.raises(ValueError, match="would break 1 relation"):
        project.update_span(actor.id, label="claim")
    span, unlinked = project.relabel_span_unlinking(actor.id, "claim")
    assert span.label == "claim" and len(unlinked) == 1 and rows(project.path) == []


def test_deleting_a_label_takes_relations_and_restores_them(linked):
    project, doc, actor, quote = linked
    relation = project.add_relation(quote.id, actor.id, "said_by")
    deleted = project.delete_label("actor")
    assert rows(project.path) == []
    project.restore_label(*deleted)
    assert project.relations(doc) == [relation]


def test_renaming_a_span_label_renames_it_in_the_rules(linked):
    project, doc, actor, quote = linked
    project.update_label("actor", project.label("actor").__class__("speaker", "#e69f00", "1"))
    assert project.relation_label("said_by").children == ("speaker",)


def test_relation_label_edits_check_existing_relations(linked):
    project, doc, actor, quote = linked
    project.add_relation(quote.id, actor.id, "said_by")
    said_by = project.relation_label("said_by")
    with pytest.raises(ValueError, match="exist from 'quote' to 'actor'"):
        project.update_relation_label("said_by", RelationLabel("said_by", said_by.color, "s", "", 0, ("claim",), ("actor",)))
    project.update_relation_label("said_by", RelationLabel("spoken_by", said_by.color, "s", "", 0, ("quote",), ()))
    assert rows(project.path)[0][3] == "spoken_by"
    with pytest.raises(ValueError, match="hotkey 'c' is already used"):
        project.add_relation_label(RelationLabel("cites", "#000000", "c"))
    label, relations = project.delete_relation_label("spoken_by")
    assert rows(project.path) == []
    project.restore_relation_label(label, relations)
    assert len(rows(project.path)) == 1
