"""Reading a colleague's project file: untrusted input, never modified.

The file is opened read-only and checked like any project (SQLite header,
application_id, schema not newer than ours and exactly what our migration
steps make: no trigger, view, generated column or CHECK of its own), and only
then by SQLite's ``quick_check``, bounded in time (a crafted schema would make
that check evaluate its expressions for hours). Nothing is ever written, so no
trigger could fire; ``trusted_schema=OFF`` keeps functions in its schema from
running. Every value read is checked before it is used.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.model import (DOC_STATUSES, GOLD_ANNOTATOR, REVIEW_STATUSES, Label, annotator_name_problem,
                                  hotkey_problem, label_name_problem, meta_problem, recorded_annotator_problem)
from annotator.store.errors import NotAProjectError, ProjectError, project_error, unreadable_wal
from annotator.core.text import text_problem
from annotator.store.project import Project, now
from annotator.store import schema
from annotator.store.actor_merge import merge_actors
from annotator.store.schema import check_header, open_verified
from annotator.store.colleague_attributes import merge_attribute_values
from annotator.store.colleague_relations import merge_relation_rejections, merge_relations

# Table -> the columns we read from it (those present are selected).
KNOWN_COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": ("id", "uid", "sha256", "title", "source", "text", "meta", "created"),
    "labels": ("name", "color", "hotkey", "description", "sort_order"),
    "spans": ("id", "doc_id", "start", "end", "label", "annotator", "origin", "note", "reviewer", "created", "updated"),
    "doc_status": ("doc_id", "annotator", "status", "updated"),
    "review_status": ("doc_id", "status", "reviewer", "updated"),
    "rejected_regions": ("doc_id", "start", "end", "reviewer", "created"),
    "relations": ("id", "doc_id", "head", "tail", "label", "annotator", "created"),
    "relation_labels": ("name", "color", "hotkey", "description", "sort_order", "heads", "children"),
    "rejected_relations": ("doc_id", "first_start", "first_end", "first_label", "second_start", "second_end",
                           "second_label", "reviewer", "created"),
    "span_attrs": ("span_id", "name", "value"),
    "attribute_defs": ("label", "name"),
}
REQUIRED = {
    "documents": ("id", "text"),
    "spans": ("doc_id", "start", "end", "label", "annotator"),
}


@dataclass
class ColleagueProject:
    """A colleague's file, open read-only and verified; its rows are streamed, never all held at once.

    Use as a context manager (or call ``close``). Rows come as plain dicts keyed by column.
    """

    path: Path
    conn: sqlite3.Connection
    labels: list[Label] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> documents left out

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def rows(self, table: str) -> Iterator[dict[str, Any]]:
        """The known columns of ``table``, row by row (nothing when the table is missing, e.g. an older file)."""
        columns = _real_columns(self.conn, table)
        if columns is None:
            return
        missing = [c for c in REQUIRED.get(table, ()) if c not in columns]
        if missing:
            raise NotAProjectError(self.path, f"not an Annotator project (table {table} lacks {', '.join(missing)})")
        quoted = ", ".join(f'"{c}"' for c in columns)
        try:
            for row in self.conn.execute(f'SELECT {quoted} FROM main."{table}"'):
                yield dict(zip(columns, row))
        except sqlite3.DatabaseError as exc:  # damage met while reading: the colleague's file, not ours
            raise project_error(self.path, exc) from exc

    def columns(self, table: str) -> list[str]:
        """The known, ordinary columns ``table`` has (none when it is missing or not a real table)."""
        return _real_columns(self.conn, table) or []

    def count(self, table: str) -> int:
        """How many rows ``table`` has (0 when it is missing): the size of a merge, for its progress."""
        if _real_columns(self.conn, table) is None:
            return 0
        try:
            return int(self.conn.execute(f'SELECT count(*) FROM main."{table}"').fetchone()[0])
        except sqlite3.DatabaseError as exc:
            raise project_error(self.path, exc) from exc

    def documents(self) -> Iterator[dict[str, Any]]:
        """Documents that can be merged; the others are counted in ``skipped`` with the reason."""
        for document in map(_document, self.rows("documents")):
            if isinstance(document, str):
                self.skip(document)
            else:
                yield document

    def names(self) -> set[str]:
        """Every annotator and reviewer the file names (one query per column, nothing held but the names)."""
        found: set[str] = set()
        for table, column in (("spans", "annotator"), ("spans", "reviewer"), ("doc_status", "annotator"),
                              ("review_status", "reviewer")):
            if column in (_real_columns(self.conn, table) or ()):
                for (value,) in self.conn.execute(f'SELECT DISTINCT "{column}" FROM main."{table}"'):
                    name = _name(value, {})
                    if name:
                        found.add(name)
        return found

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> ColleagueProject:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _side_files(path: Path) -> tuple[Path, Path]:
    return Path(f"{path}-wal"), Path(f"{path}-shm")


def open_untrusted(path: str | Path) -> sqlite3.Connection:
    """A read-only connection to a colleague's file, verified; creates no -wal/-shm when it can.

    A project in WAL mode opened with ``mode=ro`` alone makes SQLite create -wal and
    -shm files beside it. When there is no -wal file (the colleague's Annotator is
    closed, everything is in the main file), ``immutable=1`` reads the main file
    with no locks and no side files at all. A non-empty -wal holds committed data
    not yet in the main file; immutable would ignore it, so then plain ``mode=ro``
    is used and SQLite may create a -shm beside it (unavoidable to read that data).
    """
    path = Path(path)
    if not path.is_file():
        raise ProjectError(path, "no such project file")
    check_header(path)
    wal, _ = _side_files(path)
    immutable = not wal.exists() or wal.stat().st_size == 0
    try:
        return open_verified(path, immutable=immutable, check_seconds=schema.COLLEAGUE_CHECK_SECONDS)
    except sqlite3.Error as exc:
        raise ProjectError(path, unreadable_wal(path) or f"cannot open the file read-only ({exc})") from exc


def _real_columns(conn: sqlite3.Connection, table: str) -> list[str] | None:
    """Known, ordinary columns of ``table``; None when it is missing or not a real table."""
    kinds = {r[0] for r in conn.execute("SELECT type FROM sqlite_master WHERE name = ? COLLATE NOCASE", [table])}
    if kinds != {"table"}:
        return None
    # table_xinfo: hidden = 0 is an ordinary column; 2 and 3 are generated columns.
    present = {name for name, hidden in conn.execute("SELECT name, hidden FROM pragma_table_xinfo(?)", [table]) if hidden == 0}
    return [c for c in KNOWN_COLUMNS[table] if c in present]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _document(row: dict[str, Any]) -> dict[str, Any] | str:
    """The document's fields, or why it cannot be merged."""
    text = row.get("text")
    if not isinstance(row.get("id"), int) or not isinstance(text, str):
        return "documents without an id or a text"
    problem = text_problem(text)
    if problem:
        return f"documents ({problem}), with their spans"
    try:
        meta = json.loads(row["meta"]) if isinstance(row.get("meta"), str) else {}
    except (ValueError, RecursionError):
        return "documents whose meta is not JSON or nested too deep, with their spans"
    problem = meta_problem(meta) if isinstance(meta, dict) else None
    if problem:
        return f"documents whose meta cannot be stored ({problem}), with their spans"
    return {
        "id": row["id"],
        "text": text,
        "uid": _text(row.get("uid")),
        "title": _text(row.get("title")) or "",
        "source": _text(row.get("source")) or "",
        "meta": meta if isinstance(meta, dict) else {},
    }


def _label(row: dict[str, Any]) -> Label | None:
    name = row.get("name")
    if not isinstance(name, str) or label_name_problem(name):
        return None
    color = row.get("color")
    if not (isinstance(color, str) and len(color) == 7 and color[0] == "#" and all(c in "0123456789abcdefABCDEF" for c in color[1:])):
        color = "#999999"
    order = row.get("sort_order")
    return Label(name, color, _text(row.get("hotkey")) or "", _text(row.get("description")) or "", order if isinstance(order, int) else 0)


def read_colleague(path: str | Path) -> ColleagueProject:
    """Open a colleague's project for reading (see the module docstring); ProjectError when it is refused."""
    path = Path(path)
    conn = open_untrusted(path)
    try:
        for table in ("documents", "spans"):
            if _real_columns(conn, table) is None:
                raise NotAProjectError(path, f"not an Annotator project (its {table} is missing or not a table)")
        project = ColleagueProject(path, conn)
        project.labels = [lb for lb in map(_label, project.rows("labels")) if lb is not None]
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise ProjectError(path, f"cannot read the colleague's project ({exc})") from exc
    except BaseException:
        conn.close()
        raise
    return project


# ------------------------------------------------------------------ merging
Progress = Callable[[int, int], None]  # (rows merged so far, rows in the file): documents and spans
DOCUMENT_BATCH = 500  # documents merged between two progress reports


class _Counter:
    """Rows merged so far, reported to a ``Progress`` once per batch, never once per row."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def add(self, rows: int) -> None:
        self.done = min(self.total, self.done + rows)
        if self.progress is not None:
            self.progress(self.done, self.total)


@dataclass
class MergeSummary:
    source: Path
    documents_added: int = 0
    documents_matched: int = 0
    spans_added: dict[str, int] = field(default_factory=dict)  # per annotator, after renaming
    spans_present: int = 0  # already in the project: merging twice adds nothing
    statuses_set: int = 0
    rejections_added: int = 0  # regions where the colleague's reviewer rejected every version
    labels_added: list[str] = field(default_factory=list)
    relations_added: dict[str, int] = field(default_factory=dict)  # per annotator, after renaming
    relations_present: int = 0  # already in the project
    relation_labels_added: list[str] = field(default_factory=list)
    relation_rejections_added: int = 0  # pairs where their reviewer rejected every relation
    attribute_values_added: int = 0  # values of their spans' attributes (refused ones are in skipped)
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> count
    notes: list[str] = field(default_factory=list)  # what the reviewer should look at (the dialog says "with problems")
    info: list[str] = field(default_factory=list)  # what the merge did beyond the counts, nothing wrong

    def skip(self, reason: str, count: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + count

    @property
    def spans_total(self) -> int:
        return sum(self.spans_added.values())


def _name(value: Any, rename: Mapping[str, str]) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return rename.get(value.strip(), value.strip())


def _add_labels(project: Project, colleague: ColleagueProject, used: set[str], summary: MergeSummary) -> None:
    existing = {lb.name: lb for lb in project.labels()}
    hotkeys = {lb.hotkey: lb.name for lb in existing.values() if lb.hotkey}
    order = max((lb.order for lb in existing.values()), default=-1)
    theirs = {lb.name: lb for lb in colleague.labels}
    for name in sorted(used - set(existing), key=lambda n: (theirs[n].order if n in theirs else 0, n)):
        base = theirs.get(name, Label(name, "#999999"))
        order += 1
        hotkey = base.hotkey
        problem = hotkey_problem(hotkey) or (f"already used by {hotkeys[hotkey]!r}" if hotkey in hotkeys else None)
        if problem:
            summary.notes.append(f"label {name} comes without its hotkey {hotkey!r}: {problem}")
            hotkey = ""
        elif hotkey:
            hotkeys[hotkey] = name
        project._insert_label(Label(name, base.color, hotkey, base.description, order))
        summary.labels_added.append(name)


def _add_documents(project: Project, colleague: ColleagueProject, summary: MergeSummary,
                   counter: _Counter) -> dict[int, tuple[int, int]]:
    """Colleague document id -> (our id, text length); documents are matched by their text's SHA-256."""
    mapping = {}
    for n, doc in enumerate(colleague.documents(), 1):
        if n % DOCUMENT_BATCH == 0:
            counter.add(DOCUMENT_BATCH)
        doc_id, created = project._add_document(doc["text"], title=doc["title"], source=doc["source"], meta=doc["meta"], uid=doc["uid"])
        mapping[doc["id"]] = (doc_id, len(doc["text"]))
        if created:
            summary.documents_added += 1
        else:
            summary.documents_matched += 1
    counter.add(colleague.count("documents") - counter.done)  # the last batch, and documents skipped
    return mapping


def _span_row(row: dict[str, Any], docs: dict[int, tuple[int, int]], rename: Mapping[str, str], summary: MergeSummary) -> tuple | None:
    start, end, label = row.get("start"), row.get("end"), row.get("label")
    annotator = _name(row.get("annotator"), rename)
    if not (isinstance(start, int) and isinstance(end, int) and isinstance(label, str) and label.strip() and annotator):
        summary.skip("spans with missing or malformed fields")
        return None
    problem = label_name_problem(label) or recorded_annotator_problem(annotator)
    if problem:
        summary.skip("spans whose label or annotator breaks the name rules (control, invisible or line-break"
                     " characters, or a look-alike of gold)")
        return None
    if row.get("doc_id") not in docs:
        summary.skip("spans of documents that were skipped or do not exist")
        return None
    doc_id, length = docs[row["doc_id"]]
    if not 0 <= start < end <= length:
        summary.skip("spans outside their document's text")
        return None
    origin = "gold" if annotator == GOLD_ANNOTATOR else "merged"
    stamp = now()
    created = _text(row.get("created")) or stamp
    return (doc_id, start, end, label, annotator, origin, _text(row.get("note")), _name(row.get("reviewer"), rename),
            created, _text(row.get("updated")) or created)


SPAN_BATCH = 10_000  # rows held at once: memory stays flat however many spans the file has


def _add_spans(project: Project, rows: Iterable[tuple], summary: MergeSummary, counter: _Counter) -> set[str]:
    """Insert, batch by batch, the spans not already in the project (nor earlier in the file); returns their labels.

    A duplicate of a span from an earlier batch is found by ``has_span``: that batch is already inserted.
    """
    used: set[str] = set()
    unreviewed = 0
    batch: list[tuple] = []

    def flush() -> None:
        nonlocal unreviewed
        seen = set()
        fresh = []
        for row in batch:
            key = row[:5]
            if key in seen or project.has_span(row[0], row[1], row[2], row[3], row[4]):
                summary.spans_present += 1
                continue
            seen.add(key)
            fresh.append(row)
            summary.spans_added[row[4]] = summary.spans_added.get(row[4], 0) + 1
            unreviewed += row[4] == GOLD_ANNOTATOR and row[7] is None
        project.conn.executemany(
            "INSERT INTO spans (doc_id, start, [end], label, annotator, origin, note, reviewer, created, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            fresh,
        )
        counter.add(len(batch))
        batch.clear()

    for row in rows:
        used.add(row[3])
        batch.append(row)
        if len(batch) >= SPAN_BATCH:
            flush()
    flush()
    # A gold span says who reviewed it; one that does not keeps an empty reviewer, and the summary says so.
    if unreviewed:
        summary.notes.append(f"{unreviewed} gold spans have no reviewer (left empty)")
    project.record_annotators(summary.spans_added, now())
    return used


def _merge_statuses(project: Project, colleague: ColleagueProject, docs: dict[int, tuple[int, int]], rename: Mapping[str, str], summary: MergeSummary) -> None:
    """A colleague's status comes in where ours is missing or 'new', or where theirs is newer."""
    for row in colleague.rows("doc_status"):
        annotator, status = _name(row.get("annotator"), rename), row.get("status")
        if row.get("doc_id") not in docs or not annotator or status not in DOC_STATUSES \
                or recorded_annotator_problem(annotator):
            summary.skip("statuses that are malformed or of skipped documents")
            continue
        doc_id = docs[row["doc_id"]][0]
        updated = _text(row.get("updated")) or ""
        ours = project.conn.execute(
            "SELECT status, updated FROM doc_status WHERE doc_id = ? AND annotator = ?", [doc_id, annotator]
        ).fetchone()
        if ours is not None and (ours[0] == status or (ours[0] != "new" and (ours[1] or "") >= updated)):
            continue
        project.conn.execute(
            "INSERT INTO doc_status (doc_id, annotator, status, updated) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (doc_id, annotator) DO UPDATE SET status = excluded.status, updated = excluded.updated",
            [doc_id, annotator, status, updated or now()],
        )
        project.record_annotators([annotator], now())
        summary.statuses_set += 1
    for row in colleague.rows("review_status"):
        if row.get("doc_id") in docs and row.get("status") in REVIEW_STATUSES:
            project.conn.execute(
                "INSERT OR IGNORE INTO review_status (doc_id, status, reviewer, updated) VALUES (?, ?, ?, ?)",
                [docs[row["doc_id"]][0], row["status"], _name(row.get("reviewer"), rename), _text(row.get("updated")) or now()],
            )


def _merge_rejections(project: Project, colleague: ColleagueProject, docs: dict[int, tuple[int, int]],
                      rename: Mapping[str, str], summary: MergeSummary) -> None:
    """A colleague reviewer's rejected regions come in as decisions (one already here is not repeated)."""
    for row in colleague.rows("rejected_regions"):
        start, end, reviewer = row.get("start"), row.get("end"), _name(row.get("reviewer"), rename)
        if row.get("doc_id") not in docs or not isinstance(start, int) or not isinstance(end, int):
            summary.skip("rejected regions that are malformed or of skipped documents")
            continue
        doc_id, length = docs[row["doc_id"]]
        if not 0 <= start < end <= length:
            summary.skip("rejected regions outside their document's text")
            continue
        if reviewer is not None and recorded_annotator_problem(reviewer):
            summary.skip("rejected regions whose reviewer breaks the name rules")
            continue
        if project.conn.execute("SELECT 1 FROM rejected_regions WHERE doc_id = ? AND start = ? AND [end] = ?",
                                [doc_id, start, end]).fetchone():
            continue
        project.conn.execute("INSERT INTO rejected_regions (doc_id, start, [end], reviewer, created) VALUES (?, ?, ?, ?, ?)",
                             [doc_id, start, end, reviewer, _text(row.get("created")) or now()])
        summary.rejections_added += 1


def merge_colleague(project: Project, colleague: ColleagueProject, rename: Mapping[str, str] | None = None,
                    progress: Progress | None = None) -> MergeSummary:
    """Bring a colleague's documents, spans (with their attribute values), relations, statuses and rejected
    regions into ``project`` in one transaction.

    ``progress(done, total)`` hears how many of the file's documents and spans are merged,
    once per batch (``DOCUMENT_BATCH`` documents, ``SPAN_BATCH`` spans), never once per row.
    """
    rename = dict(rename or {})
    if any(annotator_name_problem(name) for pair in rename.items() for name in pair):
        raise ValueError(f"the gold layer cannot be renamed, nor anyone renamed to {GOLD_ANNOTATOR!r}")
    summary = MergeSummary(colleague.path)
    theirs = colleague.names() if rename else set()
    for old in rename:
        if old not in theirs:
            summary.notes.append(f"--rename {old}={rename[old]}: {colleague.path.name} has no annotator {old!r}")
    counter = _Counter(progress, colleague.count("documents") + colleague.count("spans"))
    with project.transaction():
        docs = _add_documents(project, colleague, summary, counter)
        rows = (r for r in (_span_row(row, docs, rename, summary) for row in colleague.rows("spans")) if r is not None)
        used = _add_spans(project, rows, summary, counter)
        _add_labels(project, colleague, used, summary)
        merge_relations(project, colleague, docs, rename, summary)  # their ends are merged by now
        merge_attribute_values(project, colleague, docs, rename, summary)  # so are their spans
        _merge_statuses(project, colleague, docs, rename, summary)
        _merge_rejections(project, colleague, docs, rename, summary)
        merge_relation_rejections(project, colleague, docs, rename, summary)
        counts, conflicts = merge_actors(project, colleague.conn, colleague.path, docs, rename)
        summary.info += counts
        summary.notes += conflicts
        counter.add(counter.total - counter.done)  # spans skipped as malformed were never in a batch
    for reason, count in colleague.skipped.items():  # documents skipped while they streamed by
        summary.skip(reason, count)
    return summary
