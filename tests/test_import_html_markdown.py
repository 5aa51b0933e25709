"""HTML and Markdown import: linear on hostile HTML (issue 15 point 6), headings recorded for the view (issue 16)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.io.importers.html_text import html_to_text
from annotator.io.importers.markdown import markdown_headings
from annotator.io.importing import import_paths

ROOT = Path(__file__).resolve().parent.parent


def only_document(project):
    docs = list(project.iter_documents())
    assert len(docs) == 1, docs
    return docs[0]


def heading_texts(doc) -> list[tuple[str, int]]:
    return [(doc.text[start:end], level) for start, end, level in doc.meta["headings"]]


# ------------------------------------------------------------- hostile HTML stays linear
# CPython's html.parser rescans these runs from each '<': 160 KB of '<!--' took 74 s, 2-4 MB > 15 minutes.
PATHOLOGICAL = {"comments": "<!--", "end tags": "</", "processing instructions": "<?", "mixed": "x<!--</<?<!"}


@pytest.mark.parametrize("pattern", PATHOLOGICAL.values(), ids=list(PATHOLOGICAL))
def test_megabytes_of_pathological_html_import_in_seconds(tmp_path, pattern):
    page = tmp_path / "hostile.html"
    page.write_text("<p>Visible start</p>" + pattern * (2_000_000 // len(pattern)), encoding="utf-8")
    command = [sys.executable, "-m", "annotator.cli", "import", str(tmp_path / "p.db"), str(page)]
    # Takes well under a second here; the bound leaves room for a loaded CI machine.
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "Traceback" not in done.stderr
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Imported 1 document")


def test_html_nested_deeper_than_the_parser_reads_is_refused_with_one_line(project, tmp_path):
    page = tmp_path / "deep.html"
    page.write_text("<p>Visible</p>" + "<div>" * 5000 + "lost", encoding="utf-8")
    report = import_paths(project, [page])
    assert [str(p) for p in report.failed] == [
        f"{page}: the HTML nests elements more than 2,048 levels deep, more than the parser reads; nothing imported"]
    assert project.document_count() == 0


@pytest.mark.parametrize("content", ["<!-- only a comment -->", "<!DOCTYPE html>", "<script>x()</script>", "<br>"])
def test_html_without_visible_text_is_refused(project, tmp_path, content):
    page = tmp_path / "empty.html"
    page.write_text(content, encoding="utf-8")
    report = import_paths(project, [page])
    assert [p.message for p in report.failed] == ["no visible text in the HTML file; nothing imported"]


# ------------------------------------------------------------- headings
def test_html_headings_are_recorded_with_exact_offsets_after_every_text_rule(project, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(
        "<title>T</title><h1>  Summit   <b>report</b> \r\n</h1>\r\n<p>Intro \U0001f600 text.</p>\r\n\r\n\r\n"
        "<section><h2>\n\nTalks &amp; treaties\n</h2><p>Body</p></section>"
        "<h3></h3><script><h4>hidden</h4></script><pre>code\r\nline</pre><h6>Last</h6>",
        encoding="utf-8",
    )
    assert import_paths(project, [page]).ok
    doc = only_document(project)
    assert doc.text == "Summit report\n\nIntro \U0001f600 text.\n\nTalks & treaties\n\nBody\n\ncode\nline\n\nLast"
    assert heading_texts(doc) == [("Summit report", 1), ("Talks & treaties", 2), ("Last", 6)]
    assert doc.meta["headings"] == sorted(doc.meta["headings"])


def test_html_heading_offsets_survive_crlf_inside_pre(project, tmp_path):
    text, _title, headings = html_to_text("<pre>a&#13;\nb</pre><h2>After</h2>")
    assert text == "a\r\nb\n\nAfter" and headings == [(6, 11, 2)]  # raw offsets, before newlines are normalized
    page = tmp_path / "pre.html"
    page.write_text("<pre>a&#13;\nb</pre><h2>After</h2>", encoding="utf-8")
    assert import_paths(project, [page]).ok
    doc = only_document(project)
    assert "\r" not in doc.text and heading_texts(doc) == [("After", 2)]


def test_markdown_keeps_its_text_and_records_atx_headings_outside_code(project, tmp_path):
    source = ("# Title \U0001f600\r\n\r\nText with # not a heading.\r\n  ## Section ##  \r\n#NoSpace\r\n"
              "```\r\n# code, not a heading\r\n```\r\n###\r\n###### Deep\r\n####### seven\r\n")
    path = tmp_path / "notes.markdown"
    path.write_bytes(source.encode("utf-8"))
    assert import_paths(project, [path]).ok
    doc = only_document(project)
    assert doc.text == source.replace("\r\n", "\n") and doc.title == "notes"
    assert heading_texts(doc) == [("# Title \U0001f600", 1), ("## Section ##", 2), ("###### Deep", 6)]


def test_plain_text_has_no_headings(project, tmp_path):
    path = tmp_path / "plain.txt"
    path.write_text("# Not markdown\n", encoding="utf-8")
    assert import_paths(project, [path]).ok
    assert "headings" not in only_document(project).meta


def test_markdown_heading_scan_is_one_pass_over_lines():
    text = "# A\n" + "x\n" * 10 + "~~~~\n# in code\n~~~\n# still code\n~~~~\n## B\n"
    assert [(text[s:e], level) for s, e, level in markdown_headings(text)] == [("# A", 1), ("## B", 2)]
