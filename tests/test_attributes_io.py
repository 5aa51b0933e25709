"""Span attributes through every format: written where the format has a place for them (JSONL attrs,
brat A lines and annotation.conf, Label Studio per-region choices, doccano attrs, spaCy doc.user_data read
back by real spaCy), said to be left out where it has none (CoNLL, Hugging Face), and read back by our
importers into an empty project; a bad value is an error naming the file, line and span, nothing imported."""

from __future__ import annotations

import sqlite3

import orjson
import pytest

from annotator.io.exporters._base import ExportOptions
from annotator.io.exporting import export_project
from annotator.io.importing import import_paths
from annotator.store import Project

TEXT = "Kim 👋🏽 said the budget may be 40 million.\nNext line."
EXPECTED = {(9, 40, "claim"): {"certainty": "hedged"}, (31, 41, "figure"): {"kind": "money"}}


@pytest.fixture
def project(tmp_path):
    proj = Project.open(tmp_path / "p.db")
    doc, _ = proj.add_document(TEXT, title="t")
    proj.add_span(doc, 0, 3, "actor", "ana")
    proj.set_span_attribute(proj.add_span(doc, 9, 40, "claim", "ana").id, "certainty", "hedged")
    proj.set_span_attribute(proj.add_span(doc, 31, 41, "figure", "ana").id, "kind", "money")
    yield proj
    proj.close()


def values_in(path) -> dict:
    with sqlite3.connect(path) as conn:  # a second connection: what the file holds
        rows = conn.execute("SELECT s.start, s.[end], s.label, a.name, a.value FROM span_attrs a"
                            " JOIN spans s ON s.id = a.span_id").fetchall()
    found: dict = {}
    for start, end, label, name, value in rows:
        found.setdefault((start, end, label), {})[name] = orjson.loads(value)
    return found


@pytest.mark.parametrize(("fmt", "name", "offsets"), [("jsonl", "out.jsonl", "auto"), ("labelstudio", "out.json", "auto"),
                                                      ("doccano", "out.jsonl", "codepoints"), ("brat", "out", "auto")])
def test_export_imports_back_into_an_empty_project(project, tmp_path, fmt, name, offsets):
    out = tmp_path / name
    export_project(project, ExportOptions(format=fmt), out)
    empty = Project.open(tmp_path / "empty.db")
    report = import_paths(empty, sorted(out.glob("*.ann")) if fmt == "brat" else [out], annotator="ana", offsets=offsets)
    assert report.ok, report.failed
    assert values_in(empty.path) == EXPECTED
    empty.close()


def test_the_shapes_written(project, tmp_path):
    export_project(project, ExportOptions(format="jsonl"), tmp_path / "o.jsonl")
    spans = orjson.loads((tmp_path / "o.jsonl").read_bytes())["spans"]
    assert [s.get("attrs") for s in spans] == [None, {"certainty": "hedged"}, {"kind": "money"}]
    export_project(project, ExportOptions(format="brat"), tmp_path / "b")
    ann = (tmp_path / "b" / "t.ann").read_text(encoding="utf-8")
    assert "A1\tcertainty T2 hedged\n" in ann and "A2\tkind T3 money\n" in ann
    conf = (tmp_path / "b" / "annotation.conf").read_text(encoding="utf-8")
    assert "certainty\tArg:claim, Value:asserted|hedged|disputed" in conf
    export_project(project, ExportOptions(format="labelstudio"), tmp_path / "ls.json")
    results = orjson.loads((tmp_path / "ls.json").read_bytes())[0]["annotations"][0]["result"]
    choice = next(r for r in results if r["type"] == "choices")
    region = next(r for r in results if r["type"] == "labels" and r["id"] == choice["id"])
    assert choice["from_name"] == "certainty" and choice["value"]["choices"] == ["hedged"]
    assert region["value"]["labels"] == ["claim"]


@pytest.mark.parametrize(("fmt", "words"), [("conll", "CoNLL"), ("hf", "Hugging Face")])
def test_token_formats_say_they_leave_attributes_out(project, tmp_path, fmt, words):
    summary = export_project(project, ExportOptions(format=fmt), tmp_path / "out")
    assert any("attribute values of spans are not written" in line and words in line for line in summary.lines())


def test_spacy_reads_the_attributes_from_user_data(project, tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    export_project(project, ExportOptions(format="spacy"), tmp_path / "sp")
    nlp = spacy.blank("en")
    docs = [doc for shard in sorted((tmp_path / "sp").glob("*.spacy")) for doc in DocBin().from_disk(shard).get_docs(nlp.vocab)]
    (doc,) = docs
    attrs = {(start, end, label): values for start, end, label, values in doc.user_data["attrs"]}
    assert attrs == EXPECTED
    spans = {(s.start_char, s.end_char, s.label_) for s in doc.spans["annotator"]}
    assert set(attrs) <= spans and doc.text[9:40] == TEXT[9:40]


def test_a_bad_value_names_file_line_and_span_and_imports_nothing(tmp_path):
    good = {"text": "Kim said so.", "annotator": "ana", "status": "done", "spans": [{"start": 0, "end": 3, "label": "claim", "attrs": {"certainty": "hedged"}}]}
    bad = {"text": "Ann said no.", "annotator": "ana", "status": "done", "spans": [{"start": 0, "end": 3, "label": "claim", "attrs": {"certainty": "maybe"}}]}
    path = tmp_path / "in.jsonl"
    path.write_bytes(orjson.dumps(good) + b"\n" + orjson.dumps(bad) + b"\n")
    project = Project.open(tmp_path / "p.db")
    report = import_paths(project, [path], annotator="ana")
    (problem,) = report.failed
    assert problem.path == path and problem.line == 2
    assert "span 1 (0-3 'claim')" in problem.message and "'maybe' is not one of the choices" in problem.message
    assert project.document_count() == 0 and values_in(project.path) == {}
    path.write_bytes(orjson.dumps({**good, "spans": [{**good["spans"][0], "attrs": {"tone": "x", "certainty": "hedged"}}]}) + b"\n")
    report = import_paths(project, [path], annotator="ana")  # an attribute the project lacks: left out, counted
    assert report.ok and report.left_out == {path: {"attributes": 1}}
    assert values_in(project.path) == {(0, 3, "claim"): {"certainty": "hedged"}}
    path.write_bytes(orjson.dumps({**bad, "spans": [{**bad["spans"][0], "attrs": ["certainty"]}]}) + b"\n")
    (problem,) = import_paths(project, [path], annotator="ana").failed
    assert "span 1 (0-3 'claim'): attrs must be an object" in problem.message
    project.close()


def test_a_brat_attribute_of_a_missing_entity_is_an_error(tmp_path):
    (tmp_path / "d.txt").write_text("Kim said so.", encoding="utf-8")
    (tmp_path / "d.ann").write_text("T1\tclaim 0 3\tKim\nA1\tcertainty T9 hedged\n", encoding="utf-8")
    project = Project.open(tmp_path / "p.db")
    (problem,) = import_paths(project, [tmp_path / "d.ann"], annotator="ana").failed
    assert problem.line == 2 and "T9" in problem.message
    assert project.document_count() == 0
    project.close()
