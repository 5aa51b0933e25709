"""Importing plain documents: formats, encodings, newlines, duplicates, bad input, folders."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from annotator.io.importing import ImportProblem, import_paths
from annotator.store import Project

DATA = Path(__file__).parent / "data" / "import"
FRENCH = "Café naïve résumé — “quoted” façade, 5€ déjà vu.\nÇa coûte cher.\n"


def texts(project: Project) -> list[str]:
    return [doc.text for doc in project.iter_documents()]


def only_document(project: Project):
    docs = list(project.iter_documents())
    assert len(docs) == 1, docs
    return docs[0]


# ------------------------------------------------------------------ formats
def test_txt_and_md_are_imported_as_text_titled_by_file_stem(project, tmp_path):
    (tmp_path / "notes.md").write_text("# Heading\n\nSome *markdown* text.\n", encoding="utf-8")
    (tmp_path / "plain.txt").write_text("Plain text.\n", encoding="utf-8")
    report = import_paths(project, [tmp_path / "notes.md", tmp_path / "plain.txt"], annotator="ann")
    assert report.ok and report.documents_added == 2
    docs = {doc.title: doc for doc in project.iter_documents()}
    assert docs["notes"].text == "# Heading\n\nSome *markdown* text.\n"
    assert docs["plain"].text == "Plain text.\n"
    assert docs["plain"].meta["encoding"] == "utf-8"
    assert docs["plain"].source == str((tmp_path / "plain.txt").resolve())


def test_html_keeps_visible_text_only(project):
    report = import_paths(project, [DATA / "article.html"])
    assert report.ok, report.failed
    doc = only_document(project)
    assert doc.title == "Talks & Treaties"
    assert doc.text == (
        "Summit report\n\n"
        "Officials said \u201ctalks resume\u201d on Monday \u2014 5\u00a0km away.\n\n"
        "Second\nline <b> kept as text\n\n"
        "First point\n\nSecond point"
    )
    for hidden in ("secret", "hidden", "color", "tracker", "Talks & Treaties"):
        assert hidden not in doc.text


def test_html_without_title_is_titled_by_stem(project, tmp_path):
    (tmp_path / "page.htm").write_text("<p>One</p><p>Two &amp; three</p>", encoding="utf-8")
    import_paths(project, [tmp_path / "page.htm"])
    doc = only_document(project)
    assert (doc.title, doc.text) == ("page", "One\n\nTwo & three")


def test_jsonl_records_with_id_title_meta(project, tmp_path):
    path = tmp_path / "docs.jsonl"
    lines = [
        {"id": "a1", "title": "First", "text": "First text.", "meta": {"lang": "en"}},
        {"text": "Second text."},
        {"id": 3, "text": "Third text."},
    ]
    path.write_text("\n".join(json.dumps(r) for r in lines) + "\n\n", encoding="utf-8")
    report = import_paths(project, [path])
    assert report.ok and report.documents_added == 3 and report.imported == [path]
    docs = list(project.iter_documents())
    assert [(d.uid, d.title) for d in docs] == [("a1", "First"), (docs[1].uid, "docs #2"), ("3", "3")]
    assert docs[0].meta == {"lang": "en", "encoding": "utf-8"}
    assert docs[1].source.endswith("docs.jsonl:2")


@pytest.mark.parametrize("content", [
    {"id": "one", "text": "A single object."},
    [{"text": "Listed one."}, {"text": "Listed two."}],
])
def test_json_file_holds_one_object_or_a_list(project, tmp_path, content):
    path = tmp_path / "docs.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    report = import_paths(project, [path])
    expected = [content["text"]] if isinstance(content, dict) else [c["text"] for c in content]
    assert report.ok and texts(project) == expected


def test_json_suffix_holding_json_lines_is_sniffed(project, tmp_path):
    path = tmp_path / "actually-lines.json"
    path.write_text('{"text": "one"}\n{"text": "two"}\n', encoding="utf-8")
    assert import_paths(project, [path]).ok
    assert texts(project) == ["one", "two"]


# ---------------------------------------------------------------- encodings
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom"])
def test_unicode_encodings(project, tmp_path, encoding):
    path = tmp_path / "doc.txt"
    data = ("\ufeff" + FRENCH).encode("utf-16-be") if encoding == "utf-16-be-bom" else FRENCH.encode(encoding)
    path.write_bytes(data)
    assert import_paths(project, [path]).ok
    doc = only_document(project)
    assert doc.text == FRENCH  # no BOM left in the text
    assert doc.meta["encoding"] == {"utf-16-be-bom": "utf-16"}.get(encoding, encoding)


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_legacy_8bit_encodings_are_detected(project, tmp_path, encoding):
    text = FRENCH.replace("“", '"').replace("”", '"').replace("—", "-").replace("€", "E") if encoding == "latin-1" else FRENCH
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode(encoding))
    assert import_paths(project, [path]).ok
    doc = only_document(project)
    assert doc.text == text
    assert doc.meta["encoding"] in ("cp1252", "latin_1", "iso8859_15")


def test_utf16_jsonl_and_cp1252_jsonl(project, tmp_path):
    (tmp_path / "u16.jsonl").write_bytes('{"text": "Grüße 😀"}\r\n{"text": "zwei"}\n'.encode("utf-16"))
    (tmp_path / "w.jsonl").write_bytes('{"text": "Café façade déjà"}\n'.encode("cp1252"))
    report = import_paths(project, [tmp_path])
    assert report.ok, report.failed
    assert sorted(texts(project)) == ["Café façade déjà", "Grüße 😀", "zwei"]


# ----------------------------------------------------------------- newlines
def test_crlf_and_lone_cr_become_lf(project, tmp_path):
    (tmp_path / "crlf.txt").write_bytes(b"one\r\ntwo\r\n")
    (tmp_path / "cr.txt").write_bytes(b"old\rmac\r")
    assert import_paths(project, [tmp_path]).ok
    assert sorted(texts(project)) == ["old\nmac\n", "one\ntwo\n"]


def test_same_text_after_normalization_is_one_document(project, tmp_path):
    (tmp_path / "a.txt").write_bytes(b"same text\r\nhere")
    (tmp_path / "b.txt").write_bytes(b"same text\nhere")
    report = import_paths(project, [tmp_path / "a.txt", tmp_path / "b.txt"])
    assert report.ok
    assert project.document_count() == 1 and report.documents_added == 1
    assert report.duplicates == [(tmp_path / "b.txt", "a")]


def test_reimport_adds_nothing_and_names_duplicates(project, tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text('{"title": "T1", "text": "one"}\n{"title": "T2", "text": "two"}\n', encoding="utf-8")
    import_paths(project, [path])
    again = import_paths(project, [path])
    assert again.ok and again.documents_added == 0 and project.document_count() == 2
    assert again.duplicates == [(path, "T1"), (path, "T2")]


# ---------------------------------------------------------------- bad input
def assert_only_problem(report, path: Path, line: int | None, fragment: str) -> ImportProblem:
    assert len(report.failed) == 1, report.failed
    problem = report.failed[0]
    assert (problem.path, problem.line) == (path, line)
    assert fragment in problem.message
    assert str(problem).startswith(f"{path}:{line}: " if line else f"{path}: ")
    return problem


def test_binary_file_is_refused_and_the_rest_imported(project, tmp_path):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text("fine\n", encoding="utf-8")
    bad.write_bytes(b"PK\x03\x04\x00\x00binary\x00stuff")
    report = import_paths(project, [good, bad])
    assert_only_problem(report, bad, None, "binary file")
    assert report.imported == [good] and texts(project) == ["fine\n"]


def test_undecodable_file_is_refused(project, tmp_path):
    bad = tmp_path / "noise.txt"
    bad.write_bytes(random.Random(0).randbytes(3000).replace(b"\x00", b"x"))
    report = import_paths(project, [bad])
    assert_only_problem(report, bad, None, "cannot decode")
    assert project.document_count() == 0


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n  "])
def test_empty_or_blank_file_is_refused(project, tmp_path, content):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(content)
    report = import_paths(project, [bad])
    assert_only_problem(report, bad, None, "empty file")


@pytest.mark.parametrize(("line", "fragment"), [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "not a JSON object (got an array)"),
    ('"just a string"', "not a JSON object (got a string)"),
    ('{"title": "no text"}', "missing 'text'"),
    ('{"text": 42}', "'text' must be a string"),
    ('{"text": "   "}', "the text is empty"),
])
def test_bad_jsonl_line_fails_the_whole_file(project, tmp_path, line, fragment):
    path = tmp_path / "mixed.jsonl"
    path.write_text(f'{{"text": "good one"}}\n{line}\n{{"text": "good two"}}\n', encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text("other file\n", encoding="utf-8")
    report = import_paths(project, [path, other])
    assert_only_problem(report, path, 2, fragment)
    assert texts(project) == ["other file\n"]  # nothing of the bad file, the rest imported
    assert not report.ok and report.imported == [other]


@pytest.mark.parametrize(("line", "message"), [
    ('{"text": "broken"', "unexpected end of data at column 18, the end of the line"),
    ('{"text": "🙂 é 北", x}', "unexpected character, expected a string key at column 19"),
    ('{"text": "ok"}}', "unexpected content after document at column 15"),
    ('  {"text": "ok", }', "trailing comma is not allowed at column 16"),
    ('{"text": "ok",', "unexpected end of data at column 15, the end of the line"),
])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_bad_jsonl_line_names_the_column_where_it_goes_wrong(project, tmp_path, line, message, newline):
    """Columns count code points from 1 on the line itself, never the start of the next line."""
    path = tmp_path / "bad.jsonl"
    path.write_bytes(f'{{"text": "good"}}{newline}{line}{newline}'.encode())
    report = import_paths(project, [path])
    assert_only_problem(report, path, 2, f"not valid JSON ({message})")


def test_a_bad_json_document_names_its_line_and_column(project, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('[\n  {"text": "one"},\n  {"text": "two"\n', encoding="utf-8")
    report = import_paths(project, [path])
    assert_only_problem(report, path, 3, "not valid JSON (unexpected end of data at column 17, the end of the line)")


def test_every_bad_line_is_reported(project, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "ok"}\n{oops\n{"no": "text"}\n', encoding="utf-8")
    report = import_paths(project, [path])
    assert [(p.line, p.message.split(" (")[0]) for p in report.failed] == [(2, "not valid JSON"), (3, "missing 'text'")]


def test_unknown_suffix_skipped_in_folder_but_error_when_named(project, tmp_path):
    (tmp_path / "doc.txt").write_text("text\n", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n")
    (tmp_path / "table.csv").write_text("a,b\n", encoding="utf-8")
    report = import_paths(project, [tmp_path])
    assert report.ok and report.skipped == 2 and report.documents_added == 1
    named = import_paths(project, [tmp_path / "table.csv"])
    assert_only_problem(named, tmp_path / "table.csv", None, "unknown file type '.csv'")


def test_folders_are_walked_recursively(project, tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text("one\n", encoding="utf-8")
    (tmp_path / "a" / "b" / "two.md").write_text("two\n", encoding="utf-8")
    report = import_paths(project, [tmp_path])
    assert report.ok and sorted(texts(project)) == ["one\n", "two\n"]


def test_project_file_inside_the_imported_folder_is_not_counted(tmp_path):
    (tmp_path / "doc.txt").write_text("text\n", encoding="utf-8")
    with Project.open(tmp_path / "here.db") as proj:
        report = import_paths(proj, [tmp_path])
    assert report.ok and report.skipped == 0 and report.documents_added == 1


def test_project_opened_through_a_symlink_is_not_counted_in_its_folder(tmp_path):
    (tmp_path / "doc.txt").write_text("text\n", encoding="utf-8")
    elsewhere = tmp_path.parent / f"{tmp_path.name}-links"
    elsewhere.mkdir()
    (elsewhere / "link.db").symlink_to(tmp_path / "real.db")
    with Project.open(elsewhere / "link.db") as proj:
        report = import_paths(proj, [tmp_path])
    assert report.ok and report.skipped == 0 and report.documents_added == 1


# ------------------------------------------------------ progress and cancel
def test_progress_reports_each_file(project, tmp_path):
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.txt").write_text(f"{name}\n", encoding="utf-8")
    calls = []
    import_paths(project, [tmp_path], progress=lambda done, total, path: calls.append((done, total, path.name)))
    assert calls == [(0, 3, "a.txt"), (1, 3, "b.txt"), (2, 3, "c.txt"), (3, 3, "c.txt")]


def test_cancel_keeps_finished_files_and_lists_the_rest(project, tmp_path):
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.txt").write_text(f"{name}\n", encoding="utf-8")
    seen = []
    report = import_paths(
        project, [tmp_path], progress=lambda done, total, path: seen.append(done), cancelled=lambda: len(seen) > 1
    )
    assert report.cancelled and texts(project) == ["a\n"]
    assert [p.name for p in report.not_imported] == ["b.txt", "c.txt"]


def test_cancel_inside_a_large_file_rolls_it_back(project, tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_text("".join(json.dumps({"text": f"doc {i}"}) + "\n" for i in range(1200)), encoding="utf-8")
    polls = []

    def cancelled() -> bool:
        polls.append(1)
        return len(polls) > 1  # let the file start, then cancel from inside it

    report = import_paths(project, [path], cancelled=cancelled)
    assert report.cancelled and report.not_imported == [path] and project.document_count() == 0


def test_large_text_file(project, tmp_path):
    path = tmp_path / "big.txt"
    line = "Ünïcode line with words and numbers 12345 😀\r\n"
    path.write_text(line * 50_000, encoding="utf-8", newline="")
    assert import_paths(project, [path]).ok
    assert only_document(project).text == line.replace("\r\n", "\n") * 50_000


def test_sample_docs_folder_imports(project):
    sample = Path(__file__).parent.parent / "sample_docs"
    if not sample.is_dir():
        pytest.skip("no sample_docs folder in this checkout")
    report = import_paths(project, [sample])
    assert report.ok and report.documents_added == len(list(sample.glob("*.txt")))


def test_unreadable_paths_and_bad_offsets_option(project, tmp_path):
    report = import_paths(project, [tmp_path / "missing.txt"])
    assert_only_problem(report, tmp_path / "missing.txt", None, "no such file or folder")
    with pytest.raises(ValueError, match="unknown offsets"):
        import_paths(project, [], offsets="bytes")


def test_copied_fixture_folder(project, tmp_path):
    shutil.copytree(DATA, tmp_path / "data")
    report = import_paths(project, [tmp_path / "data"], annotator="ann", offsets="utf16")
    assert report.ok, [str(p) for p in report.failed]
    for doc in project.iter_documents():
        for span in project.spans(doc.id):
            assert 0 <= span.start < span.end <= len(doc.text)


def test_lone_surrogate_in_json_is_refused(project, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[{"text": "half an emoji \\ud83d here"}]', encoding="utf-8")
    report = import_paths(project, [path])
    assert_only_problem(report, path, 1, "not valid JSON (no low surrogate in string")


def test_json_list_item_problems_name_the_item(project, tmp_path):
    path = tmp_path / "list.json"
    path.write_text(json.dumps([{"text": "fine"}, {"title": "no text"}, {"text": " "}]), encoding="utf-8")
    report = import_paths(project, [path])
    assert [p.message for p in report.failed] == ["item 2: missing 'text'", "item 3: the text is empty"]
