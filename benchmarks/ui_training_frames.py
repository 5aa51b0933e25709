"""While the model trains, no frame of the window takes longer than 50 ms (issue 14).

The real window on a generated corpus (``tests/suggest_corpus.py``: documents marked done by one
analyst, actors and figures in recurring sentences) starts training from its Suggestions menu
(Ctrl+Alt+M, as the analyst would). Training runs in a background process; meanwhile a 5 ms
QTimer measures every wait of the window's event loop, and every tick scrolls the text view by one
line and repaints it (so the waits include painting frames). Printed: the training time, how many
ticks ran, the longest gap between two ticks (the longest frame), and PASS/FAIL against 50 ms for
the longest frame of all runs. The start of the process is part of what is measured. After each
run the same ticks go on for as long again with nothing training: the longest wait then is printed
for information (what a busy machine does to any window). At the end the window is closed, which
ends the training process if it still runs.

Usage: python benchmarks/ui_training_frames.py [--scale 0.5] [--repeat 3]  (scale 1: 40 done documents)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from suggest_corpus import build_corpus  # noqa: E402
from ui_common import Heartbeat, bench_window, until_idle, verdict, wait_ms  # noqa: E402

from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.store import Project  # noqa: E402

GOAL_MS = 50


def train_once(app, done: int) -> dict:
    """One training run from the window's key, measuring every wait of its event loop meanwhile, then
    the same ticks for as long again with nothing running (what the busy machine does alone)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.db"
        unfinished, _ = build_corpus(path, done=done)
        project = Project.open(path)
        window = bench_window(project, Path(tmp), "ana")
        window.open_document(unfinished)
        until_idle(app)
        while window.suggestions.busy():
            app.processEvents()
        until_idle(app)
        heartbeat = Heartbeat(window.text_view, GOAL_MS)
        loop = QEventLoop()
        finished = QTimer(interval=50)
        finished.timeout.connect(lambda: window.suggestions.training is None and loop.quit())
        started = time.perf_counter()
        heartbeat.start()
        QTest.keyClick(window.text_view, Qt.Key.Key_M,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        training = window.suggestions.training
        child = training._process.pid if training is not None else None
        if training is not None:
            finished.start()
            QTimer.singleShot(600_000, loop.quit)
            loop.exec()
        finished.stop()
        seconds = time.perf_counter() - started
        heartbeat.stop()
        training_gaps, slow = heartbeat.gaps, heartbeat.slow
        heartbeat.start()
        wait_ms(seconds * 1000)
        result = {"seconds": seconds, "gaps": training_gaps, "quiet": heartbeat.stop(), "slow": slow,
                  "message": window.suggestions.panel.message.text(), "child": child,
                  "trained": window.suggestions.panel.scores.rowCount() > 0}
        window.close()
        project.close()
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    done = max(6, int(40 * args.scale))
    runs = [train_once(app, done) for _ in range(args.repeat)]
    for number, run in enumerate(runs, 1):
        gaps = run["gaps"]
        print(f"run {number}: training took {run['seconds']:.1f} s in process {run['child']} (the window's is "
              f"{os.getpid()}): {run['message']}")
        print(f"  {len(gaps):,} ticks of a 5 ms timer, each scrolling and repainting the text; median wait "
              f"{statistics.median(gaps)} ms, 99th percentile {sorted(gaps)[int(len(gaps) * 0.99)]} ms, "
              f"longest {max(gaps)} ms; the same ticks as long again with nothing training: longest {run['quiet']} ms")
        if run["slow"]:
            print("  frames over the goal (seconds after the key, ms):", run["slow"][:10])
    longest = [max(run["gaps"]) for run in runs]
    trained = all(run["trained"] and run["child"] not in (None, os.getpid()) for run in runs)
    worst = max(longest)
    print(f"{done} done documents, {args.repeat} runs; longest frame per run {longest} ms, median "
          f"{statistics.median(longest)} ms")
    print(f"longest frame while training: {worst} ms (goal <= {GOAL_MS} ms): "
          f"{verdict(worst, GOAL_MS) if trained else 'FAIL (no model trained in a child process)'}")
    return 0 if trained and worst <= GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
