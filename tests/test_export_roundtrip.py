"""Native JSONL round trip: export -> import into a fresh project -> export gives the same bytes."""

from __future__ import annotations

from annotator.io.exporting import ExportOptions, export_project
from annotator.io.importing import import_paths
from annotator.store import Project
from export_fixtures import *  # noqa: F403


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
