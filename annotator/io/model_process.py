"""Training the project's model in a child process that never blocks the caller and never outlives it.

    with ModelTraining(project.path) as training:   # starts the child
        ...                                          # the window keeps painting
        for event in training.poll():                # non-blocking: progress, done, failed
            ...
    # leaving the block (or cancel()) stops a child still running; nothing half is written

The child is a ``spawn`` process (no copy of the parent's Qt or SQLite state), a daemon
(ended when the parent exits normally), and it checks between steps that its parent is
still alive, so a killed window does not leave it training. It opens the project itself
and writes the model, its report and its suggestions in one transaction at the end.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.io.model_training import TrainingFailed, train_project


@dataclass(frozen=True)
class TrainingEvent:
    kind: str  # "progress", "done" or "failed"
    message: str = ""
    share: float = 0.0  # progress 0..1
    model_id: int | None = None


class _ParentGone(Exception):
    pass


def _child(path: str, events: Any, stop: Any, parent: int, options: dict[str, Any]) -> None:
    from annotator.store import Project

    # Ctrl+C in a terminal reaches the whole process group: the owner decides and cancels.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    background()

    def report(message: str, share: float) -> None:
        if stop.is_set() or os.getppid() != parent:
            raise _ParentGone
        events.put(TrainingEvent("progress", message, share))

    try:
        with Project.open(path, create=False) as project:
            model_id = train_project(project, report, **options)
        events.put(TrainingEvent("done", "model trained", 1.0, model_id))
    except _ParentGone:
        return
    except TrainingFailed as exc:
        events.put(TrainingEvent("failed", str(exc)))
    except Exception as exc:  # spaCy's own errors, a busy or damaged project: say it, never crash silently
        events.put(TrainingEvent("failed", f"the model could not be trained: {type(exc).__name__}: {exc}"))


def background() -> None:
    """In a child: one thread for numpy's maths (set before spaCy loads it). With a thread per core,
    training took both cores of a 2-core machine from the window: frames of 90-110 ms, 11 ms without."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"


# "normal" keeps background children at their owner's priority (the test suite and CI set it: on a
# machine busy with other work a lowered child got almost no processor, and tests waiting for it 10x longer).
CHILD_PRIORITY = "ANNOTATOR_CHILD_PRIORITY"


def lower_priority(pid: int | None) -> None:
    """Make a child just started background work (its start-up, which imports the window's modules
    again, included): on a busy machine the window's process gets the processor first.
    Unless ANNOTATOR_CHILD_PRIORITY is "normal": the child keeps the caller's priority."""
    if os.environ.get(CHILD_PRIORITY, "").strip().lower() == "normal":
        return
    if pid is not None and hasattr(os, "setpriority"):
        try:
            os.setpriority(os.PRIO_PROCESS, pid, min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10))
        except OSError:  # it ended already, or the system refuses: it runs at the window's priority
            pass


class ModelTraining:
    """One training run of a project's model in a background process."""

    def __init__(self, project_path: Path, **options: Any) -> None:
        context = multiprocessing.get_context("spawn")
        self._events = context.Queue()
        self._stop = context.Event()
        self._process = context.Process(
            target=_child, args=(str(project_path), self._events, self._stop, os.getpid(), options),
            name="annotator-model-training", daemon=True)
        self.finished: TrainingEvent | None = None
        self._closed = False
        self._process.start()
        lower_priority(self._process.pid)

    @property
    def running(self) -> bool:
        return self.finished is None and self._process.is_alive()

    @property
    def exited(self) -> bool:
        """The child process has ended (``close()`` then waits for nothing: the window closes it only then)."""
        return not self._process.is_alive()

    def poll(self) -> list[TrainingEvent]:
        """Events so far, without waiting. The last one is "done" or "failed" when the run is over."""
        found: list[TrainingEvent] = []
        if self._closed:
            return found
        while True:
            try:
                event = self._events.get_nowait()
            except queue.Empty:
                break
            found.append(event)
            if event.kind in ("done", "failed"):
                self.finished = event
        if self.finished is None and not self._process.is_alive():
            try:  # what the child put just before it ended may still be on its way
                event = self._events.get(timeout=0.5)
                found.append(event)
                if event.kind in ("done", "failed"):
                    self.finished = event
                    return found
            except queue.Empty:
                pass
            code = self._process.exitcode
            self.finished = TrainingEvent("failed", f"the training process ended unexpectedly (exit code {code})")
            found.append(self.finished)
        return found

    def wait(self, timeout: float | None = None, on_event: Any = None) -> TrainingEvent | None:
        """Block until the run ends (for the command line and tests), passing each event to ``on_event``;
        returns the last event, or None when ``timeout`` seconds passed first (the run goes on)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.finished is None:
            if deadline is not None and time.monotonic() > deadline:
                return None
            for event in self.poll():
                if on_event is not None:
                    on_event(event)
            if self.finished is None:
                time.sleep(0.05)
        self.close()
        return self.finished

    def cancel(self) -> None:
        """Stop the run; nothing it was about to write is written."""
        self._stop.set()
        self.close()

    def close(self) -> None:
        """End the child (after a moment to stop by itself) and free its resources."""
        if self._closed:
            return
        self._closed = True
        if self._process.is_alive():
            self._stop.set()
            self._process.join(timeout=2)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join(timeout=5)
        self._events.close()
        self._events.join_thread()

    def __enter__(self) -> ModelTraining:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel() if self.running else self.close()
