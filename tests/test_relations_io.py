"""Relations out and in: native JSONL (Prodigy's rel.manual shape, byte-identical round trip), brat R
lines, Label Studio relation results, doccano relations, spaCy doc.user_data read by real spaCy;
formats without relations say so; an end that is not among the file's spans names file, line, relation."""

from __future__ import annotations

import json

import pytest

from annotator.io.exporting import ExportOptions, export_project
from annotator.io.importing import import_paths
from annotator.store import Project

TEXT = "😀 Merkel said \"we will manage\" in 2015.\r\nThe 3% rise shows growth is back, says 李明."
STORED = TEXT.replace("\r\n", "\n")


@pytest.fixture
def linked(tmp_path):
    """One document, ana's layer: two quotes said by two actors, one figure supporting a claim."""
    project = Project.open(tmp_path / "p.db")
    doc, _ = project.add_document(STORED, title="speech")

    def span(words, label):
        start = STORED.index(words)
        return project.add_span(doc, start, start + len(words), label, "ana")

    merkel, quote = span("Merkel", "actor"), span("\"we will manage\"", "quote")
    li, figure, claim = span("李明", "actor"), span("3%", "figure"), span("growth is back", "claim")
    project.add_relation(quote.id, merkel.id, "said_by")
    project.add_relation(claim.id, li.id, "claimed_by")
    project.add_relation(figure.id, claim.id, "supports")
    yield project
    project.close()


def ends(project: Project) -> list[tuple[str, str, str]]:
    """Every relation as (head text, relation label, child text), sorted."""
    out = []
    for doc_id in project.document_ids():
        text = project.document_text(doc_id)
        spans = {s.id: s for s in project.spans(doc_id)}
        for r in project.relations(doc_id):
            out.append((spans[r.head].text_in(text), r.label, spans[r.child].text_in(text)))
    return sorted(out)


EXPECTED = [("\"we will manage\"", "said_by", "Merkel"), ("3%", "supports", "growth is back"),
            ("growth is back", "claimed_by", "李明")]


def test_native_jsonl_writes_prodigy_relations_and_round_trips_byte_identical(linked, tmp_path):
    first = tmp_path / "first.jsonl"
    summary = export_project(linked, ExportOptions(), first)
    line = json.loads(first.read_text(encoding="utf-8"))
    said_by = line["relations"][0]
    head_span = said_by["head_span"]
    assert set(said_by) == {"head", "child", "head_span", "child_span", "label"}
    assert said_by["label"] == "said_by" and head_span["label"] == "quote"
    assert STORED[head_span["start"]:head_span["end"]] == "\"we will manage\""
    assert said_by["head"] == head_span["token_end"]  # Prodigy: the index of the end's last token
    tokens = line["tokens"]
    assert tokens[said_by["child"]]["text"] == "Merkel"
    assert any("3 relations written" in text for text in summary.lines())
    with Project.open(tmp_path / "fresh.db") as fresh:
        assert import_paths(fresh, [first]).ok
        assert ends(fresh) == EXPECTED
        second = tmp_path / "second.jsonl"
        export_project(fresh, ExportOptions(), second)
        assert import_paths(fresh, [first]).ok  # importing again adds no second copy
        assert len(ends(fresh)) == 3
    assert second.read_bytes() == first.read_bytes()


def test_brat_r_lines_out_and_in(linked, tmp_path):
    export_project(linked, ExportOptions(format="brat"), tmp_path / "brat")
    ann = (tmp_path / "brat" / "speech.ann").read_text(encoding="utf-8").splitlines()
    t_lines = {line.split("\t")[0]: line.split("\t")[2] for line in ann if line.startswith("T")}
    r_lines = [line for line in ann if line.startswith("R")]
    assert len(r_lines) == 3
    ident, rest = r_lines[0].split("\t")
    label, arg1, arg2 = rest.split(" ")
    assert (ident, label) == ("R1", "said_by")
    assert t_lines[arg1.removeprefix("Arg1:")] == "\"we will manage\"" and t_lines[arg2.removeprefix("Arg2:")] == "Merkel"
    conf = (tmp_path / "brat" / "annotation.conf").read_text(encoding="utf-8")
    assert "[relations]\nsaid_by\tArg1:<ENTITY>, Arg2:<ENTITY>\n" in conf
    with Project.open(tmp_path / "fresh.db") as fresh:
        assert import_paths(fresh, [tmp_path / "brat" / "speech.ann"]).ok
        assert ends(fresh) == EXPECTED


def test_label_studio_relation_results_out_and_in(linked, tmp_path):
    out = tmp_path / "ls.json"
    export_project(linked, ExportOptions(format="labelstudio"), out)
    results = json.loads(out.read_text(encoding="utf-8"))[0]["annotations"][0]["result"]
    regions = {r["id"]: r["value"]["text"] for r in results if r["type"] == "labels"}
    relations = [r for r in results if r["type"] == "relation"]
    assert {"from_id", "to_id", "type", "direction", "labels"} == set(relations[0])
    assert (regions[relations[0]["from_id"]], relations[0]["labels"], regions[relations[0]["to_id"]],
            relations[0]["direction"]) == ("\"we will manage\"", ["said_by"], "Merkel", "right")
    with Project.open(tmp_path / "fresh.db") as fresh:
        assert import_paths(fresh, [out]).ok
        assert ends(fresh) == EXPECTED


def test_label_studio_left_direction_points_from_to_id(tmp_path):
    task = {"data": {"text": "Kim said hi."}, "annotations": [{"result": [
        {"id": "a", "type": "labels", "value": {"start": 0, "end": 3, "labels": ["actor"]}},
        {"id": "q", "type": "labels", "value": {"start": 9, "end": 11, "labels": ["quote"]}},
        {"from_id": "a", "to_id": "q", "type": "relation", "direction": "left", "labels": ["said_by"]}]}]}
    path = tmp_path / "left.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    with Project.open(tmp_path / "fresh.db") as fresh:
        assert import_paths(fresh, [path]).ok
        assert ends(fresh) == [("hi", "said_by", "Kim")]


def test_doccano_relations_out_and_in(linked, tmp_path):
    out = tmp_path / "doccano.jsonl"
    export_project(linked, ExportOptions(format="doccano", offsets="utf16"), out)
    line = json.loads(out.read_text(encoding="utf-8"))
    entities = {e["id"]: e for e in line["entities"]}
    assert set(line["entities"][0]) == {"id", "label", "start_offset", "end_offset"}
    first = line["relations"][0]
    assert set(first) == {"id", "from_id", "to_id", "type"}
    assert (entities[first["from_id"]]["label"], first["type"], entities[first["to_id"]]["label"]) == \
        ("quote", "said_by", "actor")
    with Project.open(tmp_path / "fresh.db") as fresh:
        assert import_paths(fresh, [out], offsets="utf16").ok
        assert ends(fresh) == EXPECTED


def test_spacy_keeps_relations_in_user_data_read_by_real_spacy(linked, tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    export_project(linked, ExportOptions(format="spacy"), tmp_path / "out.spacy")
    shard = next((tmp_path / "out.spacy").glob("*.spacy"))
    doc, = DocBin().from_disk(shard).get_docs(spacy.blank("xx").vocab)
    seen = sorted((doc[r["head"]["start"]:r["head"]["end"]].text, r["label"], doc[r["child"]["start"]:r["child"]["end"]].text)
                  for r in doc.user_data["relations"])
    assert seen == EXPECTED
    assert doc.user_data["relations"][0]["head"]["label"] == "quote"


@pytest.mark.parametrize("fmt", ["conll", "hf"])
def test_formats_without_relations_say_they_were_left_out(linked, tmp_path, fmt):
    pytest.importorskip("datasets") if fmt == "hf" else None
    summary = export_project(linked, ExportOptions(format=fmt), tmp_path / f"out.{fmt}")
    assert "  3 relations left out: this format has no place for relations" in summary.lines()


def test_a_relation_whose_end_is_not_among_the_spans_names_file_line_and_relation(tmp_path):
    ann = tmp_path / "bad.ann"
    (tmp_path / "bad.txt").write_text("Kim said hi.", encoding="utf-8")
    ann.write_text("T1\tactor 0 3\tKim\nR1\tsaid_by Arg1:T7 Arg2:T1\n", encoding="utf-8")
    jsonl = tmp_path / "bad.jsonl"
    jsonl.write_text(json.dumps({"text": "Kim said hi.", "spans": [{"start": 0, "end": 3, "label": "actor"}],
                                 "relations": [{"head_span": {"start": 9, "end": 11, "label": "quote"},
                                                "child_span": {"start": 0, "end": 3, "label": "actor"},
                                                "label": "said_by", "head": 2, "child": 0}]}) + "\n", encoding="utf-8")
    with Project.open(tmp_path / "fresh.db") as fresh:
        report = import_paths(fresh, [ann, jsonl])
        messages = [str(problem) for problem in report.failed]
        assert fresh.relation_count() == 0 and fresh.span_count() == 0
    assert any("bad.ann:2: relation R1 (said_by): Arg1 T7 is not among the file's spans" in m
               for m in messages), messages
    assert any("bad.jsonl:1: relation 1 (said_by): its head 9-11 'quote' is not among" in m
               for m in messages), messages
