"""Schema of the project file, as named migration steps, and telling a project file apart.

Never edit an applied step: add a new one. A project whose migrations table
names a step this version does not know was written by a newer Annotator and
is refused untouched.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from annotator.store.database import Database, Migrations
from annotator.store.errors import CorruptProjectError, NewerSchemaError, NotAProjectError, project_error

MIGRATION_SET = "annotator"
# Written to PRAGMA application_id so a foreign SQLite file is told apart at once ("ANNO").
APPLICATION_ID = 0x414E4E4F

migrations = Migrations(MIGRATION_SET)


@migrations(name="0001_initial")
def initial(db: Database) -> None:
    db["documents"].create(
        {
            "id": int,
            "uid": str,
            "sha256": str,
            "title": str,
            "source": str,
            "text": str,
            "meta": str,
            "created": str,
        },
        pk="id",
        not_null={"uid", "sha256", "text"},
    )
    db["documents"].create_index(["sha256"], unique=True)
    db["documents"].create_index(["uid"], unique=True)
    db["labels"].create(
        {"name": str, "color": str, "hotkey": str, "description": str, "sort_order": int},
        pk="name",
    )
    db["annotators"].create({"name": str, "created": str}, pk="name")
    db["spans"].create(
        {
            "id": int,
            "doc_id": int,
            "start": int,
            "end": int,
            "label": str,
            "annotator": str,
            "origin": str,
            "note": str,
            "created": str,
            "updated": str,
        },
        pk="id",
        not_null={"doc_id", "start", "end", "label", "annotator"},
        foreign_keys=[("doc_id", "documents", "id")],
    )
    db["spans"].create_index(["doc_id", "annotator", "start"])
    db["spans"].create_index(["annotator", "label"])
    db["spans"].create_index(["label"])
    db["doc_status"].create(
        {"doc_id": int, "annotator": str, "status": str, "updated": str},
        pk=("doc_id", "annotator"),
        foreign_keys=[("doc_id", "documents", "id")],
    )
    db["doc_status"].create_index(["annotator", "status"])


@migrations(name="0002_review_relations_search")
def review_relations_search(db: Database) -> None:
    db["spans"].add_column("reviewer", str)
    db["review_status"].create(
        {"doc_id": int, "status": str, "reviewer": str, "updated": str},
        pk="doc_id",
        foreign_keys=[("doc_id", "documents", "id")],
    )
    db["relations"].create(
        {"id": int, "doc_id": int, "head": int, "tail": int, "label": str, "annotator": str, "created": str},
        pk="id",
        foreign_keys=[("doc_id", "documents", "id"), ("head", "spans", "id"), ("tail", "spans", "id")],
    )
    db["relations"].create_index(["doc_id"])
    # No triggers: projects are opened with trusted_schema=OFF, under which a trigger
    # may not write to a virtual table. Project._add_document keeps the index current.
    db["documents"].enable_fts(["title", "text"], fts_version="FTS5", tokenize="unicode61")
    # An 8 MB term buffer (default 1 MB) before FTS5 writes a segment: half the segments
    # and merges during bulk imports (benchmarks/import_speed.py). Older SQLite builds
    # without the option keep the default; they ignore the stored value when reading.
    try:
        db.execute("INSERT INTO documents_fts (documents_fts, rank) VALUES ('hashsize', ?)", [8 * 1024 * 1024])
    except sqlite3.OperationalError:
        pass


@migrations(name="0003_suggestions")
def suggestions(db: Database) -> None:
    """Suggested spans not yet accepted or rejected, the rejections (negatives for the
    dictionary and the model), trained models, and per-project settings (which sources are on)."""
    db["settings"].create({"key": str, "value": str}, pk="key")
    db["suggestions"].create(
        {"id": int, "doc_id": int, "start": int, "end": int, "label": str, "source": str, "rule": str,
         "score": float, "created": str},
        pk="id",
        not_null={"doc_id", "start", "end", "label", "source"},
        foreign_keys=[("doc_id", "documents", "id")],
    )
    db["suggestions"].create_index(["doc_id", "start"])
    db["rejections"].create(
        {"id": int, "doc_id": int, "start": int, "end": int, "label": str, "text": str, "source": str,
         "annotator": str, "created": str},
        pk="id",
        not_null={"doc_id", "start", "end", "label", "text"},
        foreign_keys=[("doc_id", "documents", "id")],
    )
    db["rejections"].create_index(["doc_id", "start"])
    db["rejections"].create_index(["text", "label"])
    db["suggest_models"].create(
        {"id": int, "created": str, "kind": str, "documents": int, "labels": str, "report": str, "model": bytes},
        pk="id",
    )


@migrations(name="0004_rejected_regions")
def rejected_regions(db: Database) -> None:
    """A reviewer's "reject all versions" (review key X): the region is decided, with nothing in gold."""
    db["rejected_regions"].create(
        {"id": int, "doc_id": int, "start": int, "end": int, "reviewer": str, "created": str},
        pk="id",
        not_null={"doc_id", "start", "end"},
        foreign_keys=[("doc_id", "documents", "id")],
    )
    db["rejected_regions"].create_index(["doc_id", "start"])


# ------------------------------------------------- telling a project file apart
SQLITE_MAGIC = b"SQLite format 3\x00"
READ_TIMEOUT_S = 5.0


def is_sqlite(path: Path) -> bool:
    """Whether the file starts with SQLite's header (read-only: opens nothing as a database)."""
    with path.open("rb") as fh:
        return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


def database_files(path: Path, *, resolve: bool = True) -> set[Path]:
    """The SQLite file at ``path`` and the journal files SQLite keeps beside it, resolved (or as given)."""
    real = Path(path).resolve() if resolve else Path(path)
    return {real.with_name(real.name + tail) for tail in ("", "-wal", "-shm", "-journal")}


def check_header(path: Path) -> None:
    if not is_sqlite(path):
        raise NotAProjectError(path, "not an Annotator project (the file is not an SQLite database)")


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]).fetchone()
    return row is not None


def _quick_check(path: Path, conn: sqlite3.Connection) -> None:
    try:
        result = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise project_error(path, exc) from exc
    if result != [("ok",)]:
        detail = "; ".join(r[0] for r in result[:3])
        raise CorruptProjectError(path, f"the project file is damaged (integrity check: {detail})")


def verify(path: Path, conn: sqlite3.Connection) -> None:
    """Refuse a corrupt file, a foreign database or one written by a newer Annotator.

    ``PRAGMA quick_check`` is O(file size): about 0.3 s for a 450 MB project. An
    SQLite database with no tables at all (an empty file, or a project another
    process is creating this very moment) passes: opening it makes it a project.
    """
    _quick_check(path, conn)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        applied = (
            {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET])}
            if _has_table(conn, "_sqlite_migrations")
            else set()
        )
    except sqlite3.DatabaseError as exc:
        raise project_error(path, exc) from exc
    if app_id == 0 and tables == 0:
        return
    if app_id != APPLICATION_ID:
        raise NotAProjectError(path, "not an Annotator project (an SQLite database of another program)")
    unknown = sorted(applied - {m.name for m in migrations._migrations})
    if unknown:
        raise NewerSchemaError(
            path,
            f"written by a newer version of Annotator (schema step {unknown[-1]}); "
            "upgrade Annotator to open it. The file was not changed.",
        )


def open_verified(path: Path, *, immutable: bool = False) -> sqlite3.Connection:
    """A connection that cannot write (``mode=ro``, query only, untrusted schema), to a file ``verify`` accepts.

    ``immutable`` also takes no locks and makes no side files (only right when there is no -wal).
    A connection error propagates as ``sqlite3.Error``, for the caller to word.
    """
    uri = Path(path).resolve().as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro")
    conn = sqlite3.connect(uri, uri=True, timeout=READ_TIMEOUT_S, isolation_level=None)
    try:
        conn.execute("PRAGMA trusted_schema=OFF")
        conn.execute("PRAGMA query_only=ON")
        verify(path, conn)
    except BaseException:
        conn.close()
        raise
    return conn


def verify_read_only(path: Path) -> None:
    """``verify`` an existing file through a connection that cannot write.

    Closing a read-write connection would checkpoint a pending -wal into the
    file: a file that is refused must keep its bytes.
    """
    try:
        conn = open_verified(path)
    except sqlite3.Error as exc:
        raise project_error(path, exc) from exc
    conn.close()
