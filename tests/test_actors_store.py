"""The actor list in the store: entries, links, completion, suggestions, merge and its undo, durability."""

import pytest

from annotator.core.actors import (Actor, actor_name, brat_reference, is_project_id, kb_id_from_brat, kb_id_problem,
                                   merged)
from annotator.store import Project

TEXT = "Kim Jong Un met KIM in Pyongyang. 🇰🇵 Kim said nothing. Kim\nJong  Un left."


@pytest.fixture
def doc(project):
    doc_id, _ = project.add_document(TEXT, title="t")
    return doc_id


def span_of(project, doc_id, word, nth=0, label="actor"):
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(word, start + 1)
    return project.add_span(doc_id, start, start + len(word), label, "ana")


def test_names_are_normalised_and_checked(project):
    actor = project.create_actor("  Kim\n Jong\u00a0Un ", aliases=["Kim", " KJU "], external_id="Q56226")
    assert actor.name == "Kim Jong Un" and actor.aliases == ("Kim", "KJU")
    assert is_project_id(actor.uid) and actor.kb_id == "Q56226"
    with pytest.raises(ValueError, match="already exists"):
        project.create_actor("KIM JONG UN")
    with pytest.raises(ValueError, match="already belongs"):
        project.create_actor("Other", external_id="Q56226")
    with pytest.raises(ValueError, match="needs a name"):
        project.create_actor(" \n ")
    with pytest.raises(ValueError, match="twice"):
        project.create_actor("Moon", aliases=["moon"])
    with pytest.raises(ValueError, match="space"):
        project.create_actor("Moon", external_id="Q 1")
    assert project.actor_count() == 1


def test_link_count_mentions_and_undo_delete(project, doc):
    kim = project.create_actor("Kim Jong Un")
    first, second = span_of(project, doc, "Kim Jong Un"), span_of(project, doc, "KIM")
    other_doc, _ = project.add_document("Kim again.", title="u")
    third = project.add_span(other_doc, 0, 3, "actor", "bo")
    for span in (first, second, third):
        assert project.link_span(span.id, kim.id) is None
    [count] = project.actor_counts()
    assert (count.spans, count.documents) == (3, 2)
    mentions = project.actor_mentions(kim.id)
    assert [m.text for m in mentions] == ["Kim Jong Un", "KIM", "Kim"]
    assert project.span_actor_names([first.id, second.id]) == {first.id: "Kim Jong Un", second.id: "Kim Jong Un"}
    # deleting the span deletes its link; the undo path puts it back with the span
    attributes = project.span_attributes(second.id)
    gone, relations = project.delete_span_with_relations(second.id)
    assert project.actor_counts()[0].spans == 2
    project.restore_span_with_relations(gone, relations, attributes, actor_id=kim.id)
    assert project.span_actor(second.id) == kim
    # deleting the entry unlinks its spans; restoring it relinks them
    actor, links = project.delete_actor(kim.id)
    assert project.span_actor(first.id) is None and project.actor_count() == 0
    project.restore_actor(actor, links)
    assert project.actor_counts()[0].spans == 3


def test_completion_by_prefix_of_names_aliases_and_later_words(project, doc):
    kim = project.create_actor("Kim Jong Un", aliases=["Supreme Leader"])
    project.create_actor("Kim Yo Jong")
    moon = project.create_actor("Moon Jae-in")
    project.create_actor("Kimberly")
    span = span_of(project, doc, "KIM")
    project.link_span(span.id, kim.id)
    assert [a.name for a in project.complete_actors("kim")][0] == "Kim Jong Un"  # most mentioned first
    assert {a.name for a in project.complete_actors("kim")} == {"Kim Jong Un", "Kim Yo Jong", "Kimberly"}
    assert {a.name for a in project.complete_actors("jong")} == {"Kim Jong Un", "Kim Yo Jong"}
    assert [a.name for a in project.complete_actors("supr")] == ["Kim Jong Un"]
    assert [a.name for a in project.complete_actors("MOON JAE")] == [moon.name]
    assert project.complete_actors("") == [] and project.complete_actors("zz") == []
    project.create_actor("Kim")
    assert project.complete_actors("kim")[0].name == "Kim"  # an exact whole name comes first


def test_suggestion_from_earlier_link_then_alias(project, doc):
    kim = project.create_actor("Kim Jong Un", aliases=["Kim"])
    assert project.suggest_actor("kim") == kim  # by alias
    other = project.create_actor("Kim Yo Jong")
    span = span_of(project, doc, "KIM")
    project.link_span(span.id, other.id)
    assert project.suggest_actor("Kim") == other  # identical text linked elsewhere wins
    assert project.suggest_actor("Kim\nJong  Un") == kim  # whitespace does not matter
    assert project.suggest_actor("Pyongyang") is None


def test_merge_moves_links_and_names_and_undo_restores(project, doc):
    big = project.create_actor("Kim Jong Un", external_id="Q56226")
    small = project.create_actor("Kim", aliases=["Mr Kim"], note="short form", external_id="Q1")
    a, b = span_of(project, doc, "KIM"), span_of(project, doc, "Kim", nth=2)
    c = span_of(project, doc, "Kim Jong Un")
    project.link_span(a.id, small.id)
    project.link_span(b.id, small.id)
    project.link_span(c.id, big.id)
    merge = project.merge_actors(small.id, big.id)
    assert merge.span_ids == (a.id, b.id)
    after = project.actor(big.id)
    assert after.aliases == ("Kim", "Mr Kim") and after.external_id == "Q56226"
    assert "short form" in after.note and "Q1" in after.note
    assert project.actor_count() == 1 and project.actor_counts()[0].spans == 3
    assert project.suggest_actor("Mr Kim") == after
    project.unmerge_actors(merge)
    assert project.actor(small.id) == small and project.actor(big.id) == big
    assert project.span_actor(a.id) == small and project.span_actor(c.id) == big
    assert [x.name for x in project.complete_actors("mr")] == ["Kim"]
    with pytest.raises(ValueError, match="itself"):
        project.merge_actors(big.id, big.id)


def test_edits_are_durable_at_once(tmp_path):
    path = tmp_path / "p.db"
    with Project.open(path) as project:
        doc_id, _ = project.add_document(TEXT)
        span = project.add_span(doc_id, 0, 11, "actor", "ana")
        created = project.create_actor_for_span(span.id)
        before = project.update_actor(Actor(created.id, "", "Kim Jong-un", ("Kim Jong Un",), "Q56226", "leader"))
        assert before == created
    with Project.open(path) as again:  # a fresh connection reads what was committed
        assert again.span_actor(span.id).name == "Kim Jong-un"
        assert again.actor(created.id).uid == created.uid  # the project id never changes


def test_rules_and_brat_references():
    assert actor_name(" a\u200bb \t c ") == "ab c"
    assert actor_name("x " * 80).endswith("x") and len(actor_name("x " * 80)) <= 100
    assert brat_reference("Q123") == "Wikidata:Q123" and kb_id_from_brat("Wikidata:Q123") == "Q123"
    assert brat_reference("annotator:0a1b") == "annotator:0a1b" and kb_id_from_brat("annotator:0a1b") == "annotator:0a1b"
    assert brat_reference("viaf123") == "External:viaf123" and kb_id_from_brat("External:viaf123") == "viaf123"
    assert brat_reference("GND:118") == "GND:118" and kb_id_from_brat("GND:118") == "GND:118"
    assert kb_id_from_brat("Q123") is None
    assert kb_id_problem("") and kb_id_problem(12) and kb_id_problem("a b") and not kb_id_problem("Q1")
    big = Actor(1, "annotator:1", "A", ("B",))
    assert merged(Actor(2, "annotator:2", "b", ("C", "A")), big).aliases == ("B", "C")


def test_counts_of_some_entries_and_filter_ids(project, doc):
    kim, moon = project.create_actor("Kim Jong Un"), project.create_actor("Moon Jae-in", aliases=["Moon"])
    project.link_span(span_of(project, doc, "KIM").id, kim.id)
    assert [(c.actor.name, c.spans) for c in project.actor_counts([moon.id, kim.id])] == [("Kim Jong Un", 1),
                                                                                          ("Moon Jae-in", 0)]
    assert project.actor_ids_matching("moo") == {moon.id} and project.actor_ids_matching("jong") == {kim.id}
