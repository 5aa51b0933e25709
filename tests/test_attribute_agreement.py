"""Attribute agreement (issue 13): Cohen's kappa per attribute over matched spans, per annotator pair.

Checked against a kappa worked out by hand and against scikit-learn's ``cohen_kappa_score`` where it
is installed; then through a real project file, ``annotator agreement`` (text and --json).
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.agreement_inputs import AgreementInputs, DocumentInput
from annotator.core.attribute_agreement import attribute_agreement
from annotator.store import Project

A, H, D = "asserted", "hedged", "disputed"
ANA = [A, A, A, A, A, H, H, H, D, D]
BEN = [A, A, A, A, H, H, H, D, D, A]


def claims(values, *, longer_last: bool = False):
    """Ten claims 10 characters apart; ``longer_last``: the last one a character longer (lenient match)."""
    spans = [(i * 10, i * 10 + 5 + (longer_last and i == len(values) - 1), "claim") for i in range(len(values))]
    return spans, {span: {"certainty": value} for span, value in zip(spans, values) if value is not None}


def inputs(**by_annotator) -> AgreementInputs:
    spans = {name: claims(values, longer_last=name == "ben")[0] for name, values in by_annotator.items()}
    attrs = {name: claims(values, longer_last=name == "ben")[1] for name, values in by_annotator.items()}
    return AgreementInputs(tuple(by_annotator), [DocumentInput(1, "x" * 200, spans, "d", {}, attrs)], ("claim",))


def test_kappa_of_a_hand_worked_example():
    """po = 7/10; marginals ana A5 H3 D2, ben A5 H3 D2: pe = (25 + 9 + 4) / 100 = 0.38;
    kappa = (0.7 - 0.38) / (1 - 0.38) = 0.32 / 0.62 = 0.516129..."""
    report = attribute_agreement(inputs(ana=ANA, ben=BEN))
    [pair] = report["pairs"]
    score = pair["by_attribute"]["claim.certainty"]
    assert (pair["a"], pair["b"], pair["documents"]) == ("ana", "ben", 1)
    assert (score["items"], score["agreed"], score["observed"]) == (10, 7, 0.7)
    assert score["kappa"] == pytest.approx(0.32 / 0.62)
    assert report["by_attribute"]["claim.certainty"] == {
        "label": "claim", "attribute": "certainty", "items": 10, "agreed": 7, "pairs": 1,
        "mean_kappa": pytest.approx(0.32 / 0.62)}


def test_kappa_matches_scikit_learn():
    from sklearn import metrics  # (in the test extras: the reference implementation)

    ana = [A, H, H, D, A, A, None, H, D, A, None]
    ben = [A, H, A, D, None, A, H, H, H, A, None]  # the last: neither has a value, left out
    score = attribute_agreement(inputs(ana=ana, ben=ben))["pairs"][0]["by_attribute"]["claim.certainty"]
    kept = [(x or "none", y or "none") for x, y in zip(ana, ben) if x is not None or y is not None]
    assert score["items"] == len(kept) == 10
    expected = metrics.cohen_kappa_score([x for x, _ in kept], [y for _, y in kept])
    assert score["kappa"] == pytest.approx(expected)


def test_three_annotators_are_compared_pair_by_pair_and_averaged():
    cy = [A] * 10
    report = attribute_agreement(inputs(ana=ANA, ben=BEN, cy=cy))
    assert [(p["a"], p["b"]) for p in report["pairs"]] == [("ana", "ben"), ("ana", "cy"), ("ben", "cy")]
    # cy always says asserted: with ana, pe = 0.5 and po = 0.5, kappa 0
    assert report["pairs"][1]["by_attribute"]["claim.certainty"]["kappa"] == pytest.approx(0.0)
    overall = report["by_attribute"]["claim.certainty"]
    assert overall["pairs"] == 3 and overall["items"] == 30
    assert overall["mean_kappa"] == pytest.approx((0.32 / 0.62 + 0 + 0) / 3)


def test_no_values_no_items_and_one_constant_value_gives_no_kappa():
    assert attribute_agreement(inputs(ana=[None] * 3, ben=[None] * 3))["pairs"][0]["by_attribute"] == {}
    score = attribute_agreement(inputs(ana=[A] * 3, ben=[A] * 3))["pairs"][0]["by_attribute"]["claim.certainty"]
    assert score["agreed"] == 3 and score["kappa"] is None  # chance agreement is 1: kappa is undefined


# ------------------------------------------------------------------ through a project and the CLI
@pytest.fixture
def project_path(tmp_path):
    path = tmp_path / "agree.db"
    with Project.open(path) as project:
        doc, _ = project.add_document("x" * 200, title="d")
        for who, values in (("ana", ANA), ("ben", BEN)):
            spans, attrs = claims(values, longer_last=who == "ben")
            for span in spans:
                created = project.add_span(doc, span[0], span[1], "claim", who)
                project.set_span_attribute(created.id, "certainty", attrs[span]["certainty"])
            project.set_status(doc, who, "done")
    return path


def test_annotator_agreement_reports_attribute_kappa_in_text_and_json(project_path):
    runner = CliRunner()
    result = runner.invoke(main, ["agreement", str(project_path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report) >= {"pairs", "relations", "attributes"}
    score = report["attributes"]["pairs"][0]["by_attribute"]["claim.certainty"]
    assert score["items"] == 10 and score["kappa"] == pytest.approx(0.32 / 0.62)

    text = runner.invoke(main, ["agreement", str(project_path)])
    assert text.exit_code == 0, text.output
    assert any(line.split() == ["ana", "ben", "claim.certainty", "10", "7", "0.516"] for line in text.output.splitlines())

    only_actors = json.loads(runner.invoke(main, ["agreement", str(project_path), "--json", "--label", "actor"]).output)
    assert only_actors["attributes"]["pairs"][0]["by_attribute"] == {}


@pytest.mark.gui
def test_the_agreement_dialog_lists_attribute_kappa(qtbot, project_path, tmp_path):
    from PySide6.QtCore import QSettings, Qt

    from ui_fixtures import shown_window

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    with Project.open(project_path) as project:
        window = shown_window(qtbot, project, "rita", settings, doc_id=1)
        qtbot.keyClick(window.text_view, "g", Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        dialog = window.review.agreement
        assert dialog is not None and dialog.isVisible()
        table = dialog.attributes_table
        headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
        assert table.rowCount() == 1
        assert [table.item(0, c).text() for c in range(table.columnCount())] == [
            "ana", "ben", "claim.certainty", "10", "7", "0.52"]
        assert headers[-1] == "Cohen's κ"
        dialog.close()
        window.close()
