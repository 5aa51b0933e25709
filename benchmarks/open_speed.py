"""Opening a project does not cost time in proportion to its size.

Goal: `Project.open` (+ close) of a ~300 MB project takes at most GROWTH_GOAL times
as long as of a ~10 MB one (both of the same schema, warm in the page cache: the
user's second open of the day). Opening reads the header and the schema, never
the whole file; the whole-file check is `annotator check`.

For scale, the run also prints the floor (the least work of an open: sqlite3.connect
and one read of sqlite_master) and what the whole-file `PRAGMA quick_check` that
opening used to run costs on each file (it grew with the file: 0.17 s warm on 325 MB).
Sides alternate; medians are compared. Usage:

    python benchmarks/open_speed.py              # 10 MB vs 300 MB (a few minutes to build)
    python benchmarks/open_speed.py --scale 0.1  # 1 MB vs 30 MB
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.store import Project  # noqa: E402

GROWTH_GOAL = 1.5
REPEATS = 15
WORDS = ("the minister said talks on security and growth stalled in Seoul Moscow Beijing café naïve "
         "Zürich 北京 東京 😀 👩‍💻 🇰🇷 sanctions treaty border report").split()


def build(path: Path, megabytes: float, seed: int = 3) -> None:
    rng = random.Random(seed)
    with Project.open(path) as project:
        n = 0
        while path.stat().st_size + Path(f"{path}-wal").stat().st_size < megabytes * 1e6:
            with project.transaction():
                for _ in range(500):
                    text = " ".join(rng.choice(WORDS) for _ in range(400))[:2000]
                    doc_id, _ = project._add_document(f"Report {n}: {text}", title=f"r{n}", source="gen", meta={},
                                                      uid=None)
                    project.conn.executemany(
                        "INSERT INTO spans (doc_id, start, [end], label, annotator) VALUES (?, ?, ?, 'actor', 'ana')",
                        [(doc_id, s, s + 5) for s in range(0, 1500, 100)])
                    n += 1
            project.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def open_seconds(path: Path) -> float:
    started = time.perf_counter()
    Project.open(path, create=False).close()
    return time.perf_counter() - started


def floor_seconds(path: Path) -> float:
    started = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.close()
    return time.perf_counter() - started


def quick_check_seconds(path: Path) -> float:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    started = time.perf_counter()
    conn.execute("PRAGMA quick_check").fetchall()
    took = time.perf_counter() - started
    conn.close()
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="annotator-open-bench-") as tmp:
        small, large = Path(tmp) / "small.db", Path(tmp) / "large.db"
        build(small, 10 * args.scale)
        build(large, 300 * args.scale)
        sizes = {p: p.stat().st_size / 1e6 for p in (small, large)}
        for path in (small, large):  # warm: read once, as the page cache holds a file used today
            path.read_bytes()
            open_seconds(path)
        times: dict[tuple[str, Path], list[float]] = {}
        for _ in range(REPEATS):
            for path in (small, large):
                for name, measure in (("open", open_seconds), ("floor", floor_seconds)):
                    times.setdefault((name, path), []).append(measure(path))
        checks = {path: statistics.median(quick_check_seconds(path) for _ in range(3)) for path in (small, large)}
    med = {key: statistics.median(values) * 1000 for key, values in times.items()}
    for path in (small, large):
        print(f"{path.name:9} {sizes[path]:7.1f} MB: open {med[('open', path)]:6.2f} ms  (floor {med[('floor', path)]:.2f} ms;"
              f" the whole-file quick_check opening used to run: {checks[path] * 1000:.0f} ms)")
    ratio = med[("open", large)] / med[("open", small)]
    print(f"open time, {sizes[large]:.0f} MB / {sizes[small]:.0f} MB: {ratio:.2f}x for {sizes[large] / sizes[small]:.0f}x the size")
    ok = ratio <= GROWTH_GOAL
    print(f"{'PASS' if ok else 'FAIL'}: opening grows at most {GROWTH_GOAL}x from the small to the large project")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
