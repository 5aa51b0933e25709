"""`annotator export`: filters, splits, stdout streaming, messages, and never a half-written file."""

from __future__ import annotations

import subprocess
import sys

import pytest

from annotator.cli import main
from annotator.core.wording import counted
from annotator.io.exporting import (
    ExportError,
    ExportOptions,
    export_project,
    parse_split,
    split_of,
    split_point,
)
from annotator.store import Project
from export_fixtures import *  # noqa: F403
from export_fixtures import parse_jsonl, read_jsonl


def assign_splits(uids: list[str], ratios: dict[str, float], seed: int) -> dict[str, str]:
    """Document uid -> split name, as the exporter assigns them one by one."""
    return {uid: split_of(uid, ratios, seed) for uid in uids}


def run(runner, *args):
    return runner.invoke(main, ["export", *map(str, args)])


def test_streams_jsonl_to_stdout_and_summary_to_stderr(runner, tricky):
    result = run(runner, tricky.path)
    assert result.exit_code == 0, result.stderr
    lines = parse_jsonl(result.stdout)
    assert len(lines) == 5 and lines[0]["annotator"] == "ana"
    assert "Exported 4 documents, 5 records, 11 spans." in result.stderr


def test_filters_by_annotator_status_and_label(runner, tricky, tmp_path):
    out = tmp_path / "f.jsonl"
    result = run(runner, tricky.path, "-o", out, "--annotator", "ben", "--status", "done", "--label", "actor")
    assert result.exit_code == 0, result.stderr
    records = read_jsonl(out)
    assert [(r["title"], r["annotator"]) for r in records] == [("CON", "ben")]
    assert [s["label"] for s in records[0]["spans"]] == ["actor", "actor"]
    both = tmp_path / "both.jsonl"
    assert run(runner, tricky.path, "-o", both, "--annotator", "ana", "--annotator", "ben").exit_code == 0
    assert {r["annotator"] for r in read_jsonl(both)} == {"ana", "ben"}


def test_records_never_mix_annotators(tricky, tmp_path):
    out = tmp_path / "all.jsonl"
    export_project(tricky, ExportOptions(), out)
    for record in read_jsonl(out):
        doc_id = next(i for i in tricky.document_ids() if tricky.document(i).uid == record["id"])
        mine = {(s.start, s.end, s.label) for s in tricky.spans(doc_id, record["annotator"] or "")}
        assert {(s["start"], s["end"], s["label"]) for s in record["spans"]} == mine


@pytest.mark.parametrize(
    "args, message",
    [
        (["--label", "nope"], "unknown label 'nope'; known labels: actor, claim, quote, figure"),
        (["--annotator", "zed"], "unknown annotator 'zed'; known: ana, ben, gold"),
        (["--status", "skipped"], "no records match the filters (status skipped); nothing written"),
        (["--annotator", "ana", "--label", "quote"], "no spans with label quote for annotator ana"),
        # ana's figure is in a done record: nothing in progress carries one
        (["--status", "in_progress", "--label", "figure"], "no spans with label figure for status in_progress"),
        (["--gold", "--status", "skipped"], "no records match the filters (annotator gold; status skipped)"),
    ],
)
def test_clear_messages_and_no_file(runner, tricky, tmp_path, args, message):
    out = tmp_path / "out.jsonl"
    result = run(runner, tricky.path, "-o", out, *args)
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert list(tmp_path.glob("*out.jsonl*")) == []


def test_empty_project(runner, tmp_path):
    Project.open(tmp_path / "empty.db").close()
    result = run(runner, tmp_path / "empty.db")
    assert result.exit_code == 1 and "the project has no documents" in result.stderr


def test_gold_without_a_reviewed_layer_says_so(runner, project):
    project.add_document("Text.")
    result = run(runner, project.path, "--gold")
    assert result.exit_code == 1 and "no reviewed (gold) spans" in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["-f", "spacy"], "give it with -o"),
        (["-f", "brat"], "give it with -o"),
        (["--split", "train=0.8,dev=0.2"], "--split writes one file per split"),
        (["-f", "xml"], "unknown format 'xml'"),
    ],
)
def test_usage_errors_exit_2(runner, tricky, args, message):
    result = run(runner, tricky.path, *args)
    assert result.exit_code == 2 and message in result.stderr


def test_bad_split_is_a_usage_error(runner, tricky, tmp_path):
    result = run(runner, tricky.path, "-o", tmp_path / "x.jsonl", "--split", "train:0.8")
    assert result.exit_code == 2 and "expected NAME=RATIO" in result.stderr


# ------------------------------------------------------------------ splits
@pytest.fixture
def many(project):
    for n in range(40):
        doc, _ = project.add_document(f"Document number {n} mentions Alice.", title=f"d{n}")
        project.add_span(doc, len(f"Document number {n} mentions "), len(f"Document number {n} mentions Alice"), "actor", "ana")
        if n % 2:
            project.add_span(doc, 0, 8, "claim", "ben")
    return project


def uids_of(project):
    return [project.document(i).uid for i in project.document_ids()]


def test_split_by_document_is_deterministic_and_disjoint(runner, many, tmp_path):
    out = tmp_path / "data.jsonl"
    result = run(runner, many.path, "-o", out, "--split", "train=0.8,dev=0.1,test=0.1", "--seed", "7")
    assert result.exit_code == 0, result.stderr
    parts = {name: read_jsonl(tmp_path / f"data.{name}.jsonl") for name in ("train", "dev", "test")}
    docs = {name: {r["id"] for r in records} for name, records in parts.items()}
    expected = assign_splits(uids_of(many), parse_split("train=0.8,dev=0.1,test=0.1"), seed=7)
    assert docs == {name: {u for u, n in expected.items() if n == name} for name in docs}
    assert not (docs["train"] & docs["dev"] or docs["train"] & docs["test"] or docs["dev"] & docs["test"])
    assert len(docs["train"]) > len(docs["dev"]) + len(docs["test"])  # ~80%: ratios hold on average
    assert sum(len(r) for r in parts.values()) == 60  # 40 ana + 20 ben records, each in its document's split
    for name in docs:  # the summary lists every split
        assert f"split {name}: {counted(len(docs[name]), 'document')}, {counted(len(parts[name]), 'record')}" in result.stderr
    first = {n: (tmp_path / f"data.{n}.jsonl").read_bytes() for n in docs}
    run(runner, many.path, "-o", out, "--split", "train=0.8,dev=0.1,test=0.1", "--seed", "7")
    assert first == {n: (tmp_path / f"data.{n}.jsonl").read_bytes() for n in docs}
    run(runner, many.path, "-o", out, "--split", "train=0.8,dev=0.1,test=0.1", "--seed", "8")
    assert first != {n: (tmp_path / f"data.{n}.jsonl").read_bytes() for n in docs}
    assert not out.exists()


def test_split_membership_does_not_change_with_filters_or_new_documents(runner, many, tmp_path):
    """A document in test of the full export must not land in train of a filtered one (leaked eval data)."""
    split = ("--split", "train=0.6,dev=0.2,test=0.2", "--seed", "3")
    full, done = tmp_path / "full.jsonl", tmp_path / "done.jsonl"
    for doc_id in many.document_ids()[::3]:
        many.set_status(doc_id, "ana", "done")
    assert run(runner, many.path, "-o", full, *split).exit_code == 0
    assert run(runner, many.path, "-o", done, "--status", "done", "--annotator", "ana", *split).exit_code == 0

    def membership(out):
        return {r["id"]: name for name in ("train", "dev", "test")
                for r in read_jsonl(out.with_name(f"{out.stem}.{name}.jsonl"))}

    everything, filtered = membership(full), membership(done)
    assert len(filtered) == 14 and {uid: everything[uid] for uid in filtered} == filtered
    for n in range(40, 60):  # more documents come in: the earlier ones keep their split
        many.add_document(f"A later document {n}.", title=f"later{n}")
    assert run(runner, many.path, "-o", full, *split).exit_code == 0
    grown = membership(full)
    assert len(grown) == 60 and {uid: grown[uid] for uid in everything} == everything


def test_empty_split_is_written_with_a_warning(runner, project, tmp_path):
    for n in range(2):
        doc, _ = project.add_document(f"Only document {n}.", title=f"d{n}")
        project.add_span(doc, 0, 4, "actor", "ana")
    out = tmp_path / "small.jsonl"
    result = run(runner, project.path, "-o", out, "--split", "train=0.8,dev=0.1,test=0.1")
    assert result.exit_code == 0, result.stderr
    expected = assign_splits(uids_of(project), parse_split("train=0.8,dev=0.1,test=0.1"), seed=0)
    empty = [name for name in ("train", "dev", "test") if name not in expected.values()]
    assert empty  # two documents cannot fill three splits
    for name in ("train", "dev", "test"):
        path = tmp_path / f"small.{name}.jsonl"
        count = list(expected.values()).count(name)
        assert len(read_jsonl(path)) == count
        assert f"split {name}: {counted(count, 'document')}, {counted(count, 'record')}" in result.stderr
    for name in empty:
        assert f"warning: split {name!r} is empty: none of the 2 documents fell into it" in result.stderr
        assert (tmp_path / f"small.{name}.jsonl").read_bytes() == b""


def test_split_names_for_folders_and_sidecars(many, tmp_path):
    ratios = parse_split("a=1,b=1")
    export_project(many, ExportOptions(format="brat", split=ratios), tmp_path / "brat")
    in_a = [u for u, name in assign_splits(uids_of(many), ratios, seed=0).items() if name == "a"]
    with_ben = sum(1 for n, uid in enumerate(uids_of(many)) if uid in in_a and n % 2)
    assert len(list((tmp_path / "brat.a").rglob("*.txt"))) == len(in_a) + with_ben  # one folder per annotator
    export_project(many, ExportOptions(format="hf", split=parse_split("train=3,test=1")), tmp_path / "hf.jsonl")
    assert {p.name for p in tmp_path.glob("hf*")} == {"hf.train.jsonl", "hf.test.jsonl", "hf.labels.json"}


def test_parse_split_and_assign():
    assert parse_split("train=8, dev=1,test=1") == {"train": 0.8, "dev": 0.1, "test": 0.1}
    for bad in ("train", "train=x,dev=1", "train=1", "a=1,a=2"):
        with pytest.raises(ValueError):
            parse_split(bad)
    uids = [f"u{n}" for n in range(2000)]
    ratios = {"train": 0.7, "test": 0.3}
    assignment = assign_splits(uids, ratios, seed=1)
    assert sorted(assignment) == sorted(uids)
    assert 500 < list(assignment.values()).count("test") < 700  # ~30%, a hash is not a quota
    assert assign_splits(list(reversed(uids)), ratios, seed=1) == assignment
    assert assign_splits(uids[:10], ratios, seed=1) == {u: assignment[u] for u in uids[:10]}
    assert {split_of(u, ratios, 1) for u in uids} == {"train", "test"}
    assert all(0 <= split_point(u, 1) < 1 for u in uids)
    assert {split_of(u, {"a": 1.0, "never": 0.0}, 5) for u in uids} == {"a"}


# ------------------------------------------------------------------ outputs
def test_failed_export_keeps_the_old_file_and_leaves_no_temp(tricky, tmp_path):
    pytest.importorskip("spacy")
    out = tmp_path / "model.spacy"
    out.write_bytes(b"previous")
    with pytest.raises(ExportError):
        export_project(tricky, ExportOptions(format="spacy", strict=True), out)
    assert out.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir() if "model" in p.name) == ["model.spacy"]


def test_cancel_writes_nothing_and_progress_reaches_the_end(many, tmp_path):
    out = tmp_path / "c.jsonl"
    summary = export_project(many, ExportOptions(), out, cancelled=lambda: True)
    assert summary.cancelled and not out.exists() and list(tmp_path.glob(".c.jsonl*")) == []
    seen = []
    export_project(many, ExportOptions(), out, progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 60) and seen[-1] == (60, 60) and seen == sorted(seen)


def test_cancel_is_asked_before_every_record(many, tmp_path):
    asked = []

    def cancel_after_five() -> bool:
        asked.append(True)
        return len(asked) > 5

    out = tmp_path / "c.jsonl"
    summary = export_project(many, ExportOptions(), out, cancelled=cancel_after_five)
    assert summary.cancelled and (len(asked), summary.records) == (6, 5) and not out.exists()


def test_slow_records_each_report_progress(project, tmp_path, monkeypatch):
    """Progress follows the clock, not a record count: a slow export (spaCy) moves the bar record by record."""
    for n in range(4):
        doc, _ = project.add_document(f"Slow document {n}.")
        project.add_span(doc, 0, 4, "claim", "ana")
    # Every record outlasts a zero interval, as each slow record outlasts the real one: no sleeping.
    monkeypatch.setattr("annotator.io.exporting.PROGRESS_INTERVAL", 0.0)
    seen = []
    export_project(project, ExportOptions(), tmp_path / "slow.jsonl",
                   progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]


def test_output_gets_the_usual_permissions(tricky, tmp_path):
    out = tmp_path / "p.jsonl"
    export_project(tricky, ExportOptions(), out)
    assert out.stat().st_mode & 0o044 == 0o044  # readable by others under the usual umask 022


def test_missing_spacy_gives_a_clear_message(tricky, tmp_path):
    script = (
        "import sys; sys.modules['spacy'] = None\n"
        "from annotator.cli import main\n"
        f"main(['export', {str(tricky.path)!r}, '-f', 'spacy', '-o', {str(tmp_path / 'x.spacy')!r}])\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 1
    assert "pip install 'annotator[spacy]'" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.spacy").exists()
