"""``annotator merge`` brings a colleague reviewer's rejected regions (review key X) across, checked like any row."""

from __future__ import annotations

import sqlite3

from click.testing import CliRunner

from annotator.cli import main
from annotator.store import Project
from annotator.store.review import reject_region, rejections

TEXT = "Kim Jong Un 😀 met 朝鲜 leaders in Moscow on Friday."


def carlas_file(path):
    """carla reviewed a copy of the document: two regions rejected, one of them under a name to rename."""
    with Project.open(path) as carla:
        doc, _ = carla.add_document(TEXT, title="carla's copy")
        moscow = TEXT.index("Moscow")
        reject_region(carla, doc, 0, 11, "carla")
        reject_region(carla, doc, moscow, moscow + 6, "carla")
        reject_region(carla, doc, TEXT.index("朝鲜"), TEXT.index("朝鲜") + 2, "carla")
    with sqlite3.connect(path) as conn:  # a row no Annotator writes: past the end of its text
        conn.execute("UPDATE rejected_regions SET [end] = 999 WHERE start = ?", [moscow])
    conn.close()
    return path


def test_merge_brings_rejected_regions_once_and_refuses_bad_ones(tmp_path):
    source = carlas_file(tmp_path / "carla.annotator")
    target = tmp_path / "rita.annotator"
    with Project.open(target) as rita:
        rita.add_document(TEXT, title="rita's copy")
    runner = CliRunner()
    result = runner.invoke(main, ["merge", str(target), str(source), "--rename", "carla=carla.r"])
    assert result.exit_code == 0, result.output
    assert "rejected regions brought in: 2" in result.output
    assert "skipped 1 rejected region outside their document's text" in result.output
    again = runner.invoke(main, ["merge", str(target), str(source), "--rename", "carla=carla.r"])
    assert "rejected regions brought in" not in again.output  # merging twice adds nothing
    with Project.open(target) as rita:
        found = [(r.start, r.end, r.reviewer) for r in rejections(rita, 1)]
    cjk = TEXT.index("朝鲜")
    assert found == [(0, 11, "carla.r"), (cjk, cjk + 2, "carla.r")]  # code points, after the emoji
