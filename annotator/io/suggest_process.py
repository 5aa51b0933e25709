"""The rest of a long document's suggestions, computed part by part in a child process.

The window computes the lines in view on a worker thread (a few milliseconds); the rest of a
long document runs here. A dense 2 MB report is ~2 s of Python and ~165,000 suggestions: on a
thread it shared the interpreter lock with the window (every frame waited for it: 30 ms typical
while it ran, 150 ms at worst) and its garbage made the window's full collections slow. Here the
window only receives each part's suggestions as typed arrays (``SuggestionColumns``), one small
message per part, taken off the pipe by a reader thread.

    process = SuggestingProcess(on_arrival)   # starts the child (spawn: no copy of Qt or SQLite)
    process.ask(RestRequest(...))             # a newer request makes the child drop the older one
    message = process.take()                  # without blocking: ("part", ...), ("failed", ...) or None
    process.close()                           # the child ends; so does it when the window dies

The child opens the project itself and keeps the compiled rules and the dictionary until the
request's ``generation`` changes (a label, an accept or a reject changes the dictionary).
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from annotator.io.model_process import background, lower_priority


@dataclass(frozen=True)
class RestRequest:
    request: int  # the window's request number: parts of an older one are dropped
    path: str
    doc_id: int
    annotator: str
    sources: tuple[str, ...]
    pieces: tuple[tuple[int, int], ...]  # the parts of the text to do, in order
    generation: int  # rules and dictionary are built again when this changes


def _serve(conn: Connection) -> None:
    from annotator.core.suggest.compute import suggest_parts
    from annotator.io.suggesting import load_rules
    from annotator.store import Project
    from annotator.store import suggestions as store

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the process group: the window decides
    background()
    built: dict[str, Any] = {}
    waiting: list[RestRequest | None] = []  # a request that came while another was being done
    while True:
        try:
            asked = waiting.pop() if waiting else conn.recv()
        except (EOFError, OSError):
            return  # the window is gone
        if asked is None:
            return
        if not asked.pieces:
            continue  # the window wants nothing more of the previous request
        try:
            with Project.open(asked.path, create=False) as project:
                if built.get("key") != (asked.path, asked.generation):
                    built = {"key": (asked.path, asked.generation), "rules": load_rules(project).compiled,
                             "dictionary": store.project_dictionary(project)}
                text = project.document_text(asked.doc_id)
                places = store.document_places(project, asked.doc_id, asked.annotator, asked.sources)
            rules = built["rules"] if "rules" in asked.sources else None
            dictionary = built["dictionary"] if "dictionary" in asked.sources else None
            found = suggest_parts(text, asked.pieces, rules, dictionary, model=places.model,
                                  rejected=places.rejected, existing=places.existing)
            for number, (start, end, part) in enumerate(found):
                if conn.poll():  # a newer request (another document, or this one changed): drop this one
                    waiting.append(conn.recv())
                    break
                conn.send(("part", asked.request, start, end, part, number == len(asked.pieces) - 1))
        except (BrokenPipeError, EOFError):
            return
        except Exception as exc:  # a busy or damaged project: the window says it, the child keeps serving
            conn.send(("failed", asked.request, f"{type(exc).__name__}: {exc}"))


class SuggestingProcess:
    """The child that computes suggestions for the window; one per window, started on first need.

    A reader thread takes the child's messages off the pipe as they come (a message can arrive in
    pieces: reading it on the window's thread waited 150 ms for the rest once) and puts them in an
    inbox; ``on_arrival`` is called (on that thread) after each. The window takes them with ``take``.
    """

    def __init__(self, on_arrival: Callable[[], None]) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child_end = context.Pipe(duplex=True)
        self._process = context.Process(target=_serve, args=(child_end,), name="annotator-suggesting", daemon=True)
        self._process.start()
        lower_priority(self._process.pid)
        child_end.close()  # the child holds its own copy: the pipe closes when the child ends
        self.closed = False
        self._inbox: deque[tuple] = deque()
        self._on_arrival = on_arrival
        self._reader = threading.Thread(target=self._read, name="annotator-suggesting-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                message = self._conn.recv()
            except (EOFError, OSError):
                message = ("ended", self._process.exitcode)
            self._inbox.append(message)
            if not self.closed:
                self._on_arrival()
            if message[0] == "ended":
                return

    @property
    def alive(self) -> bool:
        return not self.closed and self._process.is_alive()

    def ask(self, request: RestRequest) -> None:
        self._conn.send(request)

    def take(self) -> tuple | None:
        """The oldest message not taken yet, or None: ("part", request, start, end, SuggestionColumns, last),
        ("failed", request, text), or ("ended", exit code) when the child is gone."""
        return self._inbox.popleft() if self._inbox else None

    def close(self) -> None:
        """End the child and its reader (at once: a child still starting would take ~0.4 s to stop by itself)."""
        if self.closed:
            return
        self.closed = True
        try:
            self._conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        self._process.join(timeout=0.05)  # it only reads the project: ending it mid-way loses nothing
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=5)
        self._reader.join(timeout=5)  # the pipe is closed at the child's end: the reader ends
        self._conn.close()
