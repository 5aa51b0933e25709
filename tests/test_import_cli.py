"""`annotator import`: summary lines, problems on stderr, exit statuses, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.store import Project


@pytest.fixture
def run():
    def invoke(*args: object):
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "one.txt").write_text("First document.\n", encoding="utf-8")
    (folder / "two.md").write_text("Second document.\n", encoding="utf-8")
    spans = [{"start": 0, "end": 5, "label": "actor"}, {"start": 10, "end": 13, "label": "actor"}]
    (folder / "ann.jsonl").write_text(json.dumps({"text": "Alice met Bob.", "spans": spans}) + "\n", encoding="utf-8")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    return folder


def test_import_creates_the_project_and_summarizes(run, tmp_path, batch):
    project = tmp_path / "new" / "project.db"
    result = run("import", project, batch, "--annotator", "ann")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Imported 3 documents (2 spans) from 3 files; 1 file of unknown type skipped"
    ]
    assert result.stderr == ""
    with Project.open(project, create=False) as proj:
        assert proj.document_count() == 3 and proj.span_count() == 2
        assert proj.annotators() == ["ann"]


def test_second_import_names_each_duplicate(run, tmp_path, batch):
    project = tmp_path / "p.db"
    run("import", project, batch / "one.txt")
    result = run("import", project, batch / "one.txt", batch / "two.md")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Imported 1 document (0 spans) from 2 files; 1 duplicate"
    assert lines[1] == f"Duplicate: {batch / 'one.txt'}: 'one' is already in the project"


def test_failures_go_to_stderr_with_exit_1_and_the_rest_is_imported(run, tmp_path, batch):
    (batch / "bad.jsonl").write_text('{"text": "fine"}\n{"title": "no text"}\nnot json\n', encoding="utf-8")
    (batch / "blob.txt").write_bytes(b"\x00\x01\x02binary")
    project = tmp_path / "p.db"
    result = run("import", project, batch, "--annotator", "ann")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "Imported 3 documents (2 spans) from 3 files; 2 files failed; 1 file of unknown type skipped"
    )
    assert result.stderr.splitlines() == [
        f"annotator: {batch / 'bad.jsonl'}:2: missing 'text'",
        f"annotator: {batch / 'bad.jsonl'}:3: not valid JSON (invalid literal, expected 'null' at column 1)",
        f"annotator: {batch / 'blob.txt'}: binary file (contains NUL bytes), not text; nothing imported"
        " (UTF-16 text needs a byte order mark)",
    ]
    assert "Traceback" not in result.output
    with Project.open(project, create=False) as proj:
        assert "fine" not in [doc.text for doc in proj.iter_documents()]


def test_unknown_suffix_named_explicitly_is_an_error(run, tmp_path, batch):
    result = run("import", tmp_path / "p.db", batch / "photo.jpg")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"annotator: {batch / 'photo.jpg'}: unknown file type '.jpg'")


def test_span_error_names_file_line_and_span(run, tmp_path):
    path = tmp_path / "spans.jsonl"
    path.write_text(json.dumps({"text": "😀 Seoul", "label": [[3, 8, "place"]]}) + "\n", encoding="utf-8")
    result = run("import", tmp_path / "p.db", path)  # no unit given, an emoji before the span: refused
    assert result.exit_code == 1
    assert result.stderr.startswith(f"annotator: {path}:1: span 1 (3-8 'place'): emoji or other characters")
    assert result.stderr.endswith("pass --offsets codepoints or --offsets utf16\n")
    result = run("import", tmp_path / "p.db", path, "--offsets", "codepoints")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"annotator: {path}:1: span 1 (3-8 'place'): outside the text (length 7)")
    ok = run("import", tmp_path / "p.db", path, "--offsets", "utf16")
    assert ok.exit_code == 0 and ok.stdout.startswith("Imported 1 document (1 span) from 1 file")


@pytest.mark.parametrize("args", [
    ["import"],
    ["import", "p.db"],
    ["import", "p.db", "does-not-exist.txt"],
    ["import", "p.db", "IN", "--offsets", "bytes"],
])
def test_bad_usage_exits_2(run, tmp_path, batch, args):
    args = [str(tmp_path / a) if a == "p.db" else str(batch) if a == "IN" else a for a in args]
    result = run(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_project_that_is_not_a_project_fails_cleanly(run, tmp_path, batch):
    bogus = tmp_path / "bogus.db"
    bogus.write_text("not sqlite", encoding="utf-8")
    result = run("import", bogus, batch)
    assert result.exit_code == 1
    assert result.stderr.startswith("annotator: ") and "Traceback" not in result.output


def test_import_is_documented_in_help(run):
    result = run("import", "--help")
    assert result.exit_code == 0
    assert "--offsets [codepoints|utf16]" in result.stdout and "--annotator" in result.stdout


def test_our_brat_export_imports_back_without_skipping_its_config(run, tmp_path):
    """brat's annotation.conf (and visual.conf, tools.conf, kb_shortcuts.conf) belong to a brat folder: not
    'of unknown type'."""
    source = tmp_path / "p.db"
    with Project.open(source) as proj:
        doc, _ = proj.add_document("Kim met Moon in Seoul.", title="summit")
        proj.add_span(doc, 0, 3, "actor", "ana")
    out = tmp_path / "brat"
    assert run("export", source, "-f", "brat", "-o", out).exit_code == 0
    assert (out / "annotation.conf").is_file()
    for extra in ("visual.conf", "tools.conf", "kb_shortcuts.conf"):
        (out / extra).write_text("[labels]\n", encoding="utf-8")
    result = run("import", tmp_path / "back.db", out, "--annotator", "ana")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["Imported 1 document (1 span) from 1 file"]
    (out / "notes.conf").write_text("x", encoding="utf-8")  # any other .conf is still of unknown type
    result = run("import", tmp_path / "again.db", out, "--annotator", "ana")
    assert "1 file of unknown type skipped" in result.stdout
