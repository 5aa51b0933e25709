"""The Agreement dialog: a pairwise table, a pairwise F1 matrix and a per-label heatmap.

The numbers come from ``annotator.core.agreement.agreement_report``; this module
only shows them. Cells are coloured on a colour-blind-safe diverging scale
(vermillion = poor agreement, blue = good), so the contested pairs and labels
stand out before anyone reads a number.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QHelpEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from annotator.core.wording import counted

_LOW, _MID, _HIGH = QColor("#d55e00"), QColor("#f7f7f7"), QColor("#0072b2")
_EMPTY = QColor("#e0e0e0")


def score_color(value: float | None) -> QColor:
    """Diverging colour for a score in [0, 1] (kappa/alpha below 0 count as 0); grey for None."""
    if value is None:
        return QColor(_EMPTY)
    v = min(1.0, max(0.0, float(value)))
    lo, hi, t = (_LOW, _MID, v / 0.5) if v < 0.5 else (_MID, _HIGH, (v - 0.5) / 0.5)
    return QColor.fromRgbF(
        lo.redF() + (hi.redF() - lo.redF()) * t,
        lo.greenF() + (hi.greenF() - lo.greenF()) * t,
        lo.blueF() + (hi.blueF() - lo.blueF()) * t,
    )


def text_color_on(background: QColor) -> QColor:
    luminance = 0.2126 * background.redF() + 0.7152 * background.greenF() + 0.0722 * background.blueF()
    return QColor("black") if luminance > 0.5 else QColor("white")


def format_score(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


class HeatmapView(QWidget):
    """A grid of scores painted with QPainter: row names on the left, column names on top."""

    CELL = QSize(86, 30)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[str] = []
        self.columns: list[str] = []
        self._values: list[list[float | None]] = []
        self.setMouseTracking(True)

    def set_data(self, rows: Sequence[str], columns: Sequence[str], values: Sequence[Sequence[float | None]]) -> None:
        self.rows, self.columns = list(rows), list(columns)
        self._values = [list(r) for r in values]
        self.updateGeometry()
        self.update()

    def value(self, row: int, column: int) -> float | None:
        return self._values[row][column]

    def cell_text(self, row: int, column: int) -> str:
        return format_score(self.value(row, column))

    # ------------------------------------------------------------- geometry
    def _row_header_width(self) -> int:
        metrics = QFontMetrics(self.font())
        return max([metrics.horizontalAdvance(r) for r in self.rows] + [40]) + 12

    def _column_header_height(self) -> int:
        return QFontMetrics(self.font()).height() + 12

    def cell_rect(self, row: int, column: int) -> QRect:
        x = self._row_header_width() + column * self.CELL.width()
        y = self._column_header_height() + row * self.CELL.height()
        return QRect(x, y, self.CELL.width() - 2, self.CELL.height() - 2)

    def cell_at(self, point: QPoint) -> tuple[int, int] | None:
        column = (point.x() - self._row_header_width()) // self.CELL.width()
        row = (point.y() - self._column_header_height()) // self.CELL.height()
        if point.x() < self._row_header_width() or point.y() < self._column_header_height():
            return None
        if 0 <= row < len(self.rows) and 0 <= column < len(self.columns):
            return row, column
        return None

    def sizeHint(self) -> QSize:
        width = self._row_header_width() + len(self.columns) * self.CELL.width() + 4
        height = self._column_header_height() + len(self.rows) * self.CELL.height() + 4
        return QSize(width, height)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    # -------------------------------------------------------------- painting
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        header_h, row_w = self._column_header_height(), self._row_header_width()
        palette_text = self.palette().windowText().color()
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setPen(palette_text)
        painter.setFont(bold)
        for column, name in enumerate(self.columns):
            rect = QRect(row_w + column * self.CELL.width(), 0, self.CELL.width(), header_h)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, name)
        for row, name in enumerate(self.rows):
            rect = QRect(0, header_h + row * self.CELL.height(), row_w - 6, self.CELL.height())
            painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name)
        painter.setFont(self.font())
        for row in range(len(self.rows)):
            for column in range(len(self.columns)):
                rect = self.cell_rect(row, column)
                background = score_color(self.value(row, column))
                painter.fillRect(rect, background)
                painter.setPen(text_color_on(background))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.cell_text(row, column))
        painter.end()

    def event(self, event: Any) -> bool:
        if event.type() == event.Type.ToolTip and isinstance(event, QHelpEvent):
            cell = self.cell_at(event.pos())
            if cell is None:
                QToolTip.hideText()
            else:
                row, column = cell
                QToolTip.showText(event.globalPos(), f"{self.rows[row]} · {self.columns[column]}: {self.cell_text(row, column)}", self)
            return True
        return super().event(event)


PAIR_COLUMNS = ("Annotator A", "Annotator B", "Documents", "Strict P", "Strict R", "Strict F1", "Lenient F1", "Cohen's κ")
_COLOURED = {"Strict F1", "Lenient F1", "Cohen's κ"}


def pair_row(pair: dict[str, Any]) -> list[Any]:
    strict, lenient = pair["strict"], pair["lenient"]
    return [
        pair["a"], pair["b"], pair["documents"],
        strict["precision"], strict["recall"], strict["f1"], lenient["f1"], pair.get("cohen_kappa"),
    ]


def pair_matrix(report: dict[str, Any], measure: str = "strict") -> tuple[list[str], list[list[float | None]]]:
    """Annotator x annotator F1 (symmetric); the diagonal is 1 by definition."""
    names = list(report["annotators"])
    index = {name: i for i, name in enumerate(names)}
    matrix: list[list[float | None]] = [[1.0 if i == j else None for j in names] for i in names]
    for pair in report["pairs"]:
        a, b = index.get(pair["a"]), index.get(pair["b"])
        if a is None or b is None:
            continue
        matrix[a][b] = matrix[b][a] = pair[measure]["f1"]
    return names, matrix


def label_matrix(report: dict[str, Any]) -> tuple[list[str], list[str], list[list[float | None]]]:
    labels = list(report["by_label"])
    values = [[report["by_label"][lb].get("strict_f1"), report["by_label"][lb].get("lenient_f1")] for lb in labels]
    return labels, ["Strict F1", "Lenient F1"], values


RELATION_COLUMNS = ("A (reference)", "B", "Relation label", "Relations", "Strict P", "Strict R", "Strict F1",
                    "Lenient P", "Lenient R", "Lenient F1")


def relation_rows(report: dict[str, Any]) -> list[list[Any]]:
    """One row per annotator pair (all relation labels), then one per pair and relation label."""
    rows = []
    for pair in report.get("relations", {}).get("pairs", []):
        parts = [("all", pair["strict"], pair["lenient"])]
        parts += [(label, scores["strict"], scores["lenient"]) for label, scores in pair["by_label"].items()]
        for label, strict, lenient in parts:
            rows.append([pair["a"], pair["b"], label, str(strict["reference"] + strict["predicted"]),
                         strict["precision"], strict["recall"], strict["f1"],
                         lenient["precision"], lenient["recall"], lenient["f1"]])
    return rows


ATTRIBUTE_COLUMNS = ("Annotator A", "Annotator B", "Attribute", "Matched spans", "Same value", "Cohen's κ")


def attribute_rows(report: dict[str, Any]) -> list[list[Any]]:
    """One row per annotator pair and attribute (``claim.certainty``): kappa over the matched spans with a value."""
    return [[pair["a"], pair["b"], name, str(score["items"]), str(score["agreed"]), score["kappa"]]
            for pair in report.get("attributes", {}).get("pairs", []) for name, score in pair["by_attribute"].items()]


def summary_text(report: dict[str, Any]) -> str:
    alpha = report.get("krippendorff_alpha")
    return (
        f"{counted(len(report['annotators']), 'annotator')} · {counted(report['documents'], 'document')} · "
        f"Krippendorff's α = {format_score(alpha)}"
    )


class AgreementDialog(QDialog):
    """Shows one agreement report; nothing here computes a number."""

    def __init__(self, report: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Agreement")
        self.report = report
        self.summary = QLabel(summary_text(report))
        self.summary.setObjectName("agreementSummary")
        self.pairs_table = self._build_pairs_table(report)
        self.pair_heatmap = HeatmapView()
        names, matrix = pair_matrix(report)
        self.pair_heatmap.set_data(names, names, matrix)
        self.label_heatmap = HeatmapView()
        self.label_heatmap.set_data(*label_matrix(report))
        self.relations_table = self._build_table(RELATION_COLUMNS, relation_rows(report))
        self.relations_table.setObjectName("relationAgreement")
        self.attributes_table = self._build_table(ATTRIBUTE_COLUMNS, attribute_rows(report))
        self.attributes_table.setObjectName("attributeAgreement")
        self._layout()

    def _layout(self) -> None:
        pairs_box = QGroupBox("Pairs of annotators")
        QVBoxLayout(pairs_box).addWidget(self.pairs_table)
        matrix_box = QGroupBox("Strict F1 between annotators")
        QVBoxLayout(matrix_box).addWidget(self.pair_heatmap)
        labels_box = QGroupBox("Agreement per label")
        QVBoxLayout(labels_box).addWidget(self.label_heatmap)
        heatmaps = QHBoxLayout()
        heatmaps.addWidget(matrix_box)
        heatmaps.addWidget(labels_box)
        heatmaps.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(pairs_box, 1)
        layout.addLayout(heatmaps)
        relations_box = QGroupBox("Relations (strict: the same spans at both ends; lenient: overlapping ends)")
        QVBoxLayout(relations_box).addWidget(self.relations_table)
        layout.addWidget(relations_box, 1)
        attributes_box = QGroupBox("Attributes (Cohen's κ over matched spans where either annotator gave a value)")
        QVBoxLayout(attributes_box).addWidget(self.attributes_table)
        layout.addWidget(attributes_box, 1)
        layout.addWidget(buttons)
        self.resize(820, 560)

    def _build_pairs_table(self, report: dict[str, Any]) -> QTableWidget:
        return self._build_table(PAIR_COLUMNS, [pair_row(pair) for pair in report["pairs"]])

    def _build_table(self, columns: Sequence[str], rows: list[list[Any]]) -> QTableWidget:
        table = QTableWidget(len(rows), len(columns))
        table.setHorizontalHeaderLabels(list(columns))
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                table.setItem(row, column, self._cell(columns[column], value))
        return table

    @staticmethod
    def _cell(column: str, value: Any) -> QTableWidgetItem:
        if isinstance(value, str):
            return QTableWidgetItem(value)
        if isinstance(value, int) and not isinstance(value, bool) and column == "Documents":
            item = QTableWidgetItem(str(value))
        else:
            item = QTableWidgetItem(format_score(value))
            item.setData(Qt.ItemDataRole.UserRole, value)
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if column in _COLOURED:
            background = score_color(value)
            item.setBackground(background)
            item.setForeground(text_color_on(background))
        return item


def agreement_dialog_for(project: Any, annotators: Sequence[str] | None = None, parent: QWidget | None = None) -> AgreementDialog:
    """Compute the report for ``annotators`` (all when None) and wrap it in a dialog."""
    from annotator.store.review import project_agreement

    return AgreementDialog(project_agreement(project, list(annotators) if annotators else None), parent)
