"""Legacy encodings on short and large files, and a JSONL whose encoding changes after its first MiB."""

import json

import pytest

from annotator.cli import main
from annotator.io.importers._common import SNIFF_BYTES
from annotator.io.importing import import_paths


def only_document(project):
    (doc,) = project.iter_documents()
    return doc


# Short texts whose few non-ASCII bytes are smart quotes, dashes and euro signs:
# an unrestricted detector called them cp1125 or UTF-16-BE.
SHORT_CP1252 = ["“No.”\n", "“OK” — 5€", "‘Yes’ – he said…", "Prix : 5 € “net”", "café"]


@pytest.mark.parametrize("text", SHORT_CP1252)
def test_short_cp1252_texts_are_read_as_cp1252(project, tmp_path, text):
    path = tmp_path / "short.txt"
    path.write_bytes(text.encode("cp1252"))
    report = import_paths(project, [path])
    assert report.ok, report.failed
    doc = only_document(project)
    assert doc.text == text
    assert doc.meta["encoding"] == "cp1252"


def test_the_audit_repro_on_the_command_line(tmp_path):
    from click.testing import CliRunner

    (tmp_path / "q2.txt").write_bytes(b"\x93No.\x94\n")
    (tmp_path / "q.txt").write_bytes(b"\x93OK\x94 \x97 5\x80")
    result = CliRunner().invoke(main, ["import", str(tmp_path / "q.db"), str(tmp_path / "q2.txt"), str(tmp_path / "q.txt")])
    assert result.exit_code == 0, result.output
    from annotator.store import Project

    with Project.open(tmp_path / "q.db") as project:
        stored = {d.title: (d.text, d.meta["encoding"]) for d in project.iter_documents()}
    assert stored == {"q2": ("“No.”\n", "cp1252"), "q": ("“OK” — 5€", "cp1252")}


@pytest.mark.parametrize(("encoding", "text"), [
    ("cp1251", "Москва — столица России. Это большой город."),
    ("koi8_r", "Привет, как дела? Это тест."),
    ("cp1250", "Žluťoučký kůň úpěl ďábelské ódy."),
    ("cp1253", "Καλημέρα κόσμε, τι κάνεις;"),
    ("cp932", "日本語のテキストです。今日は良い天気ですね。"),
    ("gb18030", "这是一个中文文本的例子，今天天气很好。"),
])
def test_other_legacy_encodings_are_still_found(project, tmp_path, encoding, text):
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode(encoding))
    assert import_paths(project, [path]).ok
    assert only_document(project).text == text


def test_utf16_without_a_byte_order_mark_is_refused_not_garbled(project, tmp_path):
    path = tmp_path / "u16.txt"
    path.write_bytes("Kim met Trump.".encode("utf-16-be"))
    report = import_paths(project, [path])
    assert report.failed[0].message.startswith("binary file (contains NUL bytes)")
    assert "UTF-16 text needs a byte order mark" in report.failed[0].message
    assert project.document_count() == 0


def test_a_large_cp1252_text_is_detected_from_a_sample_and_read_whole(project, tmp_path):
    line = "Le président a dit « non » — “c’est 5 €”.\r\n"
    text = line * (2 * SNIFF_BYTES // len(line))
    path = tmp_path / "big.txt"
    path.write_bytes(text.encode("cp1252"))
    assert import_paths(project, [path]).ok
    doc = only_document(project)
    assert doc.meta["encoding"] == "cp1252"
    assert doc.text == text.replace("\r\n", "\n")


def test_legacy_bytes_after_a_plain_ascii_first_mib_decide_the_encoding(project, tmp_path):
    head = "plain ascii words\n" * (SNIFF_BYTES // 18 + 10)
    path = tmp_path / "late.txt"
    path.write_bytes(head.encode("ascii") + "café “déjà vu”\n".encode("cp1252"))
    assert import_paths(project, [path]).ok
    doc = only_document(project)
    assert doc.text.endswith("café “déjà vu”\n") and doc.meta["encoding"] == "cp1252"


def _utf8_lines(count: int) -> bytes:
    return b"".join(json.dumps({"text": f"record {i} " + "words " * 20}).encode() + b"\n" for i in range(count))


def test_a_cp1252_line_after_the_first_mib_of_utf8_jsonl_is_named(project, tmp_path, capsys):
    head = _utf8_lines(12_000)
    assert len(head) > SNIFF_BYTES
    path = tmp_path / "late.jsonl"
    path.write_bytes(head + '{"text": "Café “quoted”"}\n'.encode("cp1252") + b'{"text": "after"}\n')
    report = import_paths(project, [path])
    (problem,) = report.failed
    assert (problem.path, problem.line) == (path, 12_001)
    assert problem.message.startswith("not valid UTF-8 text (byte 0xe9 at byte 14 of the line")
    assert "surrogates" not in problem.message and "JSON" not in problem.message
    assert project.document_count() == 0  # the file imports nothing


def test_an_undecodable_line_after_a_cp1252_first_mib_is_named(project, tmp_path):
    line = '{"text": "Café “quoted” — 5 €"}\n'.encode("cp1252")
    count = SNIFF_BYTES // len(line) + 50
    path = tmp_path / "legacy.jsonl"
    path.write_bytes(line * count + b'{"text": "undefined \x81 byte"}\n')
    report = import_paths(project, [path])
    (problem,) = report.failed
    assert problem.line == count + 1
    assert problem.message.startswith("not valid cp1252 text (byte 0x81")
    assert project.document_count() == 0
