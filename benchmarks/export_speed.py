"""Export speed and memory against a minimal baseline, measured in one run.

Goals (issue: export):
  1. Exporting 50,000 documents with 1,000,000 spans to native JSONL takes at most
     1.5x the time of a minimal baseline written here: one streamed SQL query
     (documents joined with their spans), grouped per (document, annotator),
     tokenized with core.tokens.tokenize and serialized with orjson into the same
     shape, tokens included.
  2. Memory stays flat: peak RSS of the exporting process under 200 MB.

Both run as child processes of this script (same interpreter, same project file,
output to a file), timed inside the child, so start-up is left out of both.
Usage:

    python benchmarks/export_speed.py              # full size (a few minutes)
    python benchmarks/export_speed.py --scale 0.1  # quick run
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TIME_RATIO_GOAL = 1.5
RSS_GOAL_MB = 200
WORDS = (
    "the of and to in a is that for on with as by at from government minister said analysts report "
    "alliance security talks economy growth percent million billion sanctions treaty border missile "
    "Pyongyang Seoul Moscow Beijing Washington café naïve résumé Zürich São Paulo 北京 東京 😀 👩‍💻 🇰🇷"
).split()
LABELS = ("actor", "claim", "quote", "figure")
ANNOTATORS = ("ana", "ben")


# ------------------------------------------------------------------ fixture
def build_project(path: Path, documents: int, spans_per_doc: int, seed: int = 1) -> None:
    """A project of generated documents and spans, written with executemany in one transaction."""
    from annotator.core.text import sha256_text
    from annotator.store import Project

    rng = random.Random(seed)
    with Project.open(path) as project, project.transaction():
        doc_rows, span_rows, status_rows = [], [], []
        for doc_id in range(1, documents + 1):
            words = [rng.choice(WORDS) for _ in range(70)]
            text = " ".join(words) + "."
            doc_rows.append((doc_id, f"doc-{doc_id}", sha256_text(text), f"Report {doc_id}", "bench", text,
                             '{"source": "generated"}', "2024-01-01"))
            starts = [0]
            for word in words[:-1]:
                starts.append(starts[-1] + len(word) + 1)
            taken = set()  # identical spans are one span in an export: generate distinct ones
            for n in range(spans_per_doc):
                annotator = ANNOTATORS[n % len(ANNOTATORS)]
                key = None
                while key is None or key in taken:
                    first = rng.randrange(len(words) - 3)
                    last = first + rng.randrange(3)
                    key = (starts[first], starts[last] + len(words[last]), rng.choice(LABELS), annotator)
                taken.add(key)
                note = "check" if n % 50 == 0 else None
                span_rows.append((doc_id, *key, "manual", note, "", ""))
            status_rows += [(doc_id, name, "done" if doc_id % 3 else "in_progress", "") for name in ANNOTATORS]
        conn = project.conn
        conn.executemany("INSERT INTO documents (id, uid, sha256, title, source, text, meta, created) VALUES (?,?,?,?,?,?,?,?)", doc_rows)
        conn.executemany(
            "INSERT INTO spans (doc_id, start, [end], label, annotator, origin, note, created, updated) VALUES (?,?,?,?,?,?,?,?,?)",
            span_rows,
        )
        conn.executemany("INSERT INTO doc_status (doc_id, annotator, status, updated) VALUES (?,?,?,?)", status_rows)
        conn.executemany("INSERT OR IGNORE INTO annotators (name, created) VALUES (?, '')", [(a,) for a in ANNOTATORS])


# ------------------------------------------------------------------ the two exporters, run as children
def baseline(project_path: str, out_path: str) -> None:
    """Minimal native JSONL: one streamed query, grouped per record, tokens included."""
    import bisect
    import sqlite3
    from itertools import groupby

    import orjson

    from annotator.core.tokens import tokenize

    conn = sqlite3.connect(project_path)
    rows = conn.execute(
        """SELECT d.id, d.uid, d.title, d.text, d.meta, s.annotator, coalesce(st.status, 'new'),
                  s.start, s.[end], s.label, s.note
           FROM documents d JOIN spans s ON s.doc_id = d.id
           LEFT JOIN doc_status st ON st.doc_id = d.id AND st.annotator = s.annotator
           ORDER BY d.id, s.annotator, s.start, s.[end] DESC, s.label, coalesce(s.note, '')"""
    )
    with open(out_path, "wb") as out:
        for (_doc_id, uid, title, text, meta, annotator, status), group in groupby(rows, key=lambda r: r[:7]):
            tokens = tokenize(text)
            ends = [t.end for t in tokens]
            starts = [t.start for t in tokens]
            spans = []
            for row in group:
                start, end, label, note = row[7:]
                span = {"start": start, "end": end, "label": label, "text": text[start:end],
                        "token_start": bisect.bisect_right(ends, start), "token_end": bisect.bisect_left(starts, end) - 1}
                if note:
                    span["meta"] = {"note": note}
                spans.append(span)
            record = {"id": uid, "title": title, "text": text, "meta": orjson.loads(meta), "annotator": annotator,
                      "status": status, "spans": spans,
                      "tokens": [{"text": t.text, "start": t.start, "end": t.end, "id": t.id, "ws": t.ws} for t in tokens]}
            out.write(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))


def ours(project_path: str, out_path: str) -> None:
    from annotator.io.exporting import ExportOptions, export_project
    from annotator.store import Project

    with Project.open(project_path) as project:
        export_project(project, ExportOptions(), Path(out_path))


def child(which: str, project_path: str, out_path: str) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    start = time.perf_counter()
    (baseline if which == "baseline" else ours)(project_path, out_path)
    seconds = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{seconds:.3f} {rss_mb:.1f}")


def run_child(which: str, project: Path, out: Path) -> tuple[float, float]:
    result = subprocess.run([sys.executable, __file__, "--child", which, str(project), str(out)],
                            capture_output=True, text=True, check=True)
    seconds, rss = result.stdout.split()
    return float(seconds), float(rss)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size (default 1.0)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--build", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    if args.build:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        build_project(Path(args.build[0]), int(args.build[1]), spans_per_doc=20)
        return 0
    documents = max(100, int(50_000 * args.scale))
    with tempfile.TemporaryDirectory(prefix="annotator-export-bench-") as tmp:
        project = Path(tmp) / "bench.db"
        start = time.perf_counter()
        # Built in a child: Linux keeps a process's peak RSS across fork and exec, so a
        # fixture built here would show up as the peak memory of both measured children.
        subprocess.run([sys.executable, __file__, "--build", str(project), str(documents)], check=True)
        print(f"fixture: {documents} documents, {documents * 20} spans in {time.perf_counter() - start:.1f} s")
        base_s, base_rss = run_child("baseline", project, Path(tmp) / "baseline.jsonl")
        our_s, our_rss = run_child("ours", project, Path(tmp) / "ours.jsonl")
        same_lines = _same_records(Path(tmp) / "baseline.jsonl", Path(tmp) / "ours.jsonl")
    ratio = our_s / base_s
    time_ok, rss_ok = ratio <= TIME_RATIO_GOAL, our_rss < RSS_GOAL_MB
    print(f"baseline: {base_s:.2f} s, peak RSS {base_rss:.0f} MB")
    print(f"annotator export: {our_s:.2f} s, peak RSS {our_rss:.0f} MB")
    print(f"same records as the baseline: {same_lines}")
    print(f"time ratio {ratio:.2f} (goal <= {TIME_RATIO_GOAL}): {'PASS' if time_ok else 'FAIL'}")
    print(f"peak RSS {our_rss:.0f} MB (goal < {RSS_GOAL_MB} MB): {'PASS' if rss_ok else 'FAIL'}")
    return 0 if time_ok and rss_ok and same_lines else 1


def _same_records(baseline_out: Path, our_out: Path) -> bool:
    """Every fixture record has spans, so both files must hold the same bytes."""
    import hashlib

    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (baseline_out, our_out)]
    return digest[0] == digest[1]


if __name__ == "__main__":
    sys.exit(main())
