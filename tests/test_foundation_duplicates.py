"""A text repeated inside one file is reported like a text already in the project, with file and line."""

import json

from click.testing import CliRunner

from annotator.cli import main
from annotator.io.importing import import_paths
from export_fixtures import write_jsonl


def test_repeats_inside_a_jsonl_are_named_with_their_lines(project, tmp_path):
    path = write_jsonl(tmp_path / "docs.jsonl",
                       {"text": "Kim met Trump.", "title": "Summit"},
                       {"text": "Other news."},
                       {"text": "Kim met Trump.", "title": "Summit again"},
                       {"text": "Kim met Trump."})
    report = import_paths(project, [path])
    assert report.ok and report.documents_added == 2
    assert [str(d) for d in report.duplicates] == [
        f"{path}:3: 'Summit' repeats line 1 of the same file",
        f"{path}:4: 'Summit' repeats line 1 of the same file",
    ]
    assert [(d.path, d.name) for d in report.duplicates] == [(path, "Summit")] * 2


def test_repeats_inside_a_json_list_are_named_by_item(project, tmp_path):
    path = tmp_path / "list.json"
    path.write_text(json.dumps([{"text": "one"}, {"text": "two"}, {"text": "one"}]), encoding="utf-8")
    report = import_paths(project, [path])
    assert [str(d) for d in report.duplicates] == [f"{path}: item 3: 'list #1' repeats item 1 of the same file"]


def test_a_text_already_in_the_project_is_named_once_per_file_with_its_line(project, tmp_path):
    path = write_jsonl(tmp_path / "docs.jsonl", {"text": "Kim met Trump.", "title": "Summit"})
    import_paths(project, [path])
    again = write_jsonl(tmp_path / "again.jsonl", {"text": "New."}, {"text": "Kim met Trump."}, {"text": "Kim met Trump."})
    report = import_paths(project, [again])
    assert [str(d) for d in report.duplicates] == [f"{again}:2: 'Summit' is already in the project"]


def test_another_annotators_layer_of_a_document_is_not_a_duplicate(project, tmp_path):
    """Our JSONL export has one record per document and annotator; Prodigy files may too."""
    base = {"text": "Kim met Trump.", "id": "d1", "title": "Summit", "meta": {}}
    path = write_jsonl(tmp_path / "export.jsonl",
                       {**base, "annotator": "ana", "status": "done", "spans": [{"start": 0, "end": 3, "label": "actor"}]},
                       {**base, "annotator": "ben", "status": "skipped", "spans": []},
                       {"text": "Kim met Trump.", "spans": [{"start": 8, "end": 13, "label": "actor"}]})
    report = import_paths(project, [path], annotator="cy")
    assert report.ok and report.duplicates == []
    assert report.spans_added == 2


def test_the_command_line_prints_each_repeat(tmp_path):
    path = write_jsonl(tmp_path / "docs.jsonl", {"text": "Kim met Trump."}, {"text": "Kim met Trump."})
    result = CliRunner().invoke(main, ["import", str(tmp_path / "p.db"), str(path)])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "Imported 1 document (0 spans) from 1 file; 1 duplicate",
        f"Duplicate: {path}:2: 'docs #1' repeats line 1 of the same file",
    ]
