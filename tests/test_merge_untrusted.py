"""A colleague's project file is untrusted: never modified, its triggers and views never run."""

import hashlib
import os
import sqlite3

import pytest

from annotator.io.merge import merge_source
from annotator.store import NotAProjectError, Project
from annotator.store.colleague import read_colleague

TEXT = "Kim met Putin in Moscow on Friday."


def make_colleague(path):
    with Project.open(path) as proj:
        doc_id, _ = proj.add_document(TEXT, title="t")
        proj.add_span(doc_id, 0, 3, "actor", "ben")
        proj.add_span(doc_id, 8, 13, "actor", "ben")
        proj.set_status(doc_id, "ben", "done")
    return path


def fingerprint(path):
    return hashlib.sha256(path.read_bytes()).hexdigest(), os.stat(path).st_mtime_ns


def side_files(path):
    return [p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "-")]


def raw(path, *statements):
    conn = sqlite3.connect(path)
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


@pytest.fixture
def crafted(tmp_path):
    """A real project with a trap added by hand: triggers that write, a view standing in for labels."""
    path = make_colleague(tmp_path / "crafted.annotator")
    raw(
        path,
        "CREATE TABLE pwned (what TEXT)",
        "CREATE TRIGGER spans_ins AFTER INSERT ON spans BEGIN INSERT INTO pwned VALUES ('insert'); END",
        "CREATE TRIGGER spans_upd AFTER UPDATE ON spans BEGIN INSERT INTO pwned VALUES ('update'); END",
        "CREATE TRIGGER spans_del BEFORE DELETE ON spans BEGIN INSERT INTO pwned VALUES ('delete'); END",
        "CREATE VIEW every_span AS SELECT * FROM spans",
        "ALTER TABLE labels RENAME TO labels_real",
        "CREATE VIEW labels AS SELECT 'evil' AS name, '#000000' AS color, '' AS hotkey, '' AS description, 0 AS sort_order",
    )
    return path


def test_merge_never_fires_triggers_reads_views_or_changes_the_file(project, crafted):
    before = fingerprint(crafted)
    summary = merge_source(project, crafted)
    assert summary.spans_added == {"ben": 2}
    assert "evil" not in [lb.name for lb in project.labels()]
    assert any("labels is a view" in note for note in summary.notes)
    assert fingerprint(crafted) == before
    assert side_files(crafted) == []
    conn = sqlite3.connect(crafted)
    assert conn.execute("SELECT count(*) FROM pwned").fetchone()[0] == 0
    conn.close()


def test_a_file_whose_spans_is_a_view_is_refused_untouched(project, tmp_path):
    path = make_colleague(tmp_path / "view.annotator")
    raw(path, "ALTER TABLE spans RENAME TO spans_real", "CREATE VIEW spans AS SELECT * FROM spans_real")
    before = fingerprint(path)
    with pytest.raises(NotAProjectError, match="spans is missing or not a table"):
        merge_source(project, path)
    assert project.document_count() == 0 and project.span_count() == 0
    assert fingerprint(path) == before


def test_generated_columns_and_unknown_columns_are_not_read(tmp_path):
    path = make_colleague(tmp_path / "gen.annotator")
    raw(
        path,
        "ALTER TABLE spans ADD COLUMN secret TEXT",
        "ALTER TABLE documents RENAME COLUMN title TO title_old",
        "ALTER TABLE documents ADD COLUMN title TEXT GENERATED ALWAYS AS (upper(title_old)) VIRTUAL",
    )
    colleague = read_colleague(path)
    assert "secret" not in colleague.spans[0]
    assert colleague.documents[0]["title"] == ""  # the generated column was not evaluated


def test_malformed_rows_are_skipped_with_a_reason(project, tmp_path):
    path = make_colleague(tmp_path / "bad.annotator")
    raw(
        path,
        "INSERT INTO spans (doc_id, start, [end], label, annotator) VALUES (1, 5, 999, 'actor', 'ben')",
        "INSERT INTO spans (doc_id, start, [end], label, annotator) VALUES (1, 'x', 4, 'actor', 'ben')",
        "INSERT INTO documents (uid, sha256, text) VALUES ('u2', 'not-the-hash', 'Another text.')",
        "INSERT INTO spans (doc_id, start, [end], label, annotator) VALUES (2, 0, 7, 'actor', 'ben')",
    )
    summary = merge_source(project, path)
    assert summary.spans_added == {"ben": 3}
    assert summary.skipped == {"spans outside their document's text": 1, "spans with missing or malformed fields": 1}
    # Documents are matched by the hash of their text, computed here, not by the hash the file claims.
    assert project.document_id_by_sha(hashlib.sha256(b"Another text.").hexdigest()) is not None


def test_a_project_still_open_in_wal_mode_is_read_with_its_wal(project, tmp_path):
    path = make_colleague(tmp_path / "open.annotator")
    with Project.open(path) as live:  # the colleague's Annotator is running: data sits in the -wal file
        live.conn.execute("PRAGMA wal_autocheckpoint=0")
        doc_id = live.document_ids()[0]
        live.add_span(doc_id, 17, 23, "actor", "ben")
        assert os.path.getsize(f"{path}-wal") > 0
        summary = merge_source(project, path)
    assert summary.spans_added == {"ben": 3}
