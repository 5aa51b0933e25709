"""Where an export writes: a file or a folder filled under a temporary name and put in place at the end.

An error or a cancel leaves nothing half-written: the temporary entry is
removed and whatever was there before stays. A folder export (brat) replaces an
existing folder only when it is empty or carries ``EXPORT_MARKER``, the file
every folder export writes; any other folder (a hand-made brat corpus, notes)
is refused untouched.

A target that is not a regular file (a FIFO, a device node such as /dev/null,
anything under /dev or /proc such as /dev/stdout) is written into directly
(``StreamFile``): replacing it by renaming would put a regular file in the
node's place (as root, the system's own /dev/null).

A run killed half-way (``kill -9``, a power cut) leaves hidden ``.NAME.XXXXXXXX.part``
entries, and a folder export killed between its two renames leaves the previous
folder in ``.NAME.XXXXXXXX.old/previous`` and no folder at NAME. The next export to
NAME puts the previous folder back and removes what no running export holds
(``io.leftovers``): nothing is lost and nothing is left to pile up.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from annotator.io import leftovers
from annotator.io.exporters._base import ExportError, Output

WRITE_BUFFER = 1 << 20
EXPORT_MARKER = ".annotator-export"
MARKER_TEXT = (
    "This folder was written by Annotator's export. The next export to this folder\n"
    "replaces it whole: keep your own files elsewhere.\n"
)


@contextlib.contextmanager
def cannot_write(path: Path) -> Iterator[None]:
    """An OSError while creating ``path`` becomes one line naming it (not our temporary name)."""
    try:
        yield
    except (FileExistsError, NotADirectoryError) as exc:
        raise ExportError(f"cannot write {path} (part of its folder path is a file)") from exc
    except OSError as exc:
        raise ExportError(f"cannot write {path} ({exc.strerror or exc})") from exc


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _usual_mode(path: Path, folder: bool) -> None:
    """mkstemp/mkdtemp create private (0600/0700) entries; an export gets the usual permissions."""
    os.chmod(path, (0o777 if folder else 0o666) & ~_umask())


def _scratch_entries(path: Path) -> list[Path]:
    """Our hidden scratch entries for ``path``: ``.NAME.`` + tempfile's 8 random characters + ``.part``/``.old``."""
    pattern = re.compile(rf"\.{re.escape(path.name)}\.[a-z0-9_]{{8}}\.(part|old)")
    try:
        return [entry for entry in path.parent.iterdir() if pattern.fullmatch(entry.name)]
    except OSError:
        return []


def recover(path: Path) -> list[str]:
    """Undo what a killed export to ``path`` left: put a previous folder back, remove abandoned scratch entries.

    Returns what was done, in words, for the summary.
    """
    done = []
    for entry in sorted(_scratch_entries(path), key=lambda e: e.suffix != ".old"):
        if not leftovers.abandoned(entry, lock_inside=EXPORT_MARKER if entry.suffix == ".part" else None):
            continue
        previous = entry / "previous"
        if entry.suffix == ".old" and previous.is_dir() and not path.exists():
            os.replace(previous, path)
            done.append(f"put back {path} (an earlier export was killed while replacing it)")
        leftovers.remove(entry)
        done.append(f"removed {entry.name} left by a killed export")
    return done


class AtomicFile:
    """A file written under a temporary name in its folder and renamed into place at the end."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.is_dir():
            raise ExportError(f"{path} is a folder; give the name of a file to write")
        with cannot_write(path):
            path.parent.mkdir(parents=True, exist_ok=True)
            self.recovered = recover(path)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
            leftovers.hold(fd)
        self.temp = Path(temp)
        _usual_mode(self.temp, folder=False)
        self.stream: BinaryIO = os.fdopen(fd, "wb", buffering=WRITE_BUFFER)

    def output(self) -> Output:
        return Output(stream=self.stream)

    def commit(self) -> None:
        with cannot_write(self.path):
            self.stream.close()
            os.replace(self.temp, self.path)

    def abort(self) -> None:
        self.stream.close()
        self.temp.unlink(missing_ok=True)


def replaceable_folder(folder: Path) -> bool:
    """A folder an export may replace: empty, or written by an earlier export (it carries the marker)."""
    return (folder / EXPORT_MARKER).is_file() or not any(folder.iterdir())


_SPECIAL_FOLDERS = (Path("/dev"), Path("/proc"))


def is_stream_target(path: Path) -> bool:
    """Whether ``path`` must be written into rather than replaced: a FIFO, a device, a socket, or under /dev or /proc.

    /dev/stdout is a link that may end at a regular file (a shell redirect): its name
    under /dev is what makes it a stream.
    """
    absolute = Path(os.path.abspath(path))
    if any(folder == absolute.parent or folder in absolute.parents for folder in _SPECIAL_FOLDERS):
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


class StreamFile:
    """An existing FIFO or device (or /dev/stdout) written into as it is: never renamed, never removed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.exists():  # never make a new entry under /dev or /proc
            raise ExportError(f"{path} does not exist; under /dev and /proc only an existing device or stream is written")
        with cannot_write(path):
            self.stream: BinaryIO = open(path, "wb", buffering=WRITE_BUFFER)  # noqa: SIM115 (closed by commit/abort)

    def output(self) -> Output:
        return Output(stream=self.stream)

    def commit(self) -> None:
        with cannot_write(self.path):
            self.stream.close()

    def abort(self) -> None:
        with contextlib.suppress(OSError):  # a full device refuses the buffered rest too: it is dropped
            self.stream.close()


def file_target(path: Path) -> AtomicFile | StreamFile:
    return StreamFile(path) if is_stream_target(path) else AtomicFile(path)


class AtomicFolder:
    """A folder filled under a temporary name next to it and swapped into place at the end."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if is_stream_target(path) or (path.exists() and not path.is_dir()):
            raise ExportError(f"{path} is not a folder; this format writes a folder: give a new or empty folder")
        if path.exists() and not replaceable_folder(path):
            raise ExportError(
                f"{path} exists and is neither empty nor an earlier Annotator export (it has no {EXPORT_MARKER} "
                "file); nothing was changed: choose an empty or new folder"
            )
        with cannot_write(path):
            path.parent.mkdir(parents=True, exist_ok=True)
            self.recovered = recover(path)
            if path.exists() and not replaceable_folder(path):  # what was put back is checked like any folder
                raise ExportError(f"{path} was put back from a killed export; run the export again")
            self.temp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part"))
        _usual_mode(self.temp, folder=True)
        # The marker is also the lock that tells this run's folder from one a killed run left.
        self._marker = os.open(self.temp / EXPORT_MARKER, os.O_RDWR | os.O_CREAT, 0o666 & ~_umask())
        leftovers.hold(self._marker)
        os.write(self._marker, MARKER_TEXT.encode("utf-8"))

    def output(self) -> Output:
        return Output(folder=self.temp)

    def commit(self) -> None:
        old = None
        with cannot_write(self.path):
            if self.path.exists():
                old = Path(tempfile.mkdtemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".old"))
                lock = leftovers.hold_folder(old)
                os.replace(self.path, old / "previous")
            os.replace(self.temp, self.path)  # a kill between the two renames: the next run puts 'previous' back
        os.close(self._marker)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
            os.close(lock)

    def abort(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._marker)
        shutil.rmtree(self.temp, ignore_errors=True)


class Stdout:
    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream

    def output(self) -> Output:
        return Output(stream=self.stream)

    def commit(self) -> None:
        self.stream.flush()

    def abort(self) -> None:
        self.stream.flush()
