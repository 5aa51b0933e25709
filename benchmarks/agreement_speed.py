"""Agreement over 5,000 documents x 3 annotators (~60 spans each per document), read from the project file.

Goal: the whole report (open the project, read documents and spans, tokenize,
span F1 strict and lenient, Cohen's kappa per pair, Krippendorff's alpha,
per-document agreement) takes at most 3x the time the ``krippendorff`` package
needs for alpha alone on the same token reliability matrix, measured in this run.

    python benchmarks/agreement_speed.py            # 5,000 documents
    python benchmarks/agreement_speed.py --scale 0.1  # quick run
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import krippendorff
import numpy as np

from annotator.core.agreement import _Corpus, agreement_report
from annotator.store import Project
from annotator.store.review import agreement_inputs

GOAL = 3.0
ANNOTATORS = ("ana", "ben", "cy")
LABELS = ("actor", "claim", "quote", "figure")
WORDS = "the minister said on Friday that 12.5 million people in Moscow and Kyiv had met “no” officials again".split()


def build(path: Path, documents: int, spans_per_doc: int, seed: int = 1) -> None:
    """Documents of 300 words; each annotator varies a shared reference of non-overlapping 1-3 word spans."""
    rng = random.Random(seed)
    with Project.open(path) as project, project.transaction():
        for d in range(documents):
            words = [rng.choice(WORDS) for _ in range(300)]
            text = " ".join(words)
            starts = [0]
            for word in words[:-1]:
                starts.append(starts[-1] + len(word) + 1)
            ends = [s + len(w) for s, w in zip(starts, words)]
            doc_id, _ = project.add_document(f"{text} ({d})", title=f"doc {d}")
            slot = len(words) // spans_per_doc
            reference = []
            for k in range(spans_per_doc):
                first = k * slot + rng.randrange(slot - 2)
                reference.append((first, first + rng.randint(1, 2), rng.choice(LABELS)))
            for name in ANNOTATORS:
                if rng.random() < 0.1:
                    continue  # this annotator did not finish the document: missing data for alpha
                spans = []
                for first, last, label in reference:
                    r = rng.random()
                    if r < 0.1:
                        continue
                    if r < 0.2:
                        last += rng.choice((-1, 1)) if last - first > 1 else 1
                    elif r < 0.25:
                        label = rng.choice(LABELS)
                    spans.append({"doc_id": doc_id, "start": starts[first], "end": ends[last - 1], "label": label, "annotator": name})
                project.add_spans(spans)
                project.set_status(doc_id, name, "done")


def reliability_matrix(path: Path) -> np.ndarray:
    """Coders x tokens, NaN where the coder did not do the document: what alpha is computed on."""
    with Project.open(path) as project:
        corpus = _Corpus(agreement_inputs(project, list(ANNOTATORS)))
    rows = []
    for i in range(len(ANNOTATORS)):
        row = corpus.categories(i).astype(float)
        row[~corpus.done[i][corpus.tok_doc]] = np.nan
        rows.append(row)
    return np.array(rows)


def ours(path: Path) -> tuple[float, dict]:
    start = time.perf_counter()
    with Project.open(path) as project:
        report = agreement_report(agreement_inputs(project, list(ANNOTATORS)))
    return time.perf_counter() - start, report


def baseline(matrix: np.ndarray) -> tuple[float, float]:
    start = time.perf_counter()
    alpha = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    return time.perf_counter() - start, alpha


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the 5,000 documents")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    documents = max(10, int(5000 * args.scale))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        build(path, documents, 60)
        print(f"built {documents} documents x {len(ANNOTATORS)} annotators in {time.perf_counter() - t0:.1f} s")
        matrix = reliability_matrix(path)
        print(f"reliability matrix: {matrix.shape[0]} coders x {matrix.shape[1]} tokens")
        our_times, their_times = [], []
        for _ in range(args.repeat):
            t, report = ours(path)
            our_times.append(t)
            t, alpha = baseline(matrix)
            their_times.append(t)
        assert abs(report["krippendorff_alpha"] - alpha) < 1e-9, (report["krippendorff_alpha"], alpha)
        mine, theirs = statistics.median(our_times), statistics.median(their_times)
        ratio = mine / theirs
        spans = sum(p["strict"]["reference"] for p in report["pairs"][:1])
        print(f"alpha {alpha:.4f} (same from both); pair ana/ben reference spans {spans}")
        print(f"annotator full report from the file: {mine:.2f} s (median of {args.repeat})")
        print(f"krippendorff.alpha alone:            {theirs:.2f} s")
        print(f"ratio {ratio:.2f} (goal <= {GOAL}) -> {'PASS' if ratio <= GOAL else 'FAIL'}")


if __name__ == "__main__":
    main()
