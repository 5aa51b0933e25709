"""A colleague's project file is untrusted: never modified; a schema that is not exactly ours (triggers,
views, generated columns) is refused before anything in it is read, checked or run."""

import hashlib
import os
import sqlite3

import pytest

from annotator.io.merge import merge_source
from annotator.store import CorruptProjectError, NotAProjectError, Project
from annotator.store.colleague import open_untrusted, read_colleague
from test_schema_check import damage_search_index

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


def test_a_file_with_triggers_or_views_is_refused_untouched_and_nothing_runs(project, crafted):
    before = fingerprint(crafted)
    with pytest.raises(NotAProjectError, match="schema is not Annotator's"):
        merge_source(project, crafted)
    assert project.document_count() == 0 and "evil" not in [lb.name for lb in project.labels()]
    assert fingerprint(crafted) == before
    assert side_files(crafted) == []
    conn = sqlite3.connect(crafted)
    assert conn.execute("SELECT count(*) FROM pwned").fetchone()[0] == 0
    conn.close()


def test_a_file_whose_spans_is_a_view_is_refused_untouched(project, tmp_path):
    path = make_colleague(tmp_path / "view.annotator")
    raw(path, "ALTER TABLE spans RENAME TO spans_real", "CREATE VIEW spans AS SELECT * FROM spans_real")
    before = fingerprint(path)
    with pytest.raises(NotAProjectError, match="view spans is not part of it"):
        merge_source(project, path)
    assert project.document_count() == 0 and project.span_count() == 0
    assert fingerprint(path) == before


def test_generated_and_unknown_columns_are_refused_before_anything_is_read(tmp_path):
    path = make_colleague(tmp_path / "gen.annotator")
    raw(
        path,
        "ALTER TABLE documents RENAME COLUMN title TO title_old",
        "ALTER TABLE documents ADD COLUMN title TEXT GENERATED ALWAYS AS (upper(title_old)) VIRTUAL",
    )
    with pytest.raises(NotAProjectError, match="table documents has a generated column"):
        read_colleague(path)
    path = make_colleague(tmp_path / "extra.annotator")
    raw(path, "ALTER TABLE spans ADD COLUMN secret TEXT")
    with pytest.raises(NotAProjectError, match="table spans is defined differently"):
        read_colleague(path)


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


# ------------------------------------------- the connection open_untrusted gives
def test_open_untrusted_is_read_only_runs_no_schema_code_and_leaves_no_trace(tmp_path):
    path = make_colleague(tmp_path / "ben.annotator")
    before = fingerprint(path)
    conn = open_untrusted(path)
    try:
        assert conn.execute("PRAGMA trusted_schema").fetchone()[0] == 0
        assert conn.execute("PRAGMA query_only").fetchone()[0] == 1
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("INSERT INTO labels (name, color) VALUES ('x', '#000000')")
        conn.execute("PRAGMA query_only = 0")  # the file itself is opened read-only too
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("DELETE FROM spans")
        assert conn.execute("SELECT count(*) FROM spans").fetchone()[0] == 2
    finally:
        conn.close()
    assert fingerprint(path) == before
    assert side_files(path) == []


def test_a_file_with_a_damaged_page_is_refused_by_the_check_before_reading(project, tmp_path):
    path = tmp_path / "damaged.annotator"
    with Project.open(path) as proj:
        for i in range(30):
            doc_id, _ = proj.add_document(f"Document {i}: Kim met Putin in Moscow. " * 20, title=f"d{i}")
            proj.add_span(doc_id, 0, 8, "actor", "ben")
            proj.set_status(doc_id, "ben", "done")
    damage_search_index(path)  # a page merging never reads, so only the integrity check can notice the damage
    before = fingerprint(path)
    with pytest.raises(CorruptProjectError, match="the project file is damaged"):
        merge_source(project, path)
    assert project.document_count() == 0 and project.span_count() == 0
    assert fingerprint(path) == before


@pytest.fixture
def booby_trapped(tmp_path):
    """A colleague file whose schema would wreck a merge, or the file, if any of it ran."""
    path = make_colleague(tmp_path / "trap.annotator")
    raw(
        path,
        # Any write to spans would empty the colleague's documents.
        "CREATE TRIGGER wipe_ins AFTER INSERT ON spans BEGIN DELETE FROM documents; END",
        "CREATE TRIGGER wipe_del BEFORE DELETE ON spans BEGIN DELETE FROM documents; END",
        # Reading these would fail the merge ("string or blob too big") or allocate 2 GB.
        "ALTER TABLE review_status RENAME TO review_status_real",
        "CREATE VIEW review_status AS SELECT doc_id, zeroblob(2000000000) AS status, '' AS reviewer, '' AS updated"
        " FROM review_status_real",
        "ALTER TABLE spans RENAME COLUMN note TO note_real",
        "ALTER TABLE spans ADD COLUMN note BLOB GENERATED ALWAYS AS (zeroblob(2000000000)) VIRTUAL",
        "CREATE TABLE checked (x TEXT CHECK (length(zeroblob(2000000000)) > 0))",
        "INSERT INTO review_status_real (doc_id, status, reviewer, updated) VALUES (1, 'reviewed', 'carla', 'x')",
    )
    return path


def test_the_traps_are_real(booby_trapped, tmp_path):
    copy = tmp_path / "copy.annotator"
    copy.write_bytes(booby_trapped.read_bytes())
    conn = sqlite3.connect(copy)
    with pytest.raises(sqlite3.DataError, match="too big"):
        conn.execute("SELECT note FROM spans").fetchall()
    with pytest.raises(sqlite3.DataError, match="too big"):
        conn.execute("SELECT status FROM review_status").fetchall()
    conn.execute("DELETE FROM spans WHERE id = 1")
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
    conn.close()


def test_a_booby_trapped_file_is_refused_without_running_any_of_it(project, booby_trapped):
    mine, _ = project.add_document("Our own text, with our own spans.", title="ours")
    project.add_span(mine, 0, 3, "claim", "rita")
    before = fingerprint(booby_trapped)
    with pytest.raises(NotAProjectError, match="schema is not Annotator's"):
        merge_source(project, booby_trapped)
    assert [(s.start, s.label, s.annotator) for s in project.spans(mine)] == [(0, "claim", "rita")]
    assert project.document_count() == 1
    assert fingerprint(booby_trapped) == before and side_files(booby_trapped) == []
    conn = sqlite3.connect(booby_trapped)
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    conn.close()
