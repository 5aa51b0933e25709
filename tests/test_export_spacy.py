"""spaCy export at scale: a folder of DocBin shards that spaCy reads and trains on, and documents
longer than nlp.max_length cut where no span is, instead of spaCy's E088 and nothing written."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from annotator.io.exporters import spacy_docbin
from annotator.io.exporters._outputs import EXPORT_MARKER
from annotator.io.exporting import ExportOptions, export_project
from annotator.store import Project
from export_fixtures import *  # noqa: F403
from export_fixtures import read_jsonl, spacy_docs

spacy = pytest.importorskip("spacy")
from spacy.training import Corpus  # noqa: E402


def corpus(path, documents=30) -> Project:
    project = Project.open(path)
    with project.transaction():
        for i in range(documents):
            doc_id, _ = project.add_document(f"Kim met Trump in Hanoi on day {i}.\nThen Moon spoke.")
            project.add_span(doc_id, 0, 3, "actor", "ana")
            project.add_span(doc_id, 8, 13, "actor", "ana")
            project.set_status(doc_id, "ana", "done")
    return project


def test_export_is_a_folder_of_shards_in_record_order(tmp_path, monkeypatch):
    monkeypatch.setattr(spacy_docbin, "SHARD_TOKENS", 50)  # about four documents per shard
    project = corpus(tmp_path / "p.db")
    out = tmp_path / "train.spacy"
    summary = export_project(project, ExportOptions(format="spacy"), out)
    shards = sorted(out.glob("*.spacy"))
    assert len(shards) == 8 and shards[0].name == "shard-00000.spacy" and (out / EXPORT_MARKER).is_file()
    docs = spacy_docs(out, spacy.blank("en").vocab)
    assert [doc.text for doc in docs] == [project.document_text(i) for i in project.document_ids()]
    assert all([e.text for e in doc.ents] == ["Kim", "Trump"] for doc in docs)
    # spaCy's own corpus reader (what `spacy train` uses) walks the folder and skips the hidden marker.
    examples = list(Corpus(str(out))(spacy.blank("en")))
    assert len(examples) == summary.records == 30
    project.close()


def test_spacy_train_runs_on_the_exported_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(spacy_docbin, "SHARD_TOKENS", 100)
    project = corpus(tmp_path / "p.db")
    export_project(project, ExportOptions(format="spacy", split={"train": 0.7, "dev": 0.3}, seed=1),
                   tmp_path / "data.spacy")
    project.close()
    assert len(list((tmp_path / "data.train.spacy").glob("*.spacy"))) > 1
    config = tmp_path / "config.cfg"
    spacy_cli = [sys.executable, "-m", "spacy"]
    subprocess.run([*spacy_cli, "init", "config", str(config), "-l", "en", "-p", "ner"], check=True, capture_output=True)
    result = subprocess.run(
        [*spacy_cli, "train", str(config), "--paths.train", str(tmp_path / "data.train.spacy"),
         "--paths.dev", str(tmp_path / "data.dev.spacy"), "--training.max_steps", "2",
         "--training.eval_frequency", "1"],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ENTS_F" in result.stdout


def long_report() -> tuple[str, list[tuple[int, int]]]:
    """A real 1.2 MB report: paragraphs of news prose, an actor in every paragraph."""
    paragraph = ("Kim met Trump in Hanoi, and Moon spoke at length about the summit, the sanctions and "
                 "the border talks; analysts said the alliance held. ") * 6 + "\n"
    text = paragraph * (1_200_000 // len(paragraph) + 1)
    return text, [m.span() for m in re.finditer("Moon", text)]


def test_a_document_longer_than_max_length_is_cut_outside_spans(tmp_path):
    text, actors = long_report()
    assert len(text) > 1_200_000
    claim_end = text.index(". \n", len(text) // 2) + 1  # a paragraph past the middle: the first cut comes after it
    project = Project.open(tmp_path / "long.db")
    doc_id, _ = project.add_document(text, title="long")
    with project.transaction():
        for start, end in actors:
            project.add_span(doc_id, start, end, "actor", "ana")
        project.add_span(doc_id, 0, claim_end, "claim", "ana")
    out = tmp_path / "long.spacy"
    summary = export_project(project, ExportOptions(format="spacy"), out)
    project.close()
    nlp = spacy.blank("en")
    docs = spacy_docs(out, nlp.vocab)
    assert len(docs) == 2 and all(len(doc.text) <= nlp.max_length for doc in docs)
    assert "".join(doc.text for doc in docs) == text
    assert [doc.user_data["part"] for doc in docs] == [0, 1] and {d.user_data["parts"] for d in docs} == {2}
    assert docs[0].user_data["offset"] == 0 and docs[1].user_data["offset"] > claim_end
    found = {(doc.user_data["offset"] + s.start_char, doc.user_data["offset"] + s.end_char, s.label_)
             for doc in docs for s in doc.spans["annotator"]}
    assert found == {(s, e, "actor") for s, e in actors} | {(0, claim_end, "claim")}
    assert any("longer than spaCy's max_length" in line for line in summary.lines())
    assert summary.spans_written == len(actors) + 1
    # spaCy's corpus reader re-tokenizes every reference with nlp.make_doc, which refuses > max_length.
    assert len(list(Corpus(str(out))(nlp))) == 2


def test_cut_points_avoid_spans_and_count_what_cannot_be_kept():
    text = "aaaa bbbb\ncccc dddd\neeee"
    assert spacy_docbin.cut_points(text, [], 12) == [10, 20]  # after each line break
    assert spacy_docbin.cut_points(text, [(5, 14, "x", None)], 12) == [5, 15]  # at spaces around the span
    assert spacy_docbin.cut_points("x" * 30, [], 12) == [12, 24]  # no separator at all: cut hard


def test_native_records_and_spacy_docs_agree_after_a_cut(tmp_path, monkeypatch):
    project = Project.open(tmp_path / "p.db")
    text = "Kim spoke.\nMoon left.\nTrump came."
    doc_id, _ = project.add_document(text)
    project.add_span(doc_id, 0, 3, "actor", "ana")
    project.add_span(doc_id, text.index("Moon"), text.index("Moon") + 4, "actor", "ana")
    project.add_span(doc_id, 4, text.index("Trump"), "claim", "ana")  # crosses both line breaks
    small = spacy.blank("en")
    small.max_length = 12
    monkeypatch.setattr(spacy_docbin, "blank_pipeline", lambda lang: small)
    out = tmp_path / "o.spacy"
    summary = export_project(project, ExportOptions(format="spacy"), out)
    export_project(project, ExportOptions(), tmp_path / "n.jsonl")
    project.close()
    docs = spacy_docs(out, spacy.blank("en").vocab)
    assert "".join(doc.text for doc in docs) == read_jsonl(tmp_path / "n.jsonl")[0]["text"]
    assert summary.left_out[spacy_docbin.ACROSS_CUT] == 1


def test_an_empty_split_is_a_folder_with_one_empty_shard(tmp_path):
    project = corpus(tmp_path / "p.db", documents=2)
    summary = export_project(project, ExportOptions(format="spacy", split={"all": 1.0, "none": 0.0}),
                             tmp_path / "d.spacy")
    project.close()
    assert spacy_docs(tmp_path / "d.none.spacy", spacy.blank("en").vocab) == []
    assert len(spacy_docs(tmp_path / "d.all.spacy", spacy.blank("en").vocab)) == 2
    assert any("split 'none' is empty" in warning for warning in summary.warnings)


def test_relations_within_a_part_of_a_long_document_are_kept(tmp_path, monkeypatch):
    project = Project.open(tmp_path / "p.db")
    text = "Kim said: “We go.”\nMoon said: “No.”\nKim said: “Wait”"
    doc_id, _ = project.add_document(text)

    def span(word, label, after=0):
        start = text.index(word, after)
        return project.add_span(doc_id, start, start + len(word), label, "ana")

    kim, go = span("Kim", "actor"), span("We go.", "quote")
    moon, no = span("Moon", "actor"), span("No.", "quote")
    wait = span("Wait", "quote")
    project.add_relation(go.id, kim.id, "said_by")  # both ends in part 0
    project.add_relation(no.id, moon.id, "said_by")  # both ends in part 1
    project.add_relation(wait.id, kim.id, "said_by")  # head in part 2, child in part 0
    small = spacy.blank("en")
    small.max_length = 20
    monkeypatch.setattr(spacy_docbin, "blank_pipeline", lambda lang: small)
    out = tmp_path / "o.spacy"
    summary = export_project(project, ExportOptions(format="spacy"), out)
    project.close()
    from spacy.tokens import DocBin

    docs = [doc for shard in sorted(out.glob("*.spacy"))
            for doc in DocBin(store_user_data=True).from_disk(shard).get_docs(spacy.blank("en").vocab)]
    assert [doc.user_data["parts"] for doc in docs] == [3, 3, 3]

    def relations(doc):
        return [(doc[r["head"]["start"]:r["head"]["end"]].text, r["head"]["label"],
                 doc[r["child"]["start"]:r["child"]["end"]].text, r["child"]["label"], r["label"])
                for r in doc.user_data.get("relations", [])]

    assert relations(docs[0]) == [("We go.", "quote", "Kim", "actor", "said_by")]
    assert relations(docs[1]) == [("No.", "quote", "Moon", "actor", "said_by")]
    assert relations(docs[2]) == []
    assert summary.relations_left_out == {spacy_docbin.RELATION_ACROSS_PARTS: 1}
    assert {"  2 relations written", f"  1 relation left out: {spacy_docbin.RELATION_ACROSS_PARTS}"} <= set(summary.lines())
