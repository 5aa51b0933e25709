"""Where an export may write: never over the project, never replacing a FIFO or a device node,
and a run killed half-way leaves nothing the next run cannot put right."""

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.store import Project
from export_fixtures import *  # noqa: F403


def _labelled(path: Path) -> Path:
    with Project.open(path) as proj:
        doc_id, _ = proj.add_document("Kim met Trump in Hanoi.", title="hanoi")
        proj.add_span(doc_id, 0, 3, "actor", "ana")
        proj.set_status(doc_id, "ana", "done")
    return path


@pytest.fixture
def labelled(tmp_path):
    return _labelled(tmp_path / "work.db")


def _failed_line(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# ------------------------------------------------------------ point 3: the project's own folder
@pytest.mark.parametrize("inside", ["work.db", "work.db-wal"])
def test_brat_export_into_the_folder_holding_the_project_is_refused(runner, tmp_path, inside):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    project = _labelled(corpus / "work.db")
    first = runner.invoke(main, ["export", str(project), "-f", "brat", "-o", str(tmp_path / "out")])
    assert first.exit_code == 0, first.stderr
    (corpus / ".annotator-export").write_text("from an earlier export\n", encoding="utf-8")  # as in the report
    if inside == "work.db-wal":  # only the -wal sits in the folder (the project file reached by a symlink)
        (tmp_path / "elsewhere.db").symlink_to(corpus / "work.db")
        project = tmp_path / "elsewhere.db"
    before = sorted(p.name for p in corpus.iterdir())
    line = _failed_line(runner.invoke(main, ["export", str(project), "-f", "brat", "-o", str(corpus)]))
    assert "holds the project" in line and "corpus" in line
    assert sorted(p.name for p in corpus.iterdir()) == before
    with Project.open(corpus / "work.db", create=False) as proj:
        assert proj.span_count() == 1


def test_brat_export_into_a_parent_of_the_project_folder_is_refused(runner, tmp_path):
    project = _labelled(tmp_path / "corpus" / "sub" / "work.db")
    (tmp_path / "corpus" / ".annotator-export").write_text("marker\n", encoding="utf-8")
    line = _failed_line(runner.invoke(main, ["export", str(project), "-f", "brat", "-o", str(tmp_path / "corpus")]))
    assert "holds the project" in line
    assert project.exists()


# ------------------------------------------------------------ point 10: FIFOs and device nodes
def _device(path: Path, major: int, minor: int) -> Path:
    """A private character device node (like /dev/null): the system's own nodes are never put at risk."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(major, minor))
    except PermissionError:
        pytest.skip("making a device node needs root")
    return path


def test_output_to_a_device_node_writes_into_it_and_keeps_it(runner, labelled, tmp_path):
    null = _device(tmp_path / "null", 1, 3)
    before = os.lstat(null)
    result = runner.invoke(main, ["export", str(labelled), "-f", "hf", "-o", str(null)])
    assert result.exit_code == 0, result.stderr
    after = os.lstat(null)
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert "label list not written" in result.stderr  # no null.labels.json beside the node
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null", "work.db"]


def test_output_to_a_fifo_streams_into_it(runner, labelled, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = runner.invoke(main, ["export", str(labelled), "-o", str(fifo)])
    reader.join(timeout=30)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert b'"Kim met Trump in Hanoi."' in received[0]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("target", ["-", "/dev/stdout"])  # run only with the fix: before it, /dev/stdout was replaced
def test_output_to_stdout_streams_single_file_formats(labelled, tmp_path, target):
    out = tmp_path / "captured.jsonl"
    with out.open("wb") as fh:  # a redirect: /dev/stdout is then a link to this regular file
        result = subprocess.run([sys.executable, "-m", "annotator.cli", "export", str(labelled), "-f", "hf",
                                 "-o", target], stdout=fh, stderr=subprocess.PIPE, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").split("\n") if line]
    assert [line["tokens"][:2] for line in lines] == [["Kim", "met"]]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["captured.jsonl", "work.db"]


def test_a_folder_format_cannot_go_to_stdout(runner, labelled):
    result = runner.invoke(main, ["export", str(labelled), "-f", "spacy", "-o", "-"])
    assert result.exit_code == 2 and "not the spacy folder" in result.output


def test_a_device_cannot_be_a_folder_or_split_target(runner, labelled, tmp_path):
    null = _device(tmp_path / "null", 1, 3)
    line = _failed_line(runner.invoke(main, ["export", str(labelled), "-f", "brat", "-o", str(null)]))
    assert str(null) in line and "not a folder" in line
    result = runner.invoke(main, ["export", str(labelled), "--split", "a=1,b=1", "-o", str(null)])
    assert "--split" in _failed_line(result)
    assert stat.S_ISCHR(os.lstat(null).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null", "work.db"]


def test_a_full_device_names_the_output(runner, labelled, tmp_path):
    full = _device(tmp_path / "full", 1, 7)  # like /dev/full: every write fails with ENOSPC
    line = _failed_line(runner.invoke(main, ["export", str(labelled), "-o", str(full)]))
    assert str(full) in line and "No space left" in line
    assert stat.S_ISCHR(os.lstat(full).st_mode)


def test_no_new_file_is_made_under_dev(runner, labelled):
    line = _failed_line(runner.invoke(main, ["export", str(labelled), "-o", "/dev/annotator-test-no-such-node"]))
    assert "does not exist" in line
    assert not os.path.lexists("/dev/annotator-test-no-such-node")
