"""What the peer tools' files hold beyond labelled spans, and our exports read back by them and by us.

brat: span texts with tabs, spans across the line breaks brat's reader splits on, one folder per
annotator. Label Studio: task ids its converters need, uids that survive a round trip. Prodigy:
only accepted answers are annotations. Everything not imported is named in the summary.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.text import LINE_BREAKS
from annotator.io.exporting import ExportOptions, export_project, parse_split
from annotator.io.importing import import_paths
from annotator.store import Project
from export_fixtures import *  # noqa: F403
from export_fixtures import EMOJI, at, digest, write_jsonl


def spans_of(project: Project) -> list[tuple[str, str, int, int, str, str]]:
    """(title, uid-free text, start, end, label, annotator) of every span, sorted."""
    found = []
    for doc in project.iter_documents():
        for span in project.spans(doc.id):
            found.append((doc.title, doc.text[span.start : span.end], span.start, span.end, span.label, span.annotator))
    return sorted(found)


def fresh(tmp_path: Path, name: str) -> Project:
    return Project.open(tmp_path / f"{name}.db")


# ------------------------------------------------------------------ Prodigy answers
def test_prodigy_rejected_and_ignored_answers_are_not_spans(project, tmp_path):
    def example(text: str, answer: str) -> dict:
        return {"text": text, "spans": [{"start": 0, "end": 3, "label": "actor"}], "answer": answer}

    path = write_jsonl(tmp_path / "db-out.jsonl", example("Kim met Moon.", "accept"), example("Ann is here.", "reject"),
                       example("Bob was out.", "ignore"), example("Eve said no.", "reject"))
    report = import_paths(project, [path], annotator="ann")
    assert report.ok, report.failed
    assert report.documents_added == 4 and report.spans_added == 1  # the texts come in, the answers do not
    assert [(text, label) for _t, text, _s, _e, label, _a in spans_of(project)] == [("Kim", "actor")]
    statuses = {project.document_text(d): project.status(d, "ann") for d in project.document_ids()}
    assert statuses["Kim met Moon."] == "done" and statuses["Ann is here."] != "done"
    assert report.left_out[path] == {"Prodigy answers 'reject'": 2, "spans of Prodigy answers 'reject'": 2,
                                     "Prodigy answers 'ignore'": 1, "spans of Prodigy answers 'ignore'": 1}


# ------------------------------------------------------------------ nothing dropped in silence
def test_relations_attributes_choices_are_counted_per_file(project, tmp_path):
    doccano = write_jsonl(tmp_path / "doccano.jsonl", {
        "text": "Kim met Moon.", "entities": [{"id": 1, "start_offset": 0, "end_offset": 3, "label": "PER"},
                                         {"id": 2, "start_offset": 8, "end_offset": 12, "label": "PER"}],
        "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "meets"}]})
    region = {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
              "value": {"start": 0, "end": 3, "text": "Kim", "labels": ["PER"]}}
    task = {"id": 1, "data": {"text": "Kim met Moon."},
            "annotations": [{"completed_by": 1, "result": [
                region,
                {"id": "b", "from_name": "label", "to_name": "text", "type": "labels",
                 "value": {"start": 8, "end": 12, "text": "Moon", "labels": ["PER"]}},
                {"from_id": "a", "to_id": "b", "type": "relation", "direction": "right"},
                {"id": "c", "from_name": "mood", "to_name": "text", "type": "choices", "value": {"choices": ["calm"]}},
            ]}, {"completed_by": 2, "was_cancelled": True, "result": []}],
            "predictions": [{"result": [region]}]}
    studio = tmp_path / "studio.json"
    studio.write_text(json.dumps([task]), encoding="utf-8")
    brat_text = tmp_path / "talks.txt"
    brat_text.write_text("Kim met Moon in Seoul.", encoding="utf-8")
    (tmp_path / "talks.ann").write_text(
        "T1\tPER 0 3\tKim\nT2\tPER 8 12\tMoon\nR1\tMeets Arg1:T1 Arg2:T2\nA1\tNegated T1\nM2\tConfidence T2 High\n"
        "N1\tReference T1 Wikipedia:534366\tKim\n*\tAlias T1 T2\nE1\tMeet:T1 Agent:T2\n#1\tReviewer T1\tcheck\n",
        encoding="utf-8")
    report = import_paths(project, [doccano, studio, brat_text], annotator="ann")
    assert report.ok, report.failed
    assert report.spans_added == 2 + 2 + 2
    assert project.relation_count() == 3  # relations are imported (issue 12); a Label Studio one without labels is "related"
    assert {"Meets", "meets", "related"} <= {label.name for label in project.relation_labels()}
    assert report.left_out == {
        studio: {"Label Studio choices results": 1, "Label Studio predictions": 1,
                 "cancelled (skipped) Label Studio annotations": 1},
        tmp_path / "talks.ann": {"attributes": 2, "equivalences": 1,
                                 "events": 1, "brat comments other than AnnotatorNotes": 1},
    }
    # the normalization links T1 to a new actor entry (issue 13), its external id as brat names it
    assert [(a.name, a.external_id) for a in project.actors()] == [("Kim", "Wikipedia:534366")]
    assert report.actors_added == 1


def test_cli_names_what_was_left_out(tmp_path, runner):
    path = write_jsonl(tmp_path / "doccano.jsonl", {
        "text": "Kim met Moon.", "label": [[0, 3, "PER"]], "relations": [{"from_id": 1, "to_id": 2, "type": "x"}] * 2})
    result = runner.invoke(main, ["import", str(tmp_path / "p.db"), str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"Left out: {path}: relations: 2" in result.output.splitlines()


# ------------------------------------------------------------------ brat
def brat_lines(ann: Path) -> list[list[str]]:
    """The lines of an .ann as brat's reader sees them: str.splitlines, then id TAB data TAB tail."""
    content = ann.read_text(encoding="utf-8")
    return [line.rstrip("\r\n").split("\t", 2) for line in content.splitlines(keepends=True) if line.strip()]


def test_brat_span_with_a_tab_reads_back(tmp_path):
    source = fresh(tmp_path, "source")
    doc, _ = source.add_document("Name:\tKim Jong Un\nRole:\tleader", title="card")
    source.add_span(doc, 0, len("Name:\tKim"), "actor", "ana")
    out = tmp_path / "brat"
    export_project(source, ExportOptions(format="brat"), out)
    ident, data, shown = brat_lines(out / "card.ann")[0]
    assert (ident, data, shown) == ("T1", "actor 0 9", "Name:\tKim")  # brat keeps tabs in the text
    target = fresh(tmp_path, "target")
    report = import_paths(target, [out], annotator="ana")
    assert report.ok, report.failed
    assert spans_of(target) == spans_of(source)


def test_brat_spans_across_every_line_break_brat_splits_on(tmp_path):
    source = fresh(tmp_path, "source")
    texts = {}
    for n, brk in enumerate(LINE_BREAKS.replace("\r", "")):  # CR is normalized to LF at import
        text = f"Kim{brk}Jong Un met Moon."
        doc, _ = source.add_document(text, title=f"d{n}")
        source.add_span(doc, 0, len("Kim?Jong"), "actor", "ana")
        texts[f"d{n}"] = text
    out = tmp_path / "brat"
    summary = export_project(source, ExportOptions(format="brat"), out)
    assert summary.adjusted["split into fragments at line breaks (brat spans cannot cross lines)"] == len(texts)
    for name, text in texts.items():
        lines = brat_lines(out / f"{name}.ann")
        assert lines == [["T1", "actor 0 3;4 8", "Kim Jong"]], (name, lines)  # one whole line for brat
    target = fresh(tmp_path, "target")
    report = import_paths(target, [out], annotator="ana")
    assert report.ok, report.failed
    assert spans_of(target) == spans_of(source)  # the fragments become one span again


def test_brat_span_ending_in_a_line_break_is_reported(tmp_path):
    source = fresh(tmp_path, "source")
    doc, _ = source.add_document("Kim\u2028met Moon.", title="d")
    source.add_span(doc, 0, 4, "actor", "ana")
    summary = export_project(source, ExportOptions(format="brat"), tmp_path / "brat")
    assert summary.adjusted["written without the line breaks at their ends (brat spans cannot hold them)"] == 1
    assert brat_lines(tmp_path / "brat" / "d.ann") == [["T1", "actor 0 3", "Kim"]]


def test_brat_two_annotators_come_back_to_their_owners(tricky, tmp_path):
    out = tmp_path / "brat"
    export_project(tricky, ExportOptions(format="brat"), out)
    target = fresh(tmp_path, "target")
    report = import_paths(target, [out], annotator="zed")  # --annotator does not merge the two layers
    assert report.ok, report.failed
    want = [row for row in spans_of(tricky) if row[5] != "gold"]
    got = spans_of(target)
    assert {row[5] for row in got} == {"ana", "ben"}
    assert {doc.title for doc in target.iter_documents()} == {"_.._etc_passwd", "crlf", "_CON", "empty"}  # no ".ana"
    # the same spans, owners and texts (titles are file names)
    assert sorted(row[1:] for row in got) == sorted(row[1:] for row in want)


# ------------------------------------------------------------------ Label Studio
def test_label_studio_tasks_have_the_integer_id_its_converters_need(tricky, tmp_path):
    out = tmp_path / "ls.json"
    export_project(tricky, ExportOptions(format="labelstudio"), out)
    tasks = json.loads(out.read_text(encoding="utf-8"))
    # label-studio-converter's Converter.get_data reads task['id'], task['data'], annotation['result'] and
    # each result's from_name and value; Label Studio's import replaces the id with its own.
    assert [task["id"] for task in tasks] == list(range(1, len(tasks) + 1))
    assert all(type(task["id"]) is int for task in tasks)
    for task in tasks:
        assert isinstance(task["data"]["text"], str)
        for annotation in task["annotations"]:
            assert all({"from_name", "value"} <= set(result) for result in annotation["result"])


def test_label_studio_round_trip_keeps_uids_and_splits(tricky, tmp_path):
    split = parse_split("train=0.5,test=0.5")
    first = tmp_path / "first.json"
    export_project(tricky, ExportOptions(format="labelstudio", split=split, seed=2), first)
    target = fresh(tmp_path, "target")
    files = sorted(tmp_path.glob("first.*.json"))
    assert all(json.loads(path.read_text(encoding="utf-8")) for path in files)  # seed 2 fills both splits
    report = import_paths(target, files)
    assert report.ok, report.failed
    assert {d.uid for d in target.iter_documents()} == {d.uid for d in tricky.iter_documents()}
    export_project(target, ExportOptions(format="labelstudio", split=split, seed=2), tmp_path / "second.json")
    for path in files:
        again = tmp_path / path.name.replace("first", "second")
        assert digest(again) == digest(path), path.name


def test_label_studio_submitted_annotation_without_regions_is_done(project, tmp_path):
    task = {"id": 4, "data": {"text": "Nothing to label here.", "uid": "n-1"},
            "annotations": [{"completed_by": {"email": "ana@example.org"}, "result": []}]}
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    assert import_paths(project, [path]).ok
    doc = next(project.iter_documents())
    assert doc.uid == "n-1" and project.status(doc.id, "ana@example.org") == "done"


def test_label_studio_code_point_offsets_after_emoji_import_without_flags(project, tmp_path):
    """Label Studio 1.6+ counts code points: its export imports as it is, no --offsets needed."""
    start, end = at(EMOJI, "Zoë")
    value = {"start": start, "end": end, "text": "Zoë", "labels": ["actor"]}
    task = {"id": 1, "data": {"text": EMOJI}, "annotations": [{"completed_by": 1, "result": [
        {"id": "z", "from_name": "label", "to_name": "text", "type": "labels", "value": value}]}]}
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    report = import_paths(project, [path])
    assert report.ok, report.failed
    assert [row[1] for row in spans_of(project)] == ["Zoë"]


def test_window_summary_names_what_was_left_out(project, tmp_path):
    from annotator.ui.import_dialog import summary_details, summary_lists, summary_text

    # doccano label triples cannot name a relation's ends (its relations go with entity objects)
    path = write_jsonl(tmp_path / "rel.jsonl", {"text": "Kim met Moon.", "label": [], "relations": [{}, {}, {}]})
    report = import_paths(project, [path])
    assert "1 file held things Annotator does not keep" in summary_text(report)
    assert "Left out:\n  rel.jsonl: relations: 3" in summary_lists(report)
    assert f"Left out:\n{path}: relations: 3" in summary_details(report)


def test_label_studio_json_min_keeps_the_uid_its_converter_copies_from_data(project, tmp_path):
    """label-studio-converter's JSON-MIN copies the task's data (our uid, title, meta) next to Label Studio's id."""
    record = {"text": "Kim met Moon.", "uid": "kim-1", "title": "Summit", "meta": {"source": "wire"}, "id": 57,
              "label": [{"start": 0, "end": 3, "text": "Kim", "labels": ["actor"]}], "annotator": 3}
    path = tmp_path / "min.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    assert import_paths(project, [path]).ok
    doc = next(project.iter_documents())
    assert (doc.uid, doc.title, doc.meta["source"]) == ("kim-1", "Summit", "wire")


# ------------------------------------------------------------------ span notes and titles
NOTE_TEXT = "Kim Jong Un met 文在寅 in Pyongyang 🇰🇵."


def noted_project(tmp_path: Path) -> Project:
    project = Project.open(tmp_path / "noted.db")
    doc, _ = project.add_document(NOTE_TEXT, title="Summit", uid="kim-1", meta={"source": "wire"})
    project.add_span(doc, *at(NOTE_TEXT, "Kim Jong Un"), "actor", "ana", note="leader 👍\nsecond line")
    project.add_span(doc, *at(NOTE_TEXT, "文在寅"), "actor", "ana")
    project.add_span(doc, *at(NOTE_TEXT, "Pyongyang"), "actor", "ana", note="the capital")
    project.set_status(doc, "ana", "done")
    return project


def notes_of(project: Project) -> dict[str, str | None]:
    doc = next(project.iter_documents())
    return {doc.text[s.start:s.end]: s.note for s in project.spans(doc.id, "ana")}


NOTES = {"Kim Jong Un": "leader 👍\nsecond line", "文在寅": None, "Pyongyang": "the capital"}


def test_label_studio_carries_span_notes_as_per_region_textarea_results(tmp_path):
    with noted_project(tmp_path) as project:
        first = tmp_path / "first.json"
        summary = export_project(project, ExportOptions(format="labelstudio"), first)
    assert not any("note" in line for line in summary.lines() if "left out" in line or "not written" in line)
    results = json.loads(first.read_text(encoding="utf-8"))[0]["annotations"][0]["result"]
    regions = {r["id"]: r for r in results if r["type"] == "labels"}
    notes = [r for r in results if r["type"] == "textarea"]
    # Label Studio's <TextArea name="note" toName="text" perRegion="true">: the region's id, offsets and text list
    kim, pyongyang = at(NOTE_TEXT, "Kim Jong Un"), at(NOTE_TEXT, "Pyongyang")
    assert [(regions[r["id"]]["value"]["text"], r["from_name"], r["to_name"], r["value"]) for r in notes] == [
        ("Kim Jong Un", "note", "text", {"start": kim[0], "end": kim[1], "text": ["leader 👍\nsecond line"]}),
        ("Pyongyang", "note", "text", {"start": pyongyang[0], "end": pyongyang[1], "text": ["the capital"]}),
    ]
    with fresh(tmp_path, "back") as back:
        report = import_paths(back, [first])
        assert report.ok and not report.left_out, (report.failed, report.left_out)
        assert notes_of(back) == NOTES
        export_project(back, ExportOptions(format="labelstudio"), tmp_path / "second.json")
    assert digest(tmp_path / "second.json") == digest(first)


def test_label_studio_region_meta_text_is_read_as_the_note(project, tmp_path):
    """Label Studio keeps a region's own "meta": {"text": [...]} (the region's meta field in its editor)."""
    value = {"start": 0, "end": 3, "text": "Kim", "labels": ["actor"]}
    task = {"id": 1, "data": {"text": "Kim met Moon."}, "annotations": [{"completed_by": 1, "result": [
        {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels", "value": value,
         "meta": {"text": ["checked by the desk"]}}]}]}
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    assert import_paths(project, [path]).ok
    doc = next(project.iter_documents())
    assert [s.note for s in project.spans(doc.id)] == ["checked by the desk"]


def test_doccano_round_trip_keeps_span_notes_and_the_title(tmp_path):
    with noted_project(tmp_path) as project:
        first = tmp_path / "first.jsonl"
        export_project(project, ExportOptions(format="doccano"), first)
    line = json.loads(first.read_text(encoding="utf-8"))
    kim, pyongyang = at(NOTE_TEXT, "Kim Jong Un"), at(NOTE_TEXT, "Pyongyang")
    assert line["notes"] == [[*kim, "actor", "leader 👍\nsecond line"], [*pyongyang, "actor", "the capital"]]
    assert line["meta"] == {"title": "Summit", "source": "wire"}
    with fresh(tmp_path, "back") as back:
        report = import_paths(back, [first], offsets="codepoints")
        assert report.ok, report.failed
        doc = next(back.iter_documents())
        assert (doc.title, doc.uid, doc.meta["source"]) == ("Summit", "kim-1", "wire")
        assert "title" not in doc.meta  # it is the title again, not a meta key
        assert notes_of(back) == NOTES
        export_project(back, ExportOptions(format="doccano"), tmp_path / "second.jsonl")
    again = json.loads((tmp_path / "second.jsonl").read_text(encoding="utf-8"))
    assert (again["label"], again["notes"], again["meta"]["title"]) == (line["label"], line["notes"], "Summit")


def test_doccano_notes_follow_utf16_offsets(tmp_path):
    text = "🇰🇵 Kim met Moon."
    with Project.open(tmp_path / "p.db") as project:
        doc, _ = project.add_document(text, title="t")
        project.add_span(doc, *at(text, "Moon"), "actor", "ana", note="south")
        out = tmp_path / "u.jsonl"
        export_project(project, ExportOptions(format="doccano", offsets="utf16"), out)
    line = json.loads(out.read_text(encoding="utf-8"))
    assert line["notes"] == [[*line["label"][0][:3], "south"]]
    with fresh(tmp_path, "back") as back:
        assert import_paths(back, [out], offsets="utf16").ok
        doc = next(back.iter_documents())
        assert [(text[s.start:s.end], s.note) for s in back.spans(doc.id)] == [("Moon", "south")]


def test_formats_with_no_place_for_notes_say_they_left_them_out(tmp_path):
    with noted_project(tmp_path) as project:
        for fmt in ("conll", "hf"):
            summary = export_project(project, ExportOptions(format=fmt), tmp_path / f"out.{fmt}")
            assert any("notes of spans are not written" in line for line in summary.lines()), (fmt, summary.lines())


def test_spacy_keeps_span_notes_in_user_data_beside_the_documented_keys(tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    with noted_project(tmp_path) as project:
        export_project(project, ExportOptions(format="spacy"), tmp_path / "sp")
    nlp = spacy.blank("en")
    (doc,) = [doc for shard in sorted((tmp_path / "sp").glob("*.spacy"))
              for doc in DocBin().from_disk(shard).get_docs(nlp.vocab)]
    # README: doc.user_data holds id (the uid), title, annotator and status, and notes
    assert {k: doc.user_data[k] for k in ("id", "title", "annotator", "status")} == {
        "id": "kim-1", "title": "Summit", "annotator": "ana", "status": "done"}
    spans = {(s.start_char, s.end_char, s.label_) for s in doc.spans["annotator"]}
    notes = {doc.text[s:e]: note for s, e, label, note in doc.user_data["notes"] if (s, e, label) in spans}
    assert notes == {k: v for k, v in NOTES.items() if v}
