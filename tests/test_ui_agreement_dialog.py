"""The Agreement dialog shows agreement_report's numbers, in the table and in both heatmaps."""

import pytest

from annotator.core.agreement import AgreementInputs, DocumentInput, agreement_report
from annotator.ui.agreement_dialog import AgreementDialog, score_color

pytestmark = pytest.mark.gui

TEXT = "Alice met Bob in Paris on Monday."


@pytest.fixture
def report():
    spans = {
        "ana": [(0, 5, "actor"), (10, 13, "actor"), (17, 22, "claim")],
        "ben": [(0, 5, "actor"), (10, 13, "quote"), (17, 22, "claim")],
        "cy": [(0, 5, "actor")],
    }
    inputs = AgreementInputs(("ana", "ben", "cy"), [DocumentInput(1, TEXT, spans, "meeting")],
                             labels=("actor", "claim", "quote"))
    return agreement_report(inputs)


def shown(dialog, row, header):
    columns = [dialog.pairs_table.horizontalHeaderItem(c).text() for c in range(dialog.pairs_table.columnCount())]
    return dialog.pairs_table.item(row, columns.index(header)).text()


def test_pairwise_table_shows_the_report(qtbot, report):
    dialog = AgreementDialog(report)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.pairs_table.rowCount() == 3
    first = [shown(dialog, 0, h) for h in ("Annotator A", "Annotator B", "Documents", "Strict F1")]
    assert first == ["ana", "ben", "1", "0.67"]  # 2 of 3 spans identical: F1 = 2*2/(3+3)
    for row, pair in enumerate(report["pairs"]):
        assert shown(dialog, row, "Strict P") == f"{pair['strict']['precision']:.2f}"
        assert shown(dialog, row, "Strict R") == f"{pair['strict']['recall']:.2f}"
        assert shown(dialog, row, "Lenient F1") == f"{pair['lenient']['f1']:.2f}"
        kappa = pair["cohen_kappa"]
        assert shown(dialog, row, "Cohen's κ") == ("–" if kappa is None else f"{kappa:.2f}")
    assert shown(dialog, 1, "Strict F1") == "0.50"  # ana vs cy: 1 match, 3 + 1 spans
    alpha = report["krippendorff_alpha"]
    assert f"α = {alpha:.2f}" in dialog.summary.text()


def test_f1_cells_are_coloured_by_score(qtbot, report):
    dialog = AgreementDialog(report)
    qtbot.addWidget(dialog)
    item = dialog.pairs_table.item(0, 5)
    assert item.background().color() == score_color(report["pairs"][0]["strict"]["f1"])
    assert score_color(0.0) != score_color(1.0)


def test_heatmaps_hold_pair_and_label_scores(qtbot, report):
    dialog = AgreementDialog(report)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    pairs = dialog.pair_heatmap
    assert pairs.rows == ["ana", "ben", "cy"]
    assert pairs.value(0, 1) == pairs.value(1, 0) == report["pairs"][0]["strict"]["f1"]
    assert pairs.cell_text(0, 0) == "1.00"
    labels = dialog.label_heatmap
    assert labels.rows == list(report["by_label"])
    assert labels.columns == ["Strict F1", "Lenient F1"]
    for row, name in enumerate(labels.rows):
        assert labels.value(row, 0) == report["by_label"][name]["strict_f1"]
        assert labels.value(row, 1) == report["by_label"][name]["lenient_f1"]
    # The painted picture really carries the colours: sample the middle of a cell.
    image = labels.grab().toImage()
    quote = labels.rows.index("quote")
    centre = labels.cell_rect(quote, 0).center()
    assert image.pixelColor(centre.x() + 20, centre.y()).name() == score_color(labels.value(quote, 0)).name()
