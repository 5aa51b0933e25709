"""Opening the project a second time in the window's process (the suggestion worker, the damage
check) must not drop the locks the window's connection holds: closing any descriptor of a file drops
every POSIX lock the process holds on it, SQLite's own included. With them gone, another process
(the suggestion child) closing its connection took the project for unused, and deleted its -wal and
-shm under the open window (the review benchmark's "disk I/O error"; SQLite's "How To Corrupt"
guide, section 2.2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotator.store import Project
from annotator.store.schema import full_check

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX advisory locks")

CHILD = ("import sys\nfrom annotator.store import Project\n"
         "with Project.open(sys.argv[1], create=False) as project:\n"
         "    project.document_text(int(sys.argv[2]))\n")


def another_process_reads(path: Path, doc_id: int) -> None:
    subprocess.run([sys.executable, "-c", CHILD, str(path), str(doc_id)], check=True, timeout=120)


@pytest.mark.parametrize("second_look", ["open", "damage check"])
def test_a_second_look_at_the_project_keeps_the_windows_locks(tmp_path, second_look):
    path = tmp_path / "p.db"
    with Project.open(path) as window:
        doc_id, _ = window.add_document("Alice met Bob in Paris.", title="one")
        window.add_span(doc_id, 0, 5, "actor", "ana")
        if second_look == "open":  # as the suggestion worker does, on a thread of the window's process
            with Project.open(path, create=False) as worker:
                assert [s.label for s in worker.spans(doc_id)] == ["actor"]
        else:
            assert full_check(path, quick=True, in_use=True) == []
        another_process_reads(path, doc_id)
        assert Path(f"{path}-shm").exists() and Path(f"{path}-wal").exists()  # the window's still
        window.add_span(doc_id, 10, 13, "actor", "ana")
        with Project.open(path, create=False) as worker:
            assert [(s.start, s.end) for s in worker.spans(doc_id)] == [(0, 5), (10, 13)]
    with Project.open(path, create=False) as reopened:
        assert [(s.start, s.end) for s in reopened.spans(doc_id)] == [(0, 5), (10, 13)]
