"""Errors a user can be shown as they are: each names the file and the reason.

SQLite's own errors are turned into these by ``project_error``, by SQLite's
result code: a read-only file is never called damaged.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path


class ProjectError(Exception):
    """A project file that cannot be used; the message is meant for the user."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class NotAProjectError(ProjectError):
    pass


class CorruptProjectError(ProjectError):
    pass


class NewerSchemaError(ProjectError):
    pass


class ProjectBusyError(ProjectError):
    pass


# ------------------------------------------------ SQLite errors, in the user's words
# SQLite primary result codes (the low byte of an extended code).
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_INTERRUPT, SQLITE_IOERR = 3, 5, 6, 8, 9, 10
SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 11, 13, 14, 26
_CODE_BY_MESSAGE = (  # Python 3.10's errors carry no code: tell them by SQLite's message
    ("locked", SQLITE_BUSY), ("busy", SQLITE_BUSY), ("readonly", SQLITE_READONLY),
    ("unable to open", SQLITE_CANTOPEN), ("malformed", SQLITE_CORRUPT), ("not a database", SQLITE_NOTADB),
    ("disk is full", SQLITE_FULL), ("disk i/o", SQLITE_IOERR),
)
BUSY_MESSAGE = "project is busy: another Annotator is writing to it; try again"


def sqlite_code(exc: sqlite3.Error) -> int | None:
    """SQLite's primary result code of an error, when it can be told."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF
    text = str(exc).lower()
    return next((c for fragment, c in _CODE_BY_MESSAGE if fragment in text), None)


def is_busy(exc: sqlite3.Error) -> bool:
    return sqlite_code(exc) in (SQLITE_BUSY, SQLITE_LOCKED)


def not_writable(path: Path) -> str | None:
    """Why the project at ``path`` cannot be written, as far as the file system says; else None.

    SQLite writes the file and keeps -wal and -shm files beside it, created in its
    folder. ``os.access`` also answers for read-only storage, even to root.
    """
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only (no write permission, or read-only storage)"
    sides = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    if not all(side.exists() and os.access(side, os.W_OK) for side in sides) and not os.access(path.parent, os.W_OK):
        return "its folder is read-only (SQLite keeps -wal and -shm files beside the project)"
    return None


def unreadable_wal(path: Path) -> str | None:
    """Why SQLite cannot read the file at all: a pending -wal it may not make the -shm for; else None.

    SQLite reads a -wal (committed changes not yet in the main file) only through a
    -shm index beside it, which it must create. On read-only storage or in a
    read-only folder it cannot, and even a read-only connection fails.
    """
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    try:
        pending = wal.stat().st_size > 0
    except OSError:
        return None
    if not pending or shm.exists() or os.access(path.parent, os.W_OK):
        return None
    return (f"cannot read it: {wal.name} beside it holds changes not yet written into the file (its Annotator is "
            f"still running, or was not closed), and SQLite reads them only by creating {shm.name}, which this "
            "read-only folder or storage does not allow; copy both files to a writable folder, or close that "
            "Annotator first")


def project_error(path: Path, exc: sqlite3.Error) -> ProjectError:
    """The user's message for an SQLite error on a project file: only real damage is called damaged."""
    code = sqlite_code(exc)
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return ProjectBusyError(path, BUSY_MESSAGE)
    if code in (SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM) and unreadable_wal(path):
        return ProjectError(path, unreadable_wal(path) or "")
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return CorruptProjectError(path, f"the project file is damaged ({exc}); run `annotator check {path}` for a"
                                         " full integrity check")
    if code in (SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM):
        return ProjectError(path, f"cannot open the project for writing: {not_writable(path) or exc}")
    if code == SQLITE_FULL:
        return ProjectError(path, f"cannot write the project file: the disk is full ({exc})")
    if code == SQLITE_IOERR:
        return ProjectError(path, f"cannot read or write the project file ({exc})")
    return ProjectError(path, str(exc))


def error_message(path: Path, exc: Exception) -> str:
    """The user's words for any error of a store call on the project at ``path`` (the window shows it as is)."""
    if isinstance(exc, sqlite3.Error):
        return str(project_error(Path(path), exc))
    return str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
