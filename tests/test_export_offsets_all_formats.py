"""Offsets that hold from import to every export format, on the characters that make them drift:
ZWJ emoji, flags, CJK, combining accents, tabs, NBSP, U+2028, and CRLF / lone CR sources.

Every word of each raw text is a span given in raw offsets; after import (newlines normalized) and
export, each format's offsets must still name exactly that word.
"""

import json
import re

import orjson
import pytest

from annotator.io.exporting import ExportOptions, export_project
from annotator.io.importing import import_paths
from export_fixtures import read_jsonl, spacy_docs

RAW_TEXTS = [
    "Hi 👩‍👩‍👧 family 🇩🇪 flag\r\nnext line\rlone CR\r\nend",
    "東京都 は 日本 の 首都 です。\u2028second\u00a0part\tTabbed 😀",
    "Cafe\u0301 and nai\u0308ve 😀😀 end",
]


def _words(raw: str) -> list[str]:
    return [m.group() for m in re.finditer(r"[^\s\u00a0]+", raw)]


def _codepoint(text: str, utf16: int) -> int:
    units = 0
    for index, char in enumerate(text):
        if units == utf16:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    assert units == utf16
    return len(text)


@pytest.fixture
def imported(project, tmp_path):
    source = tmp_path / "hard.jsonl"
    with source.open("wb") as fh:
        for n, raw in enumerate(RAW_TEXTS):
            spans = [{"start": m.start(), "end": m.end(), "label": "actor", "text": m.group()}
                     for m in re.finditer(r"[^\s\u00a0]+", raw)]
            fh.write(orjson.dumps({"id": f"d{n}", "text": raw, "spans": spans}) + b"\n")
    report = import_paths(project, [source], annotator="ana")
    assert report.ok, report.failed
    return project


def _export(project, tmp_path, fmt, name, **options):
    out = tmp_path / name
    export_project(project, ExportOptions(format=fmt, **options), out)
    return out


def _expected() -> list[list[str]]:
    return [_words(raw) for raw in RAW_TEXTS]


def test_native_spans_and_tokens_slice_the_text(imported, tmp_path):
    lines = read_jsonl(_export(imported, tmp_path, "jsonl", "o.jsonl"))
    assert [[s["text"] for s in r["spans"]] for r in lines] == _expected()
    for record in lines:
        assert "\r" not in record["text"]
        assert all(record["text"][s["start"]:s["end"]] == s["text"] for s in record["spans"])
        assert all(record["text"][t["start"]:t["end"]] == t["text"] for t in record["tokens"])


@pytest.mark.parametrize("unit", ["codepoints", "utf16"])
def test_doccano_offsets(imported, tmp_path, unit):
    out = _export(imported, tmp_path, "doccano", "o.jsonl", offsets=unit)
    for record, words in zip(read_jsonl(out), _expected()):
        text = record["text"]
        convert = (lambda i: _codepoint(text, i)) if unit == "utf16" else (lambda i: i)
        assert [text[convert(s):convert(e)] for s, e, _label in record["label"]] == words


@pytest.mark.parametrize("unit", ["codepoints", "utf16"])
def test_labelstudio_offsets(imported, tmp_path, unit):
    tasks = json.loads(_export(imported, tmp_path, "labelstudio", "o.json", offsets=unit).read_text("utf-8"))
    for task, words in zip(tasks, _expected()):
        text = task["data"]["text"]
        convert = (lambda i: _codepoint(text, i)) if unit == "utf16" else (lambda i: i)
        values = [r["value"] for r in task["annotations"][0]["result"]]
        assert [text[convert(v["start"]):convert(v["end"])] for v in values] == [v["text"] for v in values] == words


def test_brat_offsets(imported, tmp_path):
    folder = _export(imported, tmp_path, "brat", "brat")
    for n, words in enumerate(_expected()):
        text = (folder / f"d{n}.txt").read_text(encoding="utf-8")
        found = []
        for line in (folder / f"d{n}.ann").read_text(encoding="utf-8").splitlines():
            if line.startswith("T"):
                _ident, middle, written = line.split("\t")
                _label, start, end = middle.split(" ")
                assert text[int(start):int(end)] == written
                found.append(written)
        assert found == words


def test_spacy_spans_match_the_native_export(imported, tmp_path):
    spacy = pytest.importorskip("spacy")

    out = _export(imported, tmp_path, "spacy", "o.spacy")
    docs = spacy_docs(out, spacy.blank("en").vocab)
    for doc, words in zip(docs, _expected()):
        assert [span.text for span in doc.spans["annotator"]] == words


@pytest.mark.parametrize("fmt", ["conll", "hf"])
def test_token_formats_tag_every_word(imported, tmp_path, fmt):
    out = _export(imported, tmp_path, fmt, f"o.{fmt}")
    content = out.read_text(encoding="utf-8")
    if fmt == "hf":
        rows = read_jsonl(out)
        records = [[(t, tag) for t, tag in zip(r["tokens"], r["ner_tags"]) if not t.isspace()] for r in rows]
    else:
        records = [[tuple(line.split("\t")) for line in block.split("\n")] for block in content.strip("\n").split("\n\n")]
    for pairs, words in zip(records, _expected()):
        assert "O" not in [tag for _token, tag in pairs]  # every word is a span
        assert "".join(token for token, _tag in pairs) == "".join(words)
