"""Review mode with relations: comparing them must not slow entering review mode (issue 12).

Data: the 2 MB document of ``review_speed.py`` (ana and ben agree on 16,000 spans, differ on 2,000
each), in two project files that differ only in relations: in one, ana and ben each drew 3,000
relations between their agreed spans, 2,700 the same and 300 of their own (so 600 relation
disagreements are listed among the span disagreements, in text order).

Timed, in one run, alternating the two files and comparing medians: entering review mode (Ctrl+R's
``set_active(True)``, the compared spans and relations compared afresh) until the window is idle
(``ui_common.until_idle``: posted events, deferred deletes, zero timers).
Baseline: the same entry on the file without relations (the same work minus relations).
Goal: entering with 3,000 relations per annotator within 1.2x of entering without.
Also printed: the relation comparison alone (one query and ``compare_relations``), and N on a
relation row (under 50 ms, as every review key).

Usage: python benchmarks/review_relations_speed.py [--scale 0.1] [--repeat 11]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from review_speed import make_review_project  # noqa: E402
from ui_common import bench_window, elapsed_ms, scale_and_repeat, until_idle, verdict  # noqa: E402

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.core.relation_disagreements import compare_relations  # noqa: E402
from annotator.core.relations import DEFAULT_RELATION_LABELS  # noqa: E402
from annotator.store import Project, relation_review  # noqa: E402

ENTER_GOAL_RATIO = 1.2
KEY_GOAL_MS = 50.0
RULES = {(label.heads[0], label.children[0]): label.name for label in DEFAULT_RELATION_LABELS}


def add_relations(project: Project, doc_id: int, count: int) -> int:
    """``count`` relations per annotator between nearby agreed spans whose labels fit a rule; 10% each one's own."""
    by = {who: {(s.start, s.end, s.label): s.id for s in project.spans(doc_id, who)} for who in ("ana", "ben")}
    shared = sorted(set(by["ana"]) & set(by["ben"]))
    pairs = []
    for i, head in enumerate(shared):
        for child in shared[i + 1:i + 6]:
            if (head[2], child[2]) in RULES:
                pairs.append((head, child, RULES[(head[2], child[2])]))
                break
        if len(pairs) >= count + count // 10 * 2:
            break
    own = count // 10
    common, ana_only, ben_only = pairs[:count - own], pairs[count - own:count], pairs[count:count + own]
    for who, extra in (("ana", ana_only), ("ben", ben_only)):
        ids = by[who]
        project.add_relations((ids[h], ids[c], label) for h, c, label in [*common, *extra])
    return len(common) + len(extra)


def main() -> int:
    args = scale_and_repeat()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        folders = {kind: Path(tmp) / kind for kind in ("plain", "relations")}
        windows, projects = {}, {}
        for kind, folder in folders.items():
            folder.mkdir()
            project, doc_id = make_review_project(folder / "review.db", args.scale)
            if kind == "relations":
                per_annotator = add_relations(project, doc_id, int(3_000 * args.scale))
            projects[kind] = project
            windows[kind] = bench_window(project, folder, "ana")
            windows[kind].open_document(doc_id)
            app.processEvents()

        def idle(func: Callable[[], object]) -> float:
            return elapsed_ms(lambda: (func(), until_idle(app)))

        enters: dict[str, list[float]] = {kind: [] for kind in windows}
        cpu: dict[str, list[float]] = {kind: [] for kind in windows}  # this thread's CPU: less hurt by busy neighbours
        for _ in range(args.repeat):
            for kind, window in windows.items():
                window.review.comparisons.invalidate()
                started = time.thread_time()
                enters[kind].append(idle(lambda window=window: window.review.set_active(True)))
                cpu[kind].append((time.thread_time() - started) * 1000)
                window.review.set_active(False)
                app.processEvents()

        window = windows["relations"]
        window.review.set_active(True)
        app.processEvents()
        panel = window.review.panel
        listed = len(panel.relations)
        panel.set_row(panel.model.order.relation_rows[0])  # the first relation row
        steps = [idle(lambda: QTest.keyClick(panel.list, Qt.Key.Key_N)) for _ in range(args.repeat)]
        compares = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            compare_relations(relation_review.relations_by_annotator(projects["relations"], doc_id, ["ana", "ben"]))
            compares.append((time.perf_counter() - started) * 1000)
        for kind in windows:
            windows[kind].review.set_active(False)
            windows[kind].close()
            projects[kind].close()

    median = statistics.median
    plain, related = median(enters["plain"]), median(enters["relations"])
    ratio = related / plain
    step = median(steps)
    print(f"document of {args.scale * 2:.2f} MB, {per_annotator:,} relations per annotator, {listed:,} relation "
          f"disagreements; medians of {args.repeat} alternating runs")
    print(f"baseline: enter review mode, no relations        {plain:8.1f} ms")
    print(f"enter review mode, with relations                {related:8.1f} ms  {ratio:5.2f}x "
          f"(goal <= {ENTER_GOAL_RATIO}x): {verdict(ratio, ENTER_GOAL_RATIO)}")
    print(f"  CPU time of the same entries: {median(cpu['plain']):.1f} ms without, {median(cpu['relations']):.1f} ms "
          f"with relations: {median(cpu['relations']) / median(cpu['plain']):.2f}x")
    print(f"  of which the relation comparison (query + compare) {median(compares):6.1f} ms")
    print(f"N on a relation row                              {step:8.1f} ms  (goal < {KEY_GOAL_MS:.0f} ms): "
          f"{'PASS' if step <= KEY_GOAL_MS else 'FAIL'}")
    failed = ratio > ENTER_GOAL_RATIO or step > KEY_GOAL_MS
    print("overall:", "FAIL" if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
