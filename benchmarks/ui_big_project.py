"""A project with 100,000 documents: time until the window is usable, and memory, vs an empty project.

Each case runs in a fresh subprocess: Python start, imports, opening the project, building the
window, showing the first document and processing the first paint. Goal: at most 1.5x the time
of an empty project and at most 150 MB more memory (peak RSS).
Usage: python benchmarks/ui_big_project.py [--scale 0.1]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TIME_GOAL, MEMORY_GOAL_MB = 1.5, 150

CHILD = r"""
import json, os, resource, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
started = time.perf_counter()
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from annotator.store import Project
from annotator.ui.main_window import MainWindow
app = QApplication([])
project = Project.open(sys.argv[1], create=False)
opened = time.perf_counter()
window = MainWindow(project, "bench", QSettings(sys.argv[2], QSettings.Format.IniFormat))
window.show()
app.processEvents()
usable = time.perf_counter()
print(json.dumps({"total": usable - started, "open": opened - started, "window": usable - opened,
                  "rows": window.documents.model.rowCount(),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def build(path: Path, documents: int) -> None:
    from annotator.store import Project

    with Project.open(path) as project, project.transaction():
        for i in range(documents):
            text = f"Report {i}: the ministry said that {i % 97} ships left the harbour on day {i % 365}."
            project._add_document(text, title=f"report {i:06d}", source="", meta=None, uid=None)


def measure(path: Path, settings: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), str(settings)], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    count = int(100_000 * args.scale)
    with tempfile.TemporaryDirectory() as tmp:
        empty, big = Path(tmp) / "empty.db", Path(tmp) / "big.db"
        build(empty, 0)
        started = time.perf_counter()
        build(big, count)
        print(f"built {count:,} documents in {time.perf_counter() - started:.1f} s "
              f"({big.stat().st_size / 1e6:.0f} MB)")
        runs = {name: [measure(p, Path(tmp) / f"{name}.ini") for _ in range(args.repeat)]
                for name, p in (("empty", empty), ("big", big))}
    best = {name: min(r, key=lambda m: m["total"]) for name, r in runs.items()}
    for name, m in best.items():
        print(f"{name:5}  usable after {m['total'] * 1000:7.0f} ms (open {m['open'] * 1000:5.0f} ms, window "
              f"{m['window'] * 1000:5.0f} ms), rows {m['rows']:,}, peak RSS {m['rss_mb']:.0f} MB")
    ratio = best["big"]["total"] / best["empty"]["total"]
    extra = best["big"]["rss_mb"] - best["empty"]["rss_mb"]
    print(f"time ratio {ratio:.2f}x (goal <= {TIME_GOAL}x): {'PASS' if ratio <= TIME_GOAL else 'FAIL'}")
    print(f"extra memory {extra:.0f} MB (goal <= {MEMORY_GOAL_MB} MB): {'PASS' if extra <= MEMORY_GOAL_MB else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
