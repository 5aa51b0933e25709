"""Import documents and annotations from files and folders into a project.

Each file is one transaction: a file with any problem imports nothing, and the
rest of the batch goes on. Importers are looked up in the registry by suffix;
which annotation schema a JSON record follows is sniffed from its keys.
"""

from __future__ import annotations

import getpass
import importlib
import pkgutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.io.importers._common import Importer, Record, RecordError, SourceFile
from annotator.io.importers._prepare import prepare
from annotator.io import importers as importer_package
from annotator.io.registry import IMPORTERS
from annotator.store import Project
from annotator.store.bulk import BulkWriter, QueuedDocument, Written

OFFSET_UNITS = ("codepoints", "utf16")
MAX_PROBLEMS_PER_FILE = 20
CANCEL_CHECK_EVERY = 256  # documents between checks of ``cancelled`` inside one large file


@dataclass
class ImportProblem:
    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line is not None else f"{self.path}: {self.message}"


@dataclass
class ImportReport:
    imported: list[Path] = field(default_factory=list)
    duplicates: list[tuple[Path, str]] = field(default_factory=list)
    failed: list[ImportProblem] = field(default_factory=list)
    documents_added: int = 0
    spans_added: int = 0
    skipped: int = 0  # files of an unknown type found in folders
    not_imported: list[Path] = field(default_factory=list)  # left over by a cancel
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def failed_files(self) -> list[Path]:
        return list(dict.fromkeys(problem.path for problem in self.failed))


@dataclass
class _Job:
    source: SourceFile
    importer: Importer


def default_annotator() -> str:
    try:
        return getpass.getuser() or "annotator"
    except Exception:  # no login name in this environment (containers, services)
        return "annotator"


def importers() -> dict[str, Importer]:
    """The importer registry keyed by suffix.

    Loads only the importer modules (not every exporter), which keeps a
    command-line import quick to start.
    """
    for info in pkgutil.iter_modules(importer_package.__path__, prefix=importer_package.__name__ + "."):
        if not info.name.rsplit(".", 1)[-1].startswith("_"):
            importlib.import_module(info.name)
    return IMPORTERS


def importable_suffixes() -> list[str]:
    return sorted(importers())


# ---------------------------------------------------------------- planning
def _importer_for(path: Path, registry: dict[str, Importer]) -> Importer | None:
    suffix = path.suffix.lower()
    # Content sniffing across files: NAME.txt with NAME.ann beside it is a brat document.
    if suffix == ".txt" and path.with_suffix(".ann").is_file() and ".ann" in registry:
        return registry[".ann"]
    return registry.get(suffix)


def _job(path: Path, importer: Importer) -> _Job:
    if importer.name != "brat":
        return _Job(SourceFile(path), importer)
    # A brat document is read through its .ann, whichever of the pair was named.
    return _Job(SourceFile(path.with_suffix(".ann"), companion=path.with_suffix(".txt")), importer)


def _plan(paths: Sequence[Path], report: ImportReport, project_path: Path) -> list[_Job]:
    registry = importers()
    jobs: dict[Path, _Job] = {}
    # The project file and its WAL files may sit in an imported folder.
    own_files = {project_path.resolve().with_name(project_path.name + tail) for tail in ("", "-wal", "-shm", "-journal")}
    for given in map(Path, paths):
        if given.is_dir():
            found = sorted(
                p for p in given.rglob("*") if p.is_file() and not p.name.startswith(".") and p.resolve() not in own_files
            )
            explicit = False
        elif given.is_file():
            found, explicit = [given], True
        else:
            report.failed.append(ImportProblem(given, None, "no such file or folder"))
            continue
        for path in found:
            importer = _importer_for(path, registry)
            if importer is None:
                if explicit:
                    known = ", ".join(importable_suffixes())
                    report.failed.append(ImportProblem(path, None, f"unknown file type {path.suffix or '(none)'!r}; known: {known}"))
                else:
                    report.skipped += 1
                continue
            job = _job(path, importer)
            jobs.setdefault(job.source.path.resolve(), job)
    return list(jobs.values())


# ---------------------------------------------------------------- importing
class _FileFailed(Exception):
    def __init__(self, problems: list[RecordError]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


class _Cancelled(Exception):
    pass


@dataclass
class _FileResult:
    documents: int = 0
    spans: int = 0
    duplicates: list[str] = field(default_factory=list)
    problems: list[RecordError] = field(default_factory=list)
    records: int = 0


def _records(job: _Job, result: _FileResult) -> Iterator[Record]:
    """The file's records; problems are collected instead of stopping the read."""
    try:
        for item in job.importer.read(job.source):
            if isinstance(item, RecordError):
                result.problems.append(item)
            else:
                yield item
    except RecordError as exc:
        result.problems.append(exc)


def _tally(written: list[Written], result: _FileResult, new_ids: set[int]) -> None:
    for outcome in written:
        result.spans += outcome.spans_added
        if outcome.created:
            new_ids.add(outcome.doc_id)
            result.documents += 1
        elif outcome.doc_id not in new_ids:
            new_ids.add(outcome.doc_id)  # name each duplicate once per file
            result.duplicates.append(outcome.name)


def _prepared(job: _Job, result: _FileResult, *, offsets: str, annotator: str) -> Iterator[QueuedDocument]:
    """Canonical documents of the file, until the first problem; then only problems are collected."""
    source_name = str((job.source.companion or job.source.path).resolve())
    for record in _records(job, result):
        result.records += 1
        source = source_name if record.line is None else f"{source_name}:{record.line}"
        prepared, errors = prepare(
            record, offsets=offsets, default_annotator=annotator, encoding=job.source.encoding, source=source
        )
        result.problems += errors
        if prepared is not None and not result.problems:
            yield prepared


def _import_file(project: Project, job: _Job, *, offsets: str, annotator: str, cancelled: Callable[[], bool] | None) -> _FileResult:
    result = _FileResult()
    documents = _prepared(job, result, offsets=offsets, annotator=annotator)
    with project.transaction():
        writer = BulkWriter(project)
        new_ids: set[int] = set()
        for count, document in enumerate(documents, 1):
            if cancelled is not None and count % CANCEL_CHECK_EVERY == 0 and cancelled():
                raise _Cancelled
            _tally(writer.add(document), result, new_ids)
        # The reader is done: result.records and result.problems are final.
        if not result.records and not result.problems:
            result.problems.append(RecordError("no documents in the file; nothing imported"))
        if result.problems:
            raise _FileFailed(result.problems)  # rolls the whole file back
        _tally(writer.flush(), result, new_ids)
    return result


def _problems(path: Path, errors: list[RecordError]) -> list[ImportProblem]:
    shown = [ImportProblem(path, e.line, e.message) for e in errors[:MAX_PROBLEMS_PER_FILE]]
    if len(errors) > MAX_PROBLEMS_PER_FILE:
        shown.append(ImportProblem(path, None, f"... and {len(errors) - MAX_PROBLEMS_PER_FILE} more problems"))
    return shown


def import_paths(
    project: Project,
    paths: Sequence[Path],
    *,
    annotator: str | None = None,
    offsets: str = "codepoints",
    progress: Callable[[int, int, Path], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import files and folders (recursively); see the module docstring for the guarantees."""
    if offsets not in OFFSET_UNITS:
        raise ValueError(f"unknown offsets {offsets!r}; expected one of {', '.join(OFFSET_UNITS)}")
    report = ImportReport()
    jobs = _plan(paths, report, project.path)
    name = (annotator or "").strip() or default_annotator()
    for done, job in enumerate(jobs):
        path = job.source.path
        if progress is not None:
            progress(done, len(jobs), path)
        if cancelled is not None and cancelled():
            report.cancelled, report.not_imported = True, [j.source.path for j in jobs[done:]]
            break
        try:
            result = _import_file(project, job, offsets=offsets, annotator=name, cancelled=cancelled)
        except _Cancelled:
            report.cancelled, report.not_imported = True, [j.source.path for j in jobs[done:]]
            break
        except _FileFailed as exc:
            report.failed += _problems(path, exc.problems)
            continue
        except OSError as exc:
            report.failed.append(ImportProblem(path, None, f"cannot read the file ({exc.strerror or exc})"))
            continue
        report.imported.append(path)
        report.documents_added += result.documents
        report.spans_added += result.spans
        report.duplicates += [(path, name_) for name_ in result.duplicates]
    if progress is not None and jobs and not report.cancelled:
        progress(len(jobs), len(jobs), jobs[-1].source.path)
    return report
