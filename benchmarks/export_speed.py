"""Export speed and memory against honest floors, measured in one run (issue 10, points 3 and 11).

Case 1, native JSONL speed: 20,000 news documents of about 2 KB (emoji, accents, CJK) with
100,000 spans of two annotators. The floor is the least work that writes the same bytes: one
streamed query for the documents and one for the spans (no join that repeats each text per
span), each document tokenized once with the project's tokenizer (core.tokens.tokenize), its
tokens serialized once, and orjson of the same records. Goal: our export within 1.5x of the
floor (medians of alternate runs), with the same bytes, and peak RSS under 200 MB. The export
without tokens (--no-tokens) is timed too, for information.

Case 2, spaCy memory: 20,000 documents of about 4 KB with 480,000 spans exported to spaCy.
Goal: peak RSS of the exporting process under 400 MB (one DocBin for the corpus took 10 GiB).

Case 3, span edges inside tokens: one report of about 2 MB with 10,000 spans exported to each
token format (jsonl, conll, hf, spacy), once with every span on token boundaries, once with 20
spans ending inside a token and once with 5,000 such spans (each token holding an edge is split
there). Goal: each in-token export within 2x of the all-on-boundaries export of the same format
(it took minutes when every piece of the text was checked against every span edge).

Every measured run is a child process of this script (same interpreter, same project file),
timed inside the child, so interpreter start-up is left out of both sides; the fixtures are
built in children too (Linux keeps a process's peak RSS across fork and exec). The ratio is
of CPU seconds (both sides are single-threaded, so on an idle machine that is what the user
waits for; on a shared machine wall time swings with the neighbours): wall seconds are
printed too. Usage:

    python benchmarks/export_speed.py              # full size (several minutes)
    python benchmarks/export_speed.py --scale 0.05 # quick run
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TIME_RATIO_GOAL = 1.5
JSONL_RSS_GOAL_MB = 200
SPACY_RSS_GOAL_MB = 400
IN_TOKEN_RATIO_GOAL = 2.0
TOKEN_FORMATS = ("jsonl", "conll", "hf", "spacy")
WORDS = (
    "the of and to in a is that for on with as by at from government minister said analysts report "
    "alliance security talks economy growth percent million billion sanctions treaty border missile "
    "Pyongyang Seoul Moscow Beijing Washington café naïve résumé Zürich São Paulo 北京 東京 😀 👩‍💻 🇰🇷 "
    "Trump’s Russia-North Korea 3.5 U.S. (officials) \"quote\""
).split()
LABELS = ("actor", "claim", "quote", "figure")
ANNOTATORS = ("ana", "ben")
CASES = {  # name: (documents at scale 1, words per document, spans per document)
    "jsonl": (20_000, 320, 5),  # ~2 KB
    "spacy": (20_000, 640, 24),  # ~4 KB, 480k spans
}


# ------------------------------------------------------------------ fixture
def build_project(path: Path, documents: int, words_per_doc: int, spans_per_doc: int, in_token: int = 0,
                  seed: int = 1) -> None:
    """A project of generated paragraphs and spans, written with executemany in one transaction.

    Spans run from a word token to a word token of the project's tokenizer (as the window's
    snapping makes them), so every exporter and the floor agree on the tokens; except the first
    ``in_token`` spans of each document, which end one character before the end of their last
    token (as an Alt-selection, snapping off or an import make them)."""
    from annotator.core.text import sha256_text
    from annotator.core.tokens import tokenize
    from annotator.store import Project

    rng = random.Random(seed)
    with Project.open(path) as project, project.transaction():
        doc_rows, span_rows, status_rows = [], [], []
        for doc_id in range(1, documents + 1):
            words = [rng.choice(WORDS) for _ in range(words_per_doc)]
            for at in range(40, len(words), 60):
                words[at] += ".\n"  # paragraphs
            text = " ".join(words) + "."
            doc_rows.append((doc_id, f"doc-{doc_id}", sha256_text(text), f"Report {doc_id}", "bench", text,
                             '{"source": "generated"}', "2024-01-01"))
            tokens = [t for t in tokenize(text) if not t.text.isspace()]
            taken = set()  # identical spans are one span in an export: generate distinct ones
            for n in range(spans_per_doc):
                annotator = ANNOTATORS[n % len(ANNOTATORS)]
                key = None
                while key is None or key in taken:
                    first = rng.randrange(len(tokens) - 3)
                    last = first + rng.randrange(3)
                    end = tokens[last].end - (n < in_token)  # inside a token of 2+ characters
                    if end > tokens[last].start:
                        key = (tokens[first].start, end, rng.choice(LABELS), annotator)
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


# ------------------------------------------------------------------ what the children run
def floor(project_path: str, out_path: str) -> None:
    """The least work for the same native JSONL: two streamed queries, one tokenization per document."""
    import bisect
    import sqlite3
    from itertools import groupby

    import orjson

    from annotator.core.tokens import tokenize

    conn = sqlite3.connect(project_path)
    status = {(d, a): s for d, a, s in conn.execute("SELECT doc_id, annotator, status FROM doc_status")}
    documents = conn.execute("SELECT id, uid, coalesce(title, ''), text, coalesce(meta, '{}') FROM documents ORDER BY id")
    spans = conn.cursor().execute("SELECT doc_id, annotator, start, [end], label, note FROM spans"
                                  " ORDER BY doc_id, annotator, start, [end] DESC, label, coalesce(note, '')")
    by_document = groupby(spans, key=lambda row: row[0])
    pending = next(by_document, None)
    with open(out_path, "wb") as out:
        for doc_id, uid, title, text, meta in documents:
            if pending is None or pending[0] != doc_id:
                continue  # the fixture has no document without spans
            tokens = tokenize(text)
            starts, ends = [t.start for t in tokens], [t.end for t in tokens]
            token_json = orjson.Fragment(orjson.dumps(
                [{"text": t.text, "start": t.start, "end": t.end, "id": t.id, "ws": t.ws} for t in tokens]))
            meta_value = orjson.loads(meta)
            for annotator, rows in groupby(pending[1], key=lambda row: row[1]):
                items = []
                for _d, _a, start, end, label, note in rows:
                    first, last = bisect.bisect_right(ends, start), bisect.bisect_left(starts, end) - 1
                    span = {"start": start, "end": end, "label": label, "text": text[start:end],
                            "token_start": first if first <= last else None, "token_end": last if first <= last else None}
                    if note:
                        span["meta"] = {"note": note}
                    items.append(span)
                record = {"id": uid, "title": title, "text": text, "meta": meta_value, "annotator": annotator,
                          "status": status.get((doc_id, annotator), "new"), "spans": items, "tokens": token_json}
                out.write(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))
            pending = next(by_document, None)


def export_with(format_: str, **options: object):  # noqa: ANN201 - a child's job
    def run(project_path: str, out_path: str) -> None:
        from annotator.io.exporting import ExportOptions, export_project
        from annotator.store import Project

        with Project.open(project_path) as project:
            export_project(project, ExportOptions(format=format_, **options), Path(out_path))
    return run


JOBS = {
    "floor": floor,
    "ours": export_with("jsonl"),
    "ours-no-tokens": export_with("jsonl", tokens=False),
    "spacy": export_with("spacy"),
    **{f"edges-{name}": export_with(name) for name in TOKEN_FORMATS},
}


def child(job: str, project_path: str, out_path: str) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    start, cpu = time.perf_counter(), time.process_time()
    JOBS[job](project_path, out_path)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{seconds:.3f} {cpu:.3f} {rss_mb:.1f}")


def run_child(job: str, project: Path, out: Path) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MB) of one run of ``job``."""
    result = subprocess.run([sys.executable, __file__, "--child", job, str(project), str(out)],
                            capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"{job} failed:\n{result.stderr}")
    seconds, cpu, rss = result.stdout.split()
    return float(seconds), float(cpu), float(rss)


def build(case: str, path: Path, scale: float) -> int:
    documents, words, spans = CASES[case]
    documents = max(100, int(documents * scale))
    start = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--build", str(path), str(documents), str(words), str(spans), "0"],
                   check=True)
    print(f"{case} fixture: {documents} documents of ~{words} words, {documents * spans} spans "
          f"({time.perf_counter() - start:.1f} s)")
    return documents


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def digest(path: Path) -> str:
    """Read in chunks: this process's peak RSS is inherited by every child it starts later
    (Linux keeps ru_maxrss across fork and exec), so reading a 1 GB export whole here would
    show up as the spaCy child's peak."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def jsonl_case(tmp: Path, scale: float, repeat: int) -> bool:
    project = tmp / "jsonl.db"
    build("jsonl", project, scale)
    times: dict[str, list[float]] = {"floor": [], "ours": [], "ours-no-tokens": []}
    walls: dict[str, list[float]] = {job: [] for job in times}
    rss: dict[str, float] = {}
    for _ in range(repeat):  # alternate the sides so load on the machine hits both alike
        for job in times:
            seconds, cpu, peak = run_child(job, project, tmp / f"{job}.jsonl")
            times[job].append(cpu)
            walls[job].append(seconds)
            rss[job] = max(rss.get(job, 0.0), peak)
    same = digest(tmp / "floor.jsonl") == digest(tmp / "ours.jsonl")
    size_mb = (tmp / "ours.jsonl").stat().st_size / 1e6
    small_mb = (tmp / "ours-no-tokens.jsonl").stat().st_size / 1e6
    median = {job: statistics.median(values) for job, values in times.items()}
    wall = {job: statistics.median(values) for job, values in walls.items()}
    ratio = median["ours"] / median["floor"]
    print(f"  floor: median {median['floor']:.2f} CPU s of {times['floor']} (wall {wall['floor']:.2f} s), "
          f"peak RSS {rss['floor']:.0f} MB")
    print(f"  annotator export: median {median['ours']:.2f} CPU s of {times['ours']} (wall {wall['ours']:.2f} s), "
          f"peak RSS {rss['ours']:.0f} MB, {size_mb:.0f} MB written")
    print(f"  annotator export --no-tokens: median {median['ours-no-tokens']:.2f} CPU s "
          f"(wall {wall['ours-no-tokens']:.2f} s), {small_mb:.0f} MB written")
    print(f"  same bytes as the floor: {verdict(same)}")
    print(f"  time ratio {ratio:.2f} (goal <= {TIME_RATIO_GOAL}): {verdict(ratio <= TIME_RATIO_GOAL)}")
    print(f"  peak RSS {rss['ours']:.0f} MB (goal < {JSONL_RSS_GOAL_MB} MB): {verdict(rss['ours'] < JSONL_RSS_GOAL_MB)}")
    return same and ratio <= TIME_RATIO_GOAL and rss["ours"] < JSONL_RSS_GOAL_MB


def spacy_case(tmp: Path, scale: float) -> bool:
    project = tmp / "spacy.db"
    build("spacy", project, scale)
    seconds, cpu, peak = run_child("spacy", project, tmp / "train.spacy")
    shards = len(list((tmp / "train.spacy").glob("*.spacy")))
    print(f"  spacy export: {seconds:.1f} s ({cpu:.1f} CPU s), {shards} shards, peak RSS {peak:.0f} MB")
    print(f"  peak RSS {peak:.0f} MB (goal < {SPACY_RSS_GOAL_MB} MB): {verdict(peak < SPACY_RSS_GOAL_MB)}")
    return peak < SPACY_RSS_GOAL_MB


def edges_case(tmp: Path, scale: float, repeat: int) -> bool:
    words, spans = max(2_000, int(320_000 * scale)), max(200, int(10_000 * scale))  # ~2 MB at scale 1
    variants = {"on boundaries": 0, "20 in-token edges": 20, f"{spans // 2:,} in-token edges": spans // 2}
    projects = {}
    for n, (variant, in_token) in enumerate(variants.items()):
        projects[variant] = tmp / f"edges-{n}.db"
        subprocess.run([sys.executable, __file__, "--build", str(projects[variant]), "1", str(words), str(spans),
                        str(in_token)], check=True)
    size_mb = len(_document_text(projects["on boundaries"]).encode()) / 1e6
    print(f"edges fixture: one document of {size_mb:.2f} MB, {spans:,} spans")
    ok = True
    for name in TOKEN_FORMATS:
        times: dict[str, list[float]] = {variant: [] for variant in variants}
        for _ in range(repeat):  # alternate the sides so load on the machine hits both alike
            for variant, project in projects.items():
                times[variant].append(run_child(f"edges-{name}", project, tmp / f"edges.{name}")[1])
        median = {variant: statistics.median(values) for variant, values in times.items()}
        base = median["on boundaries"]
        line = [f"  {name}: on boundaries {base:.2f} CPU s"]
        for variant in list(variants)[1:]:
            ratio = median[variant] / base
            ok &= ratio <= IN_TOKEN_RATIO_GOAL
            line.append(f"{variant} {median[variant]:.2f} s (x{ratio:.2f}, goal <= {IN_TOKEN_RATIO_GOAL}: "
                        f"{verdict(ratio <= IN_TOKEN_RATIO_GOAL)})")
        print("; ".join(line))
    return ok


def _document_text(project: Path) -> str:
    import sqlite3

    conn = sqlite3.connect(project)
    try:
        return conn.execute("SELECT text FROM documents").fetchone()[0]
    finally:
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size (default 1.0)")
    parser.add_argument("--repeat", type=int, default=3, help="alternate runs of each side (default 3)")
    parser.add_argument("--case", choices=["jsonl", "spacy", "edges", "all"], default="all")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--build", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    if args.build:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        path, documents, words, spans, in_token = args.build
        build_project(Path(path), int(documents), int(words), int(spans), int(in_token))
        return 0
    ok = True
    with tempfile.TemporaryDirectory(prefix="annotator-export-bench-") as tmp:
        if args.case in ("jsonl", "all"):
            ok &= jsonl_case(Path(tmp), args.scale, args.repeat)
        if args.case in ("spacy", "all"):
            ok &= spacy_case(Path(tmp), args.scale)
        if args.case in ("edges", "all"):
            ok &= edges_case(Path(tmp), args.scale, args.repeat)
    print(f"overall: {verdict(ok)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
