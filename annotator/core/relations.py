"""Relations between two spans (head -> child) and the rules of the relation labels.

A relation joins two spans of the same document and annotator layer. Its label
says which span labels each end may carry: ``said_by`` goes from a quote (head)
to an actor (child). A relation that breaks its label's rule is refused with a
message saying why (``relation_problem``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from annotator.core.wording import with_article


class Relation(NamedTuple):
    id: int
    doc_id: int
    head: int  # span id
    child: int  # span id
    label: str
    annotator: str
    created: str = ""


@dataclass(frozen=True)
class RelationLabel:
    """A relation label; ``heads``/``children`` name the span labels each end may have (empty: any)."""

    name: str
    color: str  # "#rrggbb"
    hotkey: str = ""
    description: str = ""
    order: int = 0
    heads: tuple[str, ...] = ()
    children: tuple[str, ...] = ()

    def allows(self, head_label: str, child_label: str) -> bool:
        return end_problem(self, head_label, child_label) is None


DEFAULT_RELATION_LABELS: tuple[RelationLabel, ...] = (
    RelationLabel("said_by", "#cc79a7", "s", "The quote (head) was said by the actor (child).", 0, ("quote",), ("actor",)),
    RelationLabel("claimed_by", "#0072b2", "c", "The claim (head) is made by the actor (child).", 1, ("claim",), ("actor",)),
    RelationLabel("supports", "#009e73", "u", "The figure (head) backs the claim (child).", 2, ("figure",), ("claim",)),
)


def _names(labels: tuple[str, ...]) -> str:
    return " or ".join(repr(name) for name in labels)


def end_problem(label: RelationLabel, head_label: str, child_label: str) -> str | None:
    """Why a ``label`` relation may not go from a ``head_label`` span to a ``child_label`` span, or None."""
    if label.heads and head_label not in label.heads:
        return (f"{label.name!r} goes from {with_article(_names(label.heads))} span, "
                f"not from {with_article(repr(head_label))} span")
    if label.children and child_label not in label.children:
        return (f"{label.name!r} goes to {with_article(_names(label.children))} span, "
                f"not to {with_article(repr(child_label))} span")
    return None


def relation_problem(label: RelationLabel | None, name: str, head: Any, child: Any) -> str | None:
    """Why a relation ``name`` from span ``head`` to span ``child`` cannot be stored, or None.

    ``head``/``child`` are spans (anything with id, doc_id, annotator, label).
    """
    if label is None:
        return f"unknown relation label {name!r}"
    if head.id == child.id:
        return "a relation joins two different spans"
    if head.doc_id != child.doc_id:
        return "a relation joins two spans of the same document"
    if head.annotator != child.annotator:
        return (f"a relation joins two spans of one annotator layer, not {head.annotator!r}'s "
                f"and {child.annotator!r}'s")
    return end_problem(label, head.label, child.label)


def relations_touching(relations: Iterable[Relation], span_ids: set[int]) -> list[Relation]:
    """The relations with an end among ``span_ids``."""
    return [r for r in relations if r.head in span_ids or r.child in span_ids]
