"""The Project facade: every read and write of a project file goes through here.

Each public write runs in its own ``BEGIN IMMEDIATE`` transaction and is
committed (WAL, ``synchronous=FULL``) before the call returns, so whatever the
UI shows as done survives a killed process or a power cut.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

import orjson

from annotator.core.model import (
    DEFAULT_LABELS,
    DOC_STATUSES,
    GOLD_ANNOTATOR,
    REVIEW_STATUSES,
    Document,
    Label,
    Span,
    meta_problem,
    offsets_problem,
)
from annotator.core.actors import actor_summary
from annotator.core.relations import Relation
from annotator.core.span_rows import SpanRows
from annotator.core.text import sha256_text, text_problem
from annotator.core.wording import counted
from annotator.store.database import Database
from annotator.store.errors import NotAProjectError, ProjectError, is_busy, not_writable, project_error
from annotator.store.actors import ActorStore
from annotator.store.attributes import AttributeStore
from annotator.store.labels import LabelStore
from annotator.store.relations import RelationStore, seed_relation_labels
from annotator.store.span_reading import BackgroundSpanReader, read_spans
from annotator.store.rows import SPAN_COLUMNS, now, span_from_row
from annotator.store.schema import APPLICATION_ID, check_header, migrations, verify_read_only

BUSY_TIMEOUT_S = 5.0
PAGE_SIZE = 16384
def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
    conn.execute("PRAGMA trusted_schema=OFF")
    return conn


_QUOTED_TERM = re.compile(r'"(?:[^"]|"")*"')  # one term as quote_fts writes it


class Project(LabelStore, AttributeStore, RelationStore, ActorStore):
    """One open project file."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.db = Database(conn, execute_plugins=False)
        self.conn = conn
        self._lengths: dict[int, int] = {}
        self._labels_read: tuple[int, list[Label]] | None = None  # (PRAGMA data_version, labels)
        self._span_reader: BackgroundSpanReader | None = None  # made at the first spans_meanwhile

    # ----------------------------------------------------------------- opening
    @classmethod
    def open(cls, path: str | Path, *, create: bool = True) -> Project:
        """Open (and migrate) a project; create it when missing and ``create`` is set.

        An existing file is checked through a read-only connection first (SQLite
        header, application_id, schema version, schema exactly ours), so a file
        that is refused is never written, not even by a checkpoint of its -wal.
        None of it reads more than the header and sqlite_master: opening does not
        grow with the file (``annotator check`` runs the whole-file check).
        """
        path = Path(path)
        if path.is_dir():
            raise NotAProjectError(path, "is a folder, not a project file")
        fresh = not path.exists() or path.stat().st_size == 0
        if fresh and not create:
            raise ProjectError(path, "no such project file")
        if not fresh:
            check_header(path)
            verify_read_only(path)
        try:
            if fresh:
                path.parent.mkdir(parents=True, exist_ok=True)
            why = not_writable(path)
            if why:
                doing = "create the project file" if fresh else "open the project for writing"
                raise ProjectError(path, f"cannot {doing}: {why}")
            conn = _connect(path)
        except OSError as exc:
            if isinstance(exc, (FileExistsError, NotADirectoryError)):
                reason = "part of its folder path is a file"
            else:
                reason = exc.strerror or str(exc)
            raise ProjectError(path, f"cannot {'create' if fresh else 'open'} the project file ({reason})") from exc
        except sqlite3.Error as exc:
            raise project_error(path, exc) from exc
        try:
            project = cls(path, conn)
            project._prepare()
        except sqlite3.Error as exc:
            conn.close()
            raise project_error(path, exc) from exc
        except BaseException:
            conn.close()
            raise
        return project

    def _prepare(self) -> None:
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute("PRAGMA synchronous=FULL")
        if self._is_empty():
            # Set before the first write fixes it. Document rows (a few KB of text) pack
            # into 16 KB pages with far less overflow: a 40 MB import writes ~30% fewer
            # pages (benchmarks/import_speed.py).
            self.conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
        self._enable_wal()
        if not self._is_empty() and not migrations.pending(self.db):
            return  # opening needs no write lock, so a busy project still opens for reading
        with self.transaction():
            # Decided under the write lock: of two processes creating the same
            # project at once, the second finds it made and seeds nothing.
            empty = self._is_empty()
            if empty:
                self.conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            migrations.apply(self.db)
            if empty:
                for label in DEFAULT_LABELS:
                    self._insert_label(label)
                seed_relation_labels(self.conn)

    def _enable_wal(self) -> None:
        # Switching to WAL needs every other connection gone for a moment, and SQLite
        # does not wait for that on its own (a second process creating the same new
        # project gets "database is locked" at once): retry for the busy timeout.
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while self.db.journal_mode != "wal":
            try:
                self.db.enable_wal()
            except sqlite3.OperationalError as exc:
                if not is_busy(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _is_empty(self) -> bool:
        return self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0

    def close(self) -> None:
        if self._span_reader is not None:
            self._span_reader.close()
            self._span_reader = None
        self.conn.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Project]:
        """One write transaction, taken with BEGIN IMMEDIATE; nested calls become savepoints."""
        if self.conn.in_transaction:
            with self.db.atomic():
                yield self
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise project_error(self.path, exc) from exc
        try:
            yield self
            self.conn.execute("COMMIT")
        except BaseException:
            # SQLite may have rolled back already (disk full, I/O error): a second
            # ROLLBACK would replace the real error with "no transaction is active".
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    def schema_steps(self) -> list[str]:
        return [m.name for m in migrations.applied(self.db)]

    # --------------------------------------------------------------- documents
    def add_document(
        self,
        text: str,
        *,
        title: str = "",
        source: str = "",
        meta: dict[str, Any] | None = None,
        uid: str | None = None,
    ) -> tuple[int, bool]:
        """Store a document whose text is already canonical. Returns (id, created)."""
        with self.transaction():
            return self._add_document(text, title=title, source=source, meta=meta, uid=uid)

    def _add_document(self, text: str, *, title: str, source: str, meta: dict[str, Any] | None, uid: str | None) -> tuple[int, bool]:
        problem = text_problem(text)
        if problem:
            raise ValueError(f"document text cannot be stored: {problem}")
        problem = meta_problem(meta or {})
        if problem:
            raise ValueError(f"document cannot be stored: {problem}")
        sha = sha256_text(text)
        existing = self.document_id_by_sha(sha)
        if existing is not None:
            return existing, False
        uid = uid or sha[:16]
        if self.conn.execute("SELECT 1 FROM documents WHERE uid = ?", [uid]).fetchone():
            uid = f"{uid}-{sha[:8]}"
        cursor = self.conn.execute(
            "INSERT INTO documents (uid, sha256, title, source, text, meta, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [uid, sha, title, source, text, json.dumps(meta or {}, ensure_ascii=False), now()],
        )
        doc_id = int(cursor.lastrowid)
        self.conn.execute("INSERT INTO documents_fts (rowid, title, text) VALUES (?, ?, ?)", [doc_id, title, text])
        return doc_id, True

    def document_id_by_sha(self, sha256: str) -> int | None:
        row = self.conn.execute("SELECT id FROM documents WHERE sha256 = ?", [sha256]).fetchone()
        return row[0] if row else None

    def document(self, doc_id: int) -> Document:
        row = self.conn.execute(
            "SELECT id, uid, sha256, title, text, source, meta, created FROM documents WHERE id = ?", [doc_id]
        ).fetchone()
        if row is None:
            raise KeyError(f"no document {doc_id}")
        return Document(row[0], row[1], row[2], row[3] or "", row[4], row[5] or "", json.loads(row[6] or "{}"), row[7] or "")

    def document_text(self, doc_id: int) -> str:
        return self.conn.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()[0]

    def document_ids(self) -> list[int]:
        return list(self.all_document_ids())

    def document_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM documents").fetchone()[0]

    def iter_documents(self, ids: Iterable[int] | None = None) -> Iterator[Document]:
        for doc_id in ids if ids is not None else self.document_ids():
            yield self.document(doc_id)

    def documents_annotated_by(self, annotator: str, limit: int) -> list[int]:
        """The first ``limit`` document ids (in id order) holding spans of ``annotator``: one index scan."""
        sql = "SELECT DISTINCT doc_id FROM spans WHERE annotator = ? ORDER BY doc_id LIMIT ?"
        return [row[0] for row in self.conn.execute(sql, [annotator, limit])]

    def document_rows(self, ids: Sequence[int], annotator: str) -> list[dict[str, Any]]:
        """Title, status and span count of a handful of documents, for a lazy list view."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(
            f"""SELECT d.id, d.title, coalesce(s.status, 'new'),
                       (SELECT count(*) FROM spans WHERE doc_id = d.id AND annotator = ?),
                       coalesce(r.status, 'unreviewed')
                FROM documents d
                LEFT JOIN doc_status s ON s.doc_id = d.id AND s.annotator = ?
                LEFT JOIN review_status r ON r.doc_id = d.id
                WHERE d.id IN ({marks})""",
            [annotator, annotator, *ids],
        ).fetchall()
        by_id = {r[0]: {"id": r[0], "title": r[1] or "", "status": r[2], "spans": r[3], "review": r[4]} for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def all_document_ids(self) -> Sequence[int]:
        """Every document id, ascending, held compactly for a list of 100,000 documents.

        A ``range`` when the ids have no gaps (documents are never deleted, so only a merge
        or bulk import with its own ids leaves any): three index look-ups, no rows read.
        """
        count, first, last = self.conn.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT min(id) FROM documents), (SELECT max(id) FROM documents)"
        ).fetchone()
        if count and last - first + 1 == count:
            return range(first, last + 1)
        return self._ids("SELECT id FROM documents", [])

    def _ids(self, sql: str, params: Sequence[Any]) -> list[int]:
        """The first column of ``sql``, ascending. SQLite builds one JSON array: a third of the
        time of fetching 100,000 one-value rows."""
        ids = orjson.loads(self.conn.execute(f"SELECT json_group_array(id) FROM ({sql})", params).fetchone()[0])
        ids.sort()
        return ids

    def document_ids_with_status(self, annotator: str, statuses: Iterable[str]) -> list[int]:
        """Ascending ids of the documents whose status for ``annotator`` is one of ``statuses``.

        A document without a status row is new; only the (few) status rows are read, the
        rest follows from ``all_document_ids``.
        """
        wanted = list(statuses)
        marks = ",".join("?" * len(wanted))
        if "new" not in wanted:
            return self._ids(f"SELECT doc_id AS id FROM doc_status WHERE annotator = ? AND status IN ({marks})",
                             [annotator, *wanted])
        others = set(self._ids(f"SELECT doc_id AS id FROM doc_status WHERE annotator = ? AND status NOT IN ({marks})",
                               [annotator, *wanted]))
        return [doc_id for doc_id in self.all_document_ids() if doc_id not in others]

    def count_with_status(self, annotator: str, status: str) -> int:
        """How many documents ``annotator`` has marked ``status`` (not "new": that is the absence of a row)."""
        return self.conn.execute(
            "SELECT count(*) FROM doc_status WHERE annotator = ? AND status = ?", [annotator, status]
        ).fetchone()[0]

    def search_document_ids(self, query: str) -> list[int]:
        """Documents whose title or text has a word starting with each word of ``query`` (FTS5 prefix
        queries: "Lav" finds "Lavrov"). Each word is quoted, so FTS5 operators in it are plain text."""
        if not query.strip():
            return self.document_ids()
        fts_query = " ".join(f"{term}*" for term in _QUOTED_TERM.findall(self.db.quote_fts(query)))
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? ORDER BY rowid", [fts_query]
            )
        ]

    # -------------------------------------------------------------- annotators
    def ensure_annotator(self, name: str) -> str:
        name = name.strip()
        if not name:
            raise ValueError("an annotator needs a name")
        with self._writing_as(name):
            pass
        return name

    @contextlib.contextmanager
    def _writing_as(self, annotator: str) -> Iterator[str]:
        """A write transaction that records ``annotator`` in the annotators table; yields its time stamp."""
        stamp = now()
        with self.transaction():
            self.record_annotators([annotator], stamp)
            yield stamp

    def record_annotators(self, names: Iterable[str], stamp: str) -> None:
        """Add these names to the annotators table (inside the caller's transaction); known ones stay as they are."""
        self.conn.executemany("INSERT OR IGNORE INTO annotators (name, created) VALUES (?, ?)",
                              [(name, stamp) for name in set(names)])

    def annotators(self, *, include_gold: bool = False) -> list[str]:
        """Everyone with spans or a status, sorted; the gold layer only when asked for."""
        names = {r[0] for r in self.conn.execute("SELECT name FROM annotators")}
        names.update(self.distinct_span_values("annotator"))
        if not include_gold:
            names.discard(GOLD_ANNOTATOR)
        return sorted(names)

    def distinct_span_values(self, column: Literal["annotator", "label"]) -> list[str]:
        """Distinct values of an indexed spans column, sorted: one index seek per value, not a scan of every span."""
        if column not in ("annotator", "label"):
            raise ValueError(f"no index on spans.{column}")
        sql = f"""
            WITH RECURSIVE seen(value) AS (
                SELECT (SELECT min({column}) FROM spans)
                UNION ALL
                SELECT (SELECT min({column}) FROM spans WHERE {column} > seen.value)
                FROM seen WHERE seen.value IS NOT NULL
            )
            SELECT value FROM seen WHERE value IS NOT NULL"""
        return [row[0] for row in self.conn.execute(sql)]

    # ------------------------------------------------------------------- spans
    def add_span(
        self,
        doc_id: int,
        start: int,
        end: int,
        label: str,
        annotator: str,
        *,
        origin: str = "manual",
        note: str | None = None,
        reviewer: str | None = None,
    ) -> Span:
        with self._writing_as(annotator) as stamp:
            self._check_span(doc_id, start, end, label)
            cursor = self.conn.execute(
                "INSERT INTO spans (doc_id, start, [end], label, annotator, origin, note, reviewer, created, updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [doc_id, start, end, label, annotator, origin, note, reviewer, stamp, stamp],
            )
            self._apply_default_attributes(int(cursor.lastrowid), label)
            self._mark_started(doc_id, annotator, stamp)
        return Span(int(cursor.lastrowid), doc_id, start, end, label, annotator, origin, note, reviewer, stamp, stamp)

    def add_spans(self, spans: Iterable[dict[str, Any]]) -> int:
        """Bulk insert for importers and merges, in one transaction; all or nothing.

        Each dict has doc_id, start, end, label, annotator and optionally origin,
        note, reviewer, created, updated. Offsets must already be validated
        against the text by the caller; labels must exist.
        """
        stamp = now()
        rows = [
            (s["doc_id"], s["start"], s["end"], s["label"], s["annotator"], s.get("origin", "imported"),
             s.get("note"), s.get("reviewer"), s.get("created") or stamp, s.get("updated") or stamp)
            for s in spans
        ]
        with self.transaction():
            for row in rows:
                self._check_offsets(row[0], row[1], row[2])
            self.conn.executemany(
                "INSERT INTO spans (doc_id, start, [end], label, annotator, origin, note, reviewer, created, updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            self.record_annotators((r[4] for r in rows), stamp)
        return len(rows)

    def has_span(self, doc_id: int, start: int, end: int, label: str, annotator: str) -> bool:
        return self.conn.execute(
            "SELECT 1 FROM spans WHERE doc_id = ? AND annotator = ? AND start = ? AND [end] = ? AND label = ?",
            [doc_id, annotator, start, end, label],
        ).fetchone() is not None

    def text_length(self, doc_id: int) -> int:
        """Length of a document's text in code points (cached: texts never change)."""
        length = self._lengths.get(doc_id)
        if length is None:
            row = self.conn.execute("SELECT length(text) FROM documents WHERE id = ?", [doc_id]).fetchone()
            if row is None:
                raise KeyError(f"no document {doc_id}")
            length = self._lengths[doc_id] = row[0]
        return length

    def _check_offsets(self, doc_id: int, start: int, end: int) -> None:
        """Every span the store writes holds at least one character of its text (0 <= start < end <= length)."""
        problem = offsets_problem(start, end, self.text_length(doc_id), f"document {doc_id}")
        if problem:
            raise ValueError(problem)

    def _check_span(self, doc_id: int, start: int, end: int, label: str) -> None:
        self._check_offsets(doc_id, start, end)
        if all(known.name != label for known in self.labels()):  # cached: one PRAGMA while labels stay the same
            raise ValueError(f"unknown label {label!r}")

    def _mark_started(self, doc_id: int, annotator: str, stamp: str) -> None:
        """A new document becomes in progress with its first span; any other status stays."""
        self.conn.execute(
            "INSERT INTO doc_status (doc_id, annotator, status, updated) VALUES (?, ?, 'in_progress', ?)"
            " ON CONFLICT (doc_id, annotator) DO UPDATE SET status = 'in_progress', updated = excluded.updated"
            " WHERE status = 'new'",
            [doc_id, annotator, stamp],
        )

    def _insert_span_row(self, span: Span) -> None:
        self._check_offsets(span.doc_id, span.start, span.end)
        self.conn.execute(
            "INSERT INTO spans (id, doc_id, start, [end], label, annotator, origin, note, reviewer, created, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [span.id, span.doc_id, span.start, span.end, span.label, span.annotator, span.origin,
             span.note, span.reviewer, span.created, span.updated],
        )

    def restore_span(self, span: Span, attributes: dict[str, Any] | None = None, actor_id: int | None = None) -> Span:
        """Put a deleted span back with its id (undo of delete), with the attribute values and actor link it had."""
        with self.transaction():
            self._check_span(span.doc_id, span.start, span.end, span.label)
            self.check_ids_free([span.id])
            self._insert_span_row(span)
            self._write_values((span.id, name, value) for name, value in (attributes or {}).items())
            if actor_id is not None:
                self._write_link(span.id, actor_id)
        return span

    # Undo histories are kept per layer (each annotator, gold), and SQLite gives a new span the
    # highest id + 1, so the id of a span one layer's undo removed can be given to another layer's
    # new span. Undo and redo go by id: they check the id still names their span (or is free) first,
    # so they refuse with a message instead of deleting, relabelling or clashing with someone else's.
    def check_ids_free(self, ids: Sequence[int]) -> None:
        taken = self.conn.execute(
            "SELECT id FROM spans WHERE id IN (SELECT value FROM json_each(?)) LIMIT 1", [json.dumps(list(ids))]
        ).fetchone()
        if taken:
            raise ValueError(f"span {taken[0]} cannot be put back: a newer span (another layer's) has its id now")

    def expect_span(self, span: Span) -> None:
        """Refuse (KeyError) when the span with ``span.id`` is not ``span`` any more (same document,
        annotator and extent): its id now belongs to another layer's newer span."""
        row = self.conn.execute(
            "SELECT doc_id, annotator, start, [end] FROM spans WHERE id = ?", [span.id]).fetchone()
        if row != (span.doc_id, span.annotator, span.start, span.end):
            raise KeyError(f"span {span.id} ({span.label} by {span.annotator}) is no longer in the project")

    def span(self, span_id: int) -> Span:
        row = self.conn.execute(f"SELECT {SPAN_COLUMNS} FROM spans WHERE id = ?", [span_id]).fetchone()
        if row is None:
            raise KeyError(f"no span {span_id}")
        return span_from_row(row)

    def delete_span(self, span_id: int) -> Span:
        """Delete a span and its relations (``delete_span_with_relations`` returns those too)."""
        return self.delete_span_with_relations(span_id)[0]

    def delete_span_with_relations(self, span_id: int) -> tuple[Span, list[Relation]]:
        """Delete a span and the relations it is an end of, in one transaction; returns both for undo."""
        with self.transaction():
            span = self.span(span_id)
            relations = self._delete_relations_of([span_id])
            self.conn.execute("DELETE FROM spans WHERE id = ?", [span_id])
        return span, relations

    def restore_span_with_relations(self, span: Span, relations: Sequence[Relation],
                                    attributes: dict[str, Any] | None = None, actor_id: int | None = None) -> None:
        """Undo of ``delete_span_with_relations``: the span (with its attribute values and actor link) and its
        relations come back with their ids."""
        with self.transaction():
            self.restore_span(span, attributes, actor_id)
            self.restore_relations(relations)

    _UNCHANGED: Any = object()

    def update_span(self, span_id: int, *, label: str | None = None, note: Any = _UNCHANGED,
                    updated: str | None = None) -> Span:
        """Relabel a span and/or set its note (None clears it); ``updated``: the time to record as its last
        change instead of now (an undo puts back the time the span had)."""
        stamp = updated if updated is not None else now()
        with self.transaction():
            span = self.span(span_id)
            if label is not None and label != span.label:
                self._check_span(span.doc_id, span.start, span.end, label)
                broken = self.relations_broken_by(span, label)
                if broken:
                    raise ValueError(f"relabelling the span as {label!r} would break {counted(len(broken), 'relation')}: "
                                     f"{broken[0][1]}")
                self.conn.execute("UPDATE spans SET label = ?, updated = ? WHERE id = ?", [label, stamp, span_id])
            if note is not Project._UNCHANGED:
                self.conn.execute("UPDATE spans SET note = ?, updated = ? WHERE id = ?", [note or None, stamp, span_id])
            return self.span(span_id)

    def relabel_span_unlinking(self, span_id: int, label: str) -> tuple[Span, list[Relation]]:
        """Relabel a span and delete the relations the new label breaks, in one transaction (the user
        was asked first); returns the new span and the deleted relations for undo."""
        with self.transaction():
            broken = [relation for relation, _ in self.relations_broken_by(self.span(span_id), label)]
            self.conn.execute("DELETE FROM relations WHERE id IN (SELECT value FROM json_each(?))",
                              [json.dumps([r.id for r in broken])])
            return self.update_span(span_id, label=label), broken

    def spans(self, doc_id: int, annotator: str | Sequence[str] | None = None, *, timestamps: bool = True) -> SpanRows:
        """Spans of a document in text order, for one annotator, several, or all (``read_spans``)."""
        return read_spans(self.conn, doc_id, annotator, timestamps=timestamps)

    def spans_meanwhile(self, doc_id: int, annotator: str | Sequence[str] | None = None, *,
                        timestamps: bool = True) -> Callable[[], SpanRows]:
        """Start reading ``spans(doc_id, annotator, timestamps=...)`` on a second connection in a thread,
        while the caller does other work that releases Python's lock (Qt taking a text); returns the
        function that waits for them. Inside a transaction (its writes are not committed yet) they are
        read on this connection, when asked for."""
        def here() -> SpanRows:
            return self.spans(doc_id, annotator, timestamps=timestamps)

        if self.conn.in_transaction:
            return here
        if self._span_reader is None:
            self._span_reader = BackgroundSpanReader(self.path, BUSY_TIMEOUT_S)
        try:
            wait = self._span_reader.start(doc_id, annotator, timestamps=timestamps)
        except sqlite3.Error:  # no second connection (the file was moved or deleted): read them here
            return here

        def spans() -> SpanRows:
            try:
                return wait()
            except sqlite3.Error:  # the second connection failed: this one still reads the file
                return here()
        return spans

    def span_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM spans").fetchone()[0]

    # ------------------------------------------------------------------ status
    def document_statuses(self, doc_id: int) -> dict[str, str]:
        """Every annotator's status for a document (annotators who never touched it are left out)."""
        rows = self.conn.execute("SELECT annotator, status FROM doc_status WHERE doc_id = ? ORDER BY annotator", [doc_id])
        return dict(rows.fetchall())

    def status(self, doc_id: int, annotator: str) -> str:
        row = self.conn.execute(
            "SELECT status FROM doc_status WHERE doc_id = ? AND annotator = ?", [doc_id, annotator]
        ).fetchone()
        return row[0] if row else "new"

    def set_status(self, doc_id: int, annotator: str, status: str) -> str:
        """Set an annotator's status for a document; returns the previous one (for undo)."""
        if status not in DOC_STATUSES:
            raise ValueError(f"unknown status {status!r}; expected one of {', '.join(DOC_STATUSES)}")
        with self._writing_as(annotator) as stamp:
            previous = self.status(doc_id, annotator)
            self.conn.execute(
                "INSERT INTO doc_status (doc_id, annotator, status, updated) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (doc_id, annotator) DO UPDATE SET status = excluded.status, updated = excluded.updated",
                [doc_id, annotator, status, stamp],
            )
        return previous

    def review_status(self, doc_id: int) -> str:
        row = self.conn.execute("SELECT status FROM review_status WHERE doc_id = ?", [doc_id]).fetchone()
        return row[0] if row else "unreviewed"

    def set_review_status(self, doc_id: int, status: str, reviewer: str) -> str:
        if status not in REVIEW_STATUSES:
            raise ValueError(f"unknown review status {status!r}; expected one of {', '.join(REVIEW_STATUSES)}")
        with self.transaction():
            previous = self.review_status(doc_id)
            self.conn.execute(
                "INSERT INTO review_status (doc_id, status, reviewer, updated) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (doc_id) DO UPDATE SET status = excluded.status, reviewer = excluded.reviewer,"
                " updated = excluded.updated",
                [doc_id, status, reviewer, now()],
            )
        return previous

    # ------------------------------------------------------------------- stats
    def stats(self) -> dict[str, Any]:
        """Counts for ``annotator stats``: every annotator gets every status (a document
        with no status row is *new* for them) and every label its span count, zeros included."""
        documents = self.document_count()
        annotators = self.annotators(include_gold=True)
        by_status = {name: dict.fromkeys(DOC_STATUSES, 0) for name in annotators}
        for annotator, status, count in self.conn.execute(
            "SELECT annotator, status, count(*) FROM doc_status WHERE status != 'new' GROUP BY annotator, status"
        ):
            by_status.setdefault(annotator, dict.fromkeys(DOC_STATUSES, 0))[status] = count
        for counts in by_status.values():
            counts["new"] = documents - sum(counts.values())
        by_label = {label.name: 0 for label in self.labels()}
        by_label.update(self.conn.execute("SELECT label, count(*) FROM spans GROUP BY label ORDER BY label"))
        return {
            "project": str(self.path),
            "documents": documents,
            "spans": self.span_count(),
            "labels": [label.name for label in self.labels()],
            "annotators": annotators,
            "status_by_annotator": by_status,
            "spans_by_label": by_label,
            "spans_by_annotator": dict(
                self.conn.execute("SELECT annotator, count(*) FROM spans GROUP BY annotator ORDER BY annotator")
            ),
            "attributes_by_label": self.attribute_counts(),  # label -> attribute -> value -> spans
            "actors": [actor_summary(count) for count in self.actor_counts()],
        }
