"""Spans read on a second connection in a thread (Project.spans_meanwhile) are exactly the spans
the project's own connection reads, see every committed write, and leave no thread behind."""

from __future__ import annotations

import threading

from annotator.store import Project

TEXT = "Kim 👍 said 北京 \U0001F1F0\U0001F1F7 agreed.\nA second line 👨‍👩‍👧 here."


def _reading_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "annotator-span-read"]


def _fill(project: Project) -> int:
    doc_id, _ = project.add_document(TEXT, title="t")
    rows = [(0, 3, "actor", "ana"), (4, 5, "figure", "ana"), (11, 13, "actor", "bob"), (14, 16, "quote", "ana"),
            (0, 10, "claim", "ana"), (17, 23, "claim", "bob")]
    project.add_spans({"doc_id": doc_id, "start": s, "end": e, "label": label, "annotator": who, "origin": "manual"}
                      for s, e, label, who in rows)
    first = project.spans(doc_id, "ana")[0]
    project.update_span(first.id, note="a note 👍")
    return doc_id


def test_the_spans_read_meanwhile_are_the_spans_read_on_the_connection(project):
    doc_id = _fill(project)
    for annotator in ("ana", "bob", ["ana", "bob"], None):
        wait = project.spans_meanwhile(doc_id, annotator)
        assert list(wait()) == list(project.spans(doc_id, annotator))
    assert any(span.note == "a note 👍" for span in project.spans_meanwhile(doc_id, "ana")())
    assert [TEXT[s.start:s.end] for s in project.spans_meanwhile(doc_id, "bob")()] == ["北京", "agreed"]
    assert not _reading_threads()


def test_a_committed_write_is_seen_by_the_next_read_meanwhile(project):
    doc_id = _fill(project)
    before = project.spans_meanwhile(doc_id, "ana")()
    added = project.add_span(doc_id, 6, 10, "figure", "ana")
    after = project.spans_meanwhile(doc_id, "ana")()
    assert list(after) == list(project.spans(doc_id, "ana"))
    assert len(after) == len(before) + 1 and added.id in {s.id for s in after}


def test_inside_an_open_transaction_its_uncommitted_spans_are_read(project):
    doc_id = _fill(project)
    with project.transaction():
        project.conn.execute("DELETE FROM spans WHERE doc_id = ? AND annotator = 'bob'", [doc_id])
        assert list(project.spans_meanwhile(doc_id, "bob")()) == []
    assert list(project.spans_meanwhile(doc_id, "bob")()) == []


def test_closing_the_project_waits_for_a_read_nobody_waited_for(tmp_path):
    project = Project.open(tmp_path / "p.db")
    doc_id = _fill(project)
    project.spans_meanwhile(doc_id, "ana")  # never waited for
    project.close()
    assert not _reading_threads()
    with Project.open(tmp_path / "p.db") as again:  # the file is whole and the reading connection let go
        assert len(again.spans(doc_id)) == 6


def test_a_project_file_moved_while_open_still_gives_its_spans_and_is_not_made_again(tmp_path):
    project = Project.open(tmp_path / "p.db")
    try:
        doc_id = _fill(project)
        expected = list(project.spans(doc_id, "ana"))
        (tmp_path / "p.db").rename(tmp_path / "moved.db")
        assert list(project.spans_meanwhile(doc_id, "ana")()) == expected
        assert not (tmp_path / "p.db").exists()
    finally:
        project.close()
    assert not _reading_threads()


def test_a_project_in_a_folder_with_uri_characters_is_read_meanwhile(tmp_path):
    with Project.open(tmp_path / "a b#c%20d?é" / "p q.db") as project:
        doc_id = _fill(project)
        assert list(project.spans_meanwhile(doc_id)()) == list(project.spans(doc_id))
        assert project._span_reader is not None and project._span_reader._conn is not None  # really the second one
