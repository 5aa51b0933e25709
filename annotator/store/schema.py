"""Schema of the project file, as named migration steps, and telling a project file apart.

Never edit an applied step: add a new one. A project whose migrations table
names a step this version does not know was written by a newer Annotator and
is refused untouched.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from annotator.store.attributes import AttributeStore
from annotator.store.database import Database, Migrations
from annotator.store.errors import (SQLITE_INTERRUPT, SQLITE_NOTADB, CorruptProjectError, NewerSchemaError,
                                   NotAProjectError, ProjectError, project_error, sqlite_code)

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


@migrations(name="0005_span_attributes")
def span_attributes(db: Database) -> None:
    """Attributes of labels (``certainty`` of ``claim``) and their values on spans.

    A value goes with its span (ON DELETE CASCADE): whatever deletes a span deletes
    its values; undoing a deletion puts them back with the span.
    """
    db["attribute_defs"].create(
        {"label": str, "name": str, "kind": str, "choices": str, "default_value": str, "hotkeys": str,
         "sort_order": int},
        pk=("label", "name"),
        not_null={"label", "name", "kind"},
    )
    db.execute(
        "CREATE TABLE span_attrs (span_id INTEGER NOT NULL REFERENCES spans(id) ON DELETE CASCADE,"
        " name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (span_id, name))"
    )
    # The defaults (claim certainty, quote form, figure kind), for projects old and new.
    AttributeStore.seed_attribute_defs(db)  # type: ignore[arg-type]


@migrations(name="0006_relation_labels")
def relation_labels(db: Database) -> None:
    """Relation labels (issue 12): name, colour, hotkey and which span labels each end may have
    (``heads``/``children``: JSON lists, empty for any). A project gets the default relation labels
    whose end labels it has (a new project: Project._prepare, after its span labels)."""
    db["relation_labels"].create(
        {"name": str, "color": str, "hotkey": str, "description": str, "sort_order": int, "heads": str,
         "children": str},
        pk="name",
    )
    db["relations"].create_index(["head"])
    db["relations"].create_index(["tail"])
    from annotator.store.relations import seed_relation_labels  # the seeding is the store's, one place
    seed_relation_labels(db.conn)


@migrations(name="0007_actors")
def actors(db: Database) -> None:
    """The actor list (issue 13): entries, the keys completion finds them by, and spans' links.

    ``name_key``/``external_id``/``uid`` are unique: one entry per name, per external id and per
    project id. ``actor_keys`` holds each name's and alias's word suffixes (``core.actors.completion_keys``),
    ``whole`` = 1 for the whole name; a prefix search is one range scan of its index. A link goes with its
    span (ON DELETE CASCADE) and keeps the mention's ``name_key`` for "this text was linked before".
    """
    db.execute(
        "CREATE TABLE actors (id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
        " name_key TEXT NOT NULL UNIQUE, aliases TEXT NOT NULL DEFAULT '[]', external_id TEXT UNIQUE, note TEXT,"
        " created TEXT, updated TEXT)"
    )
    db.execute(
        "CREATE TABLE actor_keys (key TEXT NOT NULL, actor_id INTEGER NOT NULL REFERENCES actors(id)"
        " ON DELETE CASCADE, whole INTEGER NOT NULL)"
    )
    db.execute("CREATE INDEX actor_keys_key ON actor_keys (key)")
    db.execute("CREATE INDEX actor_keys_actor ON actor_keys (actor_id)")
    db.execute(
        "CREATE TABLE span_actors (span_id INTEGER PRIMARY KEY REFERENCES spans(id) ON DELETE CASCADE,"
        " actor_id INTEGER NOT NULL REFERENCES actors(id), mention_key TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX span_actors_actor ON span_actors (actor_id)")
    db.execute("CREATE INDEX span_actors_mention ON span_actors (mention_key)")


@migrations(name="0008_span_read")
def span_read(db: Database) -> None:
    """Opening a document reads its spans from one index alone: (doc_id, annotator, start) plus every
    column the read takes but the note (the rowid, ``id``, is in every index). Looking each row up in
    the table cost ~4 of ~9 ms for 10,000 spans. Notes, long and rare, are not copied into it: a
    partial index names the spans that have one, and they are read from the table
    (``Project.spans``). The new index starts with the old one's columns, so it serves every query
    the old one did, and replaces it."""
    db.execute("DROP INDEX IF EXISTS idx_spans_doc_id_annotator_start")
    db.execute("CREATE INDEX idx_spans_read ON spans (doc_id, annotator, start, [end], label, origin, reviewer,"
               " created, updated)")
    db.execute("CREATE INDEX idx_spans_noted ON spans (doc_id, annotator) WHERE note IS NOT NULL")


@migrations(name="0009_rejected_relations")
def rejected_relations(db: Database) -> None:
    """A reviewer's "reject all versions" of a relation disagreement (review key X on a relation row):
    no relation between the two spans goes into gold, and the pair counts as decided. The pair is kept
    by its ends' (start, end, label), first end first in text order, as the comparison knows it."""
    db["rejected_relations"].create(
        {"id": int, "doc_id": int, "first_start": int, "first_end": int, "first_label": str,
         "second_start": int, "second_end": int, "second_label": str, "reviewer": str, "created": str},
        pk="id",
        not_null={"doc_id", "first_start", "first_end", "first_label", "second_start", "second_end", "second_label"},
        foreign_keys=[("doc_id", "documents", "id")],
    )
    db["rejected_relations"].create_index(["doc_id"])


# ------------------------------------------------- telling a project file apart
SQLITE_MAGIC = b"SQLite format 3\x00"
READ_TIMEOUT_S = 5.0
# A colleague's file gets SQLite's quick_check too (after the schema is known to be ours), but never
# for longer than this: a huge or hostile file is refused rather than waited on.
COLLEAGUE_CHECK_SECONDS = 120.0
CHECK_ADVICE = "run `annotator check {path}` for a full integrity check"


def is_sqlite(path: Path) -> bool:
    """Whether the file starts with SQLite's header (read-only; creates no side file where none are).

    A file some connection has open (a project the window holds, opened again by a worker or
    checked for damage) is read by SQLite itself, never with ``open()``: closing any descriptor of
    a file drops every POSIX lock this process holds on it, SQLite's own included, and another
    process closing its connection (the suggestion child) then took the project for unused and
    deleted its -wal and -shm under the window ("disk I/O error"; SQLite's "How To Corrupt", 2.2).
    """
    if readable_as_immutable(path):  # nobody has it open: no lock to drop, and SQLite would leave side files
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA schema_version")  # reads the header (and no schema)
        return True
    except sqlite3.DatabaseError as exc:
        return sqlite_code(exc) != SQLITE_NOTADB  # another error is for the caller's own connection to report
    finally:
        conn.close()


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


# ------------------------------------------------- is the schema exactly ours?
# SQLite's own bookkeeping: no code runs in it, and it comes and goes (ANALYZE, AUTOINCREMENT).
_SQLITE_INTERNAL = re.compile(r"sqlite_(autoindex_.*|stat\d|sequence)", re.IGNORECASE)
_QUOTED = re.compile(r'\[([^\]]*)\]|"((?:[^"]|"")*)"|`([^`]*)`')
SchemaObjects = dict[tuple[str, str], tuple[str, str]]  # (type, name) -> (table, normalized SQL)


def _normalized(sql: str | None) -> str:
    """SQL text with quoting of names, case and spacing taken out: two spellings of one definition compare equal."""
    if sql is None:
        return ""
    text = _QUOTED.sub(lambda m: next(g for g in m.groups() if g is not None), sql)
    text = re.sub(r"\s+", " ", text).strip().lower()
    return re.sub(r" ?([(),=]) ?", r"\1", text)


def schema_objects(conn: sqlite3.Connection) -> SchemaObjects:
    """Every table, index, view and trigger of the main database (reads sqlite_master only: runs nothing)."""
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM main.sqlite_master").fetchall()
    return {(kind, name.lower()): (str(table).lower(), _normalized(sql))
            for kind, name, table, sql in rows if not _SQLITE_INTERNAL.fullmatch(name)}


@functools.lru_cache(maxsize=4)
def expected_schema(steps: tuple[str, ...]) -> SchemaObjects:
    """The schema our migration steps ``steps`` make, built on an in-memory database (a few ms, once)."""
    if not steps:
        return {}
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        db = Database(conn, execute_plugins=False)
        migrations.ensure_migrations_table(db)
        for step in migrations._migrations:
            if step.name in steps:
                step.fn(db)
        return schema_objects(conn)
    finally:
        conn.close()


_KIND_ORDER = {"trigger": 0, "view": 1, "table": 2, "index": 3}


def _difference(found: SchemaObjects, ours: SchemaObjects) -> str | None:
    """The first way ``found`` differs from ``ours``, in words (code first: triggers, views); None when it is ours."""
    def ordered(keys: set[tuple[str, str]]) -> list[tuple[str, str]]:
        return sorted(keys, key=lambda key: (_KIND_ORDER.get(key[0], -1), key[1]))

    for kind, name in ordered(set(found) - set(ours)):
        return f"{kind} {name} is not part of it"
    for key in ordered({key for key in set(found) & set(ours) if found[key] != ours[key]}):
        kind, name = key
        if kind == "table" and re.search(r"\bgenerated\b|\bas\(", found[key][1]):
            return f"table {name} has a generated column"
        return f"{kind} {name} is defined differently"
    for kind, name in ordered(set(ours) - set(found)):
        return f"{kind} {name} is missing"
    return None


def verify_schema(path: Path, conn: sqlite3.Connection, steps: set[str]) -> None:
    """Refuse a file whose tables, columns, indexes, triggers or views are not exactly what ``steps`` make.

    Cheap (sqlite_master only) and done before any check: SQLite's checks evaluate
    generated columns, CHECK constraints and index expressions, which a crafted file
    can make take hours.
    """
    ordered = tuple(m.name for m in migrations._migrations if m.name in steps)
    problem = _difference(schema_objects(conn), expected_schema(ordered))
    if problem:
        raise NotAProjectError(path, f"not an Annotator project: its schema is not Annotator's ({problem}); "
                                     "nothing in it was read or run")


def _bounded_check(path: Path, conn: sqlite3.Connection, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    conn.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
    try:
        result = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.OperationalError as exc:
        if sqlite_code(exc) == SQLITE_INTERRUPT or "interrupted" in str(exc):
            raise ProjectError(path, f"the integrity check did not finish within {seconds:g} s, so the file was not "
                                     f"read; {CHECK_ADVICE.format(path=path)}") from exc
        raise project_error(path, exc) from exc
    except sqlite3.DatabaseError as exc:
        raise project_error(path, exc) from exc
    finally:
        conn.set_progress_handler(None, 0)
    if result != [("ok",)]:
        detail = "; ".join(r[0] for r in result[:3])
        raise CorruptProjectError(path, f"the project file is damaged (integrity check: {detail})")


def verify(path: Path, conn: sqlite3.Connection, *, check_seconds: float | None = None) -> None:
    """Refuse a foreign database, one written by a newer Annotator, or one whose schema is not ours.

    This reads only the header and sqlite_master: its cost does not grow with the
    file. Damage inside the file is met by SQLite when it reads the damaged page
    (``project_error`` words it); ``check_seconds`` adds SQLite's whole-file
    ``quick_check``, for a colleague's file, bounded in time. An SQLite database with
    no tables at all (an empty file, or a project another process is creating this
    very moment) passes: opening it makes it a project.
    """
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        applied = (
            {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET])}
            if _has_table(conn, "_sqlite_migrations")
            else set()
        )
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
        verify_schema(path, conn, applied)
    except sqlite3.DatabaseError as exc:
        raise project_error(path, exc) from exc
    if check_seconds is not None:
        _bounded_check(path, conn, check_seconds)


def open_verified(path: Path, *, immutable: bool = False, check_seconds: float | None = None) -> sqlite3.Connection:
    """A connection that cannot write (``mode=ro``, query only, untrusted schema), to a file ``verify`` accepts.

    ``immutable`` also takes no locks and makes no side files (only right when there is no -wal).
    A connection error propagates as ``sqlite3.Error``, for the caller to word.
    """
    uri = Path(path).resolve().as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro")
    conn = sqlite3.connect(uri, uri=True, timeout=READ_TIMEOUT_S, isolation_level=None)
    try:
        conn.execute("PRAGMA trusted_schema=OFF")
        conn.execute("PRAGMA query_only=ON")
        verify(path, conn, check_seconds=check_seconds)
    except BaseException:
        conn.close()
        raise
    return conn


def readable_as_immutable(path: Path) -> bool:
    """Whether no connection can be using ``path`` now: no -shm beside it and no -wal with content.

    Such a file is read with no locks and no side files. Otherwise a read-only connection
    shares the side files that are there (and, unable to checkpoint, leaves them).
    """
    wal = Path(f"{path}-wal")
    return not Path(f"{path}-shm").exists() and not (wal.exists() and wal.stat().st_size > 0)


def verify_read_only(path: Path) -> None:
    """``verify`` an existing file through a connection that cannot write.

    Closing a read-write connection would checkpoint a pending -wal into the
    file: a file that is refused must keep its bytes. A file nobody has open is read
    as immutable: a read-only connection to a WAL file would create -wal and -shm
    beside it and, unable to checkpoint, leave them there.
    """
    try:
        conn = open_verified(path, immutable=readable_as_immutable(path))
    except sqlite3.Error as exc:
        raise project_error(path, exc) from exc
    conn.close()


def full_check(path: Path, progress: Callable[[float], bool | None] | None = None, *,
               quick: bool = False, in_use: bool = False) -> list[str]:
    """SQLite's full ``integrity_check`` of a project: [] when it finds no damage, else SQLite's findings.

    Read-only, and only once the schema is known to be ours (a crafted schema
    could make the check run for hours). ``progress(seconds_so_far)`` is called
    every few milliseconds while it runs; a true answer stops the check (its result
    is then meaningless). Its cost grows with the file: this is what ``annotator check``
    runs, never opening. ``quick`` runs ``quick_check`` (no index cross-checks: linear
    in the file's size); ``in_use`` for a file another connection may be writing (the
    window checks its own project in the background), so it is never read as immutable.
    """
    path = Path(path)
    if not path.is_file():
        raise ProjectError(path, "no such project file")
    check_header(path)
    try:
        conn = open_verified(path, immutable=not in_use and readable_as_immutable(path))
    except sqlite3.Error as exc:
        raise project_error(path, exc) from exc
    started = time.monotonic()
    if progress is not None:
        conn.set_progress_handler(lambda: progress(time.monotonic() - started) or 0, 100_000)
    try:
        pragma = "quick_check" if quick else "integrity_check"
        return [row[0] for row in conn.execute(f"PRAGMA {pragma}(100)") if row[0] != "ok"]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        conn.close()
