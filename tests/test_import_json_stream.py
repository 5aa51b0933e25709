"""JSON arrays are read item by item (ijson) and say where they go wrong, as a whole read did."""

from __future__ import annotations

import json

import ijson

from annotator.io.importers._common import SNIFF_BYTES
from annotator.io.importing import import_paths


def test_the_c_backend_is_used():
    assert ijson.backend == "yajl2_c"  # the pure Python backend would be ~10x slower


def task(n: int, text: str) -> dict:
    value = {"start": 0, "end": 3, "text": text[:3], "labels": ["actor"]}
    return {"id": n, "data": {"text": text, "uid": f"u{n}"},
            "annotations": [{"completed_by": {"email": "ana"}, "result": [
                {"id": "r", "from_name": "label", "to_name": "text", "type": "labels", "value": value}]}]}


def test_a_streamed_array_keeps_items_uids_bom_and_utf8(project, tmp_path):
    path = tmp_path / "studio.json"
    tasks = [task(n, f"Kim 😀 met Moon {n} in 北京.") for n in range(1, 6)]
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(tasks, ensure_ascii=False, indent=1).encode("utf-8"))
    report = import_paths(project, [path])
    assert report.ok, report.failed
    assert report.documents_added == 5 and report.spans_added == 5
    docs = list(project.iter_documents())
    assert sorted(d.uid for d in docs) == [f"u{n}" for n in range(1, 6)]
    assert all(d.meta["encoding"] == "utf-8-sig" for d in docs)


def test_a_syntax_error_names_its_line_and_imports_nothing(project, tmp_path):
    path = tmp_path / "broken.json"
    lines = [json.dumps(task(n, f"Text number {n}.")) for n in range(1, 4)]
    path.write_text("[\n" + ",\n".join(lines[:2]) + "\n" + lines[2] + "\n]\n", encoding="utf-8")  # no comma
    report = import_paths(project, [path])
    assert project.document_count() == 0
    [problem] = report.failed
    assert (problem.path, problem.line) == (path, 4) and problem.message.startswith("not valid JSON (")


def test_a_cut_short_array_is_refused(project, tmp_path):
    path = tmp_path / "cut.json"
    path.write_text(json.dumps([task(1, "One text."), task(2, "Two texts.")])[:-40], encoding="utf-8")
    report = import_paths(project, [path])
    assert project.document_count() == 0 and len(report.failed) == 1
    assert report.failed[0].message.startswith("not valid JSON (")


def test_a_foreign_byte_after_the_first_mib_names_the_item(project, tmp_path):
    path = tmp_path / "mixed.json"
    filler = [task(n, f"Plain text {n} " + "x" * 2000) for n in range(1, SNIFF_BYTES // 2000 + 10)]
    body = json.dumps(filler + [task(0, "Caf\x00")]).encode("utf-8").replace(b"\\u0000", b"\xe9")
    path.write_bytes(body)
    report = import_paths(project, [path])
    assert project.document_count() == 0
    [problem] = report.failed
    assert problem.message.startswith(f"item {len(filler) + 1}: not valid UTF-8 text")


def test_lone_surrogate_escape_is_refused_not_read_as_question_mark(project, tmp_path):
    path = tmp_path / "half.json"
    path.write_text('[{"text": "ok \\ud83d\\ude00"},\n {"text": "half \\ud83d here"}]', encoding="utf-8")
    report = import_paths(project, [path])
    assert project.document_count() == 0
    assert report.failed[0].line == 2 and "surrogate" in report.failed[0].message
