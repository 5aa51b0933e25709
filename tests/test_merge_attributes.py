"""A colleague merge brings attribute values (issue 13): project files and JSONL, through `annotator merge`
and the code the window's merge uses; values this project's attributes refuse are named and counted."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.attributes import AttributeDef
from annotator.io.merge import MergeError, format_summary, merge_source
from annotator.store import Project

TEXT = "Kim said 😀 the talks failed, and 12 % of voters agreed."
CLAIM = (TEXT.index("the talks"), TEXT.index(","))
FIGURE = (TEXT.index("12 %"), TEXT.index("12 %") + 4)
REFUSED = "attribute values this project's attributes refuse"


def values_in(path, annotator):
    """(start, label, name, value) of every attribute value of ``annotator``'s spans, read from the file."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT s.start, s.label, a.name, a.value FROM span_attrs a JOIN spans s ON s.id = a.span_id"
                            " WHERE s.annotator = ? ORDER BY s.start, a.name", [annotator]).fetchall()
    return [(start, label, name, json.loads(value)) for start, label, name, value in rows]


@pytest.fixture
def ben(tmp_path):
    """ben's project: his claim is hedged, his figure a percent, and a quote he marked 'paraphrase', a choice
    only his project has."""
    path = tmp_path / "ben.annotator"
    with Project.open(path) as proj:
        proj.define_attribute(AttributeDef("quote", "form", "choice", ("direct", "reported", "paraphrase")),
                              replacing="form")
        doc, _ = proj.add_document(TEXT, title="talks")
        proj.set_span_attribute(proj.add_span(doc, *CLAIM, "claim", "ben").id, "certainty", "hedged")
        proj.set_span_attribute(proj.add_span(doc, *FIGURE, "figure", "ben").id, "kind", "percent")
        proj.set_span_attribute(proj.add_span(doc, 0, 3, "quote", "ben").id, "form", "paraphrase")
        proj.set_status(doc, "ben", "done")
    return path


def test_a_colleagues_project_brings_his_values_and_refuses_one_outside_our_choices(project, ben):
    summary = merge_source(project, ben)
    assert values_in(project.path, "ben") == [(CLAIM[0], "claim", "certainty", "hedged"),
                                              (FIGURE[0], "figure", "kind", "percent")]
    assert summary.attribute_values_added == 2 and summary.skipped == {REFUSED: 1}
    assert summary.spans_added == {"ben": 3}  # the quote itself comes in, without the refused value
    lines = format_summary(summary)
    assert "  attribute values brought in: 2" in lines
    assert "  skipped 1 attribute value this project's attributes refuse" in lines
    [note] = [line for line in lines if "paraphrase" in line]
    assert str(ben) in note and "document 'talks', quote span 0-3 by ben" in note
    assert "'paraphrase' is not one of the choices of quote attribute 'form' (direct, reported)" in note

    again = merge_source(project, ben)  # merging twice adds nothing, and refuses the same value again
    assert again.attribute_values_added == 0 and again.spans_present == 3
    assert len(values_in(project.path, "ben")) == 2


def test_renamed_layers_keep_their_values_and_a_value_here_is_kept(project, ben):
    doc, _ = project.add_document(TEXT, title="ours")
    mine = project.add_span(doc, *CLAIM, "claim", "ben.k")
    project.set_span_attribute(mine.id, "certainty", "asserted")  # already here, with another value
    summary = merge_source(project, ben, {"ben": "ben.k"})
    assert values_in(project.path, "ben.k") == [(CLAIM[0], "claim", "certainty", "asserted"),
                                                (FIGURE[0], "figure", "kind", "percent")]
    assert summary.skipped[
        "attribute values that differ from the value the span already holds here (kept this project's)"] == 1


def test_a_value_our_project_accepts_comes_in_when_our_choices_are_wider(project, ben):
    project.define_attribute(AttributeDef("quote", "form", "choice", ("direct", "reported", "paraphrase")),
                             replacing="form")
    summary = merge_source(project, ben)
    assert (0, "quote", "form", "paraphrase") in values_in(project.path, "ben")
    assert summary.attribute_values_added == 3 and not summary.skipped


def test_a_jsonl_export_brings_its_attrs_checked_against_this_project(project, tmp_path):
    """Our own JSONL shape: "attrs" under each span; checked against the project merged into (its choices)."""
    project.define_attribute(AttributeDef("quote", "form", "choice", ("direct", "reported", "paraphrase")),
                             replacing="form")
    source = tmp_path / "ben.jsonl"
    record = {"text": TEXT, "title": "talks", "annotator": "ben", "status": "done", "spans": [
        {"start": CLAIM[0], "end": CLAIM[1], "label": "claim", "attrs": {"certainty": "disputed"}},
        {"start": 0, "end": 3, "label": "quote", "attrs": {"form": "paraphrase"}}]}
    source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["merge", str(project.path), str(source)])
    assert result.exit_code == 0, result.output
    assert "attribute values brought in: 2" in result.output
    assert values_in(project.path, "ben") == [(0, "quote", "form", "paraphrase"),
                                              (CLAIM[0], "claim", "certainty", "disputed")]


def _jsonl(path, *records) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def test_a_jsonl_value_our_attributes_refuse_is_skipped_counted_and_named_with_file_and_line(project, tmp_path):
    """As a project-file merge does: the span comes in without the value, the rest of the file comes in,
    the summary counts the refused values and names file, line and span (a value outside the choices,
    and one of an attribute this project's label does not have)."""
    source = tmp_path / "ben.jsonl"
    _jsonl(source, {"text": "A first text.", "annotator": "ben", "status": "done", "spans": []},
           {"text": TEXT, "annotator": "ben", "status": "done", "spans": [
               {"start": CLAIM[0], "end": CLAIM[1], "label": "claim", "attrs": {"certainty": "probably"}},
               {"start": FIGURE[0], "end": FIGURE[1], "label": "figure", "attrs": {"kind": "percent", "unit": "%"}}]})
    result = CliRunner().invoke(main, ["merge", str(project.path), str(source)])
    assert result.exit_code == 0, result.output
    assert f"  skipped 2 {REFUSED}" in result.output and "attribute values brought in: 1" in result.output
    [choice] = [line for line in result.output.splitlines() if "'probably'" in line]
    assert f"{source}:2: " in choice and f"({CLAIM[0]}-{CLAIM[1]} 'claim')" in choice
    assert "is not one of the choices of claim attribute 'certainty' (asserted, hedged, disputed)" in choice
    [unit] = [line for line in result.output.splitlines() if "'unit'" in line]
    assert f"{source}:2: " in unit and "this project's figure has no attribute 'unit'" in unit
    assert project.document_count() == 2
    assert [(s.label, s.start) for s in project.spans(2, "ben")] == [("claim", CLAIM[0]), ("figure", FIGURE[0])]
    assert values_in(project.path, "ben") == [(FIGURE[0], "figure", "kind", "percent")]


def test_a_jsonl_merge_names_the_first_refused_values_and_counts_them_all(project, tmp_path):
    source = tmp_path / "ben.jsonl"
    records = [{"text": f"{n} {TEXT}", "annotator": "ben", "status": "done", "spans": [
        {"start": CLAIM[0] + 2, "end": CLAIM[1] + 2, "label": "claim", "attrs": {"certainty": f"maybe {n}"}}]}
        for n in range(1, 8)]
    _jsonl(source, *records)
    summary = merge_source(project, source)
    assert summary.skipped == {REFUSED: 7} and summary.spans_added == {"ben": 7}
    named = [note for note in summary.notes if "maybe" in note]
    assert [note.split(": ")[0] for note in named] == [f"{source}:{n}" for n in range(1, 6)]  # the first five


def test_a_jsonl_file_with_another_problem_merges_nothing_even_with_a_value_skipped(project, tmp_path):
    source = tmp_path / "ben.jsonl"
    _jsonl(source, {"text": TEXT, "annotator": "ben", "status": "done", "spans": [
               {"start": CLAIM[0], "end": CLAIM[1], "label": "claim", "attrs": {"certainty": "probably"}}]},
           {"text": "A second text.", "annotator": "ben", "spans": [{"start": 5, "end": 99, "label": "claim"}]})
    with pytest.raises(MergeError) as refused:
        merge_source(project, source)
    assert "ben.jsonl" in str(refused.value) and "line 2" in str(refused.value) and "outside the text" in str(refused.value)
    result = CliRunner().invoke(main, ["merge", str(project.path), str(source)])
    assert result.exit_code == 1 and "nothing merged from it" in result.output
    assert project.document_count() == 0 and not project.spans(1, "ben")  # nothing half-merged


def test_the_windows_merge_brings_the_values(qtbot, project, ben, tmp_path):
    from PySide6.QtCore import QSettings

    from ui_fixtures import shown_window

    window = shown_window(qtbot, project, "rita", QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    lines = window.review.merge_files([ben])
    assert "  attribute values brought in: 2" in lines
    assert window.review.summary is not None and "paraphrase" in window.review.summary.detailedText() + \
        window.review.summary.informativeText() + window.review.summary.text()
    window.review.summary.close()
    assert len(values_in(project.path, "ben")) == 2


def test_the_windows_merge_of_a_jsonl_file_says_which_value_it_left_out(qtbot, project, tmp_path):
    from PySide6.QtCore import QSettings

    from ui_fixtures import shown_window

    source = tmp_path / "ben.jsonl"
    _jsonl(source, {"text": TEXT, "annotator": "ben", "status": "done", "spans": [
        {"start": CLAIM[0], "end": CLAIM[1], "label": "claim", "attrs": {"certainty": "probably"}}]})
    window = shown_window(qtbot, project, "rita", QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    lines = window.review.merge_files([source])
    assert "  skipped 1 attribute value this project's attributes refuse" in lines
    box = window.review.summary
    shown = box.text() + box.informativeText() + box.detailedText()
    box.close()
    assert f"{source}:1: " in shown and "'probably' is not one of the choices" in shown
    assert [s.label for s in project.spans(1, "ben")] == ["claim"]
