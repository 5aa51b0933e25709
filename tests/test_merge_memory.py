"""A colleague's file is merged row by row: memory does not grow with its spans (measured with
tracemalloc on a real file; benchmarks/merge_memory.py measures the process at 1 million spans)."""

import tracemalloc

from annotator.io.merge import merge_source
from annotator.store import Project

SPANS = 60_000


def test_merging_many_spans_holds_only_a_batch_at_once(project, tmp_path):
    path = tmp_path / "ben.db"
    with Project.open(path) as colleague:
        doc_id, _ = colleague.add_document("Kim met Putin in Moscow on Friday, 東京 😀. " * 50, title="t")
        with colleague.transaction():
            colleague.conn.executemany(
                "INSERT INTO spans (doc_id, start, [end], label, annotator, note) VALUES (?, ?, ?, 'actor', ?, ?)",
                [(doc_id, n % 2000, n % 2000 + 1 + n // 2000, f"ann{n % 3}", f"note {n}") for n in range(SPANS)])
            colleague.record_annotators(["ann0", "ann1", "ann2"], "2026-01-01")
    tracemalloc.start()
    try:
        summary = merge_source(project, path)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.spans_total == SPANS
    assert peak < 12_000_000, f"merge held {peak / 1e6:.0f} MB of Python objects for {SPANS} spans"
