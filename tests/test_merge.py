"""Merging a colleague's project or JSONL export, through the same code paths users use."""

import json
import sqlite3

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.model import GOLD_ANNOTATOR, annotator_name_problem
from annotator.io.merge import MergeError, merge_source, parse_renames
from annotator.store import NewerSchemaError, NotAProjectError, Project
from annotator.store.review import add_gold_spans

TEXT = "Kim Jong Un 😀 met 朝鲜 leaders in Moscow on Friday."
OTHER = "A second text, only the colleague has it."


@pytest.fixture
def colleague(tmp_path):
    """ben's project: the shared document under another title, one document of his own, gold spans."""
    path = tmp_path / "ben.annotator"
    with Project.open(path) as proj:
        shared, _ = proj.add_document(TEXT, title="renamed by ben.txt")
        own, _ = proj.add_document(OTHER, title="Ben's own", meta={"source_url": "http://example.org/2"}, uid="ben-2")
        proj.add_span(shared, 0, 11, "actor", "ben", note="the leader")
        proj.add_span(shared, TEXT.index("朝鲜"), TEXT.index("朝鲜") + 2, "actor", "ben")
        proj.add_span(own, 0, 8, "claim", "ben")
        proj.ensure_label("place")
        proj.add_span(shared, TEXT.index("Moscow"), TEXT.index("Moscow") + 6, "place", "ben")
        proj.set_status(shared, "ben", "done")
        add_gold_spans(proj, shared, [(0, 11, "actor")], reviewer="carla")
    return path


def span_keys(proj, doc_id, annotator=None):
    return {(s.start, s.end, s.label, s.annotator) for s in proj.spans(doc_id, annotator)}


def test_merge_matches_documents_by_text_and_brings_spans_statuses_and_gold(project, colleague):
    doc_id, _ = project.add_document(TEXT, title="mine.txt")
    project.add_span(doc_id, 0, 11, "actor", "ana")
    summary = merge_source(project, colleague)
    assert (summary.documents_added, summary.documents_matched) == (1, 1)
    assert summary.spans_added == {"ben": 4, GOLD_ANNOTATOR: 1}
    assert summary.labels_added == ["place"]
    assert project.document_count() == 2
    assert project.document(doc_id).title == "mine.txt"  # matched, not replaced
    ben = {s.start: s for s in project.spans(doc_id, "ben")}
    assert ben[0].note == "the leader" and ben[0].created and ben[0].updated
    with Project.open(colleague) as theirs:
        original = theirs.spans(1, "ben")[0]
    assert (ben[0].created, ben[0].updated) == (original.created, original.updated)
    assert project.status(doc_id, "ben") == "done"
    [gold] = project.spans(doc_id, GOLD_ANNOTATOR)
    assert (gold.origin, gold.reviewer) == ("gold", "carla")
    new_id = next(i for i in project.document_ids() if i != doc_id)
    new = project.document(new_id)
    assert (new.title, new.uid, new.meta) == ("Ben's own", "ben-2", {"source_url": "http://example.org/2"})
    assert span_keys(project, new_id) == {(0, 8, "claim", "ben")}
    assert span_keys(project, doc_id, "ana") == {(0, 11, "actor", "ana")}


def test_merging_the_same_source_twice_changes_nothing(project, colleague):
    merge_source(project, colleague)
    before = (project.document_count(), project.span_count(), project.stats())
    again = merge_source(project, colleague)
    assert again.spans_total == 0 and again.spans_present == 5 and again.statuses_set == 0
    assert again.documents_added == 0 and again.documents_matched == 2
    assert (project.document_count(), project.span_count(), project.stats()) == before


def test_rename_separates_two_colleagues_with_the_same_name(project, colleague, tmp_path):
    doc_id, _ = project.add_document(TEXT)
    project.add_span(doc_id, 0, 3, "actor", "ben")  # our own ben, a different person
    summary = merge_source(project, colleague, parse_renames(["ben=ben.k"]))
    assert summary.spans_added == {"ben.k": 4, GOLD_ANNOTATOR: 1}
    assert span_keys(project, doc_id, "ben") == {(0, 3, "actor", "ben")}
    assert (0, 11, "actor", "ben.k") in span_keys(project, doc_id, "ben.k")
    assert project.status(doc_id, "ben.k") == "done" and project.status(doc_id, "ben") == "in_progress"


@pytest.mark.parametrize("rename", [{"ben": "Gold"}, {"ben": " gold "}, {"gold": "ben"}])
def test_the_store_refuses_a_rename_to_or_from_gold_in_any_case_and_merges_nothing(project, colleague, rename):
    before = (project.document_count(), project.span_count())
    with pytest.raises(ValueError, match="gold layer cannot be renamed"):
        merge_source(project, colleague, rename)  # the library call, past the CLI's own check
    assert (project.document_count(), project.span_count()) == before


def test_one_rule_names_annotators_everywhere():
    assert annotator_name_problem("ana") is None and annotator_name_problem(" ana.k ") is None
    assert annotator_name_problem("  ") == "an annotator needs a name"
    for gold in ("gold", "Gold", " GOLD "):
        assert "reserved for the reviewed layer" in annotator_name_problem(gold)


def test_parse_renames_refuses_malformed_and_conflicting_entries():
    assert parse_renames(["a=b", " c = d "]) == {"a": "b", "c": "d"}
    for bad in (["ab"], ["=b"], ["a="]):
        with pytest.raises(ValueError, match="OLD=NEW"):
            parse_renames(bad)
    with pytest.raises(ValueError, match="given twice"):
        parse_renames(["a=b", "a=c"])


def test_a_native_jsonl_export_is_merged_through_the_importer(project, tmp_path):
    doc_id, _ = project.add_document(TEXT)
    project.add_span(doc_id, 0, 11, "actor", "ben")
    source = tmp_path / "ben.jsonl"
    lines = [
        {"text": TEXT, "title": "x", "annotator": "ben", "status": "done",
         "spans": [{"start": 0, "end": 11, "label": "actor"}, {"start": 16, "end": 18, "label": "claim"}]},
        {"text": OTHER, "annotator": "ben", "status": "done", "spans": [{"start": 0, "end": 8, "label": "claim"}]},
    ]
    source.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n", encoding="utf-8")
    summary = merge_source(project, source, {"ben": "ben.k"})
    assert (summary.documents_added, summary.documents_matched) == (1, 1)
    assert summary.spans_added == {"ben.k": 3}
    assert span_keys(project, doc_id, "ben.k") == {(0, 11, "actor", "ben.k"), (16, 18, "claim", "ben.k")}
    assert project.status(doc_id, "ben.k") == "done"
    assert span_keys(project, doc_id, "ben") == {(0, 11, "actor", "ben")}
    again = merge_source(project, source, {"ben": "ben.k"})
    assert again.spans_total == 0


def test_a_broken_jsonl_merges_nothing(project, tmp_path):
    source = tmp_path / "broken.jsonl"
    source.write_text('{"text": "fine", "annotator": "ben", "status": "done", "spans": []}\n{not json\n', encoding="utf-8")
    with pytest.raises(MergeError, match=r"broken.jsonl: cannot be imported \(line 2: not valid JSON"):
        merge_source(project, source)
    assert project.document_count() == 0


def test_a_file_that_is_not_a_project_is_refused(project, tmp_path):
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE spans (x)")
    conn.commit()
    conn.close()
    with pytest.raises(NotAProjectError, match="not an Annotator project"):
        merge_source(project, other)
    corrupt = tmp_path / "corrupt.annotator"
    corrupt.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50 + b"garbage" * 200)
    with pytest.raises(Exception, match="damaged|not an Annotator|cannot open"):
        merge_source(project, corrupt)
    assert project.document_count() == 0


def test_a_project_from_a_newer_annotator_is_refused(project, colleague):
    conn = sqlite3.connect(colleague)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('annotator', '9999_future', 'x')")
    conn.commit()
    conn.close()
    with pytest.raises(NewerSchemaError, match="newer version"):
        merge_source(project, colleague)
    assert project.document_count() == 0


def test_merging_the_project_into_itself_is_refused(project):
    with pytest.raises(MergeError, match="project itself"):
        merge_source(project, project.path)


def test_cli_merge_prints_a_summary_and_reports_refused_sources(tmp_path, colleague):
    target = tmp_path / "mine.annotator"
    Project.open(target).close()
    bogus = tmp_path / "notes.txt.db"
    bogus.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    runner = CliRunner()
    result = runner.invoke(main, ["merge", str(target), str(colleague), "--rename", "ben=ben.k"])
    assert result.exit_code == 0, result.output
    assert "2 documents added, 0 matched, 5 spans added" in result.output
    assert "spans added for ben.k: 4" in result.output
    result = runner.invoke(main, ["merge", str(target), str(colleague), str(bogus)])
    assert result.exit_code == 1
    assert "4 spans added, 1 already present" in result.output  # ben again, no rename: gold is there
    assert "nothing merged" in result.stderr and "Traceback" not in result.output
    result = runner.invoke(main, ["merge", str(target), str(colleague), "--rename", "oops"])
    assert result.exit_code == 2 and "OLD=NEW" in result.output
