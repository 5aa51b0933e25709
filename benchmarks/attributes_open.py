"""Opening a document whose 10,000 spans all carry attribute values vs the same document without them.

Goal (issue 13): within 1.2x. Two documents with the same text and the same spans in one project,
one of them with a value on every span (claims, quotes and figures their default attribute; actors a
yes-no attribute added for the benchmark). Each run opens the other document first, then the
measured one, until the window is idle (the spans list's attribute columns are read then, in one
query); runs alternate between the two documents and the medians are compared.

Usage: python benchmarks/attributes_open.py [--scale 0.25] [--repeat 11]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ui_common import bench_window, elapsed_ms, make_project, scale_and_repeat, until_idle, verdict  # noqa: E402

from annotator.core.attributes import AttributeDef  # noqa: E402

GOAL = 1.2
VALUES = {"claim": ("certainty", "hedged"), "quote": ("form", "direct"), "figure": ("kind", "money"),
          "actor": ("named", True)}


def main() -> int:
    args = scale_and_repeat()
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        project, plain_doc, text = make_project(Path(tmp) / "bench.db", int(2_000_000 * args.scale),
                                                int(10_000 * args.scale), emoji_every=2000)
        project.define_attribute(AttributeDef("actor", "named", "yes-no"))
        rich_doc, _ = project.add_document(text + " ", title="with attributes")
        spans = list(project.spans(plain_doc))
        project.add_spans({"doc_id": rich_doc, "start": s.start, "end": s.end, "label": s.label,
                           "annotator": "bench", "origin": "manual"} for s in spans)
        with project.transaction():
            project._write_values((span.id, *VALUES[span.label]) for span in project.spans(rich_doc))
        count = project.conn.execute("SELECT count(*) FROM span_attrs").fetchone()[0]
        window = bench_window(project, Path(tmp))
        until_idle(app)
        plain_runs, rich_runs = [], []
        for _ in range(args.repeat):
            for doc, runs, other in ((plain_doc, plain_runs, rich_doc), (rich_doc, rich_runs, plain_doc)):
                window.open_document(other)
                until_idle(app)
                runs.append(elapsed_ms(lambda doc=doc: (window.open_document(doc), until_idle(app))))
        assert window.spans_panel.model_.attribute_values, "the attribute columns were not read"
        window.close()
        project.close()
    plain, rich = statistics.median(plain_runs), statistics.median(rich_runs)
    ratio = rich / plain
    print(f"open a document of {len(text):,} characters and {len(spans):,} spans until idle: "
          f"without attributes {plain:.0f} ms, with {count:,} attribute values {rich:.0f} ms: "
          f"ratio {ratio:.2f} (goal <= {GOAL}) {verdict(ratio, GOAL)}  (medians of {args.repeat} alternating runs)")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
