"""Shared set-up for the workspace benchmarks: a big document with many spans, in a real project file."""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from annotator.core.tokens import token_bounds  # noqa: E402
from annotator.store import Project  # noqa: E402

WORDS = ("the minister said that North Korea’s army of 1.3 million soldiers would move to the border "
         "while analysts in Seoul and Washington doubted the claim and the figures published last week").split()


EMOJI = "👍"  # outside the BMP: two UTF-16 positions, so offsets must be converted


def make_text(size: int, seed: int = 1, emoji_every: int = 0) -> str:
    """About ``size`` characters of prose in paragraphs of 300-1500 characters; with ``emoji_every``,
    an emoji as a word of its own about every that many characters (as in real posts and reports)."""
    rng = random.Random(seed)
    paragraphs, total, next_emoji = [], 0, emoji_every
    while total < size:
        words = [rng.choice(WORDS) for _ in range(rng.randint(50, 250))]
        if emoji_every:
            length = total
            for n, word in enumerate(words):
                length += len(word) + 1
                if length >= next_emoji:
                    words[n] = EMOJI
                    next_emoji += emoji_every
        paragraph = " ".join(words).capitalize() + "."
        paragraphs.append(paragraph)
        total += len(paragraph) + 1
    return "\n".join(paragraphs)


def make_spans(text: str, count: int, seed: int = 2) -> list[tuple[int, int, str]]:
    """``count`` word-aligned spans, one in five nested inside a longer one."""
    rng = random.Random(seed)
    tokens = token_bounds(text)  # words only: a span never starts or ends on a line break
    labels = ("actor", "claim", "quote", "figure")
    spans = []
    for i in range(count):
        first = rng.randrange(0, len(tokens) - 12)
        last = first + rng.randint(0, 2 if i % 5 else 10)
        spans.append((tokens[first][0], tokens[last][1], labels[i % 4]))
    return spans


def make_project(path: Path, size: int, span_count: int, annotator: str = "bench",
                 emoji_every: int = 0) -> tuple[Project, int, str]:
    project = Project.open(path)
    text = make_text(size, emoji_every=emoji_every)
    doc_id, _ = project.add_document(text, title="big")
    project.add_spans({"doc_id": doc_id, "start": s, "end": e, "label": label, "annotator": annotator,
                       "origin": "manual"} for s, e, label in make_spans(text, span_count))
    return project, doc_id, text


def elapsed_ms(func: Callable[[], object]) -> float:
    started = time.perf_counter()
    func()
    return (time.perf_counter() - started) * 1000


def bench_window(project: Project, folder: Path, annotator: str = "bench"):
    """The real window on ``project`` as ``annotator``, shown, with its settings in ``folder``.

    ``project.close()`` shuts the window down first (call it before ``folder`` is removed)."""
    from PySide6.QtCore import QSettings

    from annotator.ui.main_window import MainWindow

    window = MainWindow(project, annotator, QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat))
    window.show()
    close_project = project.close

    def close() -> None:
        # The window goes first, while the project and the folder still exist: a window left open
        # had its timers fire on a closed project (ProjectError) or saved settings into a removed folder.
        shut_down(window)
        close_project()

    project.close = close  # type: ignore[method-assign]
    return window


def shut_down(window) -> None:
    """Close the window while its project is open: its close handling runs now and its timers are stopped
    (a later ``window.close()`` of the caller does nothing more)."""
    from PySide6.QtCore import QTimer

    window.close()
    for timer in window.findChildren(QTimer):
        timer.stop()


def until_idle(app) -> None:
    """Run the event loop until nothing is left to do: posted events, deferred deletes and the
    zero-interval timers the work scheduled (what the analyst waits for before the window answers)."""
    from PySide6.QtCore import QEventLoop, QTimer

    for _ in range(2):  # a zero timer started while the first round ran fires in the second
        app.processEvents()
        loop = QEventLoop()
        QTimer.singleShot(0, loop.quit)
        loop.exec()


def scroll_through(view, app) -> float:
    """Scroll from the top to the end one page at a time, painting each page; the time in ms."""
    bar = view.verticalScrollBar()
    bar.setValue(0)
    app.processEvents()
    started = time.perf_counter()
    while bar.value() < bar.maximum():
        bar.setValue(bar.value() + bar.pageStep())
        view.viewport().repaint()
    return (time.perf_counter() - started) * 1000


def verdict(ratio: float, goal: float) -> str:
    return "PASS" if ratio <= goal else "FAIL"


def scale_and_repeat(repeat: int = 11) -> argparse.Namespace:
    """The command line every UI benchmark takes: --scale (1.0: full size) and --repeat (runs per side)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=repeat)
    return parser.parse_args()


class Heartbeat:
    """A 5 ms timer on the window's event loop that scrolls the text a line and paints it on every tick
    (an analyst reading on), keeping every wait between two ticks: the longest is the longest frame."""

    def __init__(self, view, goal_ms: int) -> None:
        from PySide6.QtCore import QElapsedTimer, QTimer

        self.view, self.bar, self.goal_ms = view, view.verticalScrollBar(), goal_ms
        self.clock, self.timer = QElapsedTimer(), QTimer(interval=5)
        self.timer.timeout.connect(self._tick)
        self.gaps: list[int] = []
        self.slow: list[tuple[float, int]] = []  # (seconds after start, ms) of each wait over the goal
        self.started = 0.0

    def start(self) -> None:
        self.gaps, self.slow, self.started = [], [], time.perf_counter()
        self.clock.start()
        self.timer.start()

    def _tick(self) -> None:
        self.gaps.append(self.clock.restart())
        if self.gaps[-1] > self.goal_ms:
            self.slow.append((round(time.perf_counter() - self.started, 2), self.gaps[-1]))
        self.bar.setValue((self.bar.value() + 1) % (self.bar.maximum() + 1))
        self.view.viewport().repaint()

    def stop(self) -> int:
        """Stop ticking; the longest wait (the last one, cut short, included)."""
        self.timer.stop()
        self.gaps.append(self.clock.elapsed())
        return max(self.gaps)


def wait_ms(ms: float) -> None:
    """Run the event loop for ``ms`` milliseconds."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(ms), loop.quit)
    loop.exec()
