"""Opening a 2 MB document with 10,000 spans in the window, until shown with every highlight.

Goal: at most 4x QPlainTextEdit.setPlainText of the same text (shown and painted), in one run.
Usage: python benchmarks/ui_open_document.py [--scale 0.25]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ui_common import make_project, median_ms, verdict  # noqa: E402

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QPlainTextEdit  # noqa: E402

GOAL = 4.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    from annotator.ui.main_window import MainWindow

    with tempfile.TemporaryDirectory() as tmp:
        project, doc_id, text = make_project(Path(tmp) / "bench.db", int(2_000_000 * args.scale),
                                             int(10_000 * args.scale))
        small, _ = project.add_document("A small document.", title="small")
        settings = QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat)
        window = MainWindow(project, "bench", settings)
        window.show()
        app.processEvents()

        def open_big() -> None:
            window.open_document(small)
            app.processEvents()
            window.open_document(doc_id)
            window.text_view.viewport().repaint()

        plain = QPlainTextEdit()
        plain.resize(window.text_view.size())
        plain.show()
        app.processEvents()

        def baseline() -> None:
            plain.setPlainText("A small document.")
            app.processEvents()
            plain.setPlainText(text)
            plain.viewport().repaint()

        def open_and_load_all() -> None:  # for information: the spans off screen are read on the next turn
            open_big()
            app.processEvents()
            window.text_view.viewport().repaint()

        base = median_ms(baseline, args.repeat)
        ours = median_ms(open_big, args.repeat)
        loaded = median_ms(open_and_load_all, args.repeat)
        listed = window.spans_panel.model_.rowCount()
        formatted = sum(1 for b in _blocks(window) if b.layout().formats())
        project.close()
    ratio = ours / base
    print(f"text {len(text):,} chars, {int(10_000 * args.scale):,} spans, {formatted:,} highlighted paragraphs")
    print(f"setPlainText baseline  {base:8.1f} ms")
    print(f"open document (ours)   {ours:8.1f} ms")
    print(f"... and the next event-loop turn (all {listed:,} spans read and listed; info) {loaded:8.1f} ms")
    print(f"ratio {ratio:.2f}x (goal <= {GOAL}x): {verdict(ratio, GOAL)}")
    return 0


def _blocks(window):
    block = window.text_view.document().firstBlock()
    while block.isValid():
        yield block
        block = block.next()


if __name__ == "__main__":
    sys.exit(main())
