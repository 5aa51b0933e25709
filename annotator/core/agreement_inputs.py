"""What an agreement computation takes, and its error: kept apart from ``agreement`` so that
the window and the store can name them without loading numpy (~0.1 s) at start-up."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


class AgreementError(ValueError):
    """Agreement cannot be computed on this selection; the message says why."""


SpanKey = tuple[int, int, str]  # start, end, label
RelationInput = tuple[SpanKey, SpanKey, str]  # head span, child span, relation label


@dataclass(frozen=True)
class DocumentInput:
    doc_id: int
    text: str
    # Annotators who did this document -> their spans as (start, end, label), code points.
    spans: Mapping[str, Sequence[tuple[int, int, str]]]
    title: str = ""
    # The same annotators -> their relations (head span, child span, relation label).
    relations: Mapping[str, Sequence[RelationInput]] = field(default_factory=dict)
    # The same annotators -> their spans' attribute values: span -> {attribute name: value}.
    attributes: Mapping[str, Mapping[SpanKey, Mapping[str, Any]]] = field(default_factory=dict)


@dataclass(frozen=True)
class AgreementInputs:
    annotators: tuple[str, ...]
    documents: Sequence[DocumentInput]
    labels: tuple[str, ...] = ()  # report order; only labels that occur are reported
    label: str | None = None  # compare only this label
    notes: tuple[str, ...] = field(default=())  # passed through to the report's warnings
