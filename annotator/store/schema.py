"""Schema of the project file, as named migration steps.

Never edit an applied step: add a new one. A project whose migrations table
names a step this version does not know was written by a newer Annotator and
is refused untouched.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

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
