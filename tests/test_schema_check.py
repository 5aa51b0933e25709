"""Only a file whose schema is exactly Annotator's is opened or read, told at once and before any
check runs; opening does not cost time in proportion to the file; damage is caught when SQLite
meets it, and `annotator check` runs the full integrity check."""

import hashlib
import os
import re
import sqlite3
import subprocess
import sys
import time

import pytest

from annotator.cli import main
from annotator.io.merge import merge_source
from annotator.store import CorruptProjectError, NotAProjectError, Project, ProjectError
from annotator.store import schema
from annotator.store.colleague import read_colleague
from export_fixtures import *  # noqa: F403

TEXT = "Kim met Putin in Moscow on Friday."


def make_project(path, spans=2):
    with Project.open(path) as proj:
        doc_id, _ = proj.add_document(TEXT, title="t")
        with proj.transaction():
            for n in range(spans):
                proj.conn.execute("INSERT INTO spans (doc_id, start, [end], label, annotator) VALUES (?, 0, 3, 'actor', ?)",
                                  [doc_id, f"ben{n}"])
        proj.set_status(doc_id, "ben0", "done")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def raw(path, *statements):
    conn = sqlite3.connect(path)
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


def fingerprint(path):
    return hashlib.sha256(path.read_bytes()).hexdigest(), os.stat(path).st_mtime_ns


def add_to_spans_definition(path, column_sql):
    """Edit the stored CREATE TABLE of spans, as a crafted file would (existing rows stay valid)."""
    conn = sqlite3.connect(path)
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'spans'").fetchone()[0]
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = 'spans'", [sql.rstrip()[:-1] + f", {column_sql})"])
    conn.execute(f"PRAGMA schema_version={version + 1}")
    conn.commit()
    conn.close()


# ------------------------------------------------------------------ point 2: the crafted file
SLOW_COLUMN = "trap BLOB GENERATED ALWAYS AS (zeroblob(50000000) || label) VIRTUAL NOT NULL"


@pytest.fixture
def hanging(tmp_path):
    """The reported file: a VIRTUAL generated NOT NULL column whose check costs ~0.1 s per row (~100 s here)."""
    path = make_project(tmp_path / "crafted.db", spans=1000)
    add_to_spans_definition(path, SLOW_COLUMN)
    return path


@pytest.mark.parametrize("command", [["stats", "{crafted}"], ["merge", "{mine}", "{crafted}"], ["check", "{crafted}"]])
def test_a_crafted_generated_column_is_refused_at_once(hanging, tmp_path, command):
    before = fingerprint(hanging)
    args = [part.format(crafted=hanging, mine=tmp_path / "mine.db") for part in command]
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "annotator.cli", *args], capture_output=True, text=True, timeout=40)
    assert time.monotonic() - started < 40
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "crafted.db" in result.stderr and "generated column" in result.stderr, result.stderr
    assert fingerprint(hanging) == before


@pytest.mark.parametrize("trap", [
    "CREATE TRIGGER t AFTER INSERT ON spans BEGIN DELETE FROM documents; END",
    "CREATE VIEW every_span AS SELECT * FROM spans",
    "CREATE TABLE extra (x TEXT)",
    "ALTER TABLE spans ADD COLUMN secret TEXT",
    "CREATE INDEX spans_expr ON spans (length(zeroblob(1000000) || label))",
    "DROP INDEX idx_spans_label",
    "CREATE TABLE checked (x TEXT CHECK (length(zeroblob(2000000000)) > 0))",
])
def test_any_schema_that_is_not_ours_is_refused_untouched(project, tmp_path, trap):
    path = make_project(tmp_path / "odd.db")
    raw(path, trap)
    before = fingerprint(path)
    with pytest.raises(NotAProjectError, match="schema is not Annotator's"):
        Project.open(path, create=False)
    with pytest.raises(NotAProjectError, match="schema is not Annotator's"):
        read_colleague(path)
    with pytest.raises(NotAProjectError, match="schema is not Annotator's"):
        merge_source(project, path)
    assert project.document_count() == 0
    assert fingerprint(path) == before


def test_a_schema_with_quoting_and_spacing_of_its_own_is_still_ours(tmp_path):
    path = make_project(tmp_path / "spaced.db")
    conn = sqlite3.connect(path)
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'labels'").fetchone()[0]
    respelled = re.sub(r'"(\w+)"', r"[\1]", sql).replace(",", " ,\n\t")
    assert respelled != sql
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = 'labels'", [respelled])
    conn.execute(f"PRAGMA schema_version={version + 1}")
    conn.commit()
    conn.close()
    with Project.open(path, create=False) as proj:
        assert proj.document_count() == 1


def test_a_project_of_an_older_step_is_ours_and_is_upgraded(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id={schema.APPLICATION_ID}")
    db = schema.Database(conn)
    schema.migrations.apply(db, stop_before="0002_review_relations_search")
    conn.close()
    with Project.open(path, create=False) as proj:
        assert proj.schema_steps()[:2] == ["0001_initial", "0002_review_relations_search"]


def test_a_new_migration_step_is_part_of_ours_without_editing_the_check(tmp_path, monkeypatch):
    @schema.migrations(name="9000_test_only_step")
    def extra_step(db):
        db["test_only"].create({"id": int, "what": str}, pk="id")
        db["test_only"].create_index(["what"])

    try:
        path = tmp_path / "new.db"
        Project.open(path).close()  # made with the new step
        with Project.open(path, create=False) as proj:
            assert "9000_test_only_step" in proj.schema_steps()
        raw(path, "CREATE TABLE test_only_2 (x)")
        with pytest.raises(NotAProjectError, match="test_only_2"):
            Project.open(path, create=False)
    finally:
        schema.migrations._migrations.pop()


# ------------------------------------------------------------------ point 12: opening without a whole-file check
def damage_search_index(path):
    """A page no command reads: only a full check can notice it."""
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'documents_fts_data'").fetchone()[0]
    conn.close()
    with path.open("r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(b"\x07")  # not a b-tree page type


def damage_spans(path):
    """Every page of the spans table and its indexes: what any command reading spans meets."""
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = [r[0] for r in conn.execute("SELECT pageno FROM dbstat WHERE name IN (SELECT name FROM sqlite_master WHERE tbl_name = 'spans')")]
    conn.close()
    assert pages
    with path.open("r+b") as fh:
        for page in pages:
            fh.seek((page - 1) * page_size)
            fh.write(b"\x07")


def test_opening_runs_no_whole_file_check(tmp_path, monkeypatch):
    path = make_project(tmp_path / "mine.db")
    checks = []
    real_connect = sqlite3.connect

    def tracing_connect(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        conn.set_trace_callback(checks.append)
        return conn

    monkeypatch.setattr(sqlite3, "connect", tracing_connect)
    with Project.open(path, create=False) as proj:
        assert proj.document_count() == 1
    assert not [sql for sql in checks if "_check" in sql.lower()], checks


def test_check_finds_damage_that_opening_does_not_read(runner, tmp_path):
    path = make_project(tmp_path / "mine.db")
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 0, result.output + result.stderr
    assert "mine.db" in result.output and "no damage" in result.output
    damage_search_index(path)
    with Project.open(path, create=False) as proj:  # the damage is where opening does not look
        assert proj.document_count() == 1
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert "mine.db" in result.stderr and "damaged" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["stats", "{p}"], ["export", "{p}"], ["agreement", "{p}"]])
def test_damage_met_by_a_command_is_one_line_naming_the_file(runner, tmp_path, command):
    path = make_project(tmp_path / "mine.db")
    with Project.open(path, create=False) as proj:
        proj.set_status(proj.document_ids()[0], "ben1", "done")
    damage_spans(path)
    result = runner.invoke(main, [part.format(p=path) for part in command])
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert str(path) in lines[0] and "damaged" in lines[0] and "annotator check" in lines[0]


def test_a_colleague_file_is_still_checked_within_a_time_bound(project, tmp_path, monkeypatch):
    path = make_project(tmp_path / "big.db", spans=3000)
    monkeypatch.setattr(schema, "COLLEAGUE_CHECK_SECONDS", 0.0)
    with pytest.raises(ProjectError, match="integrity check did not finish"):
        merge_source(project, path)
    assert project.span_count() == 0


def test_damage_met_by_an_edit_in_the_window_names_the_file(qtbot, tmp_path):
    from annotator.ui.commands import AddSpanCommand, ChangeNotifier

    path = make_project(tmp_path / "mine.db")
    damage_spans(path)
    notifier = ChangeNotifier()
    failures = []
    notifier.failed.connect(failures.append)
    with Project.open(path, create=False) as proj:
        command = AddSpanCommand(proj, notifier, proj.document_ids()[0], 4, 7, "actor", "ana")
        command.redo()
    assert len(failures) == 1
    assert str(path) in failures[0] and "damaged" in failures[0] and "annotator check" in failures[0]
