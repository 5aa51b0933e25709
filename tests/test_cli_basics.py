"""CLI basics: help everywhere, stats, and expected errors without tracebacks."""

import json

from annotator.cli import main
from annotator.store import Project
from export_fixtures import *  # noqa: F403


def test_every_command_has_help(runner):
    assert runner.invoke(main, ["--help"]).exit_code == 0
    for name in main.commands:
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Usage:" in result.output


def test_stats_json(runner, tmp_path):
    path = tmp_path / "p.db"
    with Project.open(path) as proj:
        doc_id, _ = proj.add_document("Kim met Trump.")
        proj.add_span(doc_id, 0, 3, "actor", "ana")
        proj.set_status(doc_id, "ana", "done")
        proj.add_document("Nobody opened this one.")
    result = runner.invoke(main, ["stats", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["documents"] == 2
    assert data["spans_by_label"] == {"actor": 1, "claim": 0, "quote": 0, "figure": 0}
    assert data["spans_by_annotator"] == {"ana": 1}
    assert data["status_by_annotator"] == {"ana": {"new": 1, "in_progress": 0, "done": 1, "skipped": 0}}
    text = runner.invoke(main, ["stats", str(path)]).output
    assert "Documents  2" in text and "actor: 1" in text and "claim: 0" in text
    assert "Status     ana: new 1, in_progress 0, done 1, skipped 0" in text


def test_stats_on_a_foreign_file_is_one_line_on_stderr(runner, tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("not a database")
    result = runner.invoke(main, ["stats", str(path)])
    assert result.exit_code == 1
    assert "not an SQLite database" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_stats_on_a_missing_project_fails_cleanly(runner, tmp_path):
    result = runner.invoke(main, ["stats", str(tmp_path / "missing.db")])
    assert result.exit_code == 1
    assert "no such project file" in result.stderr
    assert not (tmp_path / "missing.db").exists()


def test_bad_usage_exits_2(runner):
    assert runner.invoke(main, ["stats"]).exit_code == 2
    assert runner.invoke(main, ["no-such-command"]).exit_code == 2


def test_every_command_is_in_the_readme_reference():
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    reference = readme.split("## Command-line reference", 1)[1]
    missing = [name for name in main.commands if f"annotator {name} " not in reference]
    assert missing == []


def _readme_section(heading: str) -> str:
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    return readme.split(f"\n{heading}\n", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]


def test_the_readme_names_every_key_of_agreement_json(runner, tmp_path):
    path = tmp_path / "p.db"
    with Project.open(path) as proj:
        doc_id, _ = proj.add_document("Kim met Trump.")
        for name in ("ana", "ben"):
            proj.add_span(doc_id, 0, 3, "actor", name)
            proj.set_status(doc_id, name, "done")
    data = json.loads(runner.invoke(main, ["agreement", str(path), "--json"]).output)
    section = _readme_section("### Agreement")
    assert [key for key in [*data, *data["pairs"][0]] if f"`{key}`" not in section] == []
    assert "attribute agreement" in section


def _help(runner, command: str) -> str:
    return " ".join(runner.invoke(main, [command, "--help"], terminal_width=200).output.split())


def test_help_says_what_merge_and_stats_bring(runner):
    merge = _help(runner, "merge")
    assert "attribute values" in merge and "actor list" in merge
    assert "actor" in _help(runner, "stats")


def test_export_help_names_the_formats_that_write_a_folder(runner):
    from annotator.io.exporting import get_exporter

    text = _help(runner, "export")
    option = text.split("-o, --output PATH", 1)[1].split(" --annotator", 1)[0]
    folders = [name for name in ("jsonl", "spacy", "conll", "hf", "doccano", "brat", "labelstudio")
               if get_exporter(name).layout == "folder"]
    assert folders == ["spacy", "brat"] or folders == ["brat", "spacy"]
    assert all(name in option for name in folders) and "required" in option, option
