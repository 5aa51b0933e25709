"""Scratch files a killed run leaves behind, told apart from those a running one is still using.

A run holds an exclusive ``flock`` on its scratch file (or a file inside its
scratch folder) for as long as it uses it. The kernel drops the lock when the
process ends, however it ends, so the next run can take the lock of an
abandoned entry and remove it, while the entry of a run still going keeps its
lock and is left alone. Where ``flock`` does not exist (Windows) nothing is
cleaned.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".annotator-lock"
# A scratch folder made by a version that did not lock it: removed only when surely abandoned.
UNLOCKED_AGE_S = 24 * 3600


def hold(fd: int) -> None:
    """Mark the open file ``fd`` as in use by this process (until it is closed or the process ends)."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)


def hold_folder(folder: Path) -> int:
    """Mark ``folder`` as in use; returns the descriptor to close when done with it."""
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    hold(fd)
    return fd


def _abandoned_file(path: Path) -> bool:
    if fcntl is None:
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # a running process holds it
    finally:
        os.close(fd)
    return True


def abandoned(entry: Path, lock_inside: str | None = None) -> bool:
    """Whether no running process uses ``entry`` (a scratch file, or a folder locked through ``lock_inside``)."""
    if entry.is_dir():
        lock = entry / (lock_inside or LOCK_NAME)
        if lock.exists():
            return _abandoned_file(lock)
        with contextlib.suppress(OSError):
            return time.time() - entry.stat().st_mtime > UNLOCKED_AGE_S
        return False
    return _abandoned_file(entry)


def remove(entry: Path) -> None:
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            entry.unlink()
