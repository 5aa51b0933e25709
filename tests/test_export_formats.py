"""Every export format over the tricky project, read back by its real consumer where one exists."""

from __future__ import annotations

import json

import pytest

from annotator.core.model import GOLD_ANNOTATOR
from annotator.core.tokens import tokenize
from annotator.io.exporters._bio import OVERLAP
from annotator.io.exporters._filenames import UniqueNames, safe_name
from annotator.io.exporters.spacy_docbin import OVERLAP_ENTS
from annotator.io.exporters._outputs import EXPORT_MARKER
from annotator.io.exporting import ExportError, ExportOptions, export_project, preview_text
from annotator.store.export_queries import Selection, first_record_row, iter_record_rows
from export_fixtures import *  # noqa: F403
from export_fixtures import EMOJI, read_jsonl, spacy_docs


def export(project, out, **options):
    return export_project(project, ExportOptions(**options), out)


def native(project, tmp_path, **options):
    out = tmp_path / "native.jsonl"
    export(project, out, **options)
    return read_jsonl(out)


# ------------------------------------------------------------------ native JSONL
def test_native_lines_have_the_contract_shape(tricky, tmp_path):
    records = native(tricky, tmp_path)
    assert [list(r) for r in records] == [["id", "title", "text", "meta", "annotator", "status", "spans", "tokens"]] * len(records)
    assert [(r["title"], r["annotator"], r["status"]) for r in records] == [
        ("../../etc/passwd", "ana", "done"),
        ("../../etc/passwd", "ben", "in_progress"),
        ("CON", "ben", "done"),
        ("crlf", "ana", "done"),
        ("empty", None, "new"),
    ]
    assert records[0]["meta"] == {"source": "wire", "n": 1}
    assert records[-1]["spans"] == []
    assert "\r" not in records[3]["text"]
    noted = [s for s in records[0]["spans"] if "meta" in s]
    assert [(s["text"], s["meta"]) for s in noted] == [("Bob", {"note": "the driver"})]
    assert all(list(s)[:6] == ["start", "end", "label", "text", "token_start", "token_end"] for r in records for s in r["spans"])


def test_native_spans_slice_the_text_and_name_their_tokens(tricky, tmp_path):
    for record in native(tricky, tmp_path):
        text, tokens, spans = record["text"], record["tokens"], record["spans"]
        starts, ends = {s["start"] for s in spans}, {s["end"] for s in spans}
        expected = tokenize(text, starts, ends)  # split where one of this record's spans starts or ends inside a token
        assert tokens == [{"text": t.text, "start": t.start, "end": t.end, "id": t.id, "ws": t.ws} for t in expected]
        assert "".join(t["text"] + " " * t["ws"] for t in tokens) == text
        for span in spans:
            assert text[span["start"] : span["end"]] == span["text"]
            assert tokens[span["token_start"]]["start"] == span["start"]
            assert tokens[span["token_end"]]["end"] == span["end"]
    ben = native(tricky, tmp_path)[1]
    assert [t["text"] for t in ben["tokens"][:3]] == ["A", "na", "👩"]  # "na 👩" starts inside Ana, ends inside 👩‍👩‍👧
    assert native(tricky, tmp_path)[0]["tokens"][0]["text"] == "Ana"  # ana's record is not split


def test_native_span_order_is_start_then_longest_then_label(tricky, tmp_path):
    ben = native(tricky, tmp_path)[1]
    keys = [(s["start"], -s["end"], s["label"]) for s in ben["spans"]]
    assert keys == sorted(keys) and len(keys) == 3


def test_native_export_is_byte_identical_twice(tricky, tmp_path):
    export(tricky, tmp_path / "a.jsonl")
    export(tricky, tmp_path / "b.jsonl")
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


def test_gold_exports_only_the_reviewed_layer(tricky, tmp_path):
    records = native(tricky, tmp_path, gold=True)
    assert {r["annotator"] for r in records} == {GOLD_ANNOTATOR}
    assert sorted(s["text"] for r in records for s in r["spans"]) == ["Alice", "Bob"]
    assert records == native(tricky, tmp_path, annotators=(GOLD_ANNOTATOR,))


def test_default_export_leaves_the_gold_layer_out(tricky, tmp_path):
    assert GOLD_ANNOTATOR not in {r["annotator"] for r in native(tricky, tmp_path)}


@pytest.mark.parametrize("statuses", [(), ("done",), ("skipped",)])
def test_preview_reads_the_first_record_the_export_writes(project, tmp_path, statuses):
    """The preview finds the first record with look-ups over a few documents, far into the corpus if need be."""
    ids = [project.add_document(f"Document {n} mentions Kim.")[0] for n in range(300)]
    project.add_span(ids[250], 0, 8, "claim", "ben")
    project.set_status(ids[250], "ben", "done")
    project.add_span(ids[250], 0, 8, "claim", "ana")
    project.set_status(ids[260], "ana", "done")
    selection = Selection(statuses=statuses)
    assert first_record_row(project, selection) == next(iter_record_rows(project, selection), None)
    options = ExportOptions(statuses=statuses)
    if statuses == ("skipped",):
        assert preview_text(project, options) == "(no records match the filters)"
        return
    out = tmp_path / "all.jsonl"
    export(project, out, **{"statuses": statuses})
    assert preview_text(project, options) == out.read_text(encoding="utf-8").splitlines(keepends=True)[0]


# ------------------------------------------------------------------ spaCy
def test_spacy_docbin_read_back_matches_native(tricky, tmp_path):
    spacy = pytest.importorskip("spacy")

    out = tmp_path / "train.spacy"
    summary = export(tricky, out, format="spacy", spans_key="sc")
    nlp = spacy.blank("en")
    docs = spacy_docs(out, nlp.vocab)
    records = native(tricky, tmp_path, untouched="leave-out")
    assert len(docs) == len(records)
    for doc, record in zip(docs, records):
        assert doc.text == record["text"]
        assert doc.user_data["id"] == record["id"] and doc.user_data["annotator"] == record["annotator"]
        spans = {(s["start"], s["end"], s["label"]) for s in record["spans"]}
        if record["annotator"] == "ben" and record["title"] != "CON":
            continue  # overlaps: checked below
        assert {(e.start_char, e.end_char, e.label_) for e in doc.ents} == spans
        assert {(s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]} == spans
    ben = docs[1]
    assert len(ben.spans["sc"]) == 3
    # Longest wins: the claim covers the actor and the quote; only it is an entity.
    assert [(e.label_, e.text) for e in ben.ents] == [("claim", "Ana 👩‍👩‍👧 met Bob")]
    quote = next(s for s in ben.spans["sc"] if s.label_ == "quote")
    assert (quote.start_char, quote.text) == (1, "na 👩")  # inside two tokens: they are split, the span is exact
    assert {(s.start_char, s.end_char, s.label_) for s in ben.spans["sc"]} == {
        (s["start"], s["end"], s["label"]) for s in records[1]["spans"]}
    assert summary.adjusted == {OVERLAP_ENTS: 2} and len(summary.report) == 2


def test_spacy_leaves_whitespace_only_spans_out_of_the_entities(project, tmp_path):
    spacy = pytest.importorskip("spacy")

    text = "Kim met Putin.\n\nThen  they left."
    doc_id, _ = project.add_document(text)
    project.add_span(doc_id, 0, 3, "actor", "ana")
    project.add_span(doc_id, text.index("\n\n"), text.index("\n\n") + 2, "claim", "ana")  # a paragraph break
    project.add_span(doc_id, text.index("  "), text.index("  ") + 2, "quote", "ana")  # a double space
    out = tmp_path / "ws.spacy"
    summary = export(project, out, format="spacy")
    doc = spacy_docs(out, spacy.blank("en").vocab)[0]
    assert [(e.text, e.label_) for e in doc.ents] == [("Kim", "actor")]
    assert all(e.text.strip() for e in doc.ents) and len(doc.spans["annotator"]) == 1
    conll = export(project, tmp_path / "ws.conll", format="conll")
    assert summary.left_out == conll.left_out == {"cover no token (only whitespace)": 2}
    assert summary.spans_written == 1


def test_spacy_strict_refuses_off_boundary_spans_and_writes_nothing(tricky, tmp_path):
    pytest.importorskip("spacy")
    out = tmp_path / "strict.spacy"
    with pytest.raises(ExportError, match="overlaps a longer span.*--strict"):
        export(tricky, out, format="spacy", strict=True)
    assert list(tmp_path.glob("strict*")) == [] and list(tmp_path.glob(".strict*")) == []


# ------------------------------------------------------------------ CoNLL and HF
def conll_blocks(path):
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    return [[line.split("\t") for line in block.splitlines()] for block in blocks if block.strip()]


def test_conll_bio_tags_and_overlap_rule(tricky, tmp_path):
    out = tmp_path / "out.conll"
    summary = export(tricky, out, format="conll")
    blocks = conll_blocks(out)
    records = native(tricky, tmp_path, untouched="leave-out")
    assert len(blocks) == len(records)
    for block, record in zip(blocks, records):
        assert [token for token, _ in block] == [t["text"] for t in record["tokens"] if not t["text"].isspace()]
    ana = [tag for _, tag in blocks[0]]
    tokens = [token for token, _ in blocks[0]]
    assert ana[tokens.index("Bob")] == "B-actor" and ana[tokens.index("東"): tokens.index("京") + 1] == ["B-actor", "I-actor"]
    ben = [tag for _, tag in blocks[1]]
    tokens = [token for token, _ in blocks[1]]
    assert ben[0] == "B-claim" and set(ben[1 : tokens.index("Bob") + 1]) == {"I-claim"}
    assert summary.left_out == {OVERLAP: 2} and len(summary.report) == 2
    assert all(tag == "O" or tag[:2] in ("B-", "I-") for block in blocks for _, tag in block)


def test_conll_sentences_split_at_sentence_ends(tricky, tmp_path):
    out = tmp_path / "s.conll"
    export(tricky, out, format="conll", sentences=True, annotators=("ana",), statuses=("done",))
    blocks = conll_blocks(out)
    crlf = [b for b in blocks if b[0][0] == "Line"]
    assert len(crlf) == 2  # two lines, two sentences


def test_hf_lines_and_labels_sidecar(tricky, tmp_path):
    out = tmp_path / "hf.jsonl"
    export(tricky, out, format="hf")
    names = json.loads((tmp_path / "hf.labels.json").read_text())
    assert names[0] == "O" and names[1:5] == ["B-actor", "I-actor", "B-claim", "I-claim"]
    lines = read_jsonl(out)
    assert all(list(line) == ["id", "tokens", "ner_tags", "ws"] for line in lines)
    assert all(tag in names for line in lines for tag in line["ner_tags"])
    assert lines[0]["id"].endswith(":ana")
    tokens = [t["text"] for t in native(tricky, tmp_path)[0]["tokens"]]
    assert lines[0]["tokens"] == tokens and lines[0]["ner_tags"][tokens.index("Bob")] == "B-actor"


def test_hf_lines_load_with_datasets(tricky, tmp_path, monkeypatch):
    import datasets  # in the test extras only: it pulls pandas into every process
    out = tmp_path / "hf.jsonl"
    export(tricky, out, format="hf")
    names = json.loads((tmp_path / "hf.labels.json").read_text())
    lines = read_jsonl(out)
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    loaded = datasets.load_dataset("json", data_files=str(out), split="train", cache_dir=str(tmp_path / "cache"))
    assert loaded.num_rows == len(lines)
    assert loaded[0]["tokens"] == lines[0]["tokens"] and loaded[0]["ner_tags"] == lines[0]["ner_tags"]
    label = datasets.ClassLabel(names=names)
    assert [label.str2int(t) for t in loaded[1]["ner_tags"]][0] == names.index("B-claim")


# ------------------------------------------------------------------ doccano and Label Studio
def test_doccano_codepoint_and_utf16_offsets(tricky, tmp_path):
    out = tmp_path / "d.jsonl"
    export(tricky, out, format="doccano")
    lines = read_jsonl(out)
    records = native(tricky, tmp_path)
    for line, record in zip(lines, records):
        assert line["label"] == [[s["start"], s["end"], s["label"]] for s in record["spans"]]
        assert line["annotator"] == record["annotator"]
    export(tricky, out, format="doccano", offsets="utf16")
    for line, record in zip(read_jsonl(out), records):
        units = line["text"].encode("utf-16-le")
        for (start, end, _label), span in zip(line["label"], record["spans"]):
            assert units[2 * start : 2 * end].decode("utf-16-le") == span["text"]
    zoe = max(read_jsonl(out)[0]["label"])
    assert zoe[0] == EMOJI.index("Zoë") + 3  # the emoji before it count twice in UTF-16


def test_labelstudio_tasks(tricky, tmp_path):
    out = tmp_path / "ls.json"
    export(tricky, out, format="labelstudio")
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert len(tasks) == 4  # one task per document
    first = tasks[0]
    assert [a["completed_by"] for a in first["annotations"]] == [{"email": "ana"}, {"email": "ben"}]
    for task in tasks:
        text = task["data"]["text"]
        for annotation in task["annotations"]:
            for result in annotation["result"]:
                if result["type"] == "textarea":  # a span's note, sharing its region's id
                    assert (result["from_name"], result["to_name"]) == ("note", "text")
                    continue
                assert (result["from_name"], result["to_name"], result["type"]) == ("label", "text", "labels")
                value = result["value"]
                assert text[value["start"] : value["end"]] == value["text"] and len(value["labels"]) == 1
    assert tasks[-1]["annotations"] == []


# ------------------------------------------------------------------ brat
def test_brat_files_are_safe_unique_and_inside_the_folder(tricky, tmp_path):
    out = tmp_path / "brat"
    export(tricky, out, format="brat")
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
    assert "annotation.conf" in names
    assert all(out.resolve() in p.resolve().parents for p in out.rglob("*"))
    assert not (tmp_path / "etc").exists()
    # several annotators: one folder each, named in its .annotator file
    assert (out / "ben" / ".annotator").read_text(encoding="utf-8") == "ben"
    assert "ben/_CON.txt" in names and any(n.startswith("ana/_.._etc_passwd") for n in names)
    conf = (out / "annotation.conf").read_text()
    assert "[entities]\nactor\nclaim\nquote\nfigure\n" in conf
    for ann in out.rglob("*.ann"):
        text = ann.with_suffix(".txt").read_bytes().decode("utf-8")
        for line in ann.read_text(encoding="utf-8").splitlines():
            if line.startswith("T"):
                _ident, typed, shown = line.split("\t")
                fragments = [tuple(map(int, part.split())) for part in typed.split(" ", 1)[1].split(";")]
                assert " ".join(text[s:e] for s, e in fragments) == shown


def test_brat_reexport_replaces_only_a_previous_export(tricky, tmp_path):
    out = tmp_path / "brat"
    export(tricky, out, format="brat")
    assert (out / EXPORT_MARKER).is_file()
    export(tricky, out, format="brat", annotators=("ana",))
    assert len(list(out.glob("*.ann"))) == 2
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "thesis.docx").write_text("precious")
    with pytest.raises(ExportError, match="neither empty nor an earlier Annotator export"):
        export(tricky, mine, format="brat")
    assert (mine / "thesis.docx").read_text() == "precious"


def test_brat_export_never_replaces_a_hand_made_brat_corpus(tricky, tmp_path):
    """A folder that merely looks like brat (annotation.conf, .txt, .ann, .conf) is a user's corpus."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    files = {"annotation.conf": "[entities]\nPER\n", "visual.conf": "[labels]\n", "doc1.txt": "Kim met Putin.",
             "doc1.ann": "T1\tPER 0 3\tKim\n#1\tAnnotatorNotes T1\tchecked by hand\n"}
    for name, content in files.items():
        (corpus / name).write_text(content, encoding="utf-8")
    with pytest.raises(ExportError, match=f"no {EXPORT_MARKER} file"):
        export(tricky, corpus, format="brat")
    assert {p.name: p.read_text(encoding="utf-8") for p in corpus.iterdir()} == files
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".corpus")]  # no temporary folder left
    empty = tmp_path / "empty"
    empty.mkdir()
    export(tricky, empty, format="brat")
    assert (empty / EXPORT_MARKER).is_file() and (empty / "annotation.conf").is_file()


@pytest.mark.parametrize(
    "title, expected",
    [
        ("../../etc/passwd", "_.._etc_passwd"),
        ("a/b\\c:d*e?f\"g<h>i|j", "a_b_c_d_e_f_g_h_i_j"),
        ("con", "_con"),
        ("LPT1.txt", "_LPT1.txt"),
        ("...hidden", "hidden"),
        ("tab\there\x07bell", "tab here_bell"),
        ("", "document"),
        ("trailing. ", "trailing"),
        ("COM\u00b9", "_COM\u00b9"),
        ("lpt\u00b3.notes", "_lpt\u00b3.notes"),
        ("COM\u2074", "COM\u2074"),  # only the superscripts 1-3 are reserved
        ("invoice\u202eexe.txt", "invoiceexe.txt"),  # bidi override: the name would read backwards
        ("a\u200bb\u2066c\u2069\ufeff", "abc"),  # zero-width space, isolates, BOM: category Cf
        ("\u202e", "document"),
    ],
)
def test_safe_names(title, expected):
    assert safe_name(title) == expected


def test_safe_names_are_capped_in_bytes_and_unique_ignoring_case():
    assert len(safe_name("東" * 200).encode("utf-8")) <= 120
    names = UniqueNames()
    assert [names.claim(n) for n in ("Report", "report", "REPORT")] == ["Report", "report-2", "REPORT-3"]
