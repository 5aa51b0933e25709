"""File > Import: pick files or a folder, import them with a cancellable progress dialog, report.

The work is done by ``annotator.io.importing.import_paths`` (each file one
transaction); this module only shows its progress and its report. A cancel
stops between files (or every few hundred records inside a large one): the
files already finished stay imported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QProgressDialog, QWidget

from annotator.core.wording import counted, verb
from annotator.io.importing import ImportReport, import_paths, importable_suffixes
from annotator.store import Project
from annotator.store.errors import ProjectError
from annotator.ui.folders import last_folder, remember_folder

MAX_LISTED = 10  # files named in the summary itself; the full lists go to the details

ProgressHook = Callable[[QProgressDialog, int, int, Path], None]
SummaryHook = Callable[[QMessageBox], None]
OffsetQuestion = Callable[[QWidget | None, list[Path]], "str | None"]  # -> "codepoints", "utf16" or None

_open_summaries: set[QMessageBox] = set()  # parentless boxes shown non-blocking, kept alive until closed


# ------------------------------------------------------------------ choosing
def import_file_filter() -> str:
    patterns = " ".join(f"*{suffix}" for suffix in importable_suffixes())
    return f"Importable files ({patterns});;All files (*)"


def choose_import_paths(parent: QWidget | None, folder: bool) -> list[Path]:
    """Ask for files (several allowed) or one folder; empty when the user cancels."""
    if folder:
        chosen = QFileDialog.getExistingDirectory(parent, "Import folder", last_folder(parent))
        remember_folder(parent, chosen)
        return [Path(chosen)] if chosen else []
    files, _filter = QFileDialog.getOpenFileNames(parent, "Import files", last_folder(parent), import_file_filter())
    if files:
        remember_folder(parent, files[0])
    return [Path(name) for name in files]


# ------------------------------------------------------------------ progress
class ImportProgress:
    """A QProgressDialog fed by import_paths' progress callback; its Cancel stops the import."""

    def __init__(self, parent: QWidget | None, hook: ProgressHook | None = None) -> None:
        self.dialog = QProgressDialog("Preparing the import...", "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle("Importing")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.setAutoReset(False)
        self.dialog.setAutoClose(False)
        self.hook = hook
        self.closed = False

    def progress(self, done: int, total: int, path: Path) -> None:
        self.dialog.setMaximum(max(total, 1))
        self.dialog.setValue(done)
        if done < total:
            self.dialog.setLabelText(f"Importing {path.name} ({done + 1} of {total})")
        else:
            self.dialog.setLabelText(f"Imported {counted(total, 'file')}")
        QApplication.processEvents()
        if self.hook is not None:
            self.hook(self.dialog, done, total, path)

    def cancelled(self) -> bool:
        QApplication.processEvents()
        return self.dialog.wasCanceled()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.dialog.close()
            self.dialog.deleteLater()


# ------------------------------------------------------------------- summary
def _listed(lines: list[str]) -> list[str]:
    shown = lines[:MAX_LISTED]
    if len(lines) > MAX_LISTED:
        shown.append(f"... and {len(lines) - MAX_LISTED} more (see Show Details)")
    return shown


def summary_title(report: ImportReport) -> str:
    if report.cancelled:
        return "Import cancelled"
    return "Import finished with problems" if report.failed else "Import finished"


def summary_text(report: ImportReport) -> str:
    """One paragraph a user reads first: what came in, what did not."""
    docs, spans = counted(report.documents_added, "new document"), counted(report.spans_added, "span")
    parts = [f"Imported {counted(len(report.imported), 'file')}: {docs}, {spans}."]
    if report.actors_added:
        parts.append(f"{counted(report.actors_added, 'new actor entry', 'new actor entries')} "
                     "for links (kb_id) the project did not know.")
    if report.duplicates:
        count = len(report.duplicates)
        were = verb(count, "was", "were")
        parts.append(f"{counted(count, 'document')} {were} already in the project and {were} not added again.")
    if report.failed:
        parts.append(f"{counted(len(report.failed_files), 'file')} failed and imported nothing.")
    if report.cancelled:
        parts.append(f"Cancelled: {counted(len(report.not_imported), 'file')} not imported.")
    if report.skipped:
        parts.append(f"Skipped {counted(report.skipped, 'file')} of an unknown type.")
    if report.left_out:
        parts.append(f"{counted(len(report.left_out), 'file')} held things Annotator does not keep (listed below).")
    return " ".join(parts)


def summary_lists(report: ImportReport) -> str:
    """The files by outcome, shortened; the informative text of the summary box."""
    sections: list[str] = []
    if report.imported:
        sections.append("Imported:\n" + "\n".join(_listed([f"  {p.name}" for p in report.imported])))
    if report.duplicates:
        lines = [f"  {duplicate.describe(duplicate.path.name)}" for duplicate in report.duplicates]
        sections.append("Already in the project:\n" + "\n".join(_listed(lines)))
    if report.left_out:
        lines = [f"  {line}" for line in report.left_out_lines(lambda path: path.name)]
        sections.append("Left out:\n" + "\n".join(_listed(lines)))
    if report.failed:
        reasons = {}
        for problem in report.failed:
            reasons.setdefault(problem.path, problem.message)
        lines = [f"  {p.name}: {message}" for p, message in reasons.items()]
        sections.append("Failed:\n" + "\n".join(_listed(lines)))
    if report.not_imported:
        lines = [f"  {p.name}" for p in report.not_imported]
        sections.append("Not imported (cancelled):\n" + "\n".join(_listed(lines)))
    return "\n\n".join(sections)


def summary_details(report: ImportReport) -> str:
    """Every problem as path:line: message, then the full file lists."""
    sections: list[str] = []
    if report.failed:
        sections.append("Problems:\n" + "\n".join(str(problem) for problem in report.failed))
    if report.duplicates:
        sections.append("Already in the project:\n" + "\n".join(str(d) for d in report.duplicates))
    if report.left_out:
        sections.append("Left out:\n" + "\n".join(report.left_out_lines()))
    if report.imported:
        sections.append("Imported:\n" + "\n".join(str(p) for p in report.imported))
    if report.not_imported:
        sections.append("Not imported (cancelled):\n" + "\n".join(str(p) for p in report.not_imported))
    return "\n\n".join(sections)


def build_summary(report: ImportReport, parent: QWidget | None) -> QMessageBox:
    icon = QMessageBox.Icon.Warning if report.failed else QMessageBox.Icon.Information
    box = QMessageBox(icon, summary_title(report), summary_text(report), QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("importSummary")
    box.setInformativeText(summary_lists(report))
    details = summary_details(report)
    if report.failed or report.duplicates or report.left_out:
        box.setDetailedText(details)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return box


def open_summary(box: QMessageBox) -> None:
    """Show the summary without blocking: the window stays usable behind it."""
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if box.parent() is None:
        _open_summaries.add(box)
        box.finished.connect(lambda _result: _open_summaries.discard(box))
    box.open()


# ------------------------------------------------------------ offset units
def ask_offset_unit(parent: QWidget | None, files: list[Path]) -> str | None:
    """Which unit the spans of ``files`` count in; None leaves the files out.

    Asked only when the files cannot tell: spans without their text, after an emoji,
    where Python code points and the UTF-16 units of browser tools name different characters.
    """
    names = ", ".join(path.name for path in files[:3]) + (" ..." if len(files) > 3 else "")
    box = QMessageBox(QMessageBox.Icon.Question, "Which tool made these files?",
                      f"{names}: span offsets come after emoji or other characters outside the BMP, and the "
                      "records give no span text to check them against. Browser tools count such a character "
                      "as two positions (UTF-16: doccano, Label Studio before 1.6), Python tools and Label Studio "
                      "1.6 and later as one (code points).", QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("offsetQuestion")
    codepoints = box.addButton("Python, spaCy, Prodigy, brat, Label Studio 1.6+ (code points)",
                               QMessageBox.ButtonRole.AcceptRole)
    utf16 = box.addButton("doccano, Label Studio before 1.6 (UTF-16)", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Leave them out", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return {codepoints: "codepoints", utf16: "utf16"}.get(box.clickedButton())


# --------------------------------------------------------------------- entry
def import_with_progress(
    project: Project,
    paths: Sequence[Path],
    annotator: str,
    parent: QWidget | None,
    *,
    offsets: str = "auto",
    show_summary: SummaryHook | None = None,
    on_progress: ProgressHook | None = None,
    ask_offsets: OffsetQuestion = ask_offset_unit,
) -> ImportReport | None:
    """Import ``paths`` showing progress, then a summary; None when nothing was imported at all
    (no paths given, or the project refused the write, which is shown to the user)."""
    if not paths:
        return None
    report = _import(project, list(paths), annotator, parent, offsets, on_progress)
    if report is None:
        return None
    if offsets == "auto" and report.ambiguous_files and not report.cancelled:
        unit = ask_offsets(parent, report.ambiguous_files)
        retry = _import(project, report.ambiguous_files, annotator, parent, unit, on_progress) if unit else None
        if retry is not None:
            report.absorb_retry(retry)
    (open_summary if show_summary is None else show_summary)(build_summary(report, parent))
    return report


def _import(project: Project, paths: list[Path], annotator: str, parent: QWidget | None, offsets: str,
            on_progress: ProgressHook | None) -> ImportReport | None:
    progress = ImportProgress(parent, on_progress)
    try:
        return import_paths(project, paths, annotator=annotator, offsets=offsets,
                            progress=progress.progress, cancelled=progress.cancelled)
    except ProjectError as exc:  # e.g. another Annotator holds the write lock
        progress.close()
        QMessageBox.warning(parent, "Import stopped", f"{exc.reason}.\nFiles finished before this stay imported.")
        return None
    finally:
        progress.close()
