"""File > Export: choose a format (from the registry), filters and a destination; preview, run, summary.

The work is ``annotator.io.exporting.export_project``; this dialog only collects
its options, feeds its ``progress``/``cancelled`` callbacks (events are processed
at each progress report, a few times a second, so Cancel stays clickable; the
export asks ``cancelled`` before every record) and shows its summary.
Format-specific options are shown for the formats that list them; no format
name is switched on. The preview reads only the first record and is refreshed
once the options stop changing (a single-shot timer), never on every click.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import DOC_STATUSES, GOLD_ANNOTATOR
from annotator.core.wording import counted
from annotator.io.exporters._base import INCLUDE, LEAVE_OUT, NEGATIVE, OPTION_HELP, write_report
from annotator.io.exporting import ExportError, ExportOptions, export_project, parse_split, preview_text
from annotator.io.registry import exporters
from annotator.store import Project, ProjectError
from annotator.store.export_queries import known_labels
from annotator.ui.folders import last_folder, remember_folder


def _checklist(names: list[str]) -> QListWidget:
    widget = QListWidget()
    widget.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    for name in names:
        item = QListWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        widget.addItem(item)
    widget.setMaximumHeight(90)
    return widget


def _checked(widget: QListWidget) -> tuple[str, ...]:
    return tuple(
        widget.item(i).text() for i in range(widget.count()) if widget.item(i).checkState() == Qt.CheckState.Checked
    )


UNTOUCHED_TEXT = {
    LEAVE_OUT: "Leave out",
    INCLUDE: "Include, as not annotated",
    NEGATIVE: "Include, as documents without entities",
}
PREVIEW_DELAY_MS = 200  # quiet time after the last change before the preview is read again


class ExportDialog(QDialog):
    progressed = Signal(int, int)  # records done, total (for tests and observers)
    finished_export = Signal(list)  # the summary lines
    preview_updated = Signal()  # the preview was read again

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle("Export training data")
        self._cancel_requested = False
        self._running = False
        self._report: list[str] = []  # the last export's report lines (spans not written exactly)
        self._report_beside = Path()
        self.formats = exporters()
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.update_preview)
        layout = QVBoxLayout(self)
        layout.addWidget(self._format_box())
        layout.addWidget(self._filter_box())
        layout.addWidget(self._destination_box())
        self.preview = QPlainTextEdit(readOnly=True)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.preview.setMinimumHeight(120)
        layout.addWidget(QLabel("Preview of the first record:"))
        layout.addWidget(self.preview)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        layout.addLayout(self._buttons())
        self._format_changed()
        self.update_preview()  # the first one at once: the dialog opens with it

    # ------------------------------------------------------------------ building
    def _format_box(self) -> QGroupBox:
        box = QGroupBox("Format")
        form = QFormLayout(box)
        self.format_combo = QComboBox()
        for name in sorted(self.formats):
            self.format_combo.addItem(self.formats[name].title, name)
        self.format_combo.setCurrentIndex(max(0, self.format_combo.findData("jsonl")))
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        form.addRow("&Format:", self.format_combo)
        self.option_widgets: dict[str, QWidget] = {
            "lang": QLineEdit("en"),
            "spans_key": QLineEdit("annotator"),
            "strict": QCheckBox("Fail on any span not written exactly as stored"),
            "sentences": QCheckBox("Blank line after each sentence"),
            "offsets": QComboBox(),
            "tokens": QCheckBox("Write tokens (token_start/token_end and each document's tokens)"),
        }
        self.option_widgets["tokens"].setChecked(True)
        self.option_widgets["offsets"].addItems(["codepoints", "utf16"])
        self.option_rows: dict[str, QLabel] = {}
        for name, widget in self.option_widgets.items():
            widget.setToolTip(OPTION_HELP.get(name, ""))
            label = QLabel(name.replace("_", " ").capitalize() + ":")
            self.option_rows[name] = label
            form.addRow(label, widget)
            self._connect_refresh(widget)
        return box

    def _filter_box(self) -> QGroupBox:
        box = QGroupBox("Records")
        form = QFormLayout(box)
        self.annotator_list = _checklist(self.project.annotators())
        self.status_list = _checklist(list(DOC_STATUSES))
        self.label_list = _checklist(known_labels(self.project))
        for widget in (self.annotator_list, self.status_list, self.label_list):
            widget.itemChanged.connect(self._refresh_preview)
        form.addRow("Annotators (none: all):", self.annotator_list)
        form.addRow("Statuses (none: all):", self.status_list)
        form.addRow("Labels (none: all):", self.label_list)
        self.gold_check = QCheckBox(f"Only the reviewed layer ({GOLD_ANNOTATOR})")
        self.gold_check.toggled.connect(self.annotator_list.setDisabled)
        self.gold_check.toggled.connect(self._refresh_preview)
        form.addRow("", self.gold_check)
        self.untouched_combo = QComboBox()
        self.untouched_combo.setToolTip(OPTION_HELP["untouched"])
        self.untouched_combo.currentIndexChanged.connect(self._refresh_preview)
        form.addRow("&Untouched records:", self.untouched_combo)
        split_row = QHBoxLayout()
        self.split_edit = QLineEdit()
        self.split_edit.setPlaceholderText("e.g. train=0.8,dev=0.1,test=0.1 (empty: one file)")
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        split_row.addWidget(self.split_edit, 1)
        split_row.addWidget(QLabel("Seed:"))
        split_row.addWidget(self.seed_spin)
        split_label = QLabel("&Split by document:")  # a label with a buddy shows S underlined, not "&Split"
        split_label.setBuddy(self.split_edit)
        form.addRow(split_label, split_row)
        return box

    def _destination_box(self) -> QGroupBox:
        box = QGroupBox("Destination")
        row = QHBoxLayout(box)
        self.destination = QLineEdit()
        self.browse_button = QPushButton("&Browse...")
        self.browse_button.clicked.connect(self._browse)
        row.addWidget(self.destination, 1)
        row.addWidget(self.browse_button)
        return box

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addStretch(1)
        self.export_button = QPushButton("&Export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.run_export)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self._request_cancel)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        self.report_button = QPushButton("Save &report...")
        self.report_button.setToolTip("One line per span not written exactly as stored: document, span, why")
        self.report_button.setVisible(False)
        self.report_button.clicked.connect(self._save_report)
        for button in (self.report_button, self.export_button, self.cancel_button, self.close_button):
            row.addWidget(button)
        return row

    def _connect_refresh(self, widget: QWidget) -> None:
        for signal_name in ("editingFinished", "toggled", "currentIndexChanged"):
            signal = getattr(widget, signal_name, None)
            if signal is not None:
                signal.connect(self._refresh_preview)

    # ------------------------------------------------------------------ state
    @property
    def exporter(self):  # noqa: ANN201 - an exporter object from the registry
        return self.formats[self.format_combo.currentData()]

    def _format_changed(self) -> None:
        wanted = set(self.exporter.options)
        for name, widget in self.option_widgets.items():
            widget.setVisible(name in wanted)
            self.option_rows[name].setVisible(name in wanted)
        self._fill_untouched_choices()
        self._refresh_preview()

    def _fill_untouched_choices(self) -> None:
        """The choices the format offers for records with no span that nobody marked done, its default first."""
        exporter = self.exporter
        combo = self.untouched_combo
        combo.blockSignals(True)
        combo.clear()
        for choice in sorted(exporter.untouched_choices, key=lambda c: c != exporter.untouched_default):
            combo.addItem(UNTOUCHED_TEXT[choice] + (" (default)" if choice == exporter.untouched_default else ""), choice)
        combo.blockSignals(False)

    def options(self) -> ExportOptions:
        """The export the dialog describes; ValueError for a malformed split."""
        split_text = self.split_edit.text().strip()
        widgets = self.option_widgets
        return ExportOptions(
            format=self.format_combo.currentData(),
            annotators=() if self.gold_check.isChecked() else _checked(self.annotator_list),
            statuses=_checked(self.status_list),
            labels=_checked(self.label_list),
            gold=self.gold_check.isChecked(),
            split=parse_split(split_text) if split_text else None,
            seed=self.seed_spin.value(),
            lang=widgets["lang"].text().strip() or "en",
            spans_key=widgets["spans_key"].text().strip() or "annotator",
            strict=widgets["strict"].isChecked(),
            sentences=widgets["sentences"].isChecked(),
            offsets=widgets["offsets"].currentText(),
            untouched=self.untouched_combo.currentData(),
            tokens=widgets["tokens"].isChecked(),
        )

    def _refresh_preview(self, *_args: object) -> None:
        """Read the preview again once the options have been still for PREVIEW_DELAY_MS."""
        self._preview_timer.start()

    def update_preview(self) -> None:
        self._preview_timer.stop()
        try:
            self.preview.setPlainText(preview_text(self.project, self.options()))
        except (ExportError, ValueError, ProjectError) as exc:
            self.preview.setPlainText(f"(nothing to preview: {exc})")
        self.preview_updated.emit()

    def _browse(self) -> None:
        exporter = self.exporter
        if exporter.layout == "folder":
            chosen = QFileDialog.getExistingDirectory(self, "Export to folder", last_folder(self))
        else:
            pattern = f"{exporter.title} (*{exporter.suffix});;All files (*)"
            start = str(Path(last_folder(self)) / f"export{exporter.suffix}")
            chosen, _ = QFileDialog.getSaveFileName(self, "Export to file", start, pattern)
        if chosen:
            remember_folder(self, chosen)
            self.destination.setText(chosen)

    # ------------------------------------------------------------------ running
    def _request_cancel(self) -> None:
        self._cancel_requested = True

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        self.progressed.emit(done, total)
        QApplication.processEvents()

    def _cancelled(self) -> bool:
        return self._cancel_requested  # asked before every record: no event processing here

    def _show(self, lines: list[str], error: bool = False) -> None:
        self.summary.setStyleSheet("color: #b00020;" if error else "")
        self.summary.setText("\n".join(lines))
        self.finished_export.emit(lines)

    def run_export(self) -> None:
        if self._running:
            return
        target = self.destination.text().strip()
        if not target:
            self._show(["Choose a destination first."], error=True)
            return
        try:
            options = self.options()
        except ValueError as exc:
            self._show([f"Split: {exc}"], error=True)
            return
        self._set_running(True)
        self._report = []
        try:
            summary = export_project(self.project, options, Path(target), progress=self._on_progress,
                                     cancelled=self._cancelled)
        except (ExportError, OSError, ProjectError) as exc:
            self._show([f"Export failed: {exc}", "Nothing was written."], error=True)
        else:
            self._report, self._report_beside = summary.report, Path(target)
            self._show(summary.lines())
        finally:
            self._set_running(False)
            self.report_button.setVisible(bool(self._report))

    def _save_report(self) -> None:
        """Write the last export's report where the user says (offered beside the output)."""
        suggested = str(self._report_beside.with_name(f"{self._report_beside.stem}.report.tsv"))
        chosen, _ = QFileDialog.getSaveFileName(self, "Save export report", suggested,
                                                "Tab-separated values (*.tsv);;All files (*)")
        if chosen:
            try:
                write_report(Path(chosen), self._report)
            except OSError as exc:
                self._show([f"Report not saved: {exc}"], error=True)
                return
            self.summary.setText(f"{self.summary.text()}\n  report of {counted(len(self._report), 'span')}: {chosen}")

    def _set_running(self, running: bool) -> None:
        self._running = running
        self._cancel_requested = False
        self.progress.setVisible(running or self.progress.isVisible())
        self.cancel_button.setEnabled(running)
        for widget in (self.export_button, self.close_button, self.browse_button, self.format_combo):
            widget.setEnabled(not running)

    def reject(self) -> None:
        if self._running:  # Escape during an export cancels it instead of closing under it
            self._request_cancel()
            return
        super().reject()

    def done(self, result: int) -> None:
        # A preview still waiting would read the project after its owner may have closed it.
        self._preview_timer.stop()
        super().done(result)
