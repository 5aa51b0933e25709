"""The Suggestions dock: which sources are on, the rules file, training the model, its scores
(held-out precision, recall, F1 per label) and its learning curve (F1 against documents trained on)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from annotator.core.suggest import SOURCES
from annotator.core.wording import counted

if TYPE_CHECKING:
    from annotator.ui.suggestions import Suggestions

SOURCE_BOX_TEXT = {"rules": "Rules", "dictionary": "Dictionary", "model": "Model"}


class LearningCurve(QWidget):
    """F1 (0 to 1) against the number of training documents, one point per measured size."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("learningCurve")
        self.points: list[tuple[int, float]] = []
        self.setMinimumHeight(130)

    def set_points(self, points: Sequence[tuple[int, float]]) -> None:
        self.points = list(points)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().text().color()
        metrics = painter.fontMetrics()
        left, bottom = metrics.horizontalAdvance("1.0") + 8, 2 * metrics.height() + 6
        plot = QRectF(left, 8, self.width() - left - 14, self.height() - bottom - 10)
        faint = QColor(text)
        faint.setAlpha(60)
        painter.setPen(QPen(faint, 1))
        for f1 in (0.0, 0.5, 1.0):
            y = plot.bottom() - f1 * plot.height()
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text)
            painter.drawText(QRectF(0, y - metrics.height() / 2, left - 4, metrics.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{f1:.1f}")
            painter.setPen(QPen(faint, 1))
        painter.setPen(text)
        if not self.points:
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "No model trained yet")
            return
        most = max(n for n, _ in self.points)
        def where(n: int, f1: float) -> QPointF:
            return QPointF(plot.left() + plot.width() * n / most, plot.bottom() - f1 * plot.height())
        line = QPolygonF([where(n, f1) for n, f1 in self.points])
        painter.setPen(QPen(QColor("#2a7ab9"), 2))
        painter.drawPolyline(line)
        painter.setBrush(QColor("#2a7ab9"))
        for (n, f1), point in zip(self.points, line):
            painter.drawEllipse(point, 3, 3)
            painter.setPen(text)
            painter.drawText(QRectF(point.x() - 20, plot.bottom() + 2, 40, metrics.height()),
                             Qt.AlignmentFlag.AlignCenter, str(n))
            painter.setPen(QPen(QColor("#2a7ab9"), 2))
        painter.setPen(text)
        painter.drawText(QRectF(0, self.height() - metrics.height() - 2, self.width(), metrics.height()),
                         Qt.AlignmentFlag.AlignCenter, "F1 by documents trained on")


class SuggestionsPanel(QWidget):
    def __init__(self, owner: Suggestions) -> None:
        super().__init__()
        self.setObjectName("suggestionsPanel")
        self.owner = owner
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.count = QLabel("No suggestions")
        self.count.setObjectName("suggestionCount")
        keys = QLabel("<small>. , step · = accept · a label's key: accept as it · - reject · + accept all of "
                      "its label</small>")
        keys.setWordWrap(True)
        layout.addWidget(self.count)
        layout.addWidget(keys)
        row = QHBoxLayout()
        self.sources: dict[str, QCheckBox] = {}
        for source in SOURCES:
            box = QCheckBox(SOURCE_BOX_TEXT[source])
            box.setObjectName(f"sourceBox_{source}")
            box.clicked.connect(lambda on, source=source: owner.set_source(source, on))
            self.sources[source] = box
            row.addWidget(box)
        layout.addLayout(row)
        buttons = QHBoxLayout()
        self.rules_button = QPushButton("Open rules file")
        self.rules_button.clicked.connect(owner.open_rules_file)
        self.train_button = QPushButton("Train model now")
        self.train_button.setObjectName("trainModel")
        self.train_button.clicked.connect(owner.train_now)
        buttons.addWidget(self.rules_button)
        buttons.addWidget(self.train_button)
        layout.addLayout(buttons)
        self.message = QLabel()
        self.message.setObjectName("modelMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.scores = QTableWidget(0, 4)
        self.scores.setObjectName("modelScores")
        self.scores.setHorizontalHeaderLabels(["Label", "P", "R", "F1"])
        self.scores.verticalHeader().hide()
        self.scores.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.scores.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.scores)
        self.curve = LearningCurve()
        layout.addWidget(self.curve, 1)

    def show_sources(self, on: Sequence[str]) -> None:
        for source, box in self.sources.items():
            box.setChecked(source in on)

    def show_count(self, count: int, *, computing: bool = False) -> None:
        if computing:
            self.count.setText(f"{counted(count, 'suggestion')} so far (the rest of the document is being read)")
            return
        self.count.setText(f"{counted(count, 'suggestion')} in this document" if count
                           else "No suggestions in this document")

    def show_message(self, text: str) -> None:
        self.message.setText(text)

    def show_report(self, report: dict[str, Any] | None, problem: str | None) -> None:
        """The newest model's held-out scores and learning curve (or what the model needs)."""
        rows: list[tuple[str, dict[str, Any]]] = []
        if report is not None:
            scores = report["held_out_scores"]
            rows = [*scores["by_label"].items(), ("(all)", scores["all"])]
            self.show_message(f"Model of {report['created'][:16].replace('T', ' ')}: trained on "
                              f"{counted(report['trained_on'], 'document')}, measured on {report['held_out']:,} held out.")
        elif problem:
            self.show_message(problem)
        else:
            self.show_message("No model yet: it trains on the documents marked done (at least 5).")
        self.scores.setRowCount(len(rows))
        for number, (label, row) in enumerate(rows):
            cells = [label, *(_score(row.get(key)) for key in ("precision", "recall", "f1"))]
            for column, cell in enumerate(cells):
                self.scores.setItem(number, column, QTableWidgetItem(cell))
        height = self.scores.horizontalHeader().height() + sum(self.scores.rowHeight(n) for n in range(len(rows)))
        self.scores.setFixedHeight(height + 2 * self.scores.frameWidth())
        curve = report["learning_curve"] if report is not None else []
        self.curve.set_points([(point["documents"], point["f1"]) for point in curve])


def _score(value: object) -> str:
    return "-" if value is None else f"{float(value):.2f}"  # type: ignore[arg-type]
