"""What a merge did, shown as the import summary is: a dialog that stays until it is closed.

One paragraph first (how many sources went in, spans and documents added, how
many were refused), then each source's lines as ``annotator merge`` prints them
(spans per annotator, statuses, labels, documents skipped and why, notes), then
every refused source with its reason.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.core.wording import counted
from annotator.io.merge import format_summary
from annotator.store.colleague import MergeSummary


def merge_summary_text(merged: list[MergeSummary], refused: list[tuple[Path, str]]) -> str:
    spans = sum(s.spans_total for s in merged)
    documents = sum(s.documents_added for s in merged)
    present = sum(s.spans_present for s in merged)
    relations = sum(sum(s.relations_added.values()) for s in merged)
    parts = [f"Merged {counted(len(merged), 'source')}: {counted(spans, 'span')}"
             + (f" and {counted(relations, 'relation')}" if relations else "")
             + f" added, {counted(documents, 'new document')}."] if merged else []
    if present:
        parts.append(f"{counted(present, 'span')} already present (not added again).")
    if any(s.skipped for s in merged):
        # documents, spans or relations: the lines below name each with its reason
        parts.append(f"Left out: {sum(sum(s.skipped.values()) for s in merged):,} (see below for what and why).")
    if refused:
        parts.append(f"{counted(len(refused), 'source')} refused: nothing merged from "
                     + ("it." if len(refused) == 1 else "them."))
    return " ".join(parts)


def merge_summary_details(merged: list[MergeSummary], refused: list[tuple[Path, str]]) -> str:
    sections = ["\n".join(format_summary(summary)) for summary in merged]
    if refused:
        sections.append("Refused:\n" + "\n".join(f"  {path.name}: {reason}" for path, reason in refused))
    return "\n\n".join(sections)


def merge_summary_box(merged: list[MergeSummary], refused: list[tuple[Path, str]], parent: QWidget) -> QMessageBox:
    """The summary dialog (not yet open: ``open()`` it, the window stays usable behind it)."""
    problems = bool(refused) or any(s.skipped or s.notes for s in merged)  # s.info says what went right
    icon = QMessageBox.Icon.Warning if problems else QMessageBox.Icon.Information
    title = "Merge finished with problems" if problems else "Merge finished"
    box = QMessageBox(icon, title, merge_summary_text(merged, refused), QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("mergeSummary")
    box.setInformativeText(merge_summary_details(merged, refused))
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return box
