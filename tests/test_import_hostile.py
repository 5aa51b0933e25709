"""Hostile import and merge input (issue 15 points 4, 5, 7, 8, 9, 11): every refusal is one line naming
the file and line, the other files still go in, and nothing stored breaks an export or ``text[start:end]``."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.model import annotator_name_problem, label_name_problem, meta_problem
from annotator.io.importing import import_paths
from annotator.store import Project
from annotator.store.bulk import BulkWriter, QueuedDocument


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def write_jsonl(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def nested(depth: int) -> dict:
    meta: dict = {}
    inner = meta
    for _ in range(depth - 1):
        inner["a"] = {}
        inner = inner["a"]
    return meta


def stored_texts(path: Path) -> list[str]:
    with Project.open(path) as project:
        return sorted(doc.text for doc in project.iter_documents())


# ------------------------------------------------- point 5: one bad file names itself, the rest go in
def _brat(folder: Path, ann: str) -> Path:
    (folder / "bad.txt").write_text("Hello world\n", encoding="utf-8")
    path = folder / "bad.ann"
    path.write_text(ann, encoding="utf-8")
    return path


NATIVE = {"annotator": "ana", "status": "done", "text": "Hello there"}
BAD_FILES = {
    "unicode digits in brat offsets": (lambda d: _brat(d, "T1\tactor \u00b3 5\tHello\n"), "bad.ann:1: T1: bad offsets"),
    "arabic-indic digits in brat offsets": (lambda d: _brat(d, "T1\tactor \u0660 5\tHello\n"), "bad.ann:1: T1: bad offsets"),
    "empty brat label": (lambda d: _brat(d, "T1\t 0 5\tHello\n"), "bad.ann:1: T1 (0-5 ''): a label needs a name"),
    "native note that is a list": (
        lambda d: write_jsonl(d / "bad.jsonl", {**NATIVE, "spans": [{"start": 0, "end": 5, "label": "actor", "meta": {"note": [1]}}]}),
        "bad.jsonl:1: span 1 (0-5 'actor'): the note must be a string"),
    "native note that is an object": (
        lambda d: write_jsonl(d / "bad.jsonl", {**NATIVE, "spans": [{"start": 0, "end": 5, "label": "actor", "meta": {"note": {"a": 1}}}]}),
        "bad.jsonl:1: span 1 (0-5 'actor'): the note must be a string"),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_one_bad_file_is_named_on_one_line_and_the_others_go_in(tmp_path, case):
    make, expected = BAD_FILES[case]
    good = write_jsonl(tmp_path / "good.jsonl", {"text": "First good document."})
    good2 = write_jsonl(tmp_path / "good2.jsonl", {"text": "Second good document."})
    bad = make(tmp_path)
    result = run("import", tmp_path / "p.db", good, bad, good2)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stdout.startswith("Imported 2 documents (0 spans) from 2 files; 1 file failed")
    problems = result.stderr.strip().splitlines()
    assert len(problems) == 1 and problems[0].startswith("annotator: ") and expected in problems[0], problems
    assert stored_texts(tmp_path / "p.db") == ["First good document.", "Second good document."]


def test_an_unforeseen_failure_names_the_file_and_the_next_files_still_go_in(tmp_path, monkeypatch):
    from annotator.io.importers import plaintext

    def explode(self, source):
        raise RuntimeError("boom\nsecond line")

    good = write_jsonl(tmp_path / "good.jsonl", {"text": "A good document."})
    (tmp_path / "odd.txt").write_text("Some text.\n", encoding="utf-8")
    monkeypatch.setattr(plaintext.PlainTextImporter, "read", explode)
    with Project.open(tmp_path / "p.db") as project:
        report = import_paths(project, [tmp_path / "odd.txt", good])
        assert [doc.text for doc in project.iter_documents()] == ["A good document."]
    assert [str(p) for p in report.failed] == [f"{tmp_path / 'odd.txt'}: could not be imported (boom second line); nothing imported"]


# ------------------------------------------------- point 4: deep or huge meta stops at the door
@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_deep_meta_is_refused_naming_file_and_line_and_exports_keep_working(tmp_path, suffix):
    path = tmp_path / f"deep{suffix}"
    records = [{"text": "Shallow."}, {"text": "Deep document.", "meta": nested(300)}]
    if suffix == ".jsonl":
        write_jsonl(path, *records)
    else:
        path.write_text(json.dumps(records), encoding="utf-8")
    good = write_jsonl(tmp_path / "good.jsonl", {"text": "A good document."})
    result = run("import", tmp_path / "p.db", path, good)
    assert result.exit_code == 1
    place = "deep.jsonl:2: " if suffix == ".jsonl" else "deep.json: item 2: "
    assert result.stderr.strip() == f"annotator: {path}:2: 'meta' is nested more than 32 levels deep".replace(
        f"{path}:2: ", str(path.parent / place))
    for fmt in ("jsonl", "doccano", "labelstudio"):
        exported = run("export", tmp_path / "p.db", "-f", fmt, "-o", tmp_path / f"out.{fmt}")
        assert exported.exit_code == 0, exported.output


def test_meta_rule_depth_size_and_a_value_nested_beyond_the_recursion_limit():
    assert meta_problem(nested(32)) is None
    assert meta_problem(nested(33)) == "'meta' is nested more than 32 levels deep"
    assert meta_problem(nested(200_000)) == "'meta' is nested more than 32 levels deep"  # no RecursionError
    assert meta_problem({"big": "x" * (2 << 20)}) == "'meta' is larger than 1 MiB as JSON"
    assert meta_problem({"list": [1, 2.5, None, True, "s", {"k": []}]}) is None


def test_the_store_refuses_deep_meta_on_every_way_in(project):
    with pytest.raises(ValueError, match="nested more than 32"):
        project.add_document("Some text.", meta=nested(300))
    with project.transaction():
        writer = BulkWriter(project)
        with pytest.raises(ValueError, match="nested more than 32"):
            writer.add(QueuedDocument("Other text.", "t", "s", nested(300), None))


def _colleague_with(tmp_path: Path, *, meta: str | None = None, label: str = "actor", annotator: str = "ben") -> Path:
    """A colleague's project file holding what our store no longer lets in, written behind its back."""
    path = tmp_path / "colleague.db"
    with Project.open(path) as colleague:
        doc_id, _ = colleague.add_document("Alice met Bob.")
        colleague.add_span(doc_id, 0, 5, "actor", "ben")
    conn = sqlite3.connect(path)
    with conn:
        if meta is not None:
            conn.execute("UPDATE documents SET meta = ?", [meta])
        conn.execute("INSERT OR IGNORE INTO labels (name, color, sort_order) VALUES (?, '#999999', 9)", [label])
        conn.execute("UPDATE spans SET label = ?, annotator = ?", [label, annotator])
    conn.close()
    return path


@pytest.mark.parametrize("depth", [300, 100_000])
def test_merge_of_a_colleague_file_with_deep_meta_skips_that_document_and_goes_on(tmp_path, depth):
    colleague = _colleague_with(tmp_path, meta="[" * depth + "]" * depth if depth > 1000 else json.dumps(nested(depth)))
    other = write_jsonl(tmp_path / "next.jsonl", {"annotator": "cy", "status": "done", "text": "Next source."})
    result = run("merge", tmp_path / "p.db", colleague, other)
    assert result.exit_code == 0, result.output
    assert "skipped 1 document whose meta" in result.stdout
    assert stored_texts(tmp_path / "p.db") == ["Next source."]
    assert run("export", tmp_path / "p.db", "-f", "jsonl", "-o", tmp_path / "out.jsonl").exit_code == 0


def test_merge_of_an_import_file_with_deep_meta_is_refused_and_the_next_source_merges(tmp_path):
    deep = write_jsonl(tmp_path / "deep.jsonl", {"annotator": "ben", "status": "done", "text": "Deep.", "meta": nested(300)})
    other = write_jsonl(tmp_path / "next.jsonl", {"annotator": "cy", "status": "done", "text": "Next source."})
    result = run("merge", tmp_path / "p.db", deep, other)
    assert result.exit_code == 1
    assert "line 1: 'meta' is nested more than 32 levels deep" in result.stderr
    assert stored_texts(tmp_path / "p.db") == ["Next source."]


# ------------------------------------------------- point 7: many new labels cost one batch
def _statements_to_import(tmp_path: Path, labels: int) -> int:
    spans = [{"start": 0, "end": 5, "label": f"L{n}"} for n in range(labels)]
    path = write_jsonl(tmp_path / f"labels{labels}.jsonl", {"text": "Hello world", "spans": spans})
    with Project.open(tmp_path / f"p{labels}.db") as project:
        statements = []
        project.conn.set_trace_callback(statements.append)
        report = import_paths(project, [path], annotator="ana")
        project.conn.set_trace_callback(None)
        assert report.ok and len(project.labels()) == 4 + labels
        assert [lb.name for lb in project.labels()][4:7] == ["L0", "L1", "L2"]  # in order of first use
    # executemany traces each row it inserts: count the other statements (reads, savepoints).
    return sum(1 for sql in statements if not sql.startswith("INSERT"))


def test_a_record_bringing_many_new_labels_costs_the_same_statements_as_one_with_few(tmp_path):
    # Before: each new label read the whole schema and took its own savepoint (1,000 labels: 25 s).
    assert _statements_to_import(tmp_path, 1000) == _statements_to_import(tmp_path, 10)


# ------------------------------------------------- point 8: no empty span from CRLF, in any path
def test_a_span_over_only_the_lf_of_crlf_is_refused_naming_file_line_and_span(tmp_path):
    path = write_jsonl(tmp_path / "crlf.jsonl", {"text": "ab\r\ncd"},
                       {"text": "one\r\ntwo", "spans": [{"start": 4, "end": 5, "label": "actor"}]})
    result = run("import", tmp_path / "p.db", path)
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"annotator: {path}:2: span 1 (4-5 'actor'): covers only the line feed of a "
                                     "CRLF line break, nothing once newlines are normalized")


def test_the_store_refuses_empty_and_reversed_spans_on_every_path(project):
    doc_id, _ = project.add_document("Hello world")
    for start, end in ((3, 3), (5, 2)):
        with pytest.raises(ValueError, match="empty or reversed"):
            project.add_span(doc_id, start, end, "actor", "ana")
        with pytest.raises(ValueError, match="empty or reversed"):
            project.add_spans([{"doc_id": doc_id, "start": start, "end": end, "label": "actor", "annotator": "ana"}])
        with project.transaction():
            writer = BulkWriter(project)
            writer.add(QueuedDocument("Other text", "t", "s", {}, None, [(start, end, "actor", "ana", None)]))
            with pytest.raises(ValueError, match="empty or reversed"):
                writer.flush()
    assert project.span_count() == 0


# ------------------------------------------------- point 9: what a label may hold
INJECTED = ["a\nO", "a\tb", "a\x00b", "a\u202eb", "a\u200bb", "a\u2028b", "a\u00a0b", " ", "a" * 101]


@pytest.mark.parametrize("label", INJECTED)
def test_label_rule_refuses_control_format_bidi_and_odd_space_characters(label):
    assert label_name_problem(label)


@pytest.mark.parametrize("label", ["actor", "named entity", "PER-ORG", "Café", "人物", "\U0001f469\u200d\U0001f52c",
                                   "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"])
def test_label_rule_accepts_what_a_user_types(label):
    assert label_name_problem(label) is None


@pytest.mark.parametrize("label", ["B-x\nO", "x\ty", "x\x00", "x\u202ey"])
def test_injected_labels_are_refused_at_import_and_conll_writes_no_injected_line(tmp_path, label):
    path = write_jsonl(tmp_path / "in.jsonl", {"text": "Alice met Bob.", "spans": [{"start": 0, "end": 5, "label": label}]})
    (tmp_path / "b.txt").write_text("Alice met Bob.", encoding="utf-8")
    (tmp_path / "b.ann").write_text(f"T1\t{label} 0 5\tAlice\n", encoding="utf-8")
    result = run("import", tmp_path / "p.db", path, tmp_path / "b.ann")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    brat = "b.ann: binary file" if "\x00" in label else "b.ann:1: T1"  # a NUL makes the .ann binary
    assert len(lines) == 2 and f"{path}:1: span 1 (0-5 " in lines[0] and brat in lines[1], lines
    with Project.open(tmp_path / "p.db") as project:
        assert [lb.name for lb in project.labels()] == ["actor", "claim", "quote", "figure"]


def test_injected_labels_from_a_colleague_file_are_skipped_and_named_in_the_summary(tmp_path):
    colleague = _colleague_with(tmp_path, label="B-x\nO")
    result = run("merge", tmp_path / "p.db", colleague)
    assert result.exit_code == 0, result.output
    assert "skipped 1 span whose label or annotator breaks the name rules" in result.stdout
    with Project.open(tmp_path / "p.db") as project:
        assert "B-x\nO" not in [lb.name for lb in project.labels()] and project.span_count() == 0


def test_the_store_refuses_bad_label_names_on_add_rename_and_ensure(project):
    from annotator.core.model import Label

    for bad in ("x\ny", "x\u202e"):
        with pytest.raises(ValueError, match="contains"):
            project.add_label(Label(bad, "#000000"))
        with pytest.raises(ValueError, match="contains"):
            project.update_label("actor", Label(bad, "#000000"))
        with pytest.raises(ValueError, match="contains"):
            project.ensure_labels(["fine", bad])
    assert [lb.name for lb in project.labels()] == ["actor", "claim", "quote", "figure"]


# ------------------------------------------------- point 11: one annotator-name rule
@pytest.mark.parametrize("name", ["gold", "Gold", "GOLD", " gold ", "gold\u200b", "\u200bgold", "\uff47\uff4f\uff4c\uff44"])
def test_no_name_that_reads_as_gold_is_an_annotator(name):
    assert annotator_name_problem(name) == "'gold' is reserved for the reviewed layer"


@pytest.mark.parametrize("command", ["import", "merge"])
@pytest.mark.parametrize("name", ["Gold", "GOLD", "gold\u200b", "ana\nbob"])
def test_import_and_merge_refuse_the_same_annotator_names_as_bad_usage(tmp_path, command, name):
    source = write_jsonl(tmp_path / "in.jsonl", {"text": "Alice met Bob.", "spans": [{"start": 0, "end": 5, "label": "actor"}]})
    result = run(command, tmp_path / "p.db", source, "--annotator", name)
    assert result.exit_code == 2 and "--annotator" in result.output


@pytest.mark.parametrize("name", ["GOLD", "gold\u200b", "Gold"])
def test_records_naming_a_look_alike_of_gold_are_refused_at_import_and_merge(tmp_path, name):
    path = write_jsonl(tmp_path / "in.jsonl", {"annotator": name, "status": "done", "text": "Alice met Bob.",
                                                "spans": [{"start": 0, "end": 5, "label": "actor"}]})
    result = run("import", tmp_path / "p.db", path)
    assert result.exit_code == 1 and "in.jsonl:1: 'gold' is reserved for the reviewed layer" in result.stderr
    assert run("merge", tmp_path / "q.db", path).exit_code == 1
    colleague = _colleague_with(tmp_path, annotator=name)
    merged = run("merge", tmp_path / "r.db", colleague)
    assert "skipped 1 span whose label or annotator breaks the name rules" in merged.stdout
    with Project.open(tmp_path / "r.db") as project:
        assert project.span_count() == 0


def test_a_login_name_the_rule_refuses_gives_way_to_annotator(monkeypatch):
    from annotator.io import importing

    monkeypatch.setattr(importing.getpass, "getuser", lambda: "Gold")
    assert importing.default_annotator() == "annotator"
    monkeypatch.setattr(importing.getpass, "getuser", lambda: "ana")
    assert importing.default_annotator() == "ana"


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "labelstudio"])
def test_a_deep_meta_stored_before_the_rule_no_longer_stops_the_export(tmp_path, fmt):
    """A project that imported a 300-deep meta before the door closed could not be exported at all."""
    path = tmp_path / "old.db"
    with Project.open(path) as project:
        deep_doc, _ = project.add_document("Alice met Bob.", title="deep")
        project.add_document("Carol met Dan.", title="fine", meta={"source": "wire"})
    with sqlite3.connect(path) as conn:  # as an older version stored it, past today's rule
        conn.execute("UPDATE documents SET meta = ? WHERE id = ?", (json.dumps(nested(300)), deep_doc))
    out = tmp_path / f"out.{fmt}"
    result = run("export", path, "-f", fmt, "-o", out)
    assert result.exit_code == 0, result.output
    assert "1 record with their document's meta left out ('meta' is nested more than 32 levels deep)" in result.output
    written = out.read_text(encoding="utf-8")
    assert "wire" in written and "Alice met Bob." in written
