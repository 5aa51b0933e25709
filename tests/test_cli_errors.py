"""Bad input on the command line: one clear line on stderr, the right exit status, no traceback,
and nothing damaged or half-written."""

import sqlite3
import subprocess
import sys

import pytest

from annotator.cli import main
from annotator.store import Project
from export_fixtures import *  # noqa: F403


@pytest.fixture
def labelled(tmp_path):
    """A project with two annotators who finished the same document."""
    path = tmp_path / "work.db"
    with Project.open(path) as proj:
        doc_id, _ = proj.add_document("Kim met Trump in Hanoi.")
        for name in ("ana", "ben"):
            proj.add_span(doc_id, 0, 3, "actor", name)
            proj.set_status(doc_id, name, "done")
    return path


def _one_clear_line(result, exit_code: int = 1) -> str:
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


COMMANDS = [
    ["stats", "{p}"],
    ["import", "{p}", "{doc}"],
    ["export", "{p}"],
    ["export", "{p}", "-f", "brat", "-o", "{out}"],
    ["merge", "{p}", "{other}"],
    ["agreement", "{p}"],
    ["actors", "{p}"],
]


def _args(command, project, tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text("Some text.", encoding="utf-8")
    other = tmp_path / "other.db"
    if not other.exists():
        Project.open(other).close()
    values = {"p": str(project), "doc": str(doc), "out": str(tmp_path / "out"), "other": str(other)}
    return [part.format(**values) for part in command]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:3:2]))
def test_a_project_from_a_newer_annotator_is_refused_by_every_command(runner, labelled, tmp_path, command):
    conn = sqlite3.connect(labelled)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('annotator', '9999_future', 'x')")
    conn.commit()
    conn.close()
    before = labelled.read_bytes()
    line = _one_clear_line(runner.invoke(main, _args(command, labelled, tmp_path)))
    assert "newer version of Annotator" in line
    assert labelled.read_bytes() == before
    assert not (tmp_path / "out").exists()
    # Refused before anything was written: no SQLite side files left beside it either.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("work.db")) == ["work.db"]


def test_a_refused_project_keeps_the_side_files_it_had(runner, labelled, tmp_path):
    """A -wal that was there before (another program has the file open) is its, not ours to remove."""
    writer = sqlite3.connect(labelled)
    writer.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('annotator', '9999_future', 'x')")
    writer.commit()  # stays in the -wal while the writer is open
    wal = labelled.with_name("work.db-wal")
    try:
        assert wal.stat().st_size > 0
        line = _one_clear_line(runner.invoke(main, ["stats", str(labelled)]))
        assert "newer version of Annotator" in line
        assert wal.exists() and labelled.with_name("work.db-shm").exists()
    finally:
        writer.close()


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:3:2]))
def test_a_folder_given_as_project_is_a_usage_error(runner, tmp_path, command):
    folder = tmp_path / "folder"
    folder.mkdir()
    result = runner.invoke(main, _args(command, folder, tmp_path))
    assert result.exit_code == 2
    assert "is a directory" in result.stderr and "Traceback" not in result.output + result.stderr


@pytest.mark.parametrize("command", [["import", "{p}", "{doc}"], ["merge", "{p}", "{other}"]])
def test_a_project_that_cannot_be_created_is_one_line(runner, tmp_path, command):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x", encoding="utf-8")
    line = _one_clear_line(runner.invoke(main, _args(command, a_file / "work.db", tmp_path)))
    assert "cannot create the project file" in line and "work.db" in line


def test_a_schema_with_a_table_missing_is_one_line(runner, labelled):
    conn = sqlite3.connect(labelled)
    conn.execute("DROP TABLE doc_status")  # a damaged schema that quick_check does not see
    conn.commit()
    conn.close()
    line = _one_clear_line(runner.invoke(main, ["stats", str(labelled)]))
    assert "schema is not Annotator's (table doc_status is missing)" in line and "work.db" in line


@pytest.mark.parametrize("fmt, name", [("jsonl", "work.db"), ("jsonl", "work.db-wal"), ("hf", "work.db")])
def test_export_never_writes_over_the_project(runner, labelled, fmt, name):
    before = Project.open(labelled, create=False)
    before.close()
    line = _one_clear_line(runner.invoke(main, ["export", str(labelled), "-f", fmt, "-o", str(labelled.with_name(name))]))
    assert "is the project file itself" in line
    with Project.open(labelled, create=False) as proj:
        assert proj.document_count() == 1


def test_export_to_a_folder_or_below_a_file_names_the_output(runner, labelled, tmp_path):
    (tmp_path / "folder").mkdir()
    line = _one_clear_line(runner.invoke(main, ["export", str(labelled), "-o", str(tmp_path / "folder")]))
    assert "is a folder" in line and ".part" not in line
    line = _one_clear_line(runner.invoke(main, ["export", str(labelled), "-o", str(labelled / "x.jsonl")]))
    assert "cannot write" in line and ".part" not in line
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("split", ["train=nan,dev=1", "train=inf,dev=1", "train=0.8", "train=x,dev=1"])
def test_bad_split_ratios_are_usage_errors(runner, labelled, tmp_path, split):
    result = runner.invoke(main, ["export", str(labelled), "--split", split, "-o", str(tmp_path / "s.jsonl")])
    assert result.exit_code == 2, result.output
    assert "--split" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.glob("s*")) == []


def test_a_reader_that_goes_away_stops_the_output_quietly(tmp_path):
    path = tmp_path / "big.db"
    with Project.open(path) as proj:
        for n in range(400):
            proj.add_document(f"Document {n}: " + "word " * 200)
    process = subprocess.Popen(
        [sys.executable, "-m", "annotator.cli", "export", str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    process.stdout.read(100)  # like `| head -c 100`
    process.stdout.close()
    _out, err = process.communicate(timeout=60)
    assert b"Broken pipe" not in err and b"Traceback" not in err, err


def test_merge_names_a_file_it_cannot_read_once(runner, labelled, tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_text("plain text, not a project", encoding="utf-8")
    line = _one_clear_line(runner.invoke(main, ["merge", str(labelled), str(notes)]))
    assert line.count("notes.db") == 1 and "neither an Annotator project nor a file Annotator can import" in line
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"text": "fine"}\n{not json\n', encoding="utf-8")
    line = _one_clear_line(runner.invoke(main, ["merge", str(labelled), str(broken)]))
    assert line.count("broken.jsonl") == 1 and "line 2: not valid JSON" in line
