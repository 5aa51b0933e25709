"""The project file: schema, edits, durability and refusal of bad files, on real SQLite files."""

import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from annotator.core.model import Label
from annotator.store import (
    CorruptProjectError,
    NewerSchemaError,
    NotAProjectError,
    Project,
    ProjectBusyError,
)
from annotator.store.schema import APPLICATION_ID, migrations
from export_fixtures import digest

DATA = Path(__file__).parent / "data"
TEXT = "Kim Jong Un 😀 met 朝鲜 leaders\nand said “no”."


def run_python(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True, timeout=60)


def test_a_new_project_has_the_default_labels(project):
    labels = project.labels()
    assert [lb.name for lb in labels] == ["actor", "claim", "quote", "figure"]
    assert [lb.hotkey for lb in labels] == ["1", "2", "3", "4"]
    assert len({lb.color for lb in labels}) == 4
    assert all(lb.description for lb in labels)
    assert project.db.journal_mode == "wal"
    assert project.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_spans_are_code_point_slices_of_the_stored_text(project):
    doc_id, created = project.add_document(TEXT, title="Kim")
    assert created
    start = TEXT.index("朝鲜")
    span = project.add_span(doc_id, start, start + 2, "actor", "ana")
    assert TEXT[span.start : span.end] == "朝鲜"
    emoji = project.add_span(doc_id, TEXT.index("😀"), TEXT.index("😀") + 1, "figure", "ana")
    assert project.document(doc_id).text[emoji.start : emoji.end] == "😀"


def test_the_same_text_is_one_document(project):
    first, created = project.add_document(TEXT, title="a")
    again, created_again = project.add_document(TEXT, title="b")
    assert (again, created_again) == (first, False)
    assert project.document_count() == 1


def test_text_with_carriage_returns_is_refused_by_the_store(project):
    with pytest.raises(ValueError, match="normalized"):
        project.add_document("one\r\ntwo")


def test_bad_spans_are_refused(project):
    doc_id, _ = project.add_document(TEXT)
    with pytest.raises(ValueError, match="outside"):
        project.add_span(doc_id, 5, len(TEXT) + 1, "actor", "ana")
    with pytest.raises(ValueError, match="empty"):
        project.add_span(doc_id, 5, 5, "actor", "ana")
    with pytest.raises(ValueError, match="unknown label"):
        project.add_span(doc_id, 0, 3, "nope", "ana")
    assert project.span_count() == 0


def test_edit_cycle_relabel_note_delete_restore(project):
    doc_id, _ = project.add_document(TEXT)
    span = project.add_span(doc_id, 0, 11, "actor", "ana")
    assert project.update_span(span.id, label="claim").label == "claim"
    assert project.update_span(span.id, note="leader").note == "leader"
    assert project.update_span(span.id, note=None).note is None
    removed = project.delete_span(span.id)
    assert project.spans(doc_id) == []
    project.restore_span(removed)
    assert project.spans(doc_id) == [removed]


def test_annotators_and_span_labels_are_read_by_index_seeks(project):
    doc_id, _ = project.add_document("Kim met Putin in 北京.")
    project.add_span(doc_id, 0, 3, "actor", "zoe")
    project.add_span(doc_id, 8, 13, "actor", "ana")
    project.add_span(doc_id, 17, 19, "figure", "gold", origin="gold")
    project.set_status(doc_id, "bob", "done")  # a status, no span
    assert project.annotators() == ["ana", "bob", "zoe"]
    assert project.annotators(include_gold=True) == ["ana", "bob", "gold", "zoe"]
    assert project.distinct_span_values("label") == ["actor", "figure"]
    with pytest.raises(ValueError, match="no index"):
        project.distinct_span_values("note")
    later, _ = project.add_document("A second text.")
    project.add_span(later, 0, 1, "actor", "ana")
    assert project.documents_annotated_by("ana", 5) == [doc_id, later]
    assert project.documents_annotated_by("ana", 1) == [doc_id] and project.documents_annotated_by("bob", 5) == []


def test_status_per_annotator(project):
    doc_id, _ = project.add_document(TEXT)
    assert project.status(doc_id, "ana") == "new"
    project.add_span(doc_id, 0, 3, "actor", "ana")
    assert project.status(doc_id, "ana") == "in_progress"
    assert project.set_status(doc_id, "ana", "done") == "in_progress"
    assert project.status(doc_id, "bob") == "new"
    with pytest.raises(ValueError):
        project.set_status(doc_id, "ana", "finished")
    assert project.document_ids_with_status("ana", ["done"]) == [doc_id]


def test_label_rename_updates_spans_and_conflicts_are_refused(project):
    doc_id, _ = project.add_document(TEXT)
    span = project.add_span(doc_id, 0, 3, "actor", "ana")
    project.update_label("actor", Label("person", "#e69f00", "1", "who", 0))
    assert project.span(span.id).label == "person"
    with pytest.raises(ValueError, match="hotkey"):
        project.add_label(Label("place", "#000000", "2"))
    with pytest.raises(ValueError, match="already exists"):
        project.add_label(Label("claim", "#000000", "9"))
    label, spans, relations, _attributes = project.delete_label("person")
    assert project.span_count() == 0
    project.restore_label(label, spans)
    assert project.span(span.id).label == "person"


def test_search_finds_documents_by_words(project):
    a, _ = project.add_document("Pyongyang sent troops", title="troops")
    project.add_document("Seoul held talks", title="talks")
    assert project.search_document_ids("troops") == [a]
    assert project.search_document_ids('"unbalanced') == []  # user input is quoted, never an FTS syntax error


def test_stats(project):
    doc_id, _ = project.add_document(TEXT)
    project.add_span(doc_id, 0, 3, "actor", "ana")
    project.add_span(doc_id, 4, 8, "actor", "bob")
    project.set_status(doc_id, "ana", "done")
    project.add_document("A second text nobody opened.")
    stats = project.stats()
    assert stats["documents"] == 2
    assert stats["spans_by_label"] == {"actor": 2, "claim": 0, "quote": 0, "figure": 0}  # zeros listed
    assert stats["spans_by_annotator"] == {"ana": 1, "bob": 1}
    assert stats["status_by_annotator"] == {  # no status row: new
        "ana": {"new": 1, "in_progress": 0, "done": 1, "skipped": 0},
        "bob": {"new": 1, "in_progress": 1, "done": 0, "skipped": 0},
    }


def test_data_survives_reopening(tmp_path):
    path = tmp_path / "p.db"
    with Project.open(path) as proj:
        doc_id, _ = proj.add_document(TEXT, title="Kim", meta={"encoding": "utf_8"})
        proj.add_span(doc_id, 0, 3, "actor", "ana")
    with Project.open(path, create=False) as proj:
        assert proj.document(doc_id).meta == {"encoding": "utf_8"}
        assert len(proj.spans(doc_id, "ana")) == 1


def test_an_edit_is_durable_when_the_call_returns(tmp_path):
    """The writer is killed (SIGKILL) straight after add_span returns: the span is on disk."""
    path = tmp_path / "p.db"
    with Project.open(path) as proj:
        doc_id, _ = proj.add_document(TEXT)
    result = run_python(
        """
        import os, signal, sys
        from annotator.store import Project
        proj = Project.open(sys.argv[1])
        proj.add_span(int(sys.argv[2]), 0, 3, "actor", "ana")
        os.kill(os.getpid(), signal.SIGKILL)
        """,
        str(path),
        str(doc_id),
    )
    assert result.returncode == -9
    with Project.open(path) as proj:
        assert [(s.start, s.end, s.label) for s in proj.spans(doc_id)] == [(0, 3, "actor")]


def test_a_second_writer_gets_project_is_busy(tmp_path, monkeypatch):
    path = tmp_path / "p.db"
    with Project.open(path) as proj:
        doc_id, _ = proj.add_document(TEXT)
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent("""
            import sqlite3, sys, time
            conn = sqlite3.connect(sys.argv[1], isolation_level=None)
            conn.execute("BEGIN IMMEDIATE")
            print("locked", flush=True)
            time.sleep(30)
        """), str(path)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        monkeypatch.setattr("annotator.store.project.BUSY_TIMEOUT_S", 0.2)
        with Project.open(path) as proj:
            with pytest.raises(ProjectBusyError, match="busy"):
                proj.add_span(doc_id, 0, 3, "actor", "ana")
            assert proj.spans(doc_id) == []  # reads still work
    finally:
        holder.kill()
        holder.wait()


def test_two_processes_writing_at_once_both_land(tmp_path):
    path = tmp_path / "p.db"
    with Project.open(path) as proj:
        doc_id, _ = proj.add_document(TEXT)
    code = """
        import sys
        from annotator.store import Project
        with Project.open(sys.argv[1]) as proj:
            for i in range(150):
                proj.add_span(int(sys.argv[2]), 0, 3, "actor", sys.argv[3])
    """
    writers = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), str(path), str(doc_id), name])
               for name in ("ana", "bob")]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    with Project.open(path) as proj:
        assert proj.stats()["spans_by_annotator"] == {"ana": 150, "bob": 150}
        assert proj.conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"These are my notes, not a database.\n" * 50)
    before = digest(path)
    with pytest.raises(NotAProjectError, match="not an SQLite database"):
        Project.open(path)
    assert digest(path) == before


def test_a_foreign_sqlite_database_is_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE documents (x)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(NotAProjectError, match="another program"):
        Project.open(path)
    assert digest(path) == before


def make_project_with_pages(path: Path) -> Path:
    with Project.open(path) as proj:
        for i in range(200):
            proj.add_document(f"document number {i} " * 40)
        proj.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def damage(path: Path) -> None:
    """Overwrite part of the fourth page, as a bad disk sector would."""
    raw = bytearray(path.read_bytes())
    raw[4096 * 3 : 4096 * 3 + 600] = b"\xff" * 600
    path.write_bytes(bytes(raw))


def test_a_corrupt_project_is_refused_untouched(tmp_path):
    path = make_project_with_pages(tmp_path / "p.db")
    damage(path)
    before = digest(path)
    with pytest.raises(CorruptProjectError, match="damaged"):
        Project.open(path)
    assert digest(path) == before


def test_a_project_from_a_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "p.db"
    with Project.open(path) as proj:
        proj.conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('annotator', '0099_future', 'x')"
        )
    before = digest(path)
    with pytest.raises(NewerSchemaError, match="newer version of Annotator"):
        Project.open(path)
    assert digest(path) == before


def test_a_first_schema_project_is_migrated_with_its_data(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(DATA / "schema_v1.db", path)
    with Project.open(path, create=False) as proj:
        assert proj.schema_steps() == [step.name for step in migrations._migrations]
        span = proj.spans(1)[0]
        assert (span.label, span.annotator, span.note, span.reviewer) == ("actor", "ana", "the leader", None)
        assert proj.document(1).text[span.start : span.end] == "Kim Jong Un"
        assert proj.status(1, "ana") == "done"
        assert proj.search_document_ids("Trump") == [1]
        assert proj.review_status(1) == "unreviewed"


# ----------------------------------------------- the document list's queries, the edit path
def _annotator_rows(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM annotators ORDER BY name")]


def test_document_ids_for_the_list_are_ascending_with_or_without_gaps(project):
    assert list(project.all_document_ids()) == []
    ids = [project.add_document(f"Document number {n}.")[0] for n in range(3)]
    assert list(project.all_document_ids()) == ids == project.document_ids()
    with project.transaction():  # an id of its own, as a merge or bulk import may give
        project.conn.execute("INSERT INTO documents (id, uid, sha256, text, meta) VALUES (10, 'u', 's', 'Ten.', '{}')")
    ids.append(10)
    ids.append(project.add_document("After the gap.")[0])
    assert list(project.all_document_ids()) == ids == [1, 2, 3, 10, 11]


def test_status_filters_and_the_done_count(project):
    ids = [project.add_document(f"Document number {n}.")[0] for n in range(5)]
    project.set_status(ids[0], "ana", "done")
    project.set_status(ids[1], "ana", "skipped")
    project.set_status(ids[2], "ana", "in_progress")
    project.set_status(ids[3], "ana", "done")
    project.set_status(ids[3], "ana", "new")  # an undo leaves a row that says new
    project.set_status(ids[4], "bob", "done")
    assert project.document_ids_with_status("ana", ["new", "in_progress"]) == [ids[2], ids[3], ids[4]]
    assert project.document_ids_with_status("ana", ["new"]) == [ids[3], ids[4]]
    assert project.document_ids_with_status("ana", ["done", "skipped"]) == [ids[0], ids[1]]
    assert project.document_ids_with_status("bob", ["new"]) == ids[:4]
    assert project.count_with_status("ana", "done") == 1
    assert project.count_with_status("bob", "done") == 1


def test_the_first_span_starts_a_document_and_no_other_status_changes(project):
    doc_id, _ = project.add_document(TEXT)
    project.add_span(doc_id, 0, 3, "actor", "ana")
    assert project.status(doc_id, "ana") == "in_progress"
    project.set_status(doc_id, "ana", "done")
    project.add_span(doc_id, 4, 8, "actor", "ana")
    assert project.status(doc_id, "ana") == "done"
    project.set_status(doc_id, "ana", "new")
    project.add_span(doc_id, 9, 12, "actor", "ana")
    assert project.status(doc_id, "ana") == "in_progress"


def test_an_annotator_is_recorded_even_when_an_enclosing_transaction_rolled_back(project):
    doc_id, _ = project.add_document(TEXT)
    with pytest.raises(RuntimeError), project.transaction():
        project.add_span(doc_id, 0, 3, "actor", "cleo")
        raise RuntimeError("the import failed")
    assert _annotator_rows(project.path) == []
    project.add_span(doc_id, 0, 3, "actor", "cleo")
    project.set_status(doc_id, "dan", "done")
    assert _annotator_rows(project.path) == ["cleo", "dan"]


def test_labels_changed_by_another_connection_or_rolled_back_are_seen(project):
    doc_id, _ = project.add_document(TEXT)
    assert "place" not in [label.name for label in project.labels()]
    with sqlite3.connect(project.path) as other:
        other.execute("INSERT INTO labels (name, color, sort_order) VALUES ('place', '#112233', 9)")
    assert project.add_span(doc_id, 0, 3, "place", "ana").label == "place"
    with sqlite3.connect(project.path) as other:
        other.execute("DELETE FROM labels WHERE name = 'place'")
    with pytest.raises(ValueError, match="unknown label 'place'"):
        project.add_span(doc_id, 4, 8, "place", "ana")
    with pytest.raises(RuntimeError), project.transaction():
        project.add_label(Label("ghost", "#000000"))
        assert project.label("ghost") is not None
        raise RuntimeError
    assert project.label("ghost") is None
    project.update_label("actor", Label("person", "#ff0000", "1"))
    assert [label.name for label in project.labels()][0] == "person"


def _indexes(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'spans'")}


def test_a_project_from_before_0008_span_read_gets_the_span_read_index_and_keeps_every_span(tmp_path):
    path = tmp_path / "before.db"
    with Project.open(path) as proj:
        doc_id, _ = proj.add_document("Kim met Moon in Seoul 👍 on Monday.")
        proj.add_spans([{"doc_id": doc_id, "start": 0, "end": 3, "label": "actor", "annotator": "ana", "note": "leader"},
                        {"doc_id": doc_id, "start": 8, "end": 12, "label": "actor", "annotator": "ana", "note": ""},
                        {"doc_id": doc_id, "start": 0, "end": 12, "label": "claim", "annotator": "ana"},
                        {"doc_id": doc_id, "start": 16, "end": 21, "label": "actor", "annotator": "bob"}])
        before = {name: proj.spans(doc_id, name) for name in ("ana", "bob")}, proj.spans(doc_id)
        with proj.transaction():  # the file as the version before 0008_span_read left it
            proj.conn.execute("DROP INDEX idx_spans_read")
            proj.conn.execute("DROP INDEX idx_spans_noted")
            proj.conn.execute("CREATE INDEX idx_spans_doc_id_annotator_start ON spans (doc_id, annotator, start)")
            proj.conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0008_span_read'")
    assert "idx_spans_doc_id_annotator_start" in _indexes(path)
    with Project.open(path, create=False) as proj:  # (a later step may have been applied before this one)
        assert sorted(proj.schema_steps()) == sorted(step.name for step in migrations._migrations)
        assert ({name: proj.spans(doc_id, name) for name in ("ana", "bob")}, proj.spans(doc_id)) == before
        assert [s.note for s in proj.spans(doc_id, "ana")] == [None, "leader", ""]  # text order: 0-12, 0-3, 8-12
    assert {"idx_spans_read", "idx_spans_noted"} <= _indexes(path)
    assert "idx_spans_doc_id_annotator_start" not in _indexes(path)


def test_spans_are_read_with_their_notes_from_the_span_read_index(project):
    doc_id, _ = project.add_document("Kim met Moon in Seoul on Monday.")
    span = project.add_span(doc_id, 0, 3, "actor", "ana")
    project.add_span(doc_id, 8, 12, "actor", "ana")
    project.update_span(span.id, note="asked twice")
    assert [s.note for s in project.spans(doc_id, "ana")] == ["asked twice", None]
    plan = project.conn.execute("EXPLAIN QUERY PLAN SELECT start, [end], label, origin, reviewer, created, updated"
                                " FROM spans WHERE doc_id = ? AND annotator = ?", [doc_id, "ana"]).fetchall()
    assert "COVERING INDEX idx_spans_read" in plan[0][-1]
    project.update_span(span.id, note=None)
    assert [s.note for s in project.spans(doc_id, "ana")] == [None, None]
