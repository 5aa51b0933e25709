"""One rule for what a stored document text may be, applied by the importer and the store alike."""

import pytest

from annotator.core.text import text_problem
from annotator.io.importing import import_paths


@pytest.mark.parametrize("text, problem", [
    ("", "the text is empty"),
    (" \n\t\u00a0", "the text is empty"),
    ("a\r\nb", "the newlines are not normalized"),
    ("ab\x00cd", "the text contains NUL characters"),
])
def test_texts_that_cannot_be_stored(text, problem):
    assert text_problem(text) == problem


@pytest.mark.parametrize("text", ["x", "Kim 👩‍👩‍👧 東京\u2028end", "tab\there"])
def test_texts_that_can(text):
    assert text_problem(text) is None


def test_the_store_refuses_a_nul_text(project):
    with pytest.raises(ValueError, match="NUL"):
        project.add_document("ab\x00cd")
    assert project.document_count() == 0


def test_a_json_string_with_a_nul_is_an_error_naming_file_and_line(project, tmp_path):
    # SQLite's length() stops at NUL while Python counts on: offsets past it could never be checked.
    source = tmp_path / "nul.jsonl"
    source.write_text('{"text": "fine"}\n{"text": "ab\\u0000cd", "spans": [{"start": 3, "end": 5, "label": "x"}]}\n',
                      encoding="utf-8")
    report = import_paths(project, [source], annotator="ana")
    assert [(p.line, p.message) for p in report.failed] == [(2, "the text contains NUL characters")]
    assert project.document_count() == 0  # the file is one transaction: nothing of it is stored
