"""Import time stays linear on hostile input (issue 15 points 6 and 7), measured in one run.

Goals (each: 4x the input takes at most 6x the time, i.e. ~4x plus noise):
  1. HTML: runs of ``<!--``, ``</``, ``<?`` and a mix (CPython's html.parser, used
     before, is quadratic on them: 160 KB of ``<!--`` took 74 s), and a realistic
     page (paragraphs, headings, entities, emoji) for comparison.
  2. One record bringing N new labels (1,000 took 25 s before labels were created
     in one batch).

Each case imports a file into a fresh project in this process (what the user
waits for: read, parse, store), at the base size and at 4x, alternating, three
times each; the medians are compared. Usage:

    python benchmarks/import_hostile.py              # full size (~2 MB of HTML at 4x)
    python benchmarks/import_hostile.py --scale 0.1  # quick run
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.io.importing import import_paths  # noqa: E402
from annotator.store import Project  # noqa: E402

RATIO_GOAL = 6.0
REPEATS = 3
PAGE = ("<h2>Talks resume &amp; treaties</h2><p>Officials said &ldquo;talks resume&rdquo; on Monday \U0001f600 "
        "in <b>Seoul</b> &mdash; 5&nbsp;km away, 北京 and São Paulo.</p>\n<ul><li>One</li><li>Two</li></ul>\n")
HTML_CASES = {"<!-- runs": "<!--", "</ runs": "</", "<? runs": "<?", "mixed runs": "x<!--</<?<!", "realistic page": PAGE}


def html_writer(pattern: str) -> Callable[[Path, int], Path]:
    def write(folder: Path, size: int) -> Path:
        path = folder / "page.html"
        path.write_text("<title>t</title><p>start</p>" + pattern * max(1, size // len(pattern)), encoding="utf-8")
        return path
    return write


def labels_writer(folder: Path, count: int) -> Path:
    path = folder / "labels.jsonl"
    spans = [{"start": 0, "end": 5, "label": f"label-{n}"} for n in range(count)]
    path.write_text(json.dumps({"text": "Hello world", "spans": spans}) + "\n", encoding="utf-8")
    return path


def import_seconds(write: Callable[[Path, int], Path], size: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = write(folder, size)
        with Project.open(folder / "p.db") as project:
            started = time.perf_counter()
            report = import_paths(project, [source], annotator="bench")
            elapsed = time.perf_counter() - started
        if not report.ok:
            raise SystemExit(f"import failed: {report.failed[0]}")
        return elapsed


def compare(name: str, write: Callable[[Path, int], Path], size: int) -> bool:
    small, large = [], []
    for _ in range(REPEATS):  # alternate, so a busy moment hits both sizes
        small.append(import_seconds(write, size))
        large.append(import_seconds(write, 4 * size))
    ratio = statistics.median(large) / statistics.median(small)
    ok = ratio <= RATIO_GOAL
    print(f"{name:16s} {size:>9,} -> {4 * size:>9,}: {statistics.median(small) * 1000:8.1f} ms -> "
          f"{statistics.median(large) * 1000:8.1f} ms  ratio {ratio:4.1f}x (goal <= {RATIO_GOAL}x)  "
          f"{'PASS' if ok else 'FAIL'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full sizes (quick run: 0.1)")
    args = parser.parse_args()
    html_size = max(20_000, int(500_000 * args.scale))
    label_count = max(100, int(1000 * args.scale))
    results = [compare(name, html_writer(pattern), html_size) for name, pattern in HTML_CASES.items()]
    results.append(compare("new labels", labels_writer, label_count))
    print("PASS" if all(results) else "FAIL")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
