"""A project with the texts every exporter gets wrong somewhere: emoji, ZWJ sequences, CJK,
combining accents, a CRLF source (imported through the importer), nested and overlapping
spans, a note, a gold layer and a document nobody annotated. Also the file helpers every
non-GUI test shares: JSON Lines in and out, a file's digest, a CLI runner.

Use with ``from export_fixtures import *`` in a test module (tests/ is on sys.path).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from annotator.core.model import GOLD_ANNOTATOR
from annotator.io.importing import import_paths
from annotator.store import Project

EMOJI = "Ana 👩‍👩‍👧 met Bob in 東京 and Zoë 🇫🇷 at noon."
ACCENTS = "Jose\u0301 told the paper: \"rates rose 5%\" in Zu\u0308rich."
CRLF_RAW = "Line one: Alice arrived.\r\nLine two: Bob 🎉 left.\r\n"
EMPTY = "Nobody annotated this document."


def at(text: str, part: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return start, start + len(part)


def build_project(path: Path, tmp: Path) -> Project:
    project = Project.open(path)
    emoji, _ = project.add_document(EMOJI, title="../../etc/passwd", meta={"source": "wire", "n": 1})
    accents, _ = project.add_document(ACCENTS, title="CON", meta={})
    # The CRLF source comes in through the importer: offsets given in the raw text.
    raw_start = CRLF_RAW.index("Bob 🎉")
    line = {"text": CRLF_RAW, "title": "crlf", "spans": [{"start": raw_start, "end": raw_start + 3, "label": "actor"}]}
    source = tmp / "crlf.jsonl"
    source.write_bytes(orjson.dumps(line) + b"\n")
    report = import_paths(project, [source], annotator="ana")
    assert report.ok, report.failed
    crlf = project.document_ids()[-1]
    project.add_document(EMPTY, title="empty")

    s, e = at(EMOJI, "Bob")
    project.add_span(emoji, s, e, "actor", "ana", note="the driver")
    s, e = at(EMOJI, "東京")
    project.add_span(emoji, s, e, "actor", "ana")
    s, e = at(EMOJI, "👩‍👩‍👧")
    project.add_span(emoji, s, e, "figure", "ana")
    s, e = at(EMOJI, "Zoë 🇫🇷")
    project.add_span(emoji, s, e, "actor", "ana")
    project.set_status(emoji, "ana", "done")
    # ben: nested and overlapping spans, one off token boundaries ("na 👩" starts inside "Ana").
    project.add_span(emoji, 0, len("Ana 👩‍👩‍👧 met Bob"), "claim", "ben")
    project.add_span(emoji, *at(EMOJI, "Ana"), "actor", "ben")
    project.add_span(emoji, 1, at(EMOJI, "👩")[1], "quote", "ben")
    s, e = at(ACCENTS, "Jose\u0301")
    project.add_span(accents, s, e, "actor", "ben")
    s, e = at(ACCENTS, "\"rates rose 5%\"")
    project.add_span(accents, s, e, "quote", "ben")
    project.add_span(accents, *at(ACCENTS, "Zu\u0308rich"), "actor", "ben")
    project.set_status(accents, "ben", "done")
    # The reviewed layer.
    project.add_span(emoji, *at(EMOJI, "Bob"), "actor", GOLD_ANNOTATOR, origin="gold", reviewer="ana")
    project.add_span(crlf, *at(project.document_text(crlf), "Alice"), "actor", GOLD_ANNOTATOR, origin="gold")
    return project


@pytest.fixture
def tricky(tmp_path) -> Project:
    project = build_project(tmp_path / "tricky.db", tmp_path)
    yield project
    project.close()


def parse_jsonl(text: str) -> list[dict]:
    # Split on "\n" only: str.splitlines() also breaks at U+2028, U+0085 and the like, which a
    # JSON string may hold raw (orjson writes them so), and would cut such a record in two.
    return [json.loads(line) for line in text.split("\n") if line]


def read_jsonl(path: Path) -> list[dict]:
    return parse_jsonl(path.read_text(encoding="utf-8"))


def write_jsonl(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def spacy_docs(folder: Path, vocab) -> list:
    """Every doc of a spacy export folder, shard by shard in name order, read by spaCy's own DocBin."""
    from spacy.tokens import DocBin

    shards = sorted(folder.glob("*.spacy"))
    assert shards, f"no .spacy shard in {folder}"
    return [doc for shard in shards for doc in DocBin().from_disk(shard).get_docs(vocab)]
