"""Opening a document whose 10,000 spans all carry attribute values and actor links vs the same document
without them.

Goal (issue 13): within 1.2x. Two documents with the same text and the same spans, inserted the same
way, in one project; on one of them every span has a value (claims, quotes and figures their default
attribute; actors a yes-no attribute added for the benchmark) and a link to one of 500 actor entries.
The window is wide enough to show the spans list's attribute and Actor columns. Each run opens the
other document first, then the measured one, until the window is idle (the columns of the painted
rows are read then, one query each); runs alternate between the two documents and the medians are
compared.

Usage: python benchmarks/attributes_open.py [--scale 0.25] [--repeat 11]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ui_common import bench_window, elapsed_ms, make_spans, make_text, scale_and_repeat, until_idle, verdict  # noqa: E402

from annotator.core.attributes import AttributeDef  # noqa: E402
from annotator.store import Project  # noqa: E402

GOAL = 1.2
VALUES = {"claim": ("certainty", "hedged"), "quote": ("form", "direct"), "figure": ("kind", "money"),
          "actor": ("named", True)}
ACTORS = 500


def make_documents(path: Path, size: int, count: int) -> tuple[Project, int, int, str, int, int]:
    """A project with the plain and the rich document; returns it, both ids, the text and the counts."""
    project = Project.open(path)
    text = make_text(size, emoji_every=2000)
    spans = make_spans(text, count)
    project.define_attribute(AttributeDef("actor", "named", "yes-no"))
    ids = []
    for tail in (" ", "  "):  # same text but for trailing spaces: two documents, the spans valid in both
        doc_id, _ = project.add_document(text + tail, title=f"bench{len(tail)}")
        project.add_spans({"doc_id": doc_id, "start": s, "end": e, "label": label, "annotator": "bench",
                           "origin": "manual"} for s, e, label in spans)
        ids.append(doc_id)
    plain_doc, rich_doc = ids
    with project.transaction():
        rich = list(project.spans(rich_doc))
        project._write_values((span.id, *VALUES[span.label]) for span in rich)
        actors = [project._create_actor(f"Actor {n}", external_id=f"Q{n + 1}").id for n in range(ACTORS)]
        for n, span in enumerate(rich):
            project._write_link(span.id, actors[n % ACTORS], span.text_in(text))
    values = project.conn.execute("SELECT count(*) FROM span_attrs").fetchone()[0]
    links = project.conn.execute("SELECT count(*) FROM span_actors").fetchone()[0]
    return project, plain_doc, rich_doc, text, values, links


def main() -> int:
    args = scale_and_repeat()
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        project, plain_doc, rich_doc, text, values, links = make_documents(
            Path(tmp) / "bench.db", int(2_000_000 * args.scale), int(10_000 * args.scale))
        window = bench_window(project, Path(tmp))
        window.resize(2200, 1000)  # the spans list wide enough to paint its attribute and Actor columns
        window.resizeDocks([window.spans_dock], [1400], Qt.Orientation.Horizontal)
        until_idle(app)
        plain_runs, rich_runs = [], []
        for _ in range(args.repeat):
            for doc, runs, other in ((plain_doc, plain_runs, rich_doc), (rich_doc, rich_runs, plain_doc)):
                window.open_document(other)
                until_idle(app)
                runs.append(elapsed_ms(lambda doc=doc: (window.open_document(doc), until_idle(app))))
        assert window.spans_panel.model_.attribute_values, "the attribute columns were not read"
        assert any(window.actors.names.names.values()), "the Actor column was not read"
        project.close()  # shuts the window down first (ui_common.bench_window)
    plain, rich = statistics.median(plain_runs), statistics.median(rich_runs)
    ratio = rich / plain
    count = int(10_000 * args.scale)
    print(f"open a document of {len(text):,} characters and {count:,} spans until idle: "
          f"without attributes and links {plain:.0f} ms, with {values:,} attribute values and {links:,} actor links "
          f"{rich:.0f} ms: ratio {ratio:.2f} (goal <= {GOAL}) {verdict(ratio, GOAL)}  "
          f"(medians of {args.repeat} alternating runs)")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
