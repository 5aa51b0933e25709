"""Actor links through the formats: ``kb_id`` in JSONL, ``Span.kb_id_`` read by real spaCy, brat ``N``
lines out and in; our export imports back into an empty project with every link (unknown kb_ids create
entries, counted); a malformed link names the file, line and span and imports nothing; the CLI lists them."""

from __future__ import annotations

import json

import orjson
import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.io.exporters._base import ExportOptions
from annotator.io.exporting import export_project
from annotator.io.importing import import_paths
from annotator.store import Project

TEXT = "Kim 👋🏽 met Moon Jae-in.\nKim left."


@pytest.fixture
def project(tmp_path):
    proj = Project.open(tmp_path / "p.db")
    doc, _ = proj.add_document(TEXT, title="t")
    kim = proj.create_actor("Kim Jong Un", aliases=["Kim"], external_id="Q56226")
    moon = proj.create_actor("Moon Jae-in")  # no external id: its project id is the kb_id
    proj.link_span(proj.add_span(doc, 0, 3, "actor", "ana").id, kim.id)
    proj.link_span(proj.add_span(doc, 11, 22, "actor", "ana").id, moon.id)
    proj.link_span(proj.add_span(doc, 24, 27, "actor", "ana").id, kim.id)
    proj.add_span(doc, 4, 10, "claim", "ana")  # not linked
    yield proj
    proj.close()


def links_in(project: Project) -> dict:
    rows = project.conn.execute("SELECT s.start, s.[end], coalesce(a.external_id, a.uid) FROM span_actors l"
                                " JOIN spans s ON s.id = l.span_id JOIN actors a ON a.id = l.actor_id").fetchall()
    return {(start, end): kb for start, end, kb in rows}


def test_jsonl_writes_kb_id_and_imports_back_into_an_empty_project(project, tmp_path):
    moon = project.actor_named("Moon Jae-in")
    export_project(project, ExportOptions(format="jsonl"), tmp_path / "o.jsonl")
    spans = orjson.loads((tmp_path / "o.jsonl").read_bytes())["spans"]
    assert [s.get("kb_id") for s in spans] == ["Q56226", None, moon.uid, "Q56226"]
    empty = Project.open(tmp_path / "empty.db")
    report = import_paths(empty, [tmp_path / "o.jsonl"], annotator="ana")
    assert report.ok and report.actors_added == 2
    assert links_in(empty) == links_in(project)
    assert {a.name for a in empty.actors()} == {"Kim", "Moon Jae-in"}  # named from the span text
    assert empty.actor_named("Moon Jae-in").uid == moon.uid  # the project id survives: a second export is the same
    again = import_paths(empty, [tmp_path / "o.jsonl"], annotator="ana")
    assert again.ok and again.actors_added == 0 and empty.actor_count() == 2
    empty.close()


def test_brat_normalization_lines_out_and_in(project, tmp_path):
    export_project(project, ExportOptions(format="brat"), tmp_path / "b")
    ann = (tmp_path / "b" / "t.ann").read_text(encoding="utf-8")
    moon = project.actor_named("Moon Jae-in")
    assert "N1\tReference T1 Wikidata:Q56226\tKim Jong Un\n" in ann
    assert f"N2\tReference T3 {moon.uid}\tMoon Jae-in\n" in ann
    empty = Project.open(tmp_path / "empty.db")
    report = import_paths(empty, [tmp_path / "b" / "t.ann"], annotator="ana")
    assert report.ok and report.actors_added == 2 and not report.left_out
    assert links_in(empty) == links_in(project)
    assert {a.name for a in empty.actors()} == {"Kim Jong Un", "Moon Jae-in"}  # brat gives the name
    empty.close()


def test_spacy_reads_kb_id_from_the_docbin(project, tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    export_project(project, ExportOptions(format="spacy"), tmp_path / "sp")
    nlp = spacy.blank("en")
    (doc,) = [d for shard in sorted((tmp_path / "sp").glob("*.spacy")) for d in DocBin().from_disk(shard).get_docs(nlp.vocab)]
    linked = {(s.start_char, s.end_char): s.kb_id_ for s in doc.spans["annotator"]}
    moon = project.actor_named("Moon Jae-in")
    assert linked == {(0, 3): "Q56226", (4, 10): "", (11, 22): moon.uid, (24, 27): "Q56226"}
    assert {(e.start_char, e.kb_id_) for e in doc.ents} >= {(0, "Q56226"), (11, moon.uid)}


@pytest.mark.parametrize(("fmt", "words"), [("conll", "CoNLL"), ("doccano", "doccano"), ("labelstudio", "Label Studio")])
def test_formats_without_a_place_say_so(project, tmp_path, fmt, words):
    summary = export_project(project, ExportOptions(format=fmt), tmp_path / "out")
    assert any("actor links (kb_id) of spans are not written" in line and words in line for line in summary.lines())


def test_a_malformed_link_names_file_line_and_span_and_imports_nothing(tmp_path):
    good = {"text": "Kim said so.", "annotator": "ana", "status": "done",
            "spans": [{"start": 0, "end": 3, "label": "actor", "kb_id": "Q1"}]}
    bad = {"text": "Ann said no.", "annotator": "ana", "status": "done",
           "spans": [{"start": 0, "end": 3, "label": "actor", "kb_id": "not an id"}]}
    path = tmp_path / "in.jsonl"
    path.write_bytes(orjson.dumps(good) + b"\n" + orjson.dumps(bad) + b"\n")
    project = Project.open(tmp_path / "p.db")
    (problem,) = import_paths(project, [path], annotator="ana").failed
    assert problem.path == path and problem.line == 2
    assert "span 1 (0-3 'actor')" in problem.message and "space" in problem.message
    assert project.document_count() == 0 and project.actor_count() == 0
    path.write_bytes(orjson.dumps({**bad, "spans": [{**bad["spans"][0], "kb_id": 7}]}) + b"\n")
    (problem,) = import_paths(project, [path], annotator="ana").failed
    assert "kb_id must be a non-empty string" in problem.message
    (tmp_path / "d.txt").write_text("Kim said so.", encoding="utf-8")
    (tmp_path / "d.ann").write_text("T1\tactor 0 3\tKim\nN1\tReference T9 Wikidata:Q1\tKim\nN2\tReference T1 Q1\tx\n",
                                    encoding="utf-8")
    problems = import_paths(project, [tmp_path / "d.ann"], annotator="ana").failed
    assert [(p.line, "T9" in p.message or "DATABASE:ID" in p.message) for p in problems] == [(3, True), (2, True)]
    assert project.document_count() == 0 and project.actor_count() == 0
    project.close()


def test_cli_actors_and_stats(project):
    runner = CliRunner()
    listed = json.loads(runner.invoke(main, ["actors", str(project.path), "--json"]).output)
    assert [(a["name"], a["kb_id"], a["spans"], a["documents"]) for a in listed] == [
        ("Kim Jong Un", "Q56226", 2, 1), ("Moon Jae-in", project.actor_named("Moon Jae-in").uid, 1, 1)]
    text = runner.invoke(main, ["actors", str(project.path)]).output
    assert "Kim Jong Un" in text and "2 spans in 1 document" in text and "aka Kim" in text
    stats = json.loads(runner.invoke(main, ["stats", str(project.path), "--json"]).output)
    assert {a["name"]: a["spans"] for a in stats["actors"]} == {"Kim Jong Un": 2, "Moon Jae-in": 1}


def test_merge_brings_a_colleagues_actor_list_and_reports_conflicts(tmp_path):
    from annotator.io.merge import format_summary, merge_source

    text = "Kim met Moon. Kim left. Park came."
    ours = Project.open(tmp_path / "ours.db")
    doc, _ = ours.add_document(text)
    ours_kju = ours.create_actor("Kim Jong-un", external_id="Q56226")
    ours.create_actor("Park", external_id="Q1")
    ours.link_span(ours.add_span(doc, 14, 17, "actor", "ana").id, ours_kju.id)
    theirs = Project.open(tmp_path / "ben.db")
    their_doc, _ = theirs.add_document(text)
    kju = theirs.create_actor("Kim Jong Un", aliases=["KJU"], external_id="Q56226", note="leader")
    moon = theirs.create_actor("Moon Jae-in")
    park = theirs.create_actor("Park", external_id="Q2")
    for (start, end), actor in {(0, 3): kju, (8, 12): moon, (14, 17): moon, (24, 28): park}.items():
        theirs.link_span(theirs.add_span(their_doc, start, end, "actor", "ana" if start == 14 else "ben").id, actor.id)
    theirs.close()
    summary = merge_source(ours, tmp_path / "ben.db")
    text_lines = "\n".join(format_summary(summary))
    assert "actors: 2 added, 1 matched to ours, 3 spans linked" in text_lines
    assert "'Kim Jong-un' is 'Kim Jong Un' in their file (same external id)" in text_lines
    assert "theirs comes in as Park (Q2)" in text_lines
    assert "1 span we link to another actor than theirs: ours kept" in text_lines  # not "1 spans"
    matched = ours.actor(ours_kju.id)
    assert matched.aliases == ("Kim Jong Un", "KJU") and matched.note == "leader"
    assert ours.actor_named("Moon Jae-in").uid == moon.uid  # added with its project id
    counts = {c.actor.name: c.spans for c in ours.actor_counts()}
    assert counts == {"Kim Jong-un": 2, "Moon Jae-in": 1, "Park": 0, "Park (Q2)": 1}
    again = merge_source(ours, tmp_path / "ben.db")  # a second merge adds nothing
    assert "0 added, 3 matched to ours, 0 spans linked" in "\n".join(format_summary(again))
    ours.close()
