"""What a merge refuses or adjusts: unfit documents, the reserved gold name, label hotkeys, records naming nobody."""

import sqlite3

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.model import GOLD_ANNOTATOR
from annotator.io.merge import MissingAnnotatorError, merge_source, parse_renames
from annotator.store import Project
from annotator.store.review import add_gold_spans
from export_fixtures import write_jsonl

TEXT = "Kim met Putin in Moscow on Friday."


def raw(path, *statements):
    conn = sqlite3.connect(path)
    for sql, *params in statements:
        conn.execute(sql, *params)
    conn.commit()
    conn.close()


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def ben(tmp_path):
    path = tmp_path / "ben.annotator"
    with Project.open(path) as proj:
        doc_id, _ = proj.add_document(TEXT, title="t")
        proj.add_span(doc_id, 0, 3, "actor", "ben")
        proj.set_status(doc_id, "ben", "done")
        add_gold_spans(proj, doc_id, [(8, 13, "actor")], reviewer="carla")
    return path


# ----------------------------------------------------------- unfit documents
def test_documents_with_nul_or_no_text_are_skipped_with_their_reason(project, ben):
    insert = "INSERT INTO documents (uid, sha256, title, text) VALUES (?, ?, ?, ?)"
    raw(
        ben,
        (insert, ["nul", "h1", "nul", "Kim\x00 met Putin."]),
        (insert, ["empty", "h2", "empty", ""]),
        (insert, ["blank", "h3", "blank", " \n\t "]),
        ("INSERT INTO spans (doc_id, start, [end], label, annotator) VALUES (2, 5, 8, 'actor', 'ben')",),
    )
    summary = merge_source(project, ben)
    assert summary.skipped == {
        "documents (the text contains NUL characters), with their spans": 1,
        "documents (the text is empty), with their spans": 2,
        "spans of documents that were skipped or do not exist": 1,
    }
    assert [d.title for d in project.iter_documents()] == ["t"]
    # What went in can be measured the same way by SQLite and Python, so its spans can become gold.
    for doc_id, sql_length, text in project.conn.execute("SELECT id, length(text), text FROM documents"):
        assert sql_length == len(text)
    add_gold_spans(project, 1, [(0, 3, "actor")], reviewer="rita")


def test_the_cli_prints_why_a_document_was_skipped(tmp_path, ben):
    raw(ben, ("INSERT INTO documents (uid, sha256, text) VALUES ('nul', 'x', ?)", ["a\x00b"]))
    result = cli("merge", tmp_path / "mine.db", ben)
    assert result.exit_code == 0, result.output
    assert "skipped 1 document (the text contains NUL characters), with their spans" in result.output


# ------------------------------------------------------------ the gold name
@pytest.mark.parametrize("rename", ["ben=gold", "gold=ben", "ben=GOLD"])
def test_renaming_to_or_from_gold_is_a_usage_error(tmp_path, ben, rename):
    result = cli("merge", tmp_path / "mine.db", ben, "--rename", rename)
    assert result.exit_code == 2
    assert "reserved for the reviewed layer" in result.output
    assert not (tmp_path / "mine.db").exists()
    with pytest.raises(ValueError, match="reserved"):
        parse_renames([rename])


def test_a_colleagues_gold_keeps_its_reviewer_and_a_missing_one_is_reported(project, ben):
    raw(ben, ("INSERT INTO spans (doc_id, start, [end], label, annotator, origin) VALUES (1, 17, 23, 'actor', 'gold', 'gold')",))
    summary = merge_source(project, ben, parse_renames(["carla=carla.k"]))
    gold = {(s.start, s.reviewer) for s in project.spans(1, GOLD_ANNOTATOR)}
    assert gold == {(8, "carla.k"), (17, None)}
    assert "1 gold spans have no reviewer (left empty)" in summary.notes
    assert summary.spans_added == {"ben": 1, GOLD_ANNOTATOR: 2}


# ------------------------------------------------------------ label hotkeys
def test_a_colleagues_label_with_an_unusable_hotkey_comes_in_without_it(project, ben):
    with Project.open(ben) as theirs:
        for name in ("shortcut", "next", "taken", "place"):
            theirs.ensure_label(name)
            theirs.add_span(1, 24, 30, name, "ben")
    raw(
        ben,
        ("UPDATE labels SET hotkey = 'Ctrl+S' WHERE name = 'shortcut'",),
        ("UPDATE labels SET hotkey = 'n' WHERE name = 'next'",),
        ("UPDATE labels SET hotkey = '1' WHERE name = 'taken'",),
        ("UPDATE labels SET hotkey = 'q' WHERE name = 'place'",),
    )
    summary = merge_source(project, ben)
    hotkeys = {lb.name: lb.hotkey for lb in project.labels()}
    assert {name: hotkeys[name] for name in ("shortcut", "next", "taken", "place")} == {
        "shortcut": "", "next": "", "taken": "", "place": "q"}
    assert hotkeys["actor"] == "1"
    notes = "\n".join(summary.notes)
    assert "label shortcut comes without its hotkey 'Ctrl+S': hotkey 'Ctrl+S' is not one character 0-9 or a-z" in notes
    assert "label next comes without its hotkey 'n': hotkey 'n' is reserved: in review mode N means" in notes
    assert "label taken comes without its hotkey '1': already used by 'actor'" in notes


# --------------------------------------------------- records naming nobody
@pytest.fixture
def anonymous(tmp_path):
    return write_jsonl(
        tmp_path / "export.jsonl",
        {"text": TEXT, "annotator": "ana", "spans": [{"start": 0, "end": 3, "label": "actor"}]},
        {"text": "A second text, spans without a name.", "spans": [{"start": 0, "end": 8, "label": "claim"}]},
        {"text": "A third text, no spans at all."},
    )


def test_records_naming_no_annotator_are_refused_with_file_and_line(project, anonymous, tmp_path):
    with pytest.raises(MissingAnnotatorError, match=r"export.jsonl:2: names no annotator; pass --annotator NAME"):
        merge_source(project, anonymous)
    assert project.document_count() == 0
    result = cli("merge", tmp_path / "mine.db", anonymous)
    assert result.exit_code == 1
    assert "export.jsonl:2: names no annotator; pass --annotator NAME" in result.stderr


def test_annotator_option_owns_the_records_naming_nobody(tmp_path, anonymous):
    target = tmp_path / "mine.db"
    result = cli("merge", target, anonymous, "--annotator", "ben")
    assert result.exit_code == 0, result.output
    with Project.open(target) as proj:
        assert proj.stats()["spans_by_annotator"] == {"ana": 1, "ben": 1}
    assert cli("merge", target, anonymous, "--annotator", "gold").exit_code == 2
