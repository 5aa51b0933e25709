"""Streaming reads for exports: which (document, annotator) records a selection holds, and their spans.

Nothing here builds a list of the corpus: records and spans come from two
cursors ordered the same way (document id, then annotator name), which the
export driver walks side by side. Documents nobody annotated come out once,
with annotator ``None`` and status ``new``.

A record is *untouched* when it has no span and its status is not ``done``:
nobody said the document holds nothing worth labelling, so it is not a
negative example. ``Selection.untouched=False`` leaves such records out; every
record row ends with its untouched flag.

The gold layer's status is its document's review status (``REVIEW_TO_GOLD_STATUS``):
a reviewed document is a ``done`` gold record, one in review ``in_progress``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from annotator.core.model import GOLD_ANNOTATOR
from annotator.store.project import Project

# (doc id, uid, title, text, meta JSON, annotator or None, status, untouched 0/1)
RecordRow = tuple[int, str, str, str, str, "str | None", str, int]
# (doc id, annotator, start, end, label, note)
SpanRow = tuple[int, str, int, int, str, "str | None"]

# Review status of a document -> status of its gold record (unreviewed: the gold status row, else new).
REVIEW_TO_GOLD_STATUS = {"reviewed": "done", "in_review": "in_progress"}
FIRST_WINDOW = 64  # documents looked at by the first probe for the first record


@dataclass(frozen=True)
class Selection:
    """Which records an export takes. Empty tuples mean "no filter"."""

    annotators: tuple[str, ...] = ()  # empty: every annotator except the gold layer
    statuses: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    untouched: bool = True  # take records without spans that are not marked done

    @property
    def takes_unannotated(self) -> bool:
        """Documents nobody annotated come along only when no annotator was named."""
        return not self.annotators and (not self.statuses or "new" in self.statuses)

    @property
    def takes_gold(self) -> bool:
        return GOLD_ANNOTATOR in self.annotators


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# Review statuses under which a document's gold layer is a record (SQL list of literals).
_GOLD_REVIEWED = ", ".join(map(_literal, REVIEW_TO_GOLD_STATUS))


def _annotator_condition(selection: Selection, column: str = "annotator") -> tuple[str, list[Any]]:
    if selection.annotators:
        return f"{column} IN ({_marks(selection.annotators)})", list(selection.annotators)
    return f"{column} != ?", [GOLD_ANNOTATOR]


def _status_sql(annotator: str, status: str = "s.status", review: str = "r.status") -> str:
    """The record's status: for the gold layer its review status when there is one."""
    cases = " ".join(f"WHEN {_literal(k)} THEN {_literal(v)}" for k, v in REVIEW_TO_GOLD_STATUS.items())
    return (f"coalesce(CASE WHEN {annotator} = {_literal(GOLD_ANNOTATOR)} THEN CASE {review} {cases} END END,"
            f" {status}, 'new')")


# A pair without a span whose status is not done (an unannotated document has no pair: always untouched).
_UNTOUCHED = (f"(p.annotator IS NULL OR ({_status_sql('p.annotator')} != 'done' AND NOT EXISTS"
              " (SELECT 1 FROM spans x WHERE x.doc_id = p.doc_id AND x.annotator = p.annotator)))")


def _records_sql(selection: Selection, columns: str, order: str = "",
                 doc_range: tuple[int, int] | None = None) -> tuple[str, list[Any]]:
    """SQL over the selected records: pairs with a span, a status row or (gold) a review
    status, plus unannotated documents; ``doc_range`` limits it to documents lo..hi."""
    # Over a range of documents the doc_id indexes must lead: "+annotator" keeps SQLite off the annotator index.
    who, who_params = _annotator_condition(selection, "+annotator" if doc_range else "annotator")
    within, within_params = (" AND doc_id BETWEEN ? AND ?", list(doc_range)) if doc_range else ("", [])
    arms = [f"SELECT DISTINCT doc_id, annotator FROM spans WHERE {who}{within}",
            f"SELECT doc_id, annotator FROM doc_status WHERE {who}{within}"]
    params = who_params + within_params + who_params + within_params
    if selection.takes_gold:
        arms.append(f"SELECT doc_id, {_literal(GOLD_ANNOTATOR)} FROM review_status"
                    f" WHERE status IN ({_GOLD_REVIEWED}){within}")
        params += within_params
    status = _status_sql("p.annotator")
    keep_pair = f"{status} IN ({_marks(selection.statuses)})" if selection.statuses else "1"
    if not selection.untouched:
        keep_pair = f"({keep_pair}) AND NOT {_UNTOUCHED}"
    union = "\n            UNION\n            ".join(arms)
    sql = f"""
        WITH pairs(doc_id, annotator) AS (
            {union}
        )
        SELECT {columns}
        FROM documents d
        LEFT JOIN pairs p ON p.doc_id = d.id
        LEFT JOIN doc_status s ON s.doc_id = p.doc_id AND s.annotator = p.annotator
        LEFT JOIN review_status r ON r.doc_id = p.doc_id
        WHERE ((p.annotator IS NOT NULL AND {keep_pair}) OR (p.annotator IS NULL AND ? AND ?))
        {"AND d.id BETWEEN ? AND ?" if doc_range else ""}
        {order}"""
    params += list(selection.statuses) + [int(selection.takes_unannotated), int(selection.untouched)] + within_params
    return sql, params


_RECORD_COLUMNS = ("d.id, d.uid, coalesce(d.title, ''), d.text, coalesce(d.meta, '{}'), p.annotator, "
                   + _status_sql("p.annotator") + f", {_UNTOUCHED}")


def iter_record_rows(project: Project, selection: Selection) -> Iterator[RecordRow]:
    """The selected records, ordered by document id then annotator name (unannotated: one row)."""
    sql, params = _records_sql(selection, _RECORD_COLUMNS, "ORDER BY d.id, p.annotator")
    yield from project.conn.cursor().execute(sql, params)


def first_record_row(project: Project, selection: Selection) -> RecordRow | None:
    """The first selected record, found without reading the whole corpus.

    Looks at growing windows of document ids (64, 256, ...), so the common case
    reads a few dozen documents and the worst case about as much as a full pass.
    """
    lowest, highest = project.conn.execute("SELECT min(id), max(id) FROM documents").fetchone()
    if lowest is None:
        return None
    low, width = lowest, FIRST_WINDOW
    while low <= highest:
        high = low + width - 1
        sql, params = _records_sql(selection, _RECORD_COLUMNS, "ORDER BY d.id, p.annotator LIMIT 1", (low, high))
        row = project.conn.execute(sql, params).fetchone()
        if row is not None:
            return row
        low, width = high + 1, width * 4
    return None


def iter_span_rows(project: Project, selection: Selection, *, doc_id: int | None = None,
                   annotator: str | None = None) -> Iterator[SpanRow]:
    """Spans of the selected annotators and labels in record order; within a record by
    start, then end descending (outer before inner), then label, then note.
    ``doc_id`` and ``annotator`` narrow it to one record."""
    who, params = _annotator_condition(selection)
    sql = (f"SELECT doc_id, annotator, start, [end], label, note, {_attributes_column(project)},"
           f" {_actor_column(project)} FROM spans WHERE {who}")
    if selection.labels:
        sql += f" AND label IN ({_marks(selection.labels)})"
        params += list(selection.labels)
    if doc_id is not None:
        sql += " AND doc_id = ? AND annotator = ?"
        params += [doc_id, annotator]
    sql += " ORDER BY doc_id, annotator, start, [end] DESC, label, coalesce(note, '')"
    yield from project.conn.cursor().execute(sql, params)


# doc_id, annotator, head (start, end, label), child (start, end, label), relation label
RelationRow = tuple[int, str, int, int, str, int, int, str, str]


def iter_relation_rows(project: Project, selection: Selection, *, doc_id: int | None = None,
                       annotator: str | None = None) -> Iterator[RelationRow]:
    """Relations of the selected annotators in record order (then by id), each end as (start, end, label)."""
    who, params = _annotator_condition(selection, "r.annotator")
    sql = ("SELECT r.doc_id, r.annotator, h.start, h.[end], h.label, c.start, c.[end], c.label, r.label"
           f" FROM relations r JOIN spans h ON h.id = r.head JOIN spans c ON c.id = r.tail WHERE {who}")
    if doc_id is not None:
        sql += " AND r.doc_id = ? AND r.annotator = ?"
        params += [doc_id, annotator]
    sql += " ORDER BY r.doc_id, r.annotator, r.id"
    yield from project.conn.cursor().execute(sql, params)


def _attributes_column(project: Project) -> str:
    """Each span's attribute values as one JSON object (NULL when it has none); NULL for all when the
    project holds no value at all, so an export without attributes pays nothing for them."""
    if project.conn.execute("SELECT 1 FROM span_attrs LIMIT 1").fetchone() is None:
        return "NULL"
    return ("(SELECT json_group_object(a.name, json(a.value)) FROM span_attrs a JOIN attribute_defs d"
            " ON d.label = spans.label AND d.name = a.name WHERE a.span_id = spans.id)")


def _actor_column(project: Project) -> str:
    """Each span's linked actor as a JSON array [kb_id, name] (NULL when it has none); NULL for all when
    no span is linked, so an export without actor links pays nothing for them."""
    if project.conn.execute("SELECT 1 FROM span_actors LIMIT 1").fetchone() is None:
        return "NULL"
    return ("(SELECT json_array(coalesce(a.external_id, a.uid), a.name) FROM span_actors l"
            " JOIN actors a ON a.id = l.actor_id WHERE l.span_id = spans.id)")


def count_records(project: Project, selection: Selection) -> tuple[int, int]:
    """How many records the selection holds, and in how many documents."""
    sql, params = _records_sql(selection, "count(*), count(DISTINCT d.id)")
    records, documents = project.conn.execute(sql, params).fetchone()
    return records, documents


def has_selected_spans(project: Project, selection: Selection) -> bool:
    """Whether any span of the selected annotators and labels lies in a record the status filter keeps."""
    who, params = _annotator_condition(selection, "sp.annotator")
    sql = (
        "SELECT 1 FROM spans sp"
        " LEFT JOIN doc_status s ON s.doc_id = sp.doc_id AND s.annotator = sp.annotator"
        " LEFT JOIN review_status r ON r.doc_id = sp.doc_id"
        f" WHERE {who}"
    )
    if selection.labels:
        sql += f" AND sp.label IN ({_marks(selection.labels)})"
        params += list(selection.labels)
    if selection.statuses:
        sql += f" AND {_status_sql('sp.annotator')} IN ({_marks(selection.statuses)})"
        params += list(selection.statuses)
    return project.conn.execute(sql + " LIMIT 1", params).fetchone() is not None


def annotators_with_work(project: Project, selection: Selection, enough: int = 2) -> list[str]:
    """The annotators the selection names (or everyone but gold) who have a span, a status or
    (gold) a review status in the project; stops after ``enough``. Index look-ups only."""
    names = list(selection.annotators) or project.annotators()
    found = []
    for name in names:
        if _has_work(project, name):
            found.append(name)
            if len(found) >= enough:
                break
    return found


def _has_work(project: Project, name: str) -> bool:
    probes = ["SELECT 1 FROM spans WHERE annotator = ? LIMIT 1", "SELECT 1 FROM doc_status WHERE annotator = ? LIMIT 1"]
    found = any(project.conn.execute(sql, [name]).fetchone() for sql in probes)
    if not found and name == GOLD_ANNOTATOR:
        sql = f"SELECT 1 FROM review_status WHERE status IN ({_GOLD_REVIEWED}) LIMIT 1"
        found = project.conn.execute(sql).fetchone() is not None
    return found


def known_labels(project: Project) -> list[str]:
    """Label names in the project's order, then any label only spans still use, by name."""
    names = [label.name for label in project.labels()]
    listed = set(names)
    return names + [name for name in project.distinct_span_values("label") if name not in listed]
