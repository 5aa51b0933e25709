"""Span attributes in the store: definitions, the defaults of a new project, refused values,
one durable write per edit (read back through a second connection), and what relabel and delete do."""

from __future__ import annotations

import sqlite3

import pytest

from annotator.core.attributes import AttributeDef, parse_value, value_problem
from annotator.store import Project

TEXT = "Kim 👋🏽 said the 北京 budget may be 40 million."


@pytest.fixture
def project(tmp_path):
    proj = Project.open(tmp_path / "p.db")
    proj.add_document(TEXT, title="t")
    yield proj
    proj.close()


def stored_values(path) -> list[tuple]:
    with sqlite3.connect(path) as conn:  # a second connection: what survives a crash
        return conn.execute("SELECT span_id, name, value FROM span_attrs ORDER BY span_id, name").fetchall()


def test_a_new_project_has_the_default_attributes(project):
    defs = {(a.label, a.name): a.choices for a in project.attribute_defs()}
    assert defs == {("claim", "certainty"): ("asserted", "hedged", "disputed"),
                    ("quote", "form"): ("direct", "reported"),
                    ("figure", "kind"): ("count", "money", "percent", "date", "other")}


def test_a_value_is_written_at_once_and_a_wrong_one_is_refused(project):
    span = project.add_span(1, 0, 11, "claim", "ana")
    assert project.set_span_attribute(span.id, "certainty", "hedged") is None
    assert stored_values(project.path) == [(span.id, "certainty", '"hedged"')]
    with pytest.raises(ValueError, match="'maybe' is not one of the choices of claim attribute 'certainty'"):
        project.set_span_attribute(span.id, "certainty", "maybe")
    with pytest.raises(ValueError, match="claim has no attribute 'form'"):
        project.set_span_attribute(span.id, "form", "direct")
    assert project.span_attributes(span.id) == {"certainty": "hedged"}
    assert project.set_span_attribute(span.id, "certainty", None) == "hedged"
    assert stored_values(project.path) == []


def test_kinds_and_defaults(project):
    project.define_attribute(AttributeDef("figure", "estimate", "yes-no", default=False))
    project.define_attribute(AttributeDef("figure", "amount", "number"))
    project.define_attribute(AttributeDef("figure", "unit", "text"))
    span = project.add_span(1, 30, 40, "figure", "ana")
    assert project.span_attributes(span.id) == {"estimate": False}  # the default, given at once
    project.set_span_attribute(span.id, "amount", 40_000_000)
    project.set_span_attribute(span.id, "unit", "EUR 北京")
    with pytest.raises(ValueError, match="is a number"):
        project.set_span_attribute(span.id, "amount", "forty")
    with pytest.raises(ValueError, match="yes or no"):
        project.set_span_attribute(span.id, "estimate", "maybe")
    assert project.document_attributes(1) == {span.id: {"estimate": False, "amount": 40_000_000, "unit": "EUR 北京"}}
    assert [a.name for a in project.attribute_defs("figure")] == ["kind", "estimate", "amount", "unit"]


def test_definitions_are_checked(project):
    with pytest.raises(ValueError, match="already has an attribute"):
        project.define_attribute(AttributeDef("claim", "certainty", "text"))
    with pytest.raises(ValueError, match="needs at least one choice"):
        project.define_attribute(AttributeDef("claim", "tone", "choice"))
    with pytest.raises(ValueError, match="hotkey twice"):
        project.define_attribute(AttributeDef("claim", "tone", "choice", ("up", "down"), hotkeys=("u", "U")))
    with pytest.raises(ValueError, match="is not one of the choices"):
        project.define_attribute(AttributeDef("claim", "tone", "choice", ("up", "down"), default="left"))


def test_changing_a_definition_keeps_values_or_refuses(project):
    span = project.add_span(1, 0, 11, "claim", "ana")
    project.set_span_attribute(span.id, "certainty", "disputed")
    smaller = AttributeDef("claim", "certainty", "choice", ("asserted", "hedged"))
    with pytest.raises(ValueError, match="1 span"):
        project.define_attribute(smaller, replacing="certainty")
    renamed = AttributeDef("claim", "status", "choice", ("asserted", "hedged", "disputed"))
    project.define_attribute(renamed, replacing="certainty")
    assert project.span_attributes(span.id) == {"status": "disputed"}
    attribute, held = project.delete_attribute("claim", "status")
    assert project.span_attributes(span.id) == {} and held == {span.id: "disputed"}
    project.restore_attribute(attribute, held)
    assert project.span_attributes(span.id) == {"status": "disputed"}


def test_relabel_hides_values_and_relabelling_back_shows_them_delete_removes_them(project):
    span = project.add_span(1, 0, 11, "claim", "ana")
    project.set_span_attribute(span.id, "certainty", "asserted")
    project.update_span(span.id, label="quote")
    assert project.span_attributes(span.id) == {} and project.document_attributes(1) == {}
    project.update_span(span.id, label="claim")
    assert project.span_attributes(span.id) == {"certainty": "asserted"}
    deleted = project.delete_span(span.id)
    assert stored_values(project.path) == []
    project.restore_span(deleted, {"certainty": "asserted"})
    assert project.span_attributes(span.id) == {"certainty": "asserted"}


def test_renaming_a_label_keeps_its_attributes(project):
    from dataclasses import replace
    claim = project.label("claim")
    project.update_label("claim", replace(claim, name="assertion"))
    assert [a.name for a in project.attribute_defs("assertion")] == ["certainty"]


def test_value_rules():
    yes_no = AttributeDef("x", "y", "yes-no")
    number = AttributeDef("x", "n", "number")
    assert parse_value(yes_no, "Yes") is True and parse_value(number, "12") == 12 and parse_value(number, "1.5") == 1.5
    assert value_problem(number, True) and value_problem(number, float("nan")) and not value_problem(number, 3)


def test_stats_count_spans_per_attribute_value(project):
    import json

    from click.testing import CliRunner

    from annotator.cli import main

    for start, value in ((0, "hedged"), (12, "hedged"), (17, "asserted")):
        project.set_span_attribute(project.add_span(1, start, start + 3, "claim", "ana").id, "certainty", value)
    result = CliRunner().invoke(main, ["stats", str(project.path), "--json"])
    assert json.loads(result.output)["attributes_by_label"] == {"claim": {"certainty": {"asserted": 1, "hedged": 2}}}
    result = CliRunner().invoke(main, ["stats", str(project.path)])
    assert "Attribute  claim certainty: asserted 1, hedged 2" in result.output
