"""Offsets that cannot be verified, and our own exports read back by our importer.

doccano records carry no span text, so nothing tells whether their offsets count
code points or the UTF-16 units of a browser. Before the first emoji both agree;
after it, a span read in the wrong unit silently names other characters
("rump." instead of "Trump"). Without an explicit ``--offsets`` such a record
is refused with one line naming file, line and span; with one, it is read as told.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.offsets import Utf16Map
from annotator.io.exporting import ExportOptions, export_project
from annotator.io.importing import import_paths
from annotator.store import Project
from export_fixtures import *  # noqa: F403
from export_fixtures import read_jsonl, write_jsonl

TEXT = "Kim 😀 met Trump in Hanoi."
UTF16 = Utf16Map(TEXT)


def at(word: str, utf16: bool = False) -> list[int]:
    start = TEXT.index(word)
    end = start + len(word)
    return [UTF16.to_utf16(start), UTF16.to_utf16(end)] if utf16 else [start, end]


def stored(project: Project) -> list[tuple[str, str, str]]:
    """(span text, label, annotator) of every stored span, in text order."""
    return [(doc.text[s.start : s.end], s.label, s.annotator) for doc in project.iter_documents() for s in project.spans(doc.id)]


# ------------------------------------------------------------------ ambiguous offsets
def test_doccano_span_after_an_emoji_needs_an_explicit_unit(project, tmp_path):
    record = {"text": TEXT, "label": [at("Kim", utf16=True), at("Trump", utf16=True)]}
    record["label"][0].append("actor")
    record["label"][1].append("actor")
    path = write_jsonl(tmp_path / "doccano.jsonl", {"text": "No emoji here.", "label": [[0, 2, "x"]]}, record)
    report = import_paths(project, [path], annotator="ana")
    assert [str(p) for p in report.failed] == [
        f"{path}:2: span 2 (11-16 'actor'): emoji or other characters outside the BMP come before the span's end, "
        "where code points and UTF-16 units differ, and the record gives no span text to tell which it counts; "
        "pass --offsets codepoints or --offsets utf16"
    ]
    assert project.document_count() == 0  # the whole file is refused, its first record too
    more = write_jsonl(tmp_path / "more.jsonl", *[record] * 5)
    assert [p.line for p in import_paths(project, [more], annotator="ana").failed] == [1]  # said once per file
    assert import_paths(project, [path], annotator="ana", offsets="utf16").ok
    assert stored(project) == [("No", "x", "ana"), ("Kim", "actor", "ana"), ("Trump", "actor", "ana")]


def test_explicit_code_points_are_taken_as_told(project, tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl", {"text": TEXT, "label": [[*at("Trump"), "actor"]]})
    assert not import_paths(project, [path], annotator="ana").ok
    assert import_paths(project, [path], annotator="ana", offsets="codepoints").ok
    assert stored(project) == [("Trump", "actor", "ana")]


def test_spans_before_the_first_emoji_and_spans_with_text_need_no_option(project, tmp_path):
    before = {"text": "Kim met Trump 😀.", "label": [[0, 3, "actor"], [8, 13, "actor"]]}
    with_text = {"text": TEXT, "spans": [{"start": at("Trump")[0], "end": at("Trump")[1], "label": "actor", "text": "Trump"}]}
    path = write_jsonl(tmp_path / "ok.jsonl", before, with_text)
    report = import_paths(project, [path], annotator="ana")
    assert report.ok, report.failed
    assert stored(project) == [("Kim", "actor", "ana"), ("Trump", "actor", "ana"), ("Trump", "actor", "ana")]


def test_one_message_per_record_and_a_code_point_format_is_told_so(project, tmp_path):
    # spaCy-style entities are counted in code points by spaCy: only --offsets codepoints helps.
    record = {"text": TEXT, "entities": [[*at("Trump"), "actor"], [*at("Hanoi"), "place"]]}
    path = write_jsonl(tmp_path / "spacy.jsonl", record)
    report = import_paths(project, [path], annotator="ana")
    assert len(report.failed) == 1 and report.failed[0].line == 1
    assert report.failed[0].message.startswith("span 1 (10-15 'actor'): emoji or other characters")
    assert report.failed[0].message.endswith("pass --offsets codepoints")


def test_label_studio_spans_with_matching_text_are_verified_without_an_option(project, tmp_path):
    start, end = at("Trump")
    task = {"data": {"text": TEXT}, "annotations": [{"completed_by": {"email": "ana"}, "result": [
        {"value": {"start": start, "end": end, "text": "Trump", "labels": ["actor"]}}]}]}
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    assert import_paths(project, [path]).ok
    assert stored(project) == [("Trump", "actor", "ana")]


def test_brat_discontinuous_span_after_an_emoji_is_checked_by_its_text(project, tmp_path):
    text = "Kim 😀 met\nTrump in Hanoi.\n"
    (tmp_path / "d.txt").write_text(text, encoding="utf-8")
    s1, e2 = text.index("met"), text.index("Trump") + 5
    (tmp_path / "d.ann").write_text(f"T1\tclaim {s1} {s1 + 3};{e2 - 5} {e2}\tmet Trump\n", encoding="utf-8")
    assert import_paths(project, [tmp_path], annotator="ana").ok
    assert stored(project) == [("met\nTrump", "claim", "ana")]  # fragments split at a line break are one span
    (tmp_path / "d.ann").write_text(f"T1\tclaim {s1 + 1} {s1 + 4};{e2 - 4} {e2 + 1}\tmet Trump\n", encoding="utf-8")
    with Project.open(tmp_path / "other.db") as other:
        report = import_paths(other, [tmp_path / "d.txt"], annotator="ana")
        assert report.failed[0].line == 1
        assert "T1 (" in report.failed[0].message and "'met Trump' does not match" in report.failed[0].message


# ------------------------------------------------------------------ our own exports, read back
def native_spans(project: Project, tmp_path: Path, **options) -> dict[tuple[str, str], list[tuple[int, int, str]]]:
    """(text, annotator) -> spans of the native export: what every re-import must give back."""
    out = tmp_path / "native.jsonl"
    export_project(project, ExportOptions(**options), out)
    return {(r["text"], r["annotator"]): sorted((s["start"], s["end"], s["label"]) for s in r["spans"])
            for r in read_jsonl(out) if r["spans"]}


def imported_spans(project: Project) -> dict[tuple[str, str], list[tuple[int, int, str]]]:
    found: dict[tuple[str, str], list[tuple[int, int, str]]] = {}
    for doc in project.iter_documents():
        for span in project.spans(doc.id):
            found.setdefault((doc.text, span.annotator), []).append((span.start, span.end, span.label))
    return {key: sorted(spans) for key, spans in found.items()}


def reimport(tmp_path: Path, out: Path, **options) -> tuple[Project, object]:
    fresh = Project.open(tmp_path / f"fresh-{out.name}.db")
    return fresh, import_paths(fresh, [out], **options)


@pytest.mark.parametrize("offsets", ["codepoints", "utf16"])
def test_our_doccano_export_reads_back_with_its_offsets(tricky, tmp_path, offsets):
    out = tmp_path / f"doccano-{offsets}.jsonl"
    export_project(tricky, ExportOptions(format="doccano", offsets=offsets), out)
    fresh, report = reimport(tmp_path, out, annotator="nobody", offsets=offsets)
    with fresh:
        assert report.ok, report.failed
        assert imported_spans(fresh) == native_spans(tricky, tmp_path)


def test_our_doccano_utf16_export_without_offsets_is_refused_not_garbled(tricky, tmp_path):
    out = tmp_path / "doccano.jsonl"
    export_project(tricky, ExportOptions(format="doccano", offsets="utf16"), out)
    fresh, report = reimport(tmp_path, out, annotator="nobody")
    with fresh:
        assert not report.ok and fresh.span_count() == 0
        assert report.failed[0].line == 1 and "pass --offsets codepoints or --offsets utf16" in report.failed[0].message


@pytest.mark.parametrize("offsets", ["codepoints", "utf16"])
def test_our_label_studio_export_reads_back(tricky, tmp_path, offsets):
    out = tmp_path / f"ls-{offsets}.json"
    export_project(tricky, ExportOptions(format="labelstudio", offsets=offsets), out)
    # Code points need no option: every result carries its text, which verifies them.
    fresh, report = reimport(tmp_path, out, **({"offsets": "utf16"} if offsets == "utf16" else {}))
    with fresh:
        assert report.ok, report.failed
        assert imported_spans(fresh) == native_spans(tricky, tmp_path)


def test_our_brat_export_reads_back(tricky, tmp_path):
    for annotator in ("ana", "ben"):
        out = tmp_path / f"brat-{annotator}"
        export_project(tricky, ExportOptions(format="brat", annotators=(annotator,)), out)
        fresh, report = reimport(tmp_path, out, annotator=annotator)
        with fresh:
            assert report.ok, report.failed
            assert imported_spans(fresh) == native_spans(tricky, tmp_path, annotators=(annotator,))


def test_native_records_count_code_points_by_definition(project, tmp_path):
    """Our own JSONL (recognised by annotator + status) needs no option even without span text (merge reads it)."""
    line = {"text": TEXT, "annotator": "ana", "status": "done", "spans": [{"start": at("Trump")[0], "end": at("Trump")[1], "label": "actor"}]}
    assert import_paths(project, [write_jsonl(tmp_path / "native.jsonl", line)]).ok
    assert stored(project) == [("Trump", "actor", "ana")]
