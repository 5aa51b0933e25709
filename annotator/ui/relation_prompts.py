"""Questions about relations the window asks before an edit (relabelling a linked span)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from annotator.core.model import Span
from annotator.store import Project
from annotator.ui.prompts import ask_yes_no


def ask_before_unlinking(parent: QWidget, project: Project, span: Span, label: str,
                         relabel: Callable[[bool], None]) -> None:
    """Relabel ``span`` as ``label`` at once when no relation forbids it; otherwise ask first, and on Yes
    relabel deleting the relations the new label breaks (one undo step). ``relabel(unlink)`` does the edit."""
    broken = project.relations_broken_by(span, label)
    if not broken:
        relabel(False)
        return
    reasons = "\n".join(f"• {relation.label}: {why}" for relation, why in broken[:5])
    more = f"\n… and {len(broken) - 5} more" if len(broken) > 5 else ""
    ask_yes_no(parent, "Relabel linked span",
               f"Relabelling this {span.label} span as {label} breaks {len(broken)} of its relations.",
               f"{reasons}{more}\n\nRelabel it and delete those relations? (Undo brings them back.)",
               lambda: relabel(True))
