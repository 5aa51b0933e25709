"""Counts in messages agree with their number ("1 span", "2 spans", "16,000 spans"; never "1 spans" or
"span(s)"): the helper, and the summaries that used to say "1 spans" or build their own plural, through the
real command line (click's CliRunner) and the real import and merge summaries."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.cli import main
from annotator.core.wording import counted, counted_things, verb, with_article
from annotator.io.merge import merge_source
from annotator.store import Project
from annotator.ui.import_dialog import import_with_progress
from annotator.ui.merge_dialog import merge_summary_text


def test_counted_says_one_thing_and_many_things_with_grouped_thousands():
    assert counted(1, "span") == "1 span"
    assert counted(0, "span") == "0 spans"
    assert counted(2, "new document") == "2 new documents"
    assert counted(16_000, "agreed span") == "16,000 agreed spans"
    assert counted(1, "entry", "entries") == "1 entry" and counted(3, "entry", "entries") == "3 entries"
    assert verb(1, "was", "were") == "was" and verb(2, "was", "were") == "were"


@pytest.mark.parametrize(("phrase", "one"), [
    ("documents (the text contains NUL characters), with their spans",
     "1 document (the text contains NUL characters), with their spans"),
    ("spans whose label or annotator breaks the name rules", "1 span whose label or annotator breaks the name rules"),
    ("statuses that are malformed or of skipped documents", "1 status that is malformed or of skipped documents"),
    ("rejected relation pairs that are malformed", "1 rejected relation pair that is malformed"),
    ("attribute values this project's attributes refuse", "1 attribute value this project's attributes refuse"),
])
def test_a_left_out_reason_counts_its_leading_noun(phrase, one):
    assert counted_things(1, phrase) == one
    assert counted_things(2_500, phrase) == f"2,500 {phrase}"


def colleague_with(path, spans: int, documents: int):
    with Project.open(path) as proj:
        for n in range(documents):
            doc_id, _ = proj.add_document(f"Document {n}: Alice met Bob in Paris.", title=f"d{n}")
            for start, end in [(13, 18), (23, 26)][:spans]:
                proj.add_span(doc_id, start, end, "actor", "ben")
    return path


@pytest.mark.parametrize(("spans", "documents", "said"), [
    (1, 1, "1 document added, 0 matched, 1 span added, 0 already present"),
    (2, 2, "2 documents added, 0 matched, 4 spans added, 0 already present"),
])
def test_the_merge_summary_agrees_with_its_counts(tmp_path, spans, documents, said):
    target = tmp_path / "mine.db"
    Project.open(target).close()
    colleague = colleague_with(tmp_path / "ben.db", spans, documents)
    result = CliRunner().invoke(main, ["merge", str(target), str(colleague)])
    assert result.exit_code == 0, result.output
    assert f"ben.db: {said}" in result.output


def test_the_merge_dialogs_paragraph_agrees_with_its_counts(tmp_path):
    with Project.open(tmp_path / "mine.db") as project:
        one = merge_source(project, colleague_with(tmp_path / "ben.db", 1, 1))
        assert merge_summary_text([one], []) == "Merged 1 source: 1 span added, 1 new document."
        two = merge_source(project, colleague_with(tmp_path / "carl.db", 2, 2))
        assert merge_summary_text([one, two], [(tmp_path / "x.db", "no"), (tmp_path / "y.db", "no")]) == (
            "Merged 2 sources: 4 spans added, 2 new documents. 1 span already present (not added again). "
            "2 sources refused: nothing merged from them.")  # carl's first document is ben's: matched


@pytest.mark.parametrize(("lines", "said"), [
    (1, "Imported 1 document (1 span) from 1 file"),
    (2, "Imported 2 documents (2 spans) from 1 file"),
])
def test_the_cli_import_summary_agrees_with_its_counts(tmp_path, lines, said):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"text": f"{n}: Alice met Bob.", "spans": [{"start": 3, "end": 8, "label": "actor"}]})
                              + "\n" for n in range(lines)), encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(tmp_path / "p.db"), str(source), "--annotator", "ana"])
    assert result.exit_code == 0, result.output
    assert said in result.output + result.stderr


@pytest.mark.gui
@pytest.mark.parametrize("copies", [1, 2])
def test_the_import_dialogs_summary_agrees_with_its_counts(qtbot, project, tmp_path, copies):
    parent = QWidget()
    qtbot.addWidget(parent)
    texts = [tmp_path / f"{n}.txt" for n in range(copies)]
    for n, path in enumerate(texts):
        path.write_text(f"Text number {n}.\n", encoding="utf-8")
    boxes: list[QMessageBox] = []
    import_with_progress(project, texts, "ann", parent, show_summary=boxes.append)
    assert boxes[0].text().startswith(
        "Imported 1 file: 1 new document, 0 spans." if copies == 1 else "Imported 2 files: 2 new documents, 0 spans.")
    again = [path.with_name(f"copy {path.name}") for path in texts]
    for path, copy in zip(texts, again):
        copy.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    import_with_progress(project, again, "ann", parent, show_summary=boxes.append)
    assert (("1 document was already in the project and was not added again." if copies == 1
             else "2 documents were already in the project and were not added again.") in boxes[1].text())


def test_with_article_says_an_before_a_vowel_also_after_a_quote_mark():
    assert with_article("actor span") == "an actor span"
    assert with_article("'actor'") == "an 'actor'"
    assert with_article("'quote' or 'claim'") == "a 'quote' or 'claim'"
    assert with_article("figure") == "a figure"
