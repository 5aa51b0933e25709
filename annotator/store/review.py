"""Queries for reviewing and measuring agreement, and the gold layer's writes.

Gold spans are spans of the reserved annotator ``GOLD_ANNOTATOR`` with origin
"gold" and ``reviewer`` set to who accepted them. The gold layer counts as
having done a document once the document's review status is "reviewed" (or a
"done" status was recorded for it, e.g. merged from a colleague).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from annotator.core.agreement_inputs import AgreementError, AgreementInputs, DocumentInput
from annotator.core.model import GOLD_ANNOTATOR, Span
from annotator.core.span_rows import SpanRows
from annotator.store.project import Project
from annotator.store.rows import SPAN_COLUMNS, now, span_from_row


# ------------------------------------------------------------------ queries
def done_documents(project: Project, annotators: Sequence[str], *, doc_id: int | None = None) -> dict[int, set[str]]:
    """Document id -> which of ``annotators`` did it (marked it done); all documents or just ``doc_id``."""
    names = json.dumps(list(annotators))
    only = "" if doc_id is None else " AND doc_id = ?"
    extra = [] if doc_id is None else [doc_id]
    done: dict[int, set[str]] = {}
    for found, name in project.conn.execute(
        "SELECT doc_id, annotator FROM doc_status WHERE status = 'done'"
        " AND annotator IN (SELECT value FROM json_each(?))" + only,
        [names, *extra],
    ):
        done.setdefault(found, set()).add(name)
    if GOLD_ANNOTATOR in annotators:
        for (found,) in project.conn.execute("SELECT doc_id FROM review_status WHERE status = 'reviewed'" + only, extra):
            done.setdefault(found, set()).add(GOLD_ANNOTATOR)
    return done


def annotators_who_did(project: Project, doc_id: int, annotators: Sequence[str]) -> set[str]:
    """Which of ``annotators`` marked document ``doc_id`` done (the same rule as ``done_documents``)."""
    return done_documents(project, annotators, doc_id=doc_id).get(doc_id, set())


def annotators_with_done_documents(project: Project) -> list[str]:
    """Annotators (not gold) who marked at least one document done."""
    return [
        r[0]
        for r in project.conn.execute(
            "SELECT DISTINCT annotator FROM doc_status WHERE status = 'done' AND annotator != ? ORDER BY annotator",
            [GOLD_ANNOTATOR],
        )
    ]


def spans_by_annotator(project: Project, doc_id: int, annotators: Sequence[str]) -> dict[str, list[Span]]:
    """The spans of each named annotator in a document, in text order (input of find_disagreements)."""
    by: dict[str, list[Span]] = {name: [] for name in annotators}
    for span in project.spans(doc_id, list(annotators)):
        by[span.annotator].append(span)
    return by


# --------------------------------------------------------------------- gold
def add_gold_spans(project: Project, doc_id: int, spans: Sequence[tuple[int, int, str]], reviewer: str) -> list[Span]:
    """Accept spans into the gold layer in one transaction; ones gold already has are skipped.

    Returns the spans created (with their ids) so that the caller can undo with delete_spans.
    """
    reviewer = reviewer.strip()
    if not reviewer:
        raise ValueError("gold spans need the reviewer's name")
    created: list[Span] = []
    stamp = now()
    with project.transaction():
        for start, end, label in dict.fromkeys(spans):
            project._check_span(doc_id, start, end, label)
            if project.has_span(doc_id, start, end, label, GOLD_ANNOTATOR):
                continue
            cursor = project.conn.execute(
                "INSERT INTO spans (doc_id, start, [end], label, annotator, origin, reviewer, created, updated)"
                " VALUES (?, ?, ?, ?, ?, 'gold', ?, ?, ?)",
                [doc_id, start, end, label, GOLD_ANNOTATOR, reviewer, stamp, stamp],
            )
            created.append(Span(int(cursor.lastrowid), doc_id, start, end, label, GOLD_ANNOTATOR, "gold", None, reviewer, stamp, stamp))
        if created:
            project.record_annotators([GOLD_ANNOTATOR], stamp)
    return created


def gold_spans(project: Project, doc_id: int) -> SpanRows:
    return project.spans(doc_id, GOLD_ANNOTATOR)


def delete_spans(project: Project, ids: Iterable[int]) -> list[Span]:
    """Delete spans in one transaction; returns them (ids included) so restore_spans can undo."""
    ids = list(dict.fromkeys(ids))
    with project.transaction():
        deleted = [
            span_from_row(r)
            for r in project.conn.execute(
                f"SELECT {SPAN_COLUMNS} FROM spans WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
                [json.dumps(ids)],
            )
        ]
        project.conn.execute("DELETE FROM spans WHERE id IN (SELECT value FROM json_each(?))", [json.dumps(ids)])
    return deleted


def restore_spans(project: Project, spans: Iterable[Span]) -> None:
    """Put deleted spans back with their ids, in one transaction (undo of delete_spans)."""
    with project.transaction():
        for span in spans:
            project._check_span(span.doc_id, span.start, span.end, span.label)
            project._insert_span_row(span)


# ---------------------------------------------------------------- agreement
def _selection(project: Project, annotators: Sequence[str] | None, label: str | None) -> tuple[list[str], str | None]:
    known = project.annotators(include_gold=True)
    if annotators is None:
        names = annotators_with_done_documents(project)
        if len(names) < 2:
            raise AgreementError(
                "agreement needs at least two annotators who marked documents done"
                f" (found: {', '.join(names) or 'none'})"
            )
    else:
        names = list(dict.fromkeys(a.strip() for a in annotators if a.strip()))
        unknown = [a for a in names if a not in known]
        if unknown:
            raise AgreementError(
                f"unknown annotator {', '.join(unknown)}; known: {', '.join(known) or 'none'}"
            )
        if len(names) < 2:
            raise AgreementError(f"agreement needs at least two annotators (selected: {', '.join(names) or 'none'})")
    labels = [lb.name for lb in project.labels()]
    if label is not None and label not in labels:
        raise AgreementError(f"unknown label {label!r}; labels: {', '.join(labels)}")
    return names, label


def agreement_inputs(
    project: Project, annotators: Sequence[str] | None = None, label: str | None = None, *, doc_ids: Iterable[int] | None = None
) -> AgreementInputs:
    """Plain data for core.agreement: the documents done by at least two of the annotators.

    ``annotators`` defaults to everybody (not gold) who marked a document done.
    Unknown names or labels and fewer than two annotators raise AgreementError.
    """
    names, label = _selection(project, annotators, label)
    done = done_documents(project, names)
    wanted = {d for d, who in done.items() if len(who) >= 2}
    if doc_ids is not None:
        wanted &= set(doc_ids)
    ids = json.dumps(sorted(wanted))
    # One small indexed query per (document, annotator) hands back ready-made tuples:
    # faster than grouping one big result row by row in Python.
    sql = "SELECT start, [end], label FROM spans WHERE doc_id = ? AND annotator = ?"
    if label is not None:
        sql += " AND label = ?"
    extra = [label] if label is not None else []
    documents = [
        DocumentInput(
            doc_id,
            text,
            {name: project.conn.execute(sql, [doc_id, name, *extra]).fetchall() for name in names if name in done[doc_id]},
            title or "",
        )
        for doc_id, title, text in project.conn.execute(
            "SELECT id, title, text FROM documents WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id", [ids]
        ).fetchall()
    ]
    return AgreementInputs(tuple(names), documents, tuple(lb.name for lb in project.labels()), label)


# core.agreement (numpy) is imported when agreement is computed, not when the window starts.
def project_agreement(project: Project, annotators: Sequence[str] | None = None, label: str | None = None) -> dict[str, Any]:
    from annotator.core.agreement import agreement_report

    return agreement_report(agreement_inputs(project, annotators, label))


def document_agreement(project: Project, doc_id: int, annotators: Sequence[str] | None = None) -> dict[str, Any] | None:
    """Agreement on one document (its per_document row), or None when fewer than two did it."""
    from annotator.core.agreement import agreement_report

    inputs = agreement_inputs(project, annotators, doc_ids=[doc_id])
    if not inputs.documents:
        return None
    rows = agreement_report(inputs)["per_document"]
    return rows[0] if rows else None


def review_list(project: Project, annotators: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Documents done by at least two annotators, least agreement first, with their review status.

    Each row: doc_id, title, annotators, agreement (mean pairwise strict span F1),
    lenient_f1, cohen_kappa, review (unreviewed / in_review / reviewed).
    """
    try:
        rows = project_agreement(project, annotators)["per_document"]
    except AgreementError:
        if annotators is not None:
            raise
        return []  # nothing to compare yet: an empty list, not an error, for the document list
    status = dict(project.conn.execute("SELECT doc_id, status FROM review_status"))
    return [{**row, "review": status.get(row["doc_id"], "unreviewed")} for row in rows]


def document_ids_by_agreement(project: Project, annotators: Sequence[str] | None = None) -> list[int]:
    """Documents done by at least two of ``annotators``, least agreement first (the ones to discuss).

    The order of ``review_list``, computed from the span figures alone (no tokenizing).
    With the default annotators, nothing to compare yet gives an empty list.
    """
    from annotator.core.agreement import document_order

    try:
        return document_order(agreement_inputs(project, annotators))
    except AgreementError:
        if annotators is not None:
            raise
        return []


def change_marker(project: Project) -> tuple[int, int]:
    """Changes when another program commits to the project or a document is added.

    ``PRAGMA data_version`` moves only with other connections' commits; edits made
    through this connection are announced by the window's change notices instead.
    """
    version = project.conn.execute("PRAGMA data_version").fetchone()[0]
    return version, project.document_count()
