"""Merge memory: a colleague's project with 1 million spans merges in bounded memory.

Goal: merging a generated colleague file (10,000 documents of ~2 KB with emoji and CJK,
1,000,000 spans, ~100 MB) into a fresh project peaks (max RSS of the merging process)
at most MEMORY_GOAL_MB above the floor, and the peak does not grow with the file:
merging a quarter of it peaks about as high (ratio of the peaks printed, PASS when
under GROWTH_GOAL). Measured before streaming: 287 MB for 200,000 spans (241 MB above
the floor; ~1.2 GB for 1 million spans). The floor is the least work of the same job that holds no rows: a
process that imports the same code and opens both projects, read-only and
verified, without reading a row.

Each measure runs in its own subprocess (max RSS is per process); sides alternate
and the medians are compared. Usage:

    python benchmarks/merge_memory.py              # full size (a few minutes)
    python benchmarks/merge_memory.py --scale 0.1  # quick run
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

MEMORY_GOAL_MB = 150
GROWTH_GOAL = 1.5
WORDS = ("the minister said talks on security and growth stalled in Seoul Moscow Beijing café naïve "
         "Zürich 北京 東京 😀 👩‍💻 🇰🇷 sanctions treaty border report").split()

MEASURE = r"""
import resource, sys
from pathlib import Path
from annotator.store import Project
from annotator.store.colleague import open_untrusted
from annotator.io.merge import merge_source
side, target, source = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
with Project.open(target) as project:
    if side == "merge":
        summary = merge_source(project, source)
        assert summary.spans_total > 0, summary
    else:
        open_untrusted(source).close()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def build_colleague(path: Path, documents: int, spans: int, seed: int = 7) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from annotator.store import Project

    rng = random.Random(seed)
    with Project.open(path) as project:
        lengths = []
        with project.transaction():
            for n in range(documents):
                text = " ".join(rng.choice(WORDS) for _ in range(300))[:2000]
                project._add_document(f"Report {n}: {text}", title=f"r{n}", source="gen", meta={"n": n}, uid=None)
                lengths.append(len(text))
        doc_ids = project.document_ids()
        rows = []
        for n in range(spans):
            doc = n % documents
            start = rng.randrange(0, lengths[doc] - 10)
            rows.append((doc_ids[doc], start, start + rng.randint(1, 9), rng.choice(("actor", "claim", "quote")),
                         f"ann{n % 5}", "manual", "2026-01-01T00:00:00", "2026-01-01T00:00:00"))
            if len(rows) == 50_000 or n == spans - 1:
                with project.transaction():
                    project.conn.executemany(
                        "INSERT INTO spans (doc_id, start, [end], label, annotator, origin, created, updated)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
                rows = []
        with project.transaction():
            project.record_annotators([f"ann{n}" for n in range(5)], "2026-01-01T00:00:00")
    project_conn_checkpoint(path)


def project_conn_checkpoint(path: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def peak_mb(side: str, folder: Path, source: Path, run: int) -> int:
    target = folder / f"target-{side}-{run}.db"
    out = subprocess.run([sys.executable, "-c", MEASURE, side, str(target), str(source)], capture_output=True,
                         text=True, check=True, cwd=Path(__file__).resolve().parent.parent)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    return int(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    spans = int(1_000_000 * args.scale)
    documents = max(10, int(10_000 * args.scale))
    with tempfile.TemporaryDirectory(prefix="annotator-merge-bench-") as tmp:
        folder = Path(tmp)
        full, quarter = folder / "full.db", folder / "quarter.db"
        build_colleague(full, documents, spans)
        build_colleague(quarter, max(10, documents // 4), spans // 4)
        print(f"colleague file: {spans:,} spans, {documents:,} documents, {full.stat().st_size / 1e6:.0f} MB")
        floors, fulls, quarters = [], [], []
        for run in range(args.repeats):
            floors.append(peak_mb("floor", folder, full, run))
            fulls.append(peak_mb("merge", folder, full, run))
            quarters.append(peak_mb("merge", folder, quarter, run))
    floor, peak_full, peak_quarter = (statistics.median(v) for v in (floors, fulls, quarters))
    above = peak_full - floor
    growth = peak_full / peak_quarter
    print(f"peak RSS, floor (open both, read nothing): {floor} MB  runs {floors}")
    print(f"peak RSS, merge full file:               {peak_full} MB  runs {fulls}  ({above} MB above the floor)")
    print(f"peak RSS, merge a quarter of it:         {peak_quarter} MB  runs {quarters}")
    print(f"growth (peak full / peak quarter): {growth:.2f}x for 4x the data")
    ok = above <= MEMORY_GOAL_MB and growth <= GROWTH_GOAL
    print(f"{'PASS' if ok else 'FAIL'}: merge stays within {MEMORY_GOAL_MB} MB above the floor "
          f"and grows at most {GROWTH_GOAL}x for 4x the data")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
