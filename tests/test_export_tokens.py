"""Token-based exports against their real consumers: every span comes back exactly (issue 10, points 1, 4, 5).

seqeval's strict IOB2 decodes our CoNLL and Hugging Face tags, ``datasets`` loads the
hf file, spaCy reads our .spacy; each must give back exactly the spans we stored
(less edge whitespace, trimmed by the documented rule, and overlapping ones in tags).
"""

from __future__ import annotations

import json
import os

import pytest
from seqeval.scheme import IOB2, Entities

from annotator.cli import main
from annotator.core.tokens import trim_whitespace
from annotator.io.exporters._aligned import TRIMMED
from annotator.io.exporting import ExportError, ExportOptions, export_project
from export_fixtures import *  # noqa: F403
from export_fixtures import read_jsonl, spacy_docs

ACTORS = "Russia-North Korea talks: Trump’s envoy met officials in the U.S. yesterday."
CHINESE = "朝鲜和俄罗斯签署了条约。金正恩访问了莫斯科。"
JAPANESE = "東京で岸田首相が演説した。"
TABBED = "Reported:\tAlice Smith said no."  # an imported span "\tAlice Smith"
SENTENCES = "Kim said the talks failed. Trump disagreed. Nothing else happened."
INSIDE = "Muscovites and Kim Jong-un 👨‍👩‍👧 waved."  # spans ending inside tokens (exact mode)
SPACES = "Ana\u00a0Lee said:\u2028“yes”\n\n\tthen  Bob 😀 left 東京.\n"


def _at(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


# (text, [(part or (start, end), label)]): what each document's spans are, as stored.
DOCUMENTS = [
    (ACTORS, [("Russia", "actor"), ("North Korea", "actor"), ("Trump", "actor"), ("U.S.", "actor")]),
    (CHINESE, [("朝鲜", "actor"), ("俄罗斯", "actor"), ("金正恩", "actor"), ("莫斯科", "actor")]),
    (JAPANESE, [("東京", "actor"), ("岸田", "actor")]),
    (TABBED, [("\tAlice Smith", "actor")]),
    (SENTENCES, [("the talks failed. Trump disagreed", "claim"), ("Kim", "actor")]),
    (INSIDE, [("Muscov", "actor"), ("Jong-u", "actor"), ("👨", "figure")]),
    (SPACES, [("Ana\u00a0Lee", "actor"), ("Bob 😀", "actor"), ("東京", "actor")]),
]


def expected_spans(text: str, spans: list[tuple[str, str]]) -> set[tuple[int, int, str]]:
    """The spans as a token format must write them: edge whitespace trimmed, nothing else moved."""
    found = set()
    for part, label in spans:
        found.add((*trim_whitespace(text, *_at(text, part)), label))
    return found


@pytest.fixture
def corpus(project):
    for n, (text, spans) in enumerate(DOCUMENTS):
        doc_id, _ = project.add_document(text, title=f"d{n}")
        for part, label in spans:
            project.add_span(doc_id, *_at(text, part), label, "ana")
        project.set_status(doc_id, "ana", "done")
    return project


def export(project, out, **options):
    return export_project(project, ExportOptions(**options), out)


def strict_entities(tags: list[str]) -> list[tuple[str, int, int]]:
    """Entities as seqeval's strict IOB2 mode decodes them (an invalid sequence loses its entity)."""
    return [(e.tag, e.start, e.end) for e in Entities([tags], IOB2, suffix=False).entities[0]]


def offsets(tokens: list[str], ws: list[bool]) -> list[tuple[int, int]]:
    """Each token's code-point offsets, from the tokens and their ws flags alone."""
    found, at = [], 0
    for token, space in zip(tokens, ws):
        found.append((at, at + len(token)))
        at += len(token) + space
    return found


def test_hf_tags_decode_to_exactly_the_spans_and_tokens_rebuild_the_text(corpus, tmp_path):
    out = tmp_path / "hf.jsonl"
    export(corpus, out, format="hf")
    lines = read_jsonl(out)
    assert len(lines) == len(DOCUMENTS)
    for line, (text, spans) in zip(lines, DOCUMENTS):
        assert "".join(t + " " * ws for t, ws in zip(line["tokens"], line["ws"])) == text
        bounds = offsets(line["tokens"], line["ws"])
        decoded = {(bounds[s][0], bounds[e - 1][1], label) for label, s, e in strict_entities(line["ner_tags"])}
        assert decoded == expected_spans(text, spans), text


def test_actors_in_hyphenated_and_possessive_words_stay_apart(corpus, tmp_path):
    """The bug: Russia-North was one token (two actors merged into one) and Trump’s one (Trump lost)."""
    out = tmp_path / "hf.jsonl"
    export(corpus, out, format="hf")
    line = read_jsonl(out)[0]
    words = [(t, tag) for t, tag in zip(line["tokens"], line["ner_tags"]) if t.strip()]
    assert words[:9] == [("Russia", "B-actor"), ("-", "O"), ("North", "B-actor"), ("Korea", "I-actor"),
                         ("talks", "O"), (":", "O"), ("Trump", "B-actor"), ("’s", "O"), ("envoy", "O")]
    assert ("U.S.", "B-actor") in words


def test_hf_loads_with_datasets(corpus, tmp_path, monkeypatch):
    import datasets

    out = tmp_path / "hf.jsonl"
    export(corpus, out, format="hf")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    loaded = datasets.load_dataset("json", data_files=str(out), split="train", cache_dir=str(tmp_path / "cache"))
    for row, (text, _spans) in zip(loaded, DOCUMENTS):
        assert "".join(t + " " * ws for t, ws in zip(row["tokens"], row["ws"])) == text


def conll_sentences(path) -> list[list[tuple[str, str]]]:
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    return [[tuple(line.split("\t")) for line in block.split("\n") if line] for block in blocks if block.strip()]


@pytest.mark.parametrize("sentences", [False, True])
def test_conll_tags_decode_strictly_to_the_spans(corpus, tmp_path, sentences):
    out = tmp_path / "out.conll"
    export(corpus, out, format="conll", sentences=sentences)
    hf = tmp_path / "hf.jsonl"
    export(corpus, hf, format="hf")
    blocks = conll_sentences(out)
    assert all(len(pair) == 2 and pair[0] and not pair[0].isspace() for block in blocks for pair in block)
    conll_words = [pair for block in blocks for pair in block]
    hf_words = [(t, tag) for line in read_jsonl(hf) for t, tag in zip(line["tokens"], line["ner_tags"]) if not t.isspace()]
    assert conll_words == hf_words  # the same tokens and tags, less whitespace tokens
    decoded = [e for block in blocks for e in strict_entities([tag for _, tag in block])]
    every_span = [label for text, spans in DOCUMENTS for label in sorted(x[2] for x in expected_spans(text, spans))]
    assert sorted(label for label, _s, _e in decoded) == sorted(every_span)  # strict IOB2 keeps every entity


def test_conll_sentences_never_cut_a_span(corpus, tmp_path):
    out = tmp_path / "s.conll"
    export(corpus, out, format="conll", sentences=True)
    blocks = conll_sentences(out)
    assert all(block[0][1][:2] != "I-" for block in blocks)  # no sentence starts inside a span
    claim = next(block for block in blocks if ("Kim", "B-actor") in block)
    words = [t for t, _ in claim]
    assert words[words.index("the") : words.index("disagreed") + 1] == [
        "the", "talks", "failed", ".", "Trump", "disagreed"]  # the claim keeps its sentence end inside
    assert any(block[0][0] == "Nothing" for block in blocks)  # the next sentence still starts on its own
    chinese = [block for block in blocks if block[0][0] in ("朝", "金")]
    assert len(chinese) == 2  # 。 ends a sentence


def test_abbreviation_at_a_sentence_end_keeps_its_dot_and_ends_no_sentence(project, tmp_path):
    text = "They met in the U.S.\nThen they left."
    doc_id, _ = project.add_document(text)
    project.add_span(doc_id, *_at(text, "U.S."), "actor", "ana")
    project.set_status(doc_id, "ana", "done")
    out = tmp_path / "a.conll"
    export(project, out, format="conll", sentences=True)
    blocks = conll_sentences(out)
    assert blocks[0][-1] == ("U.S.", "B-actor") and blocks[1][0] == ("Then", "O")  # the line break ends it


def test_spacy_spans_are_exact_in_every_language_and_never_whitespace_edged(corpus, tmp_path):
    spacy = pytest.importorskip("spacy")

    out = tmp_path / "train.spacy"
    summary = export(corpus, out, format="spacy")  # --lang en: spaCy's own en tokenizer does not split CJK
    docs = spacy_docs(out, spacy.blank("en").vocab)
    for doc, (text, spans) in zip(docs, DOCUMENTS):
        assert doc.text == text
        expected = expected_spans(text, spans)
        assert {(e.start_char, e.end_char, e.label_) for e in doc.ents} == expected
        assert sorted(e.text for e in doc.ents) == sorted(text[s:e] for s, e, _ in expected)
        assert {(s.start_char, s.end_char, s.label_) for s in doc.spans["annotator"]} == expected
        # What `spacy debug data` flags: entities starting or ending with whitespace.
        assert not [e for e in doc.ents if e.text[0].isspace() or e.text[-1].isspace()]
    assert summary.adjusted == {TRIMMED: 1} and summary.left_out == {}


def test_report_names_each_changed_span_and_strict_refuses(corpus, tmp_path, runner):
    db = corpus.path
    corpus.close()
    report = tmp_path / "report.tsv"
    result = runner.invoke(main, ["export", str(db), "-f", "hf", "-o", str(tmp_path / "hf.jsonl"), "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert f"1 span {TRIMMED}" in result.stderr and str(report) in result.stderr
    header, *lines = report.read_text(encoding="utf-8").splitlines()
    assert header.split("\t") == ["document", "annotator", "start", "end", "label", "text", "why"]
    assert len(lines) == 1
    fields = lines[0].split("\t")
    assert fields[1:6] == ["ana", str(TABBED.index("\t")), str(len("Reported:\tAlice Smith")), "actor",
                           json.dumps("\tAlice Smith")]
    assert fields[6] == TRIMMED
    strict = runner.invoke(main, ["export", str(db), "-f", "conll", "-o", str(tmp_path / "s.conll"), "--strict"])
    assert strict.exit_code != 0 and "whitespace at its edges" in strict.output and "--strict" in strict.output
    assert not (tmp_path / "s.conll").exists()


def test_strict_passes_when_every_span_is_exact(project, tmp_path):
    doc_id, _ = project.add_document(ACTORS)
    project.add_span(doc_id, *_at(ACTORS, "Russia"), "actor", "ana")
    project.set_status(doc_id, "ana", "done")
    summary = export(project, tmp_path / "ok.conll", format="conll", strict=True)
    assert summary.spans_written == 1 and summary.report == []
    with pytest.raises(ExportError, match="whitespace"):
        doc2, _ = project.add_document(TABBED)
        project.add_span(doc2, *_at(TABBED, "\tAlice"), "actor", "ana")
        project.set_status(doc2, "ana", "done")
        export(project, tmp_path / "no.conll", format="conll", strict=True)


def test_spacy_debug_data_finds_no_whitespace_entity(corpus, tmp_path):
    """spaCy's own check (`spacy debug data`) on our .spacy: the imported "\\tAlice Smith" was flagged."""
    pytest.importorskip("spacy")
    import subprocess
    import sys

    out = tmp_path / "train.spacy"
    export(corpus, out, format="spacy")
    config = tmp_path / "ner.cfg"
    spacy_cli = [sys.executable, "-m", "spacy"]
    subprocess.run([*spacy_cli, "init", "config", str(config), "--lang", "en", "--pipeline", "ner"],
                   check=True, capture_output=True)
    result = subprocess.run([*spacy_cli, "debug", "data", str(config), "--paths.train", str(out), "--paths.dev", str(out)],
                            capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    assert "No entities consisting of or starting/ending with whitespace" in result.stdout, result.stdout
    assert "invalid whitespace entity" not in result.stdout
