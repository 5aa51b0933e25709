"""Untouched records (no span, not marked done) never become all-O training examples by default."""

from __future__ import annotations

import json

import pytest

from annotator.cli import main
from annotator.io.exporting import ExportError, ExportOptions, export_project, preview_text
from annotator.store import Project
from export_fixtures import *  # noqa: F403
from export_fixtures import read_jsonl

LABELLED = "Kim met Trump in Hanoi."
NEGATIVE = "The weather was mild all week."  # ana read it, found nothing, marked it done
NOBODY = "Nobody opened this report."
OPENED = "Ben opened this one and left."  # in progress, no span
SKIPPED = "Ben skipped this one."


@pytest.fixture
def corpus(tmp_path) -> Project:
    project = Project.open(tmp_path / "untouched.db")
    labelled, _ = project.add_document(LABELLED, title="labelled")
    negative, _ = project.add_document(NEGATIVE, title="negative")
    project.add_document(NOBODY, title="nobody")
    opened, _ = project.add_document(OPENED, title="opened")
    skipped, _ = project.add_document(SKIPPED, title="skipped")
    project.add_span(labelled, 0, 3, "actor", "ana")
    project.set_status(labelled, "ana", "done")
    project.set_status(negative, "ana", "done")
    project.set_status(opened, "ben", "in_progress")
    project.set_status(skipped, "ben", "skipped")
    yield project
    project.close()


def export(project, out, **options):
    return export_project(project, ExportOptions(**options), out)


def texts_of_hf(path):
    return [" ".join(line["tokens"]) for line in read_jsonl(path)]


def test_token_formats_leave_untouched_records_out_and_count_them(corpus, tmp_path):
    summary = export(corpus, tmp_path / "hf.jsonl", format="hf")
    lines = read_jsonl(tmp_path / "hf.jsonl")
    assert [line["tokens"][0] for line in lines] == ["Kim", "The"]  # the labelled one and the true negative
    assert set(lines[1]["ner_tags"]) == {"O"}
    assert summary.untouched_left_out == (3, 3)
    assert any("3 untouched records left out" in line for line in summary.lines())
    conll = export(corpus, tmp_path / "out.conll", format="conll")
    blocks = [b for b in (tmp_path / "out.conll").read_text(encoding="utf-8").split("\n\n") if b.strip()]
    assert len(blocks) == 2 and conll.untouched_left_out == (3, 3)


def test_spacy_leaves_untouched_out_keeps_the_done_negative_with_explicit_o(corpus, tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.training import Corpus

    summary = export(corpus, tmp_path / "train.spacy", format="spacy")
    docs = [eg.reference for eg in Corpus(str(tmp_path / "train.spacy"))(spacy.blank("en"))]
    assert [doc.text for doc in docs] == [LABELLED, NEGATIVE]
    assert {token.ent_iob_ for token in docs[1]} == {"O"}  # a true negative: every token known non-entity
    assert summary.untouched_left_out == (3, 3)


def test_spacy_include_writes_untouched_records_as_missing_not_o(corpus, tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.training import Corpus

    export(corpus, tmp_path / "all.spacy", format="spacy", untouched="include")
    docs = {doc.text: doc for doc in (eg.reference for eg in Corpus(str(tmp_path / "all.spacy"))(spacy.blank("en")))}
    assert set(docs) == {LABELLED, NEGATIVE, NOBODY, OPENED, SKIPPED}
    for text in (NOBODY, OPENED, SKIPPED):
        assert {token.ent_iob_ for token in docs[text]} == {""}  # missing: teaches nothing
        assert "annotator" not in docs[text].spans
    assert {token.ent_iob_ for token in docs[NEGATIVE]} == {"O"}
    export(corpus, tmp_path / "neg.spacy", format="spacy", untouched="negative")
    docs = {doc.text: doc for doc in (eg.reference for eg in Corpus(str(tmp_path / "neg.spacy"))(spacy.blank("en")))}
    assert {token.ent_iob_ for token in docs[NOBODY]} == {"O"}


def test_bio_formats_refuse_include_and_write_negatives_when_asked(corpus, tmp_path):
    with pytest.raises(ExportError, match="cannot mark a record as not annotated"):
        export(corpus, tmp_path / "x.conll", format="conll", untouched="include")
    assert not (tmp_path / "x.conll").exists()
    summary = export(corpus, tmp_path / "hf.jsonl", format="hf", untouched="negative")
    lines = read_jsonl(tmp_path / "hf.jsonl")
    assert len(lines) == 5 and summary.untouched_left_out == (0, 0)


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "labelstudio"])
def test_task_formats_keep_untouched_records_unless_told(corpus, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    summary = export(corpus, out, format=fmt)
    text = out.read_text(encoding="utf-8")
    assert all(t in text for t in (NOBODY, OPENED, SKIPPED)) and summary.untouched_left_out == (0, 0)
    summary = export(corpus, out, format=fmt, untouched="leave-out")
    text = out.read_text(encoding="utf-8")
    assert not any(t in text for t in (NOBODY, OPENED, SKIPPED)) and NEGATIVE in text
    assert summary.untouched_left_out == (3, 3)


def test_brat_keeps_untouched_records_unless_told(corpus, tmp_path):
    export(corpus, tmp_path / "brat", format="brat")
    assert (tmp_path / "brat" / "nobody.txt").is_file()
    export(corpus, tmp_path / "brat", format="brat", untouched="leave-out")
    found = sorted(p.relative_to(tmp_path / "brat").as_posix() for p in (tmp_path / "brat").rglob("*.txt"))
    assert found == ["ana/labelled.txt", "ana/negative.txt"]  # several annotators: one folder each


def test_a_document_with_one_touched_record_is_not_counted_as_left_out(corpus, tmp_path):
    opened = corpus.document_ids()[3]
    corpus.add_span(opened, 0, 3, "actor", "ana")  # ana labelled it; ben's in-progress record stays untouched
    summary = export(corpus, tmp_path / "hf.jsonl", format="hf")
    assert summary.untouched_left_out == (3, 2)
    assert "2 documents have no record at all" in "\n".join(summary.lines())


def test_nothing_left_says_why(corpus, tmp_path):
    with pytest.raises(ExportError, match="3 untouched records .* are left out"):
        export(corpus, tmp_path / "x.conll", format="conll", statuses=("new", "in_progress", "skipped"))


def test_preview_follows_the_untouched_choice(corpus):
    first = preview_text(corpus, ExportOptions(format="jsonl", statuses=("new",)))
    assert json.loads(first)["text"] == NOBODY
    assert preview_text(corpus, ExportOptions(format="hf", statuses=("new",))) == "(no records match the filters)"
    assert json.loads(preview_text(corpus, ExportOptions(format="hf", statuses=("new",), untouched="negative")))["tokens"][0] == "Nobody"


def test_cli_flag_and_summary(runner, corpus, tmp_path):
    path = str(corpus.path)
    corpus.close()
    result = runner.invoke(main, ["export", path, "-f", "conll", "-o", str(tmp_path / "a.conll")])
    assert result.exit_code == 0, result.output
    assert "3 untouched records left out" in result.stderr
    result = runner.invoke(main, ["export", path, "-f", "conll", "-o", str(tmp_path / "b.conll"),
                                  "--untouched", "negative"])
    assert result.exit_code == 0, result.output
    assert "untouched" not in result.stderr and NOBODY.split()[0] in (tmp_path / "b.conll").read_text()
    result = runner.invoke(main, ["export", path, "-f", "hf", "-o", str(tmp_path / "c.jsonl"), "--untouched", "include"])
    assert result.exit_code == 1 and "cannot mark a record as not annotated" in result.stderr
