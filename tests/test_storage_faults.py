"""Real storage faults on a real small file system (a tmpfs mounted for the test; needs root):
read-only storage and a full disk get messages that name the file and say what is wrong."""

import json
import shutil
import subprocess
import sys

import pytest

from annotator.store import Project


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB tmpfs at tmp_path/disk, unmounted afterwards."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def cli(*args):
    result = subprocess.run([sys.executable, "-m", "annotator.cli", *map(str, args)], capture_output=True, text=True,
                            timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def write_jsonl(path, count, words=40):
    with path.open("w", encoding="utf-8") as fh:
        for n in range(count):
            text = f"Text number {n}: " + "lorem ipsum dolor sit amet " * words
            fh.write(json.dumps({"text": text, "annotator": "ben", "spans": [{"start": 0, "end": 4, "label": "actor"}]})
                     + "\n")
    return path


def test_a_read_only_colleague_file_with_a_pending_wal_says_so(small_disk, tmp_path):
    with Project.open(tmp_path / "live.db") as live:  # the colleague's Annotator, still running
        live.conn.execute("PRAGMA wal_autocheckpoint=0")
        doc_id, _ = live.add_document("Ben's text.")
        live.add_span(doc_id, 0, 3, "actor", "ben")
        shutil.copy(tmp_path / "live.db", small_disk / "ben.db")
        shutil.copy(tmp_path / "live.db-wal", small_disk / "ben.db-wal")
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    for args in (["merge", tmp_path / "mine.db", small_disk / "ben.db"], ["stats", small_disk / "ben.db"]):
        result = cli(*args)
        assert result.returncode == 1
        assert "for writing" not in result.stderr, result.stderr
        assert "ben.db-wal" in result.stderr and "read-only" in result.stderr, result.stderr


def test_a_full_disk_names_the_project_and_every_source_gets_its_line(small_disk, tmp_path):
    small = write_jsonl(tmp_path / "small.jsonl", 1, words=1)
    big = write_jsonl(tmp_path / "big.jsonl", 3000)
    after = write_jsonl(tmp_path / "after.jsonl", 1, words=2)
    merged = cli("merge", small_disk / "team.db", small, big, after)
    assert merged.returncode == 1
    assert "small.jsonl: 1 document added" in merged.stdout  # the summary of what went in
    lines = merged.stderr.strip().splitlines()
    assert any("big.jsonl" in line and "team.db" in line and "disk is full" in line for line in lines), lines
    assert "merged 2 of 3 sources" in merged.stderr.lower() or "after.jsonl: 1 document added" in merged.stdout
    with Project.open(small_disk / "team.db", create=False) as proj:
        assert proj.document_count() in (1, 2)  # the big source went in whole or not at all: not at all
    for path in small_disk.iterdir():
        path.unlink()
    imported = cli("import", small_disk / "mine.db", small, big)
    assert imported.returncode == 1
    assert imported.stdout.startswith("Imported 1 document")
    assert "big.jsonl" in imported.stderr and "mine.db" in imported.stderr and "disk is full" in imported.stderr
