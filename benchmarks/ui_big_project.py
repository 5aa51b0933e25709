"""A project with 100,000 realistic documents (~2 KB each: the file is hundreds of MB): time until the
window is usable, and memory, vs an empty project.

Goal (issue 3): at most 1.5x the time of an empty project and at most 150 MB more memory.

Each run is a fresh process, so two times are reported per case, each with its ratio:
- start to usable: from launching the process until the window is shown, its first document
  open and the first paint done (what the analyst waits for). Python's start-up and the imports
  (~1 s) are the same for both projects and make this ratio look small;
- window alone: from the project file being open until the window is usable (building it,
  filling the document list, opening the first document, painting), where the project's size
  shows. The project's opening (integrity check) is printed too.
Memory is the process's peak resident size. Runs alternate between the two projects; medians.

Usage: python benchmarks/ui_big_project.py [--scale 0.1] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ui_common import verdict  # noqa: E402

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
imported = time.perf_counter()
project = Project.open(sys.argv[1], create=False)
opened = time.perf_counter()
window = MainWindow(project, "bench", QSettings(sys.argv[2], QSettings.Format.IniFormat))
window.show()
app.processEvents()
usable = time.perf_counter()
print(json.dumps({"imports": imported - started, "open": opened - imported, "window": usable - opened,
                  "rows": window.documents.model.rowCount(),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), flush=True)
"""


def build(path: Path, documents: int) -> None:
    """``documents`` realistic documents of about 2 KB each (prose in paragraphs, one in ten with an
    emoji), each distinct, with titles and sources, as an import would store them."""
    from ui_common import make_text

    from annotator.store import Project

    prose = make_text(400_000, emoji_every=20_000).split("\n")
    with Project.open(path) as project, project.transaction():
        for i in range(documents):
            body = "\n".join(prose[(i * 3 + k) % len(prose)][:700] for k in range(3))
            text = f"Report {i} on day {i % 365}.\n{body}"
            project._add_document(text, title=f"report {i:06d}", source=f"reports/{i:06d}.txt", meta=None, uid=None)


def measure(path: Path, settings: Path) -> dict:
    """One fresh process; ``total`` runs from launching it until it reports the window usable."""
    launched = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(settings)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    line = child.stdout.readline()
    total = time.perf_counter() - launched
    _, errors = child.communicate()
    if not line:
        raise SystemExit(f"the measuring process failed:\n{errors}")
    return {**json.loads(line), "total": total}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    count = int(100_000 * args.scale)
    with tempfile.TemporaryDirectory() as tmp:
        paths = {"empty": Path(tmp) / "empty.db", "big": Path(tmp) / "big.db"}
        build(paths["empty"], 0)
        started = time.perf_counter()
        build(paths["big"], count)
        print(f"built {count:,} documents in {time.perf_counter() - started:.1f} s "
              f"({paths['big'].stat().st_size / 1e6:.0f} MB)")
        runs: dict[str, list[dict]] = {"empty": [], "big": []}
        for _ in range(args.repeat):
            for name, path in paths.items():
                runs[name].append(measure(path, Path(tmp) / f"{name}.ini"))
    med = {name: {key: statistics.median(r[key] for r in rs) for key in rs[0]} for name, rs in runs.items()}
    for name, m in med.items():
        print(f"{name:5}  start to usable {m['total'] * 1000:6.0f} ms (imports {m['imports'] * 1000:4.0f}, "
              f"project open {m['open'] * 1000:4.0f}, window {m['window'] * 1000:4.0f}), "
              f"rows {m['rows']:,.0f}, peak RSS {m['rss_mb']:.0f} MB")
    total = med["big"]["total"] / med["empty"]["total"]
    window = med["big"]["window"] / med["empty"]["window"]
    extra = med["big"]["rss_mb"] - med["empty"]["rss_mb"]
    print(f"start to usable ratio {total:.2f}x (goal <= {TIME_GOAL}x): {verdict(total, TIME_GOAL)}")
    print(f"window alone ratio {window:.2f}x (goal <= {TIME_GOAL}x): {verdict(window, TIME_GOAL)}")
    print(f"extra memory {extra:.0f} MB (goal <= {MEMORY_GOAL_MB} MB): {verdict(extra, MEMORY_GOAL_MB)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
