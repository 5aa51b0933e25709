"""Streaming reads for exports: which (document, annotator) records a selection holds, and their spans.

Nothing here builds a list of the corpus: records and spans come from two
cursors ordered the same way (document id, then annotator name), which the
export driver walks side by side. Documents nobody annotated come out once,
with annotator ``None`` and status ``new``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from annotator.core.model import GOLD_ANNOTATOR
from annotator.store.project import Project

# (doc id, uid, title, text, meta JSON, annotator or None, status)
RecordRow = tuple[int, str, str, str, str, "str | None", str]
# (doc id, annotator, start, end, label, note)
SpanRow = tuple[int, str, int, int, str, "str | None"]


@dataclass(frozen=True)
class Selection:
    """Which records an export takes. Empty tuples mean "no filter"."""

    annotators: tuple[str, ...] = ()  # empty: every annotator except the gold layer
    statuses: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()

    @property
    def takes_unannotated(self) -> bool:
        """Documents nobody annotated come along only when no annotator was named."""
        return not self.annotators and (not self.statuses or "new" in self.statuses)


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


def _annotator_condition(selection: Selection, column: str = "annotator") -> tuple[str, list[Any]]:
    if selection.annotators:
        return f"{column} IN ({_marks(selection.annotators)})", list(selection.annotators)
    return f"{column} != ?", [GOLD_ANNOTATOR]


def _records_sql(selection: Selection, columns: str, order: str = "") -> tuple[str, list[Any]]:
    """SQL over the selected records: pairs with a span or a status row, plus unannotated documents."""
    who, who_params = _annotator_condition(selection)
    status = "coalesce(s.status, 'new')"
    keep_pair = f"{status} IN ({_marks(selection.statuses)})" if selection.statuses else "1"
    sql = f"""
        WITH pairs(doc_id, annotator) AS (
            SELECT DISTINCT doc_id, annotator FROM spans WHERE {who}
            UNION
            SELECT doc_id, annotator FROM doc_status WHERE {who}
        )
        SELECT {columns}
        FROM documents d
        LEFT JOIN pairs p ON p.doc_id = d.id
        LEFT JOIN doc_status s ON s.doc_id = p.doc_id AND s.annotator = p.annotator
        WHERE (p.annotator IS NOT NULL AND {keep_pair}) OR (p.annotator IS NULL AND ?)
        {order}"""
    params = who_params + who_params + list(selection.statuses) + [int(selection.takes_unannotated)]
    return sql, params


def iter_record_rows(project: Project, selection: Selection) -> Iterator[RecordRow]:
    """The selected records, ordered by document id then annotator name (unannotated: one row)."""
    sql, params = _records_sql(
        selection,
        "d.id, d.uid, coalesce(d.title, ''), d.text, coalesce(d.meta, '{}'), p.annotator, coalesce(s.status, 'new')",
        "ORDER BY d.id, p.annotator",
    )
    yield from project.conn.cursor().execute(sql, params)


def iter_span_rows(project: Project, selection: Selection) -> Iterator[SpanRow]:
    """Spans of the selected annotators and labels in record order; within a record by
    start, then end descending (outer before inner), then label, then note."""
    who, params = _annotator_condition(selection)
    sql = f"SELECT doc_id, annotator, start, [end], label, note FROM spans WHERE {who}"
    if selection.labels:
        sql += f" AND label IN ({_marks(selection.labels)})"
        params += list(selection.labels)
    sql += " ORDER BY doc_id, annotator, start, [end] DESC, label, coalesce(note, '')"
    yield from project.conn.cursor().execute(sql, params)


def count_selection(project: Project, selection: Selection) -> tuple[int, int, int]:
    """(records, documents, distinct annotators) the selection holds."""
    sql, params = _records_sql(selection, "count(*), count(DISTINCT d.id), count(DISTINCT p.annotator)")
    records, documents, annotators = project.conn.execute(sql, params).fetchone()
    return records, documents, annotators


def selected_document_uids(project: Project, selection: Selection) -> list[str]:
    """Uids of the documents with at least one selected record, sorted (for splitting by document)."""
    sql, params = _records_sql(selection, "DISTINCT d.uid", "ORDER BY d.uid")
    return [row[0] for row in project.conn.execute(sql, params)]


def count_selected_spans(project: Project, selection: Selection) -> int:
    """Spans of the selected annotators and labels (for the summary of an empty label filter)."""
    who, params = _annotator_condition(selection)
    sql = f"SELECT count(*) FROM spans WHERE {who}"
    if selection.labels:
        sql += f" AND label IN ({_marks(selection.labels)})"
        params += list(selection.labels)
    return project.conn.execute(sql, params).fetchone()[0]


def known_labels(project: Project) -> list[str]:
    """Label names in the project's order, then any label only spans still use, by name."""
    names = [label.name for label in project.labels()]
    listed = set(names)
    extra = [r[0] for r in project.conn.execute("SELECT DISTINCT label FROM spans ORDER BY label") if r[0] not in listed]
    return names + extra


def known_annotators(project: Project) -> list[str]:
    """Every annotator with spans or a status, the gold layer included."""
    return project.annotators(include_gold=True)
