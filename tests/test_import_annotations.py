"""Importing annotations: every supported schema, offsets that hold on hard text, round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.offsets import Utf16Map
from annotator.io.importing import import_paths
from annotator.store import Project
from export_fixtures import write_jsonl

DATA = Path(__file__).parent / "data" / "import"
# Emoji, a ZWJ sequence, a flag, CJK, a combining accent, a tab, U+2028 and an NBSP.
HARD = "Kim 👩‍💻 met Putin 🇰🇷 in 北京 at the café (cafe\u0301).\tThen\u2028he said\u00a0“yes” 😀 to Seoul."
HARD_WORDS = [("Kim", "actor"), ("Putin", "actor"), ("北京", "place"), ("cafe\u0301", "place"), ("“yes”", "quote"), ("Seoul", "place")]


def offsets_of(text: str, word: str) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


def all_spans(project: Project) -> list[tuple[str, str, str]]:
    """(span text, label, annotator) of every span, checking each against its document."""
    found = []
    for doc in project.iter_documents():
        for span in project.spans(doc.id):
            assert 0 <= span.start < span.end <= len(doc.text)
            assert span.origin == "imported"
            found.append((doc.text[span.start : span.end], span.label, span.annotator))
    return found


# ------------------------------------------------------------------ formats
def test_prodigy_spans(project, tmp_path):
    spans = [{"start": s, "end": e, "label": label} for s, e, label in ((0, 5, "actor"), (10, 13, "actor"))]
    path = write_jsonl(tmp_path / "prodigy.jsonl", {"text": "Alice met Bob.", "spans": spans, "answer": "accept"})
    report = import_paths(project, [path], annotator="ann")
    assert report.ok and report.spans_added == 2
    assert all_spans(project) == [("Alice", "actor", "ann"), ("Bob", "actor", "ann")]
    doc_id = project.document_ids()[0]
    assert project.status(doc_id, "ann") == "done"


def test_doccano_label_lists_and_entity_objects(project, tmp_path):
    path = write_jsonl(
        tmp_path / "doccano.jsonl",
        {"id": 1, "text": "Alice met Bob.", "label": [[0, 5, "PER"], [10, 13, "PER"]]},
        {"id": 2, "text": "Seoul is big.", "entities": [{"id": 9, "start_offset": 0, "end_offset": 5, "label": "LOC"}]},
        {"id": 3, "text": "Good news.", "label": ["positive"]},  # text classification: no spans
    )
    report = import_paths(project, [path], annotator="ann")
    assert report.ok, report.failed
    assert all_spans(project) == [("Alice", "PER", "ann"), ("Bob", "PER", "ann"), ("Seoul", "LOC", "ann")]
    assert {label.name for label in project.labels()} >= {"PER", "LOC"}  # created on the way


def test_spacy_entities(project, tmp_path):
    path = write_jsonl(tmp_path / "spacy.jsonl", {"text": "Apple bought a startup.", "entities": [[0, 5, "ORG"]]})
    assert import_paths(project, [path], annotator="ann").ok
    assert all_spans(project) == [("Apple", "ORG", "ann")]


def test_label_studio_export_with_utf16_offsets(project):
    report = import_paths(project, [DATA / "label_studio_utf16.json"], offsets="utf16")
    assert report.ok, report.failed
    doc = next(project.iter_documents())
    assert doc.title == "Label Studio task" and doc.uid == "7"
    assert sorted(all_spans(project)) == [
        ("Alice", "actor", "12"),
        ("Bob", "actor", "ann@example.org"),
        ("北京", "place", "ann@example.org"),
    ]
    assert project.status(doc.id, "ann@example.org") == "done"


def test_label_studio_utf16_offsets_read_as_code_points_fail_with_a_hint(project):
    path = DATA / "label_studio_utf16.json"
    report = import_paths(project, [path])
    assert not report.ok and project.document_count() == 0
    problem = report.failed[0]
    assert problem.path == path
    assert problem.message.startswith("item 1: span 1 (16-19 'actor'): the record's span text 'Bob' does not match")
    assert "--offsets utf16" in problem.message


def test_label_studio_json_min(project, tmp_path):
    text = "Moscow and Pyongyang signed a pact."
    record = {
        "id": 4, "text": text, "annotator": "min@example.org",
        "label": [{"start": 0, "end": 6, "text": "Moscow", "labels": ["place"]},
                  {"start": 11, "end": 20, "text": "Pyongyang", "labels": ["place", "actor"]}],
    }
    path = tmp_path / "min.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    assert import_paths(project, [path]).ok
    assert sorted(all_spans(project)) == [
        ("Moscow", "place", "min@example.org"),
        ("Pyongyang", "actor", "min@example.org"),
        ("Pyongyang", "place", "min@example.org"),
    ]


def test_brat_pair_with_discontinuous_span_and_note(project):
    report = import_paths(project, [DATA / "brat_doc.txt"], annotator="ann")  # the .ann next to it is found
    assert report.ok, report.failed
    assert all_spans(project) == [("Kim Jong Un", "actor", "ann"), ("Putin", "actor", "ann"), ("2", "figure", "ann"), ("days", "figure", "ann")]
    doc = next(project.iter_documents())
    assert doc.title == "brat_doc"
    assert [s.note for s in project.spans(doc.id) if s.note] == ["Russian president"]


def test_brat_ann_without_text_is_an_error(project, tmp_path):
    ann = tmp_path / "lonely.ann"
    ann.write_text("T1\tactor 0 3\tKim\n", encoding="utf-8")
    report = import_paths(project, [ann])
    assert "lonely.txt is missing" in report.failed[0].message


def test_brat_span_error_names_the_ann_line(project, tmp_path):
    (tmp_path / "d.txt").write_text("Kim met Putin.\n", encoding="utf-8")
    (tmp_path / "d.ann").write_text("T1\tactor 0 3\tKim\nT2\tactor 8 13\tPutni\n", encoding="utf-8")
    report = import_paths(project, [tmp_path])
    problem = report.failed[0]
    assert (problem.path, problem.line) == (tmp_path / "d.ann", 2)
    assert problem.message.startswith("T2 (8-13 'actor'): the record's span text 'Putni' does not match")
    assert project.document_count() == 0


def test_annotator_defaults_to_login_name(project, tmp_path):
    import getpass

    path = write_jsonl(tmp_path / "p.jsonl", {"text": "Alice met Bob.", "spans": [{"start": 0, "end": 5, "label": "actor"}]})
    assert import_paths(project, [path]).ok
    assert all_spans(project)[0][2] == getpass.getuser()


def test_record_annotator_wins_over_option(project, tmp_path):
    path = write_jsonl(
        tmp_path / "p.jsonl",
        {"text": "Alice met Bob.", "annotator": "rec", "spans": [{"start": 0, "end": 5, "label": "actor"}]},
    )
    assert import_paths(project, [path], annotator="option").ok
    assert all_spans(project) == [("Alice", "actor", "rec")]


# ------------------------------------------------------------------ offsets
@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_spans_are_remapped_when_newlines_are_normalized(project, tmp_path, newline):
    raw = f"First line{newline}Alice met Bob{newline}{newline}Third: Carol{newline}"
    spans = [{"start": s, "end": e, "label": "actor", "text": w} for w in ("Alice", "Bob", "Carol") for s, e in [offsets_of(raw, w)]]
    across = offsets_of(raw, f"line{newline}Alice")
    spans.append({"start": across[0], "end": across[1], "label": "claim", "text": f"line{newline}Alice"})
    path = write_jsonl(tmp_path / "nl.jsonl", {"text": raw, "spans": spans})
    report = import_paths(project, [path], annotator="ann")
    assert report.ok, report.failed
    doc = next(project.iter_documents())
    assert doc.text == "First line\nAlice met Bob\n\nThird: Carol\n"
    assert all_spans(project) == [("line\nAlice", "claim", "ann"), ("Alice", "actor", "ann"), ("Bob", "actor", "ann"), ("Carol", "actor", "ann")]


def test_brat_offsets_over_crlf_text(project, tmp_path):
    raw = "Kim met Putin.\r\nSeoul replied.\r\n"
    (tmp_path / "c.txt").write_bytes(raw.encode())
    s, e = offsets_of(raw, "Seoul")
    (tmp_path / "c.ann").write_text(f"T1\tplace {s} {e}\tSeoul\n", encoding="utf-8")
    assert import_paths(project, [tmp_path], annotator="ann").ok
    assert all_spans(project) == [("Seoul", "place", "ann")]


def hard_records(utf16: bool, newline: str = "\n") -> dict:
    raw = HARD.replace(".\t", "." + newline + "\t")
    mapping = Utf16Map(raw)
    labels = []
    for word, label in HARD_WORDS:
        s, e = offsets_of(raw, word)
        labels.append([mapping.to_utf16(s), mapping.to_utf16(e), label] if utf16 else [s, e, label])
    return {"text": raw, "label": labels}


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_hard_text_code_point_offsets_hold(project, tmp_path, newline):
    path = write_jsonl(tmp_path / "hard.jsonl", hard_records(utf16=False, newline=newline))
    assert not import_paths(project, [path], annotator="ann").ok  # doccano, no span text, emoji: which unit?
    assert import_paths(project, [path], annotator="ann", offsets="codepoints").ok
    assert [(t, label) for t, label, _ in all_spans(project)] == HARD_WORDS


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_utf16_offsets_are_converted(project, tmp_path, newline):
    path = write_jsonl(tmp_path / "hard16.jsonl", hard_records(utf16=True, newline=newline))
    assert import_paths(project, [path], annotator="ann", offsets="utf16").ok
    assert [(t, label) for t, label, _ in all_spans(project)] == HARD_WORDS


def test_utf16_offsets_read_as_code_points_go_past_the_text(project, tmp_path):
    text = "😀😀😀 Seoul"
    path = write_jsonl(tmp_path / "u.jsonl", {"text": text, "label": [[7, 12, "place"]]})  # UTF-16 units
    report = import_paths(project, [path], annotator="ann")
    assert "pass --offsets codepoints or --offsets utf16" in report.failed[0].message  # no unit given: refused
    report = import_paths(project, [path], annotator="ann", offsets="codepoints")
    problem = report.failed[0]
    assert (problem.path, problem.line) == (path, 1)
    assert "span 1 (7-12 'place'): outside the text (length 9)" in problem.message
    assert "--offsets utf16" in problem.message
    assert project.document_count() == 0
    assert import_paths(project, [path], annotator="ann", offsets="utf16").ok
    assert all_spans(project) == [("Seoul", "place", "ann")]


def test_utf16_offset_inside_a_surrogate_pair_is_refused(project, tmp_path):
    path = write_jsonl(tmp_path / "s.jsonl", {"text": "😀 ok", "label": [[1, 4, "x"]]})
    report = import_paths(project, [path], offsets="utf16")
    assert "surrogate pair" in report.failed[0].message


@pytest.mark.parametrize(("span", "fragment"), [
    ({"start": 0, "end": 99, "label": "actor"}, "outside the text (length 14)"),
    ({"start": 5, "end": 5, "label": "actor"}, "empty or reversed"),
    ({"start": 0, "end": 5, "label": "actor", "text": "Alicia"}, "span text 'Alicia' does not match the text at those offsets 'Alice'"),
    ({"start": "0", "end": 5, "label": "actor"}, "start and end must be whole numbers"),
    ({"start": 0, "end": 5}, "missing label"),
])
def test_bad_span_fails_the_file_naming_file_line_and_span(project, tmp_path, span, fragment):
    path = write_jsonl(
        tmp_path / "bad.jsonl",
        {"text": "A fine record."},
        {"text": "Alice met Bob.", "spans": [{"start": 10, "end": 13, "label": "actor"}, span]},
    )
    report = import_paths(project, [path], annotator="ann")
    assert len(report.failed) == 1
    problem = report.failed[0]
    assert (problem.path, problem.line) == (path, 2)
    assert problem.message.startswith("span 2") and fragment in problem.message
    assert project.document_count() == 0 and project.span_count() == 0


# -------------------------------------------------------------- idempotence
def test_reimport_does_not_duplicate_documents_or_spans(project, tmp_path):
    path = write_jsonl(
        tmp_path / "p.jsonl",
        {"text": "Alice met Bob.", "spans": [{"start": 0, "end": 5, "label": "actor"}, {"start": 0, "end": 5, "label": "actor"}]},
    )
    first = import_paths(project, [path], annotator="ann")
    second = import_paths(project, [path], annotator="ann")
    assert (first.spans_added, second.spans_added, second.documents_added) == (1, 0, 0)
    assert project.span_count() == 1 and project.document_count() == 1
    other = import_paths(project, [path], annotator="someone-else")
    assert other.spans_added == 1 and project.span_count() == 2


def test_identical_spans_in_a_record_become_one_with_merged_notes(project, tmp_path):
    line = {"text": "Alice met Bob.", "annotator": "ann", "status": "done", "spans": [
        {"start": 0, "end": 5, "label": "actor", "text": "Alice", "meta": {"note": "second"}},
        {"start": 0, "end": 5, "label": "actor", "text": "Alice"},
        {"start": 0, "end": 5, "label": "actor", "text": "Alice", "meta": {"note": "first"}},
        {"start": 0, "end": 5, "label": "actor", "text": "Alice", "meta": {"note": "first"}},
    ]}
    report = import_paths(project, [write_jsonl(tmp_path / "dup.jsonl", line)])
    assert report.ok and report.spans_added == 1
    assert [s.note for s in project.spans(project.document_ids()[0])] == ["first\nsecond"]


def test_new_spans_on_a_known_document_are_added(project, tmp_path):
    (tmp_path / "doc.txt").write_text("Alice met Bob.", encoding="utf-8")
    import_paths(project, [tmp_path / "doc.txt"])
    path = write_jsonl(tmp_path / "p.jsonl", {"text": "Alice met Bob.", "spans": [{"start": 10, "end": 13, "label": "actor"}]})
    report = import_paths(project, [path], annotator="ann")
    assert report.duplicates == [(path, "doc")] and report.spans_added == 1
    assert all_spans(project) == [("Bob", "actor", "ann")]


# ------------------------------------------------------------------- native
def native_line(**overrides) -> dict:
    record = {
        "id": "doc-1",
        "title": "Summit",
        "text": "Kim met Putin.\nThey talked.",
        "meta": {"source": "wire", "encoding": "utf-8"},
        "annotator": "alice",
        "status": "in_progress",
        "spans": [
            {"start": 0, "end": 3, "label": "actor", "text": "Kim", "token_start": 0, "token_end": 0},
            {"start": 8, "end": 13, "label": "actor", "text": "Putin", "token_start": 2, "token_end": 2,
             "meta": {"note": "Russian president"}},
        ],
        "tokens": [{"text": "Kim", "start": 0, "end": 3, "id": 0, "ws": True}],
    }
    record.update(overrides)
    return record


def test_native_jsonl_restores_uid_title_meta_spans_status_and_notes(project, tmp_path):
    other = native_line(annotator="bob", status=None, spans=[{"start": 15, "end": 19, "label": "claim", "text": "They"}])
    bare = native_line(id="doc-2", title="", text="Nobody annotated this.", meta={}, annotator=None, status="new", spans=[])
    path = write_jsonl(tmp_path / "export.jsonl", native_line(), other, bare)
    report = import_paths(project, [path], annotator="ignored")
    assert report.ok, report.failed
    assert (report.documents_added, report.spans_added, report.duplicates) == (2, 3, [])
    first, second = project.iter_documents()
    assert (first.uid, first.title, first.meta) == ("doc-1", "Summit", {"source": "wire", "encoding": "utf-8"})
    assert (second.uid, second.title, second.meta) == ("doc-2", "", {})  # meta kept exactly, even empty
    assert project.status(first.id, "alice") == "in_progress"
    assert project.status(first.id, "bob") == "done"  # spans and no status
    assert project.spans(second.id) == [] and "ignored" not in project.annotators()
    notes = {s.note for s in project.spans(first.id, "alice")}
    assert notes == {None, "Russian president"}


def test_unknown_status_in_native_record_is_an_error(project, tmp_path):
    path = write_jsonl(tmp_path / "n.jsonl", native_line(status="finished"))
    report = import_paths(project, [path])
    assert "unknown status 'finished'" in report.failed[0].message


def test_large_file_across_write_batches_dedupes_documents_and_spans(project, tmp_path):
    records = [
        {"id": f"r{i}", "text": f"doc {i % 700} text", "spans": [{"start": 0, "end": 3, "label": "kind"}]}
        for i in range(1300)
    ]
    path = write_jsonl(tmp_path / "many.jsonl", *records)
    report = import_paths(project, [path], annotator="ann")
    assert report.ok  # repeats inside the file are reported as duplicates of their first copy
    assert len(report.duplicates) == 600 and all(d.earlier for d in report.duplicates)
    assert (report.documents_added, report.spans_added) == (700, 700)
    assert (project.document_count(), project.span_count()) == (700, 700)
    assert project.search_document_ids("699") == [700]  # the search index follows the bulk insert
    uids = [project.document(i).uid for i in (1, 700)]
    assert uids == ["r0", "r699"]
