"""Bulk writes for importers, inside one transaction the caller holds.

``Project``'s public writes each take their own transaction (a savepoint when
nested), which is right for the UI and too slow for 20,000 imported records.
``BulkWriter`` queues documents and writes them in batches with
``executemany``: one look-up of known texts per batch, ids assigned here (the
caller's ``BEGIN IMMEDIATE`` keeps other writers out), the search index filled
in the same transaction. All-or-nothing comes from the caller's
``Project.transaction()``.

Identical spans (same document, offsets, label and annotator) are one span: a
record that lists one twice stores it once, with the notes of both merged by
``merge_notes``, the rule the exporters follow for old projects that hold such
duplicates, so an export imports back to the same export.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from annotator.core.model import meta_problem, offsets_problem
from annotator.core.text import sha256_text, text_problem
from annotator.store.project import Project, now

SpanRow = tuple[int, int, str, str, "str | None"]  # start, end, label, annotator, note
# head and child as (start, end, label, annotator) of spans of the same document, and the relation label
RelationRow = tuple[tuple[int, int, str, str], tuple[int, int, str, str], str]
StatusRow = tuple[str, str, bool]  # annotator, status, only if the current status is 'new'
BATCH_SIZE = 500
NOTE_SEPARATOR = "\n"


def merge_notes(notes: Iterable[str | None]) -> str | None:
    """The note of one span made of identical ones: their distinct notes in sorted order, one per line."""
    kept = sorted({note for note in notes if note})
    return NOTE_SEPARATOR.join(kept) if kept else None


@dataclass
class QueuedDocument:
    text: str
    title: str
    source: str
    meta: dict[str, Any]
    uid: str | None
    spans: Sequence[SpanRow] = ()
    statuses: Sequence[StatusRow] = ()
    review_status: str | None = None  # restored from a gold record (REVIEW_STATUSES)
    reviewer: str = ""  # who is recorded as having set review_status
    relations: Sequence[RelationRow] = ()
    # attribute values of spans, already checked: (start, end, label, annotator) -> {name: value}
    span_attrs: dict[tuple[int, int, str, str], dict[str, Any]] = field(default_factory=dict)
    # actor links of spans, already checked: (start, end, label, annotator) -> (kb_id, actor name or None)
    span_actors: dict[tuple[int, int, str, str], tuple[str, str | None]] = field(default_factory=dict)


@dataclass
class Written:
    """What became of one queued document."""

    doc_id: int
    created: bool  # False: a document with the same text was already there
    spans_added: int
    name: str  # title, else uid
    actors_created: int = 0  # actor entries made for kb_ids the project did not know


def _meta_json(meta: dict[str, Any]) -> str:
    try:
        return orjson.dumps(meta).decode()
    except TypeError:  # integers beyond 64 bits and the like
        return json.dumps(meta, ensure_ascii=False)


def _in_list(n: int) -> str:
    return ",".join("?" * n)


class BulkWriter:
    """Adds documents with their spans and statuses; use inside ``project.transaction()``."""

    def __init__(self, project: Project, batch_size: int = BATCH_SIZE) -> None:
        if not project.conn.in_transaction:
            raise RuntimeError("BulkWriter needs an open project.transaction()")
        self.project = project
        self.conn = project.conn
        self.batch_size = batch_size
        self._queue: list[QueuedDocument] = []
        self._labels = {label.name for label in project.labels()}
        self._annotators: set[str] = set()
        self._stamp = now()
        self._next_id = self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM documents").fetchone()[0]

    def add(self, document: QueuedDocument) -> list[Written]:
        """Queue a document; returns the outcomes of any batch this completed."""
        problem = text_problem(document.text)
        if problem:
            raise ValueError(f"document text cannot be stored: {problem}")
        problem = meta_problem(document.meta)
        if problem:
            raise ValueError(f"document cannot be stored: {problem}")
        self._queue.append(document)
        return self.flush() if len(self._queue) >= self.batch_size else []

    def flush(self) -> list[Written]:
        """Write every queued document; outcomes in queue order."""
        batch, self._queue = self._queue, []
        if not batch:
            return []
        shas = [sha256_text(doc.text) for doc in batch]
        known = self._known(shas)
        ids, rows = self._assign(batch, shas, known)
        self.conn.executemany(
            "INSERT INTO documents (id, uid, sha256, title, source, text, meta, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        self.conn.executemany(
            "INSERT INTO documents_fts (rowid, title, text) VALUES (?, ?, ?)", [(r[0], r[3], r[5]) for r in rows]
        )
        self._ensure_labels(batch)
        created = {r[0] for r in rows}
        written = []
        for doc, doc_id in zip(batch, ids):
            is_new = doc_id in created
            created.discard(doc_id)  # a second copy in the same batch is a duplicate
            added = self._add_spans(doc_id, doc.text, doc.spans, fresh=is_new)
            self._add_relations(doc_id, doc.relations)
            if doc.span_attrs:
                self._add_attributes(doc_id, doc.span_attrs)
            actors = self._add_actor_links(doc_id, doc.text, doc.span_actors) if doc.span_actors else 0
            self._set_statuses(doc_id, doc.statuses)
            if doc.review_status is not None:
                self.project.set_review_status(doc_id, doc.review_status, doc.reviewer)
            written.append(Written(doc_id, is_new, added, doc.title if is_new else self._name(doc_id), actors))
        return written

    # ------------------------------------------------------------- documents
    def _known(self, shas: list[str]) -> dict[str, int]:
        found = self.conn.execute(
            f"SELECT sha256, id FROM documents WHERE sha256 IN ({_in_list(len(shas))})", shas
        ).fetchall()
        return dict(found)

    def _taken_uids(self, uids: list[str]) -> set[str]:
        rows = self.conn.execute(f"SELECT uid FROM documents WHERE uid IN ({_in_list(len(uids))})", uids)
        return {r[0] for r in rows}

    def _assign(self, batch: list[QueuedDocument], shas: list[str], known: dict[str, int]) -> tuple[list[int], list[tuple]]:
        wanted = [doc.uid or sha[:16] for doc, sha in zip(batch, shas)]
        taken = self._taken_uids(wanted)
        ids, rows = [], []
        for doc, sha, uid in zip(batch, shas, wanted):
            if sha in known:
                ids.append(known[sha])
                continue
            if uid in taken:  # same rule as Project.add_document
                uid = f"{uid}-{sha[:8]}"
            taken.add(uid)
            doc_id = known[sha] = self._next_id
            self._next_id += 1
            ids.append(doc_id)
            rows.append((doc_id, uid, sha, doc.title, doc.source, doc.text, _meta_json(doc.meta), self._stamp))
        return ids, rows

    def _name(self, doc_id: int) -> str:
        title, uid = self.conn.execute("SELECT title, uid FROM documents WHERE id = ?", [doc_id]).fetchone()
        return title or uid

    # ----------------------------------------------------- spans and statuses
    def _ensure_labels(self, batch: list[QueuedDocument]) -> None:
        """Create the batch's new labels in one write (one per label would read the schema each time)."""
        new = [label for label in dict.fromkeys(span[2] for doc in batch for span in doc.spans) if label not in self._labels]
        if new:
            self.project.ensure_labels(new)  # in order of first use, as the palette shows them
            self._labels.update(new)

    def _ensure_annotator(self, name: str) -> None:
        if name not in self._annotators:
            self.project.record_annotators([name], self._stamp)
            self._annotators.add(name)

    def _add_spans(self, doc_id: int, text: str, spans: Sequence[SpanRow], *, fresh: bool) -> int:
        """Insert the spans not already present (same offsets, label, annotator); returns how many.
        Identical spans of the record become one, their notes merged."""
        notes: dict[tuple[int, int, str, str], list[str | None]] = {}
        for start, end, label, annotator, note in spans:
            notes.setdefault((start, end, label, annotator), []).append(note)
        rows = []
        length = len(text)
        for (start, end, label, annotator), same in notes.items():
            problem = offsets_problem(start, end, length)
            if problem:
                raise ValueError(f"span of {label!r} cannot be stored: {problem}")
            if not fresh and self.project.has_span(doc_id, start, end, label, annotator):
                continue
            self._ensure_annotator(annotator)
            note = same[0] if len(same) == 1 else merge_notes(same)
            rows.append((doc_id, start, end, label, annotator, "imported", note, self._stamp, self._stamp))
        if rows:
            self.conn.executemany(
                "INSERT INTO spans (doc_id, start, [end], label, annotator, origin, note, created, updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        return len(rows)

    def _add_relations(self, doc_id: int, relations: Sequence[RelationRow]) -> None:
        """Join the document's stored spans as the record's relations say; a relation already there is
        kept once. A relation label the project lacks is created with no rule on its ends."""
        if not relations:
            return
        self.project.ensure_relation_labels(relation[2] for relation in relations)
        sql = "SELECT id FROM spans WHERE doc_id = ? AND start = ? AND [end] = ? AND label = ? AND annotator = ?"
        for head, child, label in relations:
            head_id = self.conn.execute(sql, [doc_id, *head]).fetchone()[0]
            child_id = self.conn.execute(sql, [doc_id, *child]).fetchone()[0]
            if not self.conn.execute("SELECT 1 FROM relations WHERE head = ? AND tail = ? AND label = ?",
                                     [head_id, child_id, label]).fetchone():
                self.project.add_relations([(head_id, child_id, label)])

    def _add_attributes(self, doc_id: int, values: dict[tuple[int, int, str, str], dict[str, Any]]) -> None:
        """Give the document's spans their (checked) attribute values; a span already there takes them too."""
        rows = []
        for (start, end, label, annotator), held in values.items():
            found = self.conn.execute(
                "SELECT id FROM spans WHERE doc_id = ? AND annotator = ? AND start = ? AND [end] = ? AND label = ?",
                [doc_id, annotator, start, end, label]).fetchone()
            rows += [(found[0], name, value) for name, value in held.items()]
        self.project._write_values(rows)

    def _add_actor_links(self, doc_id: int, text: str, links: dict[tuple[int, int, str, str], tuple[str, str | None]]) -> int:
        """Link the document's spans to the actors their kb_ids name (unknown ones are created); returns how many
        entries were created. A span already there takes the link too."""
        rows = []
        for (start, end, label, annotator), (kb_id, name) in links.items():
            found = self.conn.execute(
                "SELECT id FROM spans WHERE doc_id = ? AND annotator = ? AND start = ? AND [end] = ? AND label = ?",
                [doc_id, annotator, start, end, label]).fetchone()
            rows.append((found[0], kb_id, text[start:end], name))
        return self.project.link_imported(rows)

    def _set_statuses(self, doc_id: int, statuses: Sequence[StatusRow]) -> None:
        for annotator, status, only_if_new in statuses:
            self._ensure_annotator(annotator)
            conflict = "UPDATE SET status = excluded.status, updated = excluded.updated"
            if only_if_new:
                conflict += " WHERE doc_status.status = 'new'"
            self.conn.execute(
                "INSERT INTO doc_status (doc_id, annotator, status, updated) VALUES (?, ?, ?, ?)"
                f" ON CONFLICT (doc_id, annotator) DO {conflict}",
                [doc_id, annotator, status, self._stamp],
            )
