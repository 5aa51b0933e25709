"""Import speed and memory against `sqlite-utils insert`, measured in one run.

Goals:
  1. Importing 20,000 generated documents (~47 MB of JSONL) with `annotator import`
     takes at most 1.5x the time of `sqlite-utils insert DB docs FILE --nl` on the same file.
  2. Peak memory (max RSS of the importing process) while importing a 200 MB JSONL
     stays under 300 MB.
  3. Importing one 100 MB .txt (a single document) peaks at about 4x the file size
     above the start-up RSS of the command. Reported, not PASS/FAIL: the text is
     read and decoded once, and what remains is SQLite's (the bound text, the row
     it builds, the search index): measured 4.2x (~420 MB) for 100 MB of ASCII.

Both commands run as subprocesses of this script with the same interpreter, so
each timing includes interpreter start-up. Usage:

    python benchmarks/import_speed.py            # full size (a few minutes)
    python benchmarks/import_speed.py --scale 0.1  # quick run
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TIME_RATIO_GOAL = 1.5
RSS_GOAL_MB = 300
TEXT_RSS_GOAL_RATIO = 4.0
WORDS = (
    "the of and to in a is that for on with as by at from government minister said analysts report "
    "alliance security talks economy growth percent million billion sanctions treaty border missile "
    "Pyongyang Seoul Moscow Beijing Washington café naïve résumé Zürich São Paulo 北京 東京 😀 👩‍💻 🇰🇷"
).split()


def write_jsonl(path: Path, documents: int, doc_chars: int, seed: int) -> int:
    """Writes `documents` records of about `doc_chars` characters; returns the file size."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(documents):
            words: list[str] = []
            size = 0
            while size < doc_chars:
                word = rng.choice(WORDS)
                words.append(word + ("\n" if rng.random() < 0.02 else " "))
                size += len(word) + 1
            record = {
                "id": f"doc-{seed}-{i}",
                "title": f"Report {i}",
                "text": "".join(words).strip(),
                "meta": {"source": "generated", "n": i},
            }
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path.stat().st_size


def write_text(path: Path, size: int, seed: int) -> int:
    """One ASCII text of about `size` bytes with CRLF line ends (normalized on import)."""
    rng = random.Random(seed)
    ascii_words = [w for w in WORDS if w.isascii()]
    with path.open("w", encoding="ascii", newline="") as fh:
        written = 0
        while written < size:
            line = " ".join(rng.choices(ascii_words, k=15)) + "\r\n"
            fh.write(line)
            written += len(line)
    return path.stat().st_size


def run(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, max RSS in MB) of one child process, which must succeed."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    return elapsed, usage.ru_maxrss / 1024  # Linux reports KiB


def annotator_import(project: Path, data: Path) -> list[str]:
    return [sys.executable, "-m", "annotator.cli", "import", str(project), str(data), "--annotator", "bench"]


def sqlite_utils_insert(db: Path, data: Path) -> list[str]:
    return [sys.executable, "-m", "sqlite_utils", "insert", str(db), "docs", str(data), "--nl"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full sizes (quick run: 0.1)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each command; the best counts")
    args = parser.parse_args()

    speed_docs = max(200, int(20_000 * args.scale))
    memory_docs = max(1000, int(100_000 * args.scale))
    with tempfile.TemporaryDirectory(prefix="annotator-bench-") as tmp:
        work = Path(tmp)
        speed_file, memory_file = work / "docs.jsonl", work / "big.jsonl"
        speed_mb = write_jsonl(speed_file, speed_docs, 2000, seed=1) / 1e6
        memory_mb = write_jsonl(memory_file, memory_docs, 2000, seed=2) / 1e6
        print(f"speed data : {speed_docs} documents, {speed_mb:.1f} MB of JSONL")
        print(f"memory data: {memory_docs} documents, {memory_mb:.1f} MB of JSONL")

        ours, baseline = [], []
        for n in range(args.repeat):
            baseline.append(run(sqlite_utils_insert(work / f"base{n}.db", speed_file))[0])
            ours.append(run(annotator_import(work / f"project{n}.db", speed_file))[0])
        ratio = min(ours) / min(baseline)
        _seconds, rss_mb = run(annotator_import(work / "big.annotator.db", memory_file))
        memory_file.unlink()
        text_file = work / "one.txt"
        text_mb = write_text(text_file, int(100e6 * args.scale), seed=3) / 1e6
        _seconds, start_mb = run([sys.executable, "-m", "annotator.cli", "--version"])
        _seconds, text_rss_mb = run(annotator_import(work / "text.annotator.db", text_file))

    time_ok, rss_ok = ratio <= TIME_RATIO_GOAL, rss_mb < RSS_GOAL_MB
    print(f"sqlite-utils insert --nl : {min(baseline):.2f} s (runs: {', '.join(f'{t:.2f}' for t in baseline)})")
    print(f"annotator import         : {min(ours):.2f} s (runs: {', '.join(f'{t:.2f}' for t in ours)})")
    print(f"time ratio   {ratio:.2f}x (goal <= {TIME_RATIO_GOAL}x)  {'PASS' if time_ok else 'FAIL'}")
    print(f"peak RSS     {rss_mb:.0f} MB importing {memory_mb:.0f} MB "
          f"({rss_mb / RSS_GOAL_MB:.2f} of the {RSS_GOAL_MB} MB goal)  {'PASS' if rss_ok else 'FAIL'}")
    text_ratio = (text_rss_mb - start_mb) / text_mb
    print(f"one .txt     peak RSS {text_rss_mb:.0f} MB importing {text_mb:.0f} MB: {text_ratio:.1f}x the file "
          f"above the {start_mb:.0f} MB start-up (goal about {TEXT_RSS_GOAL_RATIO:.0f}x, reported only)")
    return 0 if time_ok and rss_ok else 1


if __name__ == "__main__":
    sys.exit(main())
