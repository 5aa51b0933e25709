"""Queries for reviewing and measuring agreement, and the gold layer's writes.

Gold spans are spans of the reserved annotator ``GOLD_ANNOTATOR`` with origin
"gold" and ``reviewer`` set to who accepted them. The gold layer counts as
having done a document once the document's review status is "reviewed" (or a
"done" status was recorded for it, e.g. merged from a colleague).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson

from annotator.core.agreement_inputs import AgreementError, AgreementInputs, DocumentInput
from annotator.core.attributes import ACTOR_LINK
from annotator.core.changes import Changes, Rejection
from annotator.core.model import GOLD_ANNOTATOR, Span
from annotator.core.span_rows import SpanRows
from annotator.store import relation_review
from annotator.store.attributes import DEFINED_VALUES, AttrValues
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


def spans_by_annotator(project: Project, doc_id: int, annotators: Sequence[str], *,
                       timestamps: bool = True) -> dict[str, SpanRows]:
    """The spans of each named annotator in a document, in text order (input of find_disagreements);
    ``timestamps=False``: without the times made and changed (see ``read_spans``)."""
    return {name: project.spans(doc_id, name, timestamps=timestamps) for name in annotators}  # index order: no sort


def spans_marker(project: Project, doc_id: int, annotators: Sequence[str]) -> tuple[int, int, int]:
    """Changes when the annotators' spans in a document may have: (data_version, count, highest id).

    Read from the (doc_id, annotator, start) index alone. A relabel through this connection
    keeps all three: the window's change notices say so instead.
    """
    count, top = project.conn.execute(
        "SELECT count(*), coalesce(max(id), 0) FROM spans WHERE doc_id = ? AND annotator IN"
        " (SELECT value FROM json_each(?))", [doc_id, json.dumps(list(annotators))]).fetchone()
    return data_version(project), count, top


def data_version(project: Project) -> int:
    """SQLite's data version of the project file: changes when another connection has written to it."""
    return project.conn.execute("PRAGMA data_version").fetchone()[0]


# --------------------------------------------------------------------- gold
# Accept all agreed writes one document's whole agreed set (16,000 spans on a long report) in one
# transaction: checked in Python against the document's length and labels read once, written with
# executemany. Ids are taken under the write lock as the next free ones, which is what SQLite would
# give (``id`` is the rowid), so the created spans are known without reading them back.
SpanKey = tuple[int, int, str]  # (start, end, label) in code points
# Review compares and carries a span's actor link as if it were one more attribute value: the linked
# entry's name under ``ACTOR_LINK``, a key no attribute can have (a link two annotators gave differently is
# an attribute disagreement, accepting a version takes its links into gold, undo puts them back).
# Never written as an attribute.


def review_values(project: Project, doc_id: int, annotator: str) -> dict[int, AttrValues]:
    """Span id -> attribute values and actor link (``ACTOR_LINK``) of one annotator's spans in a document."""
    values = project.document_attributes(doc_id, annotator)
    if project.conn.execute("SELECT NOT EXISTS (SELECT 1 FROM span_actors)").fetchone()[0]:
        return values  # (no link in the project: the query below still visits each of the layer's spans)
    for span_id, name in project.conn.execute(
            "SELECT l.span_id, a.name FROM spans s JOIN span_actors l ON l.span_id = s.id JOIN actors a"
            " ON a.id = l.actor_id WHERE s.doc_id = ? AND s.annotator = ?", [doc_id, annotator]):
        values[span_id] = {**values.get(span_id, {}), ACTOR_LINK: name}
    return values


def held_values(project: Project, span_ids: Iterable[int]) -> dict[int, AttrValues]:
    """Span id -> attribute values and actor link (``ACTOR_LINK``) of some spans (what undo puts back)."""
    span_ids = list(span_ids)
    values = project.spans_attributes(span_ids)
    for span_id, name in project.span_actor_names(span_ids).items():
        values[span_id] = {**values.get(span_id, {}), ACTOR_LINK: name}
    return values


def _check_spans(project: Project, doc_id: int, keys: Iterable[SpanKey]) -> None:
    """The store's rules for a span (``Project._check_span``), with the labels read once for many spans."""
    labels = {label.name for label in project.labels()}
    for start, end, label in keys:
        project._check_offsets(doc_id, start, end)
        if label not in labels:
            raise ValueError(f"unknown label {label!r}")


def gold_keys(project: Project, doc_id: int) -> set[SpanKey]:
    """(start, end, label) of every gold span of a document."""
    return set(project.conn.execute(
        "SELECT start, [end], label FROM spans WHERE doc_id = ? AND annotator = ?", [doc_id, GOLD_ANNOTATOR]))


def gold_in_region(project: Project, doc_id: int, start: int, end: int) -> list[Span]:
    """Gold spans that overlap ``[start, end)``, in text order (an indexed range read, not the whole layer)."""
    return [span_from_row(r) for r in project.conn.execute(
        f"SELECT {SPAN_COLUMNS} FROM spans WHERE doc_id = ? AND annotator = ? AND start < ? AND [end] > ?"
        " ORDER BY start, [end] DESC, id", [doc_id, GOLD_ANNOTATOR, end, start])]


def add_gold_spans(project: Project, doc_id: int, spans: Sequence[SpanKey], reviewer: str,
                   values: Mapping[SpanKey, AttrValues] | None = None) -> list[Span]:
    """Accept spans into the gold layer in one transaction; ones gold already has are skipped.

    ``values``: the attribute values each accepted span takes into gold (the accepted annotator's),
    checked against the project's attributes. Returns the spans created (with their ids) so that
    the caller can undo with delete_spans.
    """
    reviewer = reviewer.strip()
    if not reviewer:
        raise ValueError("gold spans need the reviewer's name")
    wanted = list(dict.fromkeys(spans))
    _check_spans(project, doc_id, wanted)
    stamp = now()
    with project.transaction():
        if len(wanted) > 64:
            present = gold_keys(project, doc_id)
        else:  # a region's few spans: look each up (the index) rather than read the whole layer
            present = {key for key in wanted if project.has_span(doc_id, *key, GOLD_ANNOTATOR)}
        first = project.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM spans").fetchone()[0]
        created = [Span(first + i, doc_id, start, end, label, GOLD_ANNOTATOR, "gold", None, reviewer, stamp, stamp)
                   for i, (start, end, label) in enumerate(k for k in wanted if k not in present)]
        _insert_spans(project, created)
        if values:
            _write_span_values(project, {s.id: values[(s.start, s.end, s.label)] for s in created
                                         if values.get((s.start, s.end, s.label))}, created)
        if created:
            project.record_annotators([GOLD_ANNOTATOR], stamp)
    return created


def _write_span_values(project: Project, values: Mapping[int, AttrValues], spans: Iterable[Span]) -> None:
    """Write attribute values of spans (id -> values), each distinct (label, values) checked once, and
    the actor links among them (``ACTOR_LINK``: the entry's name)."""
    links = {span_id: held[ACTOR_LINK] for span_id, held in values.items() if ACTOR_LINK in held}
    if links:
        values = {span_id: {n: v for n, v in held.items() if n != ACTOR_LINK} for span_id, held in values.items()}
        _write_links(project, links)
    label_of = {s.id: s.label for s in spans}
    checked: set[tuple[str, bytes]] = set()
    for span_id, held in values.items():
        key = (label_of[span_id], orjson.dumps(held, option=orjson.OPT_SORT_KEYS))
        if key not in checked:
            project.check_attributes(key[0], held)
            checked.add(key)
    project._write_values((span_id, name, value) for span_id, held in values.items() for name, value in held.items())


def _write_links(project: Project, links: Mapping[int, str]) -> None:
    """Link spans (id -> entry name) inside the caller's transaction; an entry gone since refuses the step."""
    entries: dict[str, int] = {}
    for span_id, name in links.items():
        if name not in entries:
            actor = project.actor_named(name)
            if actor is None:
                raise ValueError(f"the actor {name!r} is no longer in the list (renamed or deleted)")
            entries[name] = actor.id
        project._write_link(span_id, entries[name])


def _insert_spans(project: Project, spans: Sequence[Span]) -> None:
    project.conn.executemany(
        "INSERT INTO spans (id, doc_id, start, [end], label, annotator, origin, note, reviewer, created, updated)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", spans)


def gold_spans(project: Project, doc_id: int) -> SpanRows:
    return project.spans(doc_id, GOLD_ANNOTATOR)


def delete_spans(project: Project, ids: Iterable[int]) -> list[Span]:
    """Delete spans in one transaction; returns them (ids included) so restore_spans can undo."""
    ids = json.dumps(list(dict.fromkeys(ids)))
    with project.transaction():
        deleted = [
            span_from_row(r)
            for r in project.conn.execute(
                f"SELECT {SPAN_COLUMNS} FROM spans WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id", [ids])
        ]
        project._delete_relations_of(span.id for span in deleted)  # the relations table refers to spans
        project.conn.execute("DELETE FROM spans WHERE id IN (SELECT value FROM json_each(?))", [ids])
    return deleted


def restore_spans(project: Project, spans: Iterable[Span]) -> None:
    """Put deleted spans back with their ids, in one transaction (undo of delete_spans)."""
    spans = list(spans)
    for doc_id in {s.doc_id for s in spans}:
        _check_spans(project, doc_id, ((s.start, s.end, s.label) for s in spans if s.doc_id == doc_id))
    with project.transaction():
        project.check_ids_free([s.id for s in spans])
        _insert_spans(project, spans)


# ---------------------------------------------------------------- rejections
_REJECTION_COLUMNS = "id, doc_id, start, [end], coalesce(reviewer, ''), coalesce(created, '')"


def rejections(project: Project, doc_id: int) -> list[Rejection]:
    """The regions of a document where the reviewer rejected every version, in text order."""
    return [Rejection(*r) for r in project.conn.execute(
        f"SELECT {_REJECTION_COLUMNS} FROM rejected_regions WHERE doc_id = ? ORDER BY start, id", [doc_id])]


def rejections_in_region(project: Project, doc_id: int, start: int, end: int) -> list[Rejection]:
    return [Rejection(*r) for r in project.conn.execute(
        f"SELECT {_REJECTION_COLUMNS} FROM rejected_regions WHERE doc_id = ? AND start < ? AND [end] > ?"
        " ORDER BY start, id", [doc_id, end, start])]


def reject_region(project: Project, doc_id: int, start: int, end: int, reviewer: str) -> Rejection:
    """Record that no version of ``[start, end)`` goes into gold (inside the caller's transaction or its own)."""
    project._check_offsets(doc_id, start, end)
    stamp = now()
    with project.transaction():
        cursor = project.conn.execute(
            "INSERT INTO rejected_regions (doc_id, start, [end], reviewer, created) VALUES (?, ?, ?, ?, ?)",
            [doc_id, start, end, reviewer, stamp])
    return Rejection(int(cursor.lastrowid), doc_id, start, end, reviewer, stamp)


def delete_rejections(project: Project, rejected: Iterable[Rejection]) -> None:
    with project.transaction():
        project.conn.executemany("DELETE FROM rejected_regions WHERE id = ?", [(r.id,) for r in rejected])


def restore_rejections(project: Project, rejected: Iterable[Rejection]) -> None:
    """Put taken-back rejections back with their ids (undo)."""
    with project.transaction():
        project.conn.executemany(
            "INSERT INTO rejected_regions (id, doc_id, start, [end], reviewer, created) VALUES (?, ?, ?, ?, ?, ?)",
            [(r.id, r.doc_id, r.start, r.end, r.reviewer, r.created) for r in rejected])


def _expect_spans(project: Project, spans: Sequence[Span]) -> None:
    """``Project.expect_span`` for many spans in one query: each id still names its span."""
    keys = json.dumps([[s.id, s.doc_id, s.annotator, s.start, s.end] for s in spans])
    found = project.conn.execute(
        "SELECT count(*) FROM json_each(?) AS k JOIN spans AS s ON s.id = json_extract(k.value, '$[0]')"
        " AND s.doc_id = json_extract(k.value, '$[1]') AND s.annotator = json_extract(k.value, '$[2]')"
        " AND s.start = json_extract(k.value, '$[3]') AND s.[end] = json_extract(k.value, '$[4]')", [keys]).fetchone()[0]
    if found != len(spans):
        raise KeyError(f"{len(spans) - found} of these {len(spans)} spans are no longer in the project; nothing changed")


def apply_changes(project: Project, changes: Changes, values: Mapping[int, AttrValues] | None = None) -> None:
    """Make ``changes`` happen again (a redo), or, given ``changes.inverse()``, undo them: one transaction.

    ``values`` (span id -> attribute values) go back onto the spans ``changes`` puts back."""
    with project.transaction():
        relation_review.take_out(project, changes)  # before their ends go
        if changes.removed:
            _expect_spans(project, changes.removed)
            delete_spans(project, [s.id for s in changes.removed])
        if changes.unrejected:
            delete_rejections(project, changes.unrejected)
        if changes.added:
            restore_spans(project, changes.added)
            if values:
                _write_span_values(project, {s.id: values[s.id] for s in changes.added if values.get(s.id)},
                                   changes.added)
        if changes.rejected:
            restore_rejections(project, changes.rejected)
        relation_review.put_in(project, changes)  # once their ends are back


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


def _relation_inputs(project: Project, doc_id: int, names: Sequence[str]) -> dict[str, list]:
    """Each annotator's relations in a document as ((start, end, label) of head, of child, relation label)."""
    rows = project.conn.execute(
        "SELECT r.annotator, h.start, h.[end], h.label, c.start, c.[end], c.label, r.label FROM relations r"
        " JOIN spans h ON h.id = r.head JOIN spans c ON c.id = r.tail WHERE r.doc_id = ?", [doc_id]).fetchall()
    found: dict[str, list] = {}
    for who, hs, he, hl, cs, ce, cl, label in rows:
        if who in names:
            found.setdefault(who, []).append(((hs, he, hl), (cs, ce, cl), label))
    return found


def _attribute_inputs(project: Project, doc_ids: Sequence[int], names: Sequence[str], label: str | None
                      ) -> dict[int, dict[str, dict[SpanKey, dict[str, Any]]]]:
    """Document -> annotator -> (start, end, label) -> attribute values, for the compared documents in one query
    (values of attributes the span's label defines, as everywhere)."""
    found: dict[int, dict[str, dict[SpanKey, dict[str, Any]]]] = {}
    sql = (f"SELECT s.doc_id, s.annotator, s.start, s.[end], s.label, a.name, a.value FROM {DEFINED_VALUES}"
           " WHERE s.doc_id IN (SELECT value FROM json_each(?)) AND s.annotator IN (SELECT value FROM json_each(?))"
           + (" AND s.label = ?" if label is not None else ""))
    params = [json.dumps(list(doc_ids)), json.dumps(list(names)), *([label] if label is not None else [])]
    for doc_id, who, start, end, span_label, name, value in project.conn.execute(sql, params):
        found.setdefault(doc_id, {}).setdefault(who, {}).setdefault((start, end, span_label), {})[name] = orjson.loads(value)
    return found


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
    values = _attribute_inputs(project, sorted(wanted), names, label)
    documents = [
        DocumentInput(
            doc_id,
            text,
            {name: project.conn.execute(sql, [doc_id, name, *extra]).fetchall() for name in names if name in done[doc_id]},
            title or "",
            _relation_inputs(project, doc_id, [name for name in names if name in done[doc_id]]),
            {who: held for who, held in values.get(doc_id, {}).items() if who in done[doc_id]},
        )
        for doc_id, title, text in project.conn.execute(
            "SELECT id, title, text FROM documents WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id", [ids]
        ).fetchall()
    ]
    return AgreementInputs(tuple(names), documents, tuple(lb.name for lb in project.labels()), label)


# core.agreement (numpy) is imported when agreement is computed, not when the window starts.
def project_agreement(project: Project, annotators: Sequence[str] | None = None, label: str | None = None) -> dict[str, Any]:
    from annotator.core.agreement import agreement_report
    from annotator.core.attribute_agreement import attribute_agreement
    from annotator.core.relation_agreement import relation_agreement

    inputs = agreement_inputs(project, annotators, label)
    return {**agreement_report(inputs), "relations": relation_agreement(inputs), "attributes": attribute_agreement(inputs)}


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
