"""A colleague's relations come with a merge: their span ids mapped to ours, counted, refusals with reasons.

Real project files on both sides; the colleague's file is written by Annotator (and, for the
refusals, altered through SQLite as a damaged or hand-edited file would be); the JSONL source is
the colleague's own ``annotator export``; the merge runs through ``annotator merge`` and the window.
"""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.relations import RelationLabel
from annotator.io.merge import format_summary, merge_source

TEXT = "Kim Jong Un 😀 said: “we will never give up”. Analysts claim 40% of 朝鲜 exports are coal."
QUOTE = "we will never give up"


def at(words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return start, start + len(words)


def relation_rows(project, annotator: str) -> list[tuple]:
    """(head words, head label, child words, child label, relation label) of a layer's relations."""
    rows = project.conn.execute(
        "SELECT h.start, h.[end], h.label, c.start, c.[end], c.label, r.label FROM relations r"
        " JOIN spans h ON h.id = r.head JOIN spans c ON c.id = r.tail WHERE r.annotator = ? ORDER BY r.id",
        [annotator]).fetchall()
    return [(TEXT[hs:he], hl, TEXT[cs:ce], cl, label) for hs, he, hl, cs, ce, cl, label in rows]


@pytest.fixture
def ben(tmp_path):
    """ben's file: a quote said by Kim, a figure supporting a claim, and a relation label of his own."""
    from annotator.store import Project

    path = tmp_path / "ben.annotator"
    with Project.open(path) as proj:
        doc, _ = proj.add_document(TEXT, title="ben's copy")
        kim = proj.add_span(doc, *at("Kim Jong Un"), "actor", "ben")
        quote = proj.add_span(doc, *at(QUOTE), "quote", "ben")
        claim = proj.add_span(doc, *at("40% of 朝鲜 exports are coal"), "claim", "ben")
        figure = proj.add_span(doc, *at("40%"), "figure", "ben")
        proj.add_relation(quote.id, kim.id, "said_by")
        proj.add_relation(figure.id, claim.id, "supports")
        proj.add_relation_label(RelationLabel("contradicts", "#aa3377", "k", "", 5, ("claim",), ("quote",)))
        proj.add_relation(claim.id, quote.id, "contradicts")
        proj.set_status(doc, "ben", "done")
    return path


def test_merge_maps_the_colleagues_span_ids_to_ours_and_counts_the_relations(project, ben):
    project.add_relation_label(RelationLabel("cites", "#117733", "k"))
    doc, _ = project.add_document("Another text first, so that ids differ.")
    for n in range(5):
        project.add_span(doc, n, n + 1, "actor", "ana")  # our span ids run ahead of ben's
    summary = merge_source(project, ben)
    assert summary.relations_added == {"ben": 3} and summary.relation_labels_added == ["contradicts"]
    assert relation_rows(project, "ben") == [
        (QUOTE, "quote", "Kim Jong Un", "actor", "said_by"),
        ("40%", "figure", "40% of 朝鲜 exports are coal", "claim", "supports"),
        ("40% of 朝鲜 exports are coal", "claim", QUOTE, "quote", "contradicts")]
    contradicts = project.relation_label("contradicts")
    assert (contradicts.color, contradicts.heads, contradicts.children, contradicts.hotkey) == (
        "#aa3377", ("claim",), ("quote",), "")  # "k" is cites' here
    lines = format_summary(summary)
    assert "  relations added for ben: 3" in lines and "  relation labels added: contradicts" in lines
    assert any("relation label contradicts comes without its hotkey 'k'" in line for line in lines)

    again = merge_source(project, ben)  # merging twice adds nothing
    assert again.relations_added == {} and again.relations_present == 3
    assert "  relations already present: 3" in format_summary(again)
    assert len(relation_rows(project, "ben")) == 3


def test_a_rename_takes_the_relations_along(project, ben):
    summary = merge_source(project, ben, {"ben": "ben.k"})
    assert summary.relations_added == {"ben.k": 3}
    assert len(relation_rows(project, "ben.k")) == 3 and relation_rows(project, "ben") == []


def test_relations_that_cannot_come_are_counted_with_their_reasons(project, ben):
    with sqlite3.connect(ben) as conn:  # a hand-edited file: an end that is gone, and a rule ours does not share
        conn.execute("INSERT INTO relations (doc_id, head, tail, label, annotator) VALUES (1, 2, 999, 'said_by', 'ben')")
        conn.execute("UPDATE relation_labels SET heads = '[\"quote\", \"claim\"]' WHERE name = 'said_by'")
        conn.execute("INSERT INTO relations (doc_id, head, tail, label, annotator) VALUES (1, 3, 1, 'said_by', 'ben')")
    summary = merge_source(project, ben)
    assert summary.relations_added == {"ben": 3}
    assert summary.skipped == {
        "relations whose end is not among the colleague's spans": 1,
        "relations this project's rules refuse ('said_by' goes from a 'quote' span, not from a 'claim' span)": 1}
    lines = format_summary(summary)
    assert "  skipped 1 relation whose end is not among the colleague's spans" in lines


def test_annotator_merge_of_a_colleagues_jsonl_export_brings_the_relations(tmp_path, ben):
    runner = CliRunner()
    export = tmp_path / "ben.jsonl"
    result = runner.invoke(main, ["export", str(ben), "-o", str(export)])
    assert result.exit_code == 0, result.output
    mine = tmp_path / "mine.annotator"
    result = runner.invoke(main, ["merge", str(mine), str(export)])
    assert result.exit_code == 0, result.output
    assert "relations added for ben: 3" in result.output
    from annotator.store import Project

    with Project.open(mine) as project:
        assert relation_rows(project, "ben")[0] == (QUOTE, "quote", "Kim Jong Un", "actor", "said_by")
        assert len(relation_rows(project, "ben")) == 3


def test_a_colleague_reviewers_rejected_relation_pairs_come_in_as_decisions(project, tmp_path):
    """carla reviewed in her file and rejected the relation between the quote and Kim: it stays decided here."""
    from annotator.store import Project, relation_review

    path = tmp_path / "carla.annotator"
    quote, kim = (*at(QUOTE), "quote"), (*at("Kim Jong Un"), "actor")
    with Project.open(path) as carla:
        doc, _ = carla.add_document(TEXT)
        relation_review.reject_pair(carla, doc, (kim, quote), "carla")
    summary = merge_source(project, path, {"carla": "carla.r"})
    assert summary.relation_rejections_added == 1
    assert "  rejected relation pairs brought in: 1" in format_summary(summary)
    [rejection] = relation_review.relation_rejections(project, project.document_ids()[0])
    assert (rejection.first, rejection.second, rejection.reviewer) == (kim, quote, "carla.r")
    assert merge_source(project, path).relation_rejections_added == 0  # not twice
