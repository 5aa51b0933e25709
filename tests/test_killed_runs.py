"""A run killed with -9 at an exact step (the process kills itself there, so the step is certain):
the next run puts right what it left, and never touches what a running one still uses."""

import fcntl
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from annotator.cli import main
from annotator.store import Project
from export_fixtures import *  # noqa: F403

KILLING_RUN = textwrap.dedent("""
    import os, signal, sys
    step = sys.argv[1]
    real_replace = os.replace

    def replace(src, dst):
        src, dst = str(src), str(dst)
        if step == "before-part-rename" and src.endswith(".part"):
            os.kill(os.getpid(), signal.SIGKILL)
        real_replace(src, dst)
        if step == "between-folder-renames" and dst.endswith("previous"):
            os.kill(os.getpid(), signal.SIGKILL)

    os.replace = replace
    if step == "during-merge":
        import annotator.io.merge as merge
        merge.read_colleague = lambda path: os.kill(os.getpid(), signal.SIGKILL)
    from annotator.cli import main
    main(sys.argv[2:], prog_name="annotator")
""")


def killed_run(step, *args, env=None):
    result = subprocess.run([sys.executable, "-c", KILLING_RUN, step, *map(str, args)], capture_output=True, timeout=120,
                            env={**os.environ, **(env or {})})
    assert result.returncode == -signal.SIGKILL, result.stderr.decode()


@pytest.fixture
def labelled(tmp_path):
    path = tmp_path / "work.db"
    with Project.open(path) as proj:
        doc_id, _ = proj.add_document("Kim met Trump in Hanoi.", title="hanoi")
        proj.add_span(doc_id, 0, 3, "actor", "ana")
    return path


def hidden(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.name != ".annotator-export")


def test_a_brat_export_killed_between_its_two_renames_is_put_back_by_the_next_run(runner, labelled, tmp_path):
    out = tmp_path / "corpus"
    assert runner.invoke(main, ["export", str(labelled), "-f", "brat", "-o", str(out)]).exit_code == 0
    before = sorted(p.name for p in out.iterdir())
    killed_run("between-folder-renames", "export", labelled, "-f", "brat", "-o", out)
    assert not out.exists()  # what the kill leaves: the old folder moved aside, the new one not yet in place
    assert any(name.endswith(".old") for name in hidden(tmp_path))
    result = runner.invoke(main, ["export", str(labelled), "-f", "brat", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "put back" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == before
    assert hidden(tmp_path) == []


def test_hidden_part_files_of_a_killed_export_are_removed_by_the_next_run(runner, labelled, tmp_path):
    out = tmp_path / "data.jsonl"
    killed_run("before-part-rename", "export", labelled, "-o", out)
    assert not out.exists() and len(hidden(tmp_path)) == 1
    killed_run("before-part-rename", "export", labelled, "-f", "brat", "-o", tmp_path / "brat")
    assert len(hidden(tmp_path)) == 2
    assert runner.invoke(main, ["export", str(labelled), "-o", str(out)]).exit_code == 0
    assert runner.invoke(main, ["export", str(labelled), "-f", "brat", "-o", str(tmp_path / "brat")]).exit_code == 0
    assert hidden(tmp_path) == []
    assert out.read_text(encoding="utf-8").count("\n") == 1


def test_a_part_file_a_running_export_holds_is_left_alone(runner, labelled, tmp_path):
    busy = tmp_path / ".data.jsonl.abcd1234.part"
    fd = os.open(busy, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as a running export holds its own
        assert runner.invoke(main, ["export", str(labelled), "-o", str(tmp_path / "data.jsonl")]).exit_code == 0
        assert busy.exists()
    finally:
        os.close(fd)
    assert runner.invoke(main, ["export", str(labelled), "-o", str(tmp_path / "data.jsonl")]).exit_code == 0
    assert not busy.exists()


def test_a_merge_scratch_folder_left_by_a_kill_is_removed_by_the_next_merge(runner, labelled, tmp_path, monkeypatch):
    scratch_root = tmp_path / "tmp"
    scratch_root.mkdir()
    source = tmp_path / "ben.jsonl"
    source.write_text('{"text": "Ben wrote this.", "spans": [{"start": 0, "end": 3, "label": "actor"}],'
                      ' "annotator": "ben"}\n', encoding="utf-8")
    killed_run("during-merge", "merge", labelled, source, env={"TMPDIR": str(scratch_root)})
    assert [p.name.startswith("annotator-merge-") for p in scratch_root.iterdir()] == [True]
    monkeypatch.setenv("TMPDIR", str(scratch_root))
    monkeypatch.setattr("tempfile.tempdir", None)  # read TMPDIR again
    result = runner.invoke(main, ["merge", str(labelled), str(source)])
    assert result.exit_code == 0, result.stderr
    assert list(scratch_root.iterdir()) == []
    with Project.open(labelled, create=False) as proj:
        assert "ben" in proj.annotators()
