"""Opening projects under stress: two creators at once, read-only storage, a full disk,
and refused files that must keep every byte (their pending -wal included)."""

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from annotator.core.model import DEFAULT_LABELS
from annotator.store import NewerSchemaError, NotAProjectError, Project, ProjectError
from annotator.store.errors import project_error
from annotator.store.schema import migrations
from export_fixtures import digest


def python(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", textwrap.dedent(code), *args]


# ------------------------------------------------------------ creating at once
CREATOR = """
    import sys, time
    from pathlib import Path
    from annotator.store import Project, ProjectBusyError
    folder, rounds, me = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    for i in range(rounds):
        (folder / f"ready{i}-{me}").touch()
        while not (folder / f"go{i}").exists():
            time.sleep(0.0005)
        try:
            Project.open(folder / f"p{i}.db").close()
            print("ok", flush=True)
        except ProjectBusyError:
            print("busy", flush=True)
        except Exception as exc:
            print("ERROR", type(exc).__name__, exc, flush=True)
"""


def test_processes_creating_the_same_new_project_at_once_all_succeed(tmp_path):
    """Before the fix about half of the second creators failed on UNIQUE constraint labels.name."""
    rounds, workers = 6, 3
    procs = [subprocess.Popen(python(CREATOR, str(tmp_path), str(rounds), str(w)), stdout=subprocess.PIPE, text=True)
             for w in range(workers)]
    try:
        for i in range(rounds):
            deadline = time.monotonic() + 60
            while not all((tmp_path / f"ready{i}-{w}").exists() for w in range(workers)):
                assert time.monotonic() < deadline, "the creators did not start"
                time.sleep(0.0005)
            (tmp_path / f"go{i}").touch()  # all of them open p{i}.db now
        outcomes = [line for proc in procs for line in proc.communicate(timeout=120)[0].splitlines()]
    finally:
        for proc in procs:
            proc.kill()
    assert len(outcomes) == rounds * workers
    assert set(outcomes) <= {"ok", "busy"}, outcomes
    for i in range(rounds):
        with Project.open(tmp_path / f"p{i}.db", create=False) as project:
            assert [label.name for label in project.labels()] == [label.name for label in DEFAULT_LABELS]
            assert project.schema_steps() == [step.name for step in migrations._migrations]


def test_an_empty_sqlite_database_becomes_a_project(tmp_path):
    path = tmp_path / "empty.db"
    sqlite3.connect(path).execute("PRAGMA journal_mode=wal").fetchall()  # a header, no tables
    assert path.stat().st_size > 0
    with Project.open(path) as project:
        assert len(project.labels()) == len(DEFAULT_LABELS)


# ---------------------------------------------------------- refused untouched
def leave_pending_wal(code: str, path: Path) -> None:
    """Run ``code`` in a process that dies without closing: its commits stay in the -wal."""
    code = textwrap.dedent(code) + "import os\nos._exit(0)\n"
    result = subprocess.run(python(code, str(path)), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert Path(f"{path}-wal").stat().st_size > 0


FOREIGN = """
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("PRAGMA journal_mode=wal")
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('only in the wal')")
"""
NEWER = """
    import sys
    from annotator.store import Project
    project = Project.open(sys.argv[1])
    project.conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('annotator', '9999_future', 'x')"
    )
"""


@pytest.mark.parametrize(("code", "error", "reason"), [
    (FOREIGN, NotAProjectError, "another program"),
    (NEWER, NewerSchemaError, "newer version"),
])
def test_a_refused_file_keeps_its_bytes_and_its_pending_wal(tmp_path, code, error, reason):
    path = tmp_path / "theirs.db"
    leave_pending_wal(code, path)
    wal = Path(f"{path}-wal")
    before = digest(path), digest(wal)
    with pytest.raises(error, match=reason):
        Project.open(path)
    assert wal.exists(), "the -wal was checkpointed into the file and deleted"
    assert (digest(path), digest(wal)) == before


# ------------------------------------------------------------------ read-only
def test_a_real_read_only_error_is_never_called_damaged(tmp_path):
    path = tmp_path / "p.db"
    Project.open(path).close()
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as raised:
        conn.execute("INSERT INTO annotators (name) VALUES ('ana')")
    conn.close()
    error = project_error(path, raised.value)
    assert type(error) is ProjectError
    assert "cannot open the project for writing" in error.reason and "damaged" not in error.reason


def _works(cmd: list[str]) -> bool:
    try:
        return subprocess.run(cmd, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


NO_ROOT_POWERS = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"]


def without_root_powers(cmd: list[str]) -> list[str]:
    """``cmd`` in a process that file permissions stop (root otherwise writes through a chmod)."""
    if os.geteuid() != 0:
        return cmd
    if not shutil.which("setpriv") or not _works([*NO_ROOT_POWERS, "true"]):
        pytest.skip("running as root and cannot drop the capability that ignores file permissions")
    return [*NO_ROOT_POWERS, *cmd]


def on_read_only_storage(folder: Path, cmd: list[str]) -> list[str]:
    """``cmd`` in a private mount namespace where ``folder`` is mounted read-only."""
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
    wrapped = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script, str(folder)]
    if not shutil.which("unshare") or not _works([*wrapped, "true"]):
        pytest.skip("no unprivileged mount namespaces here")
    return [*wrapped, *cmd]


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "annotator.cli", *args]


def project_left_open(path: Path) -> None:
    """A project whose writer died: -wal and -shm stay beside it."""
    leave_pending_wal("""
        import sys
        from annotator.store import Project
        Project.open(sys.argv[1]).add_document("Kim met Trump.")
    """, path)


def test_a_read_only_project_file_is_reported_as_read_only(tmp_path):
    path = tmp_path / "p.db"
    project_left_open(path)
    for file in tmp_path.iterdir():
        file.chmod(0o444)
    (tmp_path / "doc.txt").write_text("New text.", encoding="utf-8")
    result = subprocess.run(without_root_powers(cli("import", str(path), str(tmp_path / "doc.txt"))),
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr == f"annotator: {path}: cannot open the project for writing: the file is read-only" \
                            " (no write permission, or read-only storage)\n"


def test_a_project_in_a_read_only_folder_without_its_shm_is_not_called_damaged(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "p.db"
    project_left_open(path)
    Path(f"{path}-shm").unlink()
    folder.chmod(0o555)
    try:
        result = subprocess.run(without_root_powers(cli("stats", str(path))), capture_output=True, text=True)
    finally:
        folder.chmod(0o755)
    assert result.returncode == 1
    assert "damaged" not in result.stderr
    # Not even reading works: the pending -wal needs a -shm that cannot be made; say that, not "for writing".
    assert result.stderr.startswith(f"annotator: {path}: cannot read it: p.db-wal beside it holds changes")
    assert "read-only folder" in result.stderr


def test_a_project_on_read_only_storage_is_reported_as_read_only(tmp_path):
    folder = tmp_path / "mounted"
    folder.mkdir()
    path = folder / "p.db"
    Project.open(path).close()
    (tmp_path / "doc.txt").write_text("New text.", encoding="utf-8")
    result = subprocess.run(on_read_only_storage(folder, cli("import", str(path), str(tmp_path / "doc.txt"))),
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "damaged" not in result.stderr
    assert "cannot open the project for writing: the file is read-only" in result.stderr


# ------------------------------------------------------------------ full disk
def test_a_full_disk_reports_itself_and_writes_nothing(tmp_path):
    with Project.open(tmp_path / "p.db") as project:
        project.add_document("A short first text.")
        pages = project.conn.execute("PRAGMA page_count").fetchone()[0]
        project.conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # SQLite's own SQLITE_FULL
        with pytest.raises(sqlite3.OperationalError, match="database or disk is full"):
            project.add_document("A long text. " * 20_000)
        assert not project.conn.in_transaction
        assert project.document_count() == 1
        project.conn.execute("PRAGMA max_page_count = 1073741823")  # space again: it goes on working
        project.add_document("A long text. " * 20_000)
        assert project.document_count() == 2


def test_opening_a_project_leaves_pandas_unloaded_yet_importable(tmp_path):
    """sqlite-utils would import pandas (~0.6 s, ~100 MB) at every start where it is installed."""
    pytest.importorskip("pandas")
    code = ("import sys; from annotator.store import Project; p = Project.open(sys.argv[1]);"
            " p.add_document('Kim met Putin.'); p.close(); print('pandas' in sys.modules);"
            " import pandas; print(pandas.DataFrame({'a': [1]}).shape)")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "p.db")], capture_output=True, text=True,
                            timeout=120)
    assert result.stdout.split("\n")[:2] == ["False", "(1, 1)"], result.stderr


def test_the_window_starts_without_numpy_until_agreement_is_computed():
    """numpy (~0.1 s) is loaded by core.agreement, when agreement is computed, not at start-up."""
    code = ("import sys; import annotator.app, annotator.ui.main_window; print('numpy' in sys.modules);"
            " import annotator.store.review; print('numpy' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.stdout.split("\n")[:2] == ["False", "False"], result.stderr
