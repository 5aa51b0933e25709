"""Native JSONL round trip: export -> import into a fresh project -> export gives the same bytes,
also for identical (legacy) spans and for the gold layer with its review status."""

from __future__ import annotations

import json

from click.testing import CliRunner

from annotator.cli import main
from annotator.core.model import GOLD_ANNOTATOR
from annotator.io.exporting import ExportOptions, export_project
from annotator.io.importing import import_paths
from annotator.store import Project
from annotator.store.review import add_gold_spans
from export_fixtures import *  # noqa: F403
from export_fixtures import at, read_jsonl


def _export(project, out, **options):
    export_project(project, ExportOptions(**options), out)
    return out


def test_native_round_trip_is_byte_identical(tricky, tmp_path):
    first = tmp_path / "first.jsonl"
    export_project(tricky, ExportOptions(), first)
    with Project.open(tmp_path / "fresh.db") as fresh:
        report = import_paths(fresh, [first], annotator="someone-else")
        assert report.ok, report.failed
        second = tmp_path / "second.jsonl"
        export_project(fresh, ExportOptions(), second)
        assert fresh.annotators() == ["ana", "ben"]  # the unannotated line adds nobody
    assert second.read_bytes() == first.read_bytes()


def test_round_trip_keeps_notes_statuses_and_a_status_without_spans(project, tmp_path):
    doc, _ = project.add_document("Kim met Trump in Hanoi.", title="summit", meta={"k": [1, "2", None]})
    project.add_span(doc, 0, 3, "actor", "ana", note="leader")
    project.set_status(doc, "ben", "skipped")
    first = tmp_path / "a.jsonl"
    export_project(project, ExportOptions(), first)
    with Project.open(tmp_path / "fresh.db") as fresh:
        import_paths(fresh, [first])
        assert fresh.status(1, "ben") == "skipped"
        assert [s.note for s in fresh.spans(1, "ana")] == ["leader"]
        second = tmp_path / "b.jsonl"
        export_project(fresh, ExportOptions(), second)
    assert second.read_bytes() == first.read_bytes()


def test_a_text_with_line_separators_is_one_record_when_read_back(project, tmp_path):
    """orjson writes U+2028 and U+0085 raw; only a newline ends a JSON Lines record (str.splitlines cut it there)."""
    text = "First part\u2028second part\x85third part."
    doc, _ = project.add_document(text, title="separators")
    project.add_span(doc, *at(text, "second"), "actor", "ana")
    records = read_jsonl(_export(project, tmp_path / "separators.jsonl"))
    assert [r["text"] for r in records] == [text]
    assert [(s["start"], s["end"], s["text"]) for s in records[0]["spans"]] == [(*at(text, "second"), "second")]


# ------------------------------------------------------------------ identical spans
def _legacy_duplicates(project):
    """Identical spans written straight through the store, as old projects (and merges) hold them."""
    doc, _ = project.add_document("Kim met Trump in Hanoi.", title="summit")
    row = {"doc_id": doc, "annotator": "ana", "label": "actor"}
    project.add_spans([
        {**row, "start": 0, "end": 3},
        {**row, "start": 0, "end": 3, "note": "leader"},
        {**row, "start": 0, "end": 3, "note": "leader"},
        {**row, "start": 8, "end": 13, "note": "second"},
        {**row, "start": 8, "end": 13, "note": "first"},
        {**row, "start": 17, "end": 22, "label": "place"},
        {**row, "start": 17, "end": 22, "label": "place"},
        {**row, "start": 17, "end": 22, "label": "actor"},  # another label: another span
        {**row, "annotator": "ben", "start": 0, "end": 3},  # another annotator: another span
    ])
    return doc


def test_identical_spans_export_once_with_merged_notes(project, tmp_path):
    _legacy_duplicates(project)
    records = {r["annotator"]: r for r in read_jsonl(_export(project, tmp_path / "a.jsonl"))}
    spans = [(s["start"], s["end"], s["label"], s.get("meta")) for s in records["ana"]["spans"]]
    assert spans == [
        (0, 3, "actor", {"note": "leader"}),
        (8, 13, "actor", {"note": "first\nsecond"}),  # distinct notes, sorted, one per line
        (17, 22, "actor", None),
        (17, 22, "place", None),
    ]
    assert len(records["ben"]["spans"]) == 1
    tasks = json.loads(_export(project, tmp_path / "ls.json", format="labelstudio").read_text("utf-8"))
    regions = [[r for r in a["result"] if r["type"] == "labels"] for a in tasks[0]["annotations"]]
    assert [len(found) for found in regions] == [4, 1]
    notes = [r["value"]["text"] for r in tasks[0]["annotations"][0]["result"] if r["type"] == "textarea"]
    assert notes == [["leader"], ["first\nsecond"]]  # per-region text areas, one per span
    doccano = read_jsonl(_export(project, tmp_path / "d.jsonl", format="doccano"))
    assert len(doccano[0]["label"]) == 4


def test_round_trip_with_identical_spans_is_byte_identical(project, tmp_path):
    _legacy_duplicates(project)
    first = _export(project, tmp_path / "first.jsonl")
    with Project.open(tmp_path / "fresh.db") as fresh:
        assert import_paths(fresh, [first]).ok
        assert fresh.span_count() == 5
        second = _export(fresh, tmp_path / "second.jsonl")
    assert second.read_bytes() == first.read_bytes()


# ------------------------------------------------------------------ the gold layer's status
def _reviewed_project(project):
    texts = ["Kim met Trump in Hanoi.", "Moon met Kim in Seoul.", "Xi met Putin in Moscow."]
    ids = [project.add_document(text, title=f"t{n}")[0] for n, text in enumerate(texts)]
    for doc in ids:
        project.add_span(doc, 0, 3 if doc != ids[1] else 4, "actor", "ana")
        project.set_status(doc, "ana", "done")
        add_gold_spans(project, doc, [(0, 3 if doc != ids[1] else 4, "actor")], reviewer="rita")
    project.set_review_status(ids[0], "reviewed", "rita")
    project.set_review_status(ids[1], "in_review", "rita")
    return ids


def test_gold_records_carry_the_review_status(project, tmp_path):
    _reviewed_project(project)
    gold = read_jsonl(_export(project, tmp_path / "g.jsonl", gold=True))
    assert [(r["title"], r["status"]) for r in gold] == [("t0", "done"), ("t1", "in_progress"), ("t2", "new")]
    done = read_jsonl(_export(project, tmp_path / "done.jsonl", gold=True, statuses=("done",)))
    assert [r["title"] for r in done] == ["t0"]


def test_gold_round_trip_restores_review_status_and_agreement(project, tmp_path):
    _reviewed_project(project)
    first = _export(project, tmp_path / "first.jsonl", annotators=("ana", GOLD_ANNOTATOR))
    fresh_path = tmp_path / "fresh.db"
    with Project.open(fresh_path) as fresh:
        assert import_paths(fresh, [first]).ok
        assert [fresh.review_status(doc) for doc in fresh.document_ids()] == ["reviewed", "in_review", "unreviewed"]
        second = _export(fresh, tmp_path / "second.jsonl", annotators=("ana", GOLD_ANNOTATOR))
    assert second.read_bytes() == first.read_bytes()
    result = CliRunner().invoke(main, ["agreement", str(fresh_path), "--annotators", "ana,gold", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["pairs"][0]["documents"] == 1  # the one reviewed document


def test_no_tokens_writes_spans_only_and_round_trips(tricky, tmp_path, runner):
    full = read_jsonl(_export(tricky, tmp_path / "full.jsonl"))
    first = _export(tricky, tmp_path / "first.jsonl", tokens=False)
    lines = read_jsonl(first)
    assert all("tokens" not in line for line in lines)
    assert all(set(span) <= {"start", "end", "label", "text", "meta"} for line in lines for span in line["spans"])
    for line, with_tokens in zip(lines, full):  # the same records, minus the token fields
        del with_tokens["tokens"]
        for span in with_tokens["spans"]:
            del span["token_start"], span["token_end"]
        assert line == with_tokens
    with Project.open(tmp_path / "fresh.db") as fresh:
        assert import_paths(fresh, [first], annotator="someone-else").ok
        second = _export(fresh, tmp_path / "second.jsonl", tokens=False)
    assert second.read_bytes() == first.read_bytes()
    result = runner.invoke(main, ["export", str(tricky.path), "--no-tokens"])
    assert result.exit_code == 0 and result.stdout.encode("utf-8") == first.read_bytes()
