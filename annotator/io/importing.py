"""Import documents and annotations from files and folders into a project.

Each file is one transaction: a file with any problem imports nothing, and the
rest of the batch goes on. Importers are looked up in the registry by suffix;
which annotation schema a JSON record follows is sniffed from its keys.
"""

from __future__ import annotations

import getpass
import importlib
import logging
import pkgutil
import sqlite3
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator import paths
from annotator.core.model import annotator_name_problem
from annotator.core.wording import counted
from annotator.io.importers._common import Importer, Record, RecordError, SourceFile
from annotator.io.importers._prepare import OFFSET_MODES, AmbiguousOffsets, AttributeSchema, prepare
from annotator.io import importers as importer_package
from annotator.io.registry import IMPORTERS
from annotator.store import Project
from annotator.store.bulk import BulkWriter, QueuedDocument, Written
from annotator.store.errors import project_error
from annotator.store.schema import database_files

log = logging.getLogger(__name__)

MAX_PROBLEMS_PER_FILE = 20
# A file that fails in a way no check foresaw (a bug, a database error): its transaction is rolled
# back like any refused file's, the problem is named on one line, and the other files still go in.
UNEXPECTED = "could not be imported"
CANCEL_CHECK_EVERY = 256  # documents between checks of ``cancelled`` inside one large file


@dataclass
class ImportProblem:
    path: Path
    line: int | None
    message: str
    ambiguous_offsets: bool = False  # cured by naming the offset unit (``offsets=``), not by editing the file

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line is not None else f"{self.path}: {self.message}"


class Duplicate(tuple):
    """A record whose text was already stored; unpacks as ``(path, name)``.

    ``line`` and ``where`` ("item 3: ") locate the record as in ``ImportProblem``;
    ``earlier`` names the first copy when it is in the same file ("line 2",
    "item 1"), and is "" when the text was already in the project.
    """

    def __new__(cls, path: Path, name: str, line: int | None = None, where: str = "", earlier: str = "") -> Duplicate:
        self = super().__new__(cls, (path, name))
        self.path, self.name, self.line, self.where, self.earlier = path, name, line, where, earlier
        return self

    def __str__(self) -> str:
        return self.describe(str(self.path))

    def describe(self, file_name: str) -> str:
        """The message, naming the file as ``file_name`` (a full path, or just its name)."""
        place = f"{file_name}:{self.line}: " if self.line is not None else f"{file_name}: "
        what = f"repeats {self.earlier} of the same file" if self.earlier else "is already in the project"
        return f"{place}{self.where}{self.name!r} {what}"


@dataclass
class ImportReport:
    imported: list[Path] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    failed: list[ImportProblem] = field(default_factory=list)
    documents_added: int = 0
    spans_added: int = 0
    actors_added: int = 0  # actor entries created for kb_ids the project did not know
    skipped: int = 0  # files of an unknown type found in folders
    not_imported: list[Path] = field(default_factory=list)  # left over by a cancel
    cancelled: bool = False
    # per imported file: what its records hold that Annotator does not keep (relations, ...) -> how many
    left_out: dict[Path, Counter[str]] = field(default_factory=dict)
    # attribute values left out of imported files, with why (only with ``skip_refused_values``)
    refused_values: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def failed_files(self) -> list[Path]:
        return list(dict.fromkeys(problem.path for problem in self.failed))

    def left_out_lines(self, name: Callable[[Path], str] = str) -> list[str]:
        """One line per file that held things not imported: ``FILE: relations: 3, Label Studio choices results: 1``."""
        return [
            f"{name(path)}: " + ", ".join(f"{what}: {count}" for what, count in sorted(counts.items()))
            for path, counts in self.left_out.items()
        ]

    @property
    def ambiguous_files(self) -> list[Path]:
        """Files refused only because their offset unit cannot be told: importable once it is named."""
        refused = {problem.path for problem in self.failed if not problem.ambiguous_offsets}
        return [path for path in self.failed_files if path not in refused]

    def absorb_retry(self, retry: ImportReport) -> None:
        """Fold in a second import of some of the failed files: their old problems give way to its outcome."""
        retried = set(retry.imported) | set(retry.failed_files) | set(retry.not_imported)
        self.failed = [problem for problem in self.failed if problem.path not in retried] + retry.failed
        self.imported += retry.imported
        self.duplicates += retry.duplicates
        self.documents_added += retry.documents_added
        self.spans_added += retry.spans_added
        self.actors_added += retry.actors_added
        self.not_imported += retry.not_imported
        self.left_out.update(retry.left_out)
        self.cancelled = self.cancelled or retry.cancelled


@dataclass
class _Job:
    source: SourceFile
    importer: Importer


def default_annotator() -> str:
    """The login name, or "annotator" when there is none or it breaks the annotator-name rule."""
    try:
        name = getpass.getuser().strip()
    except Exception:  # no login name in this environment (containers, services)
        return "annotator"
    return name if name and annotator_name_problem(name) is None else "annotator"


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
    own_files = database_files(project_path)
    format_files = {name for importer in registry.values() for name in getattr(importer, "folder_files", ())}
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
                elif path.name not in format_files:
                    report.skipped += 1
                continue
            job = _job(path, importer)
            jobs.setdefault(job.source.path.resolve(), job)
    return list(jobs.values())


# ---------------------------------------------------------------- importing
class _FileFailed(Exception):
    def __init__(self, problems: list[RecordError]) -> None:
        super().__init__(counted(len(problems), "problem"))
        self.problems = problems


class _Cancelled(Exception):
    pass


@dataclass
class _FileResult:
    documents: int = 0
    spans: int = 0
    actors: int = 0
    duplicates: list[Duplicate] = field(default_factory=list)
    problems: list[RecordError] = field(default_factory=list)
    records: int = 0
    left_out: Counter[str] = field(default_factory=Counter)
    refused: list[RecordError] | None = None  # attribute values left out, when the caller skips them


@dataclass(frozen=True, slots=True)
class _Place:
    """Where a queued record is in its file, and whether it is one annotator's layer of its document."""

    line: int | None
    where: str  # "item 3: " in a JSON list, else ""
    layer: bool  # our own export: one record per document and annotator

    def describe(self) -> str:
        return f"line {self.line}" if self.line is not None else self.where.rstrip(": ")


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


class _Tally:
    """Counts what the writer did with each queued document, in queue order.

    A text already in the project is named once per file. A text repeated inside
    the file is named at each repeat that brings nothing: no new spans, and not
    another annotator's layer of the document (our JSONL export has one record
    per document and annotator).
    """

    def __init__(self, path: Path, result: _FileResult) -> None:
        self.path, self.result = path, result
        self.pending: deque[_Place] = deque()
        self.first_copy: dict[int, _Place] = {}  # documents this file created
        self.named: set[int] = set()  # documents already in the project, named once

    def queued(self, place: _Place) -> None:
        self.pending.append(place)

    def count(self, written: list[Written]) -> None:
        for outcome in written:
            place = self.pending.popleft()
            self.result.spans += outcome.spans_added
            self.result.actors += outcome.actors_created
            if outcome.created:
                self.result.documents += 1
                self.first_copy[outcome.doc_id] = place
            elif outcome.doc_id in self.first_copy:
                if not outcome.spans_added and not place.layer:
                    earlier = self.first_copy[outcome.doc_id].describe()
                    self._name(outcome, place, earlier)
            elif outcome.doc_id not in self.named:
                self.named.add(outcome.doc_id)
                self._name(outcome, place, "")

    def _name(self, outcome: Written, place: _Place, earlier: str) -> None:
        self.result.duplicates.append(Duplicate(self.path, outcome.name, place.line, place.where, earlier))


def _prepared(
    job: _Job, result: _FileResult, *, offsets: str, annotator: str, attributes: AttributeSchema | None = None
) -> Iterator[tuple[_Place, QueuedDocument]]:
    """Canonical documents of the file, until the first problem; then only problems are collected."""
    source_name = str((job.source.companion or job.source.path).resolve())
    for record in _records(job, result):
        result.records += 1
        source = source_name if record.line is None else f"{source_name}:{record.line}"
        prepared, errors = prepare(
            record, offsets=offsets, default_annotator=annotator, encoding=job.source.encoding, source=source,
            attributes=attributes, refused=result.refused,
        )
        result.left_out.update(record.left_out)  # after prepare: it counts attributes the project lacks
        result.problems += errors
        if prepared is not None and not result.problems:
            yield _Place(record.line, record.where, record.native and bool(record.annotator)), prepared


def _import_file(project: Project, job: _Job, *, offsets: str, annotator: str, cancelled: Callable[[], bool] | None,
                 lines_read: Callable[[int], None] | None = None, skip_refused_values: bool = False) -> _FileResult:
    result = _FileResult(refused=[] if skip_refused_values else None)
    attributes: dict[str, dict[str, Any]] = {}
    for attribute in project.attribute_defs():
        attributes.setdefault(attribute.label, {})[attribute.name] = attribute
    documents = _prepared(job, result, offsets=offsets, annotator=annotator, attributes=attributes)
    tally = _Tally(job.source.path, result)
    with project.transaction():
        writer = BulkWriter(project)
        for count, (place, document) in enumerate(documents, 1):
            if count % CANCEL_CHECK_EVERY == 0:
                if lines_read is not None and place.line is not None:
                    lines_read(place.line)
                if cancelled is not None and cancelled():
                    raise _Cancelled
            tally.queued(place)
            tally.count(writer.add(document))
        # The reader is done: result.records and result.problems are final.
        if not result.records and not result.problems:
            result.problems.append(RecordError("no documents in the file; nothing imported"))
        if result.problems:
            raise _FileFailed(result.problems)  # rolls the whole file back
        tally.count(writer.flush())
    return result


def _problems(path: Path, errors: list[RecordError]) -> list[ImportProblem]:
    errors = _first_ambiguity_only(errors)
    shown = [ImportProblem(path, e.line, e.message, isinstance(e, AmbiguousOffsets)) for e in errors[:MAX_PROBLEMS_PER_FILE]]
    if len(errors) > MAX_PROBLEMS_PER_FILE:
        shown.append(ImportProblem(path, None, f"... and {counted(len(errors) - MAX_PROBLEMS_PER_FILE, 'more problem')}"))
    return shown


def _first_ambiguity_only(errors: list[RecordError]) -> list[RecordError]:
    """Ambiguous offsets have one cure for the whole file (--offsets): name the first, count the rest."""
    ambiguous = [e for e in errors if isinstance(e, AmbiguousOffsets)]
    if len(ambiguous) < 2:
        return errors
    first, more = ambiguous[0], f" ({counted(len(ambiguous) - 1, 'more record')} like this)"
    kept: list[RecordError] = []
    for error in errors:
        if error is first:
            kept.append(AmbiguousOffsets(first.message + more, first.line))
        elif not isinstance(error, AmbiguousOffsets):
            kept.append(error)
    return kept


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:199] + "…"


def import_paths(
    project: Project,
    paths: Sequence[Path],
    *,
    annotator: str | None = None,
    offsets: str = "auto",
    progress: Callable[[int, int, Path], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    lines_read: Callable[[int], None] | None = None,
    skip_refused_values: bool = False,
) -> ImportReport:
    """Import files and folders (recursively); see the module docstring for the guarantees.

    ``progress(files done, files, path)`` hears of each file; inside a large line-based file
    (JSONL), ``lines_read(line)`` hears how far the reading got, and ``cancelled()`` is asked,
    every ``CANCEL_CHECK_EVERY`` records. ``skip_refused_values`` (a merge): an attribute value the
    project's attributes refuse is left out (its span comes in) and listed in ``refused_values``,
    instead of refusing its file.
    """
    if offsets not in OFFSET_MODES:
        raise ValueError(f"unknown offsets {offsets!r}; expected one of {', '.join(OFFSET_MODES)}")
    report = ImportReport()
    jobs = _plan(paths, report, project.path)
    name = (annotator or "").strip() or default_annotator()
    problem = annotator_name_problem(name)
    if problem:  # the CLI and the window check first; this keeps every caller to the rule
        raise ValueError(f"--annotator {name!r}: {problem}")
    for done, job in enumerate(jobs):
        path = job.source.path
        if progress is not None:
            progress(done, len(jobs), path)
        if cancelled is not None and cancelled():
            report.cancelled, report.not_imported = True, [j.source.path for j in jobs[done:]]
            break
        try:
            result = _import_file(project, job, offsets=offsets, annotator=name, cancelled=cancelled, lines_read=lines_read,
                                  skip_refused_values=skip_refused_values)
        except _Cancelled:
            report.cancelled, report.not_imported = True, [j.source.path for j in jobs[done:]]
            break
        except _FileFailed as exc:
            report.failed += _problems(path, exc.problems)
            continue
        except OSError as exc:
            report.failed.append(ImportProblem(path, None, f"cannot read the file ({exc.strerror or exc})"))
            continue
        except sqlite3.Error as exc:  # the project could not take it (a full disk): name the project, not only the source
            report.failed.append(ImportProblem(path, None, f"not imported: {project_error(project.path, exc)}"))
            continue
        except Exception as exc:  # noqa: BLE001 - one file's surprise must not stop the others
            log.exception("importing %s failed", path)
            report.failed.append(ImportProblem(path, None, f"{UNEXPECTED} ({_one_line(exc)}); nothing imported"))
            continue
        report.imported.append(path)
        report.documents_added += result.documents
        report.spans_added += result.spans
        report.actors_added += result.actors
        report.duplicates += result.duplicates
        if result.left_out:
            report.left_out[path] = result.left_out
        report.refused_values += [ImportProblem(path, e.line, e.message) for e in result.refused or ()]
    if progress is not None and jobs and not report.cancelled:
        progress(len(jobs), len(jobs), jobs[-1].source.path)
    return report


def import_samples(project: Project) -> str:
    """Seed a project with the bundled sample documents; returns what happened, to show the user.

    When this installation has no samples, nothing is imported and the message
    (also logged) says so and where they were looked for.
    """
    folder = paths.sample_docs_dir()
    if folder is None:
        message = paths.samples_missing_message()
        log.warning(message)
        return message
    report = import_paths(project, [folder])
    for problem in report.failed:
        log.warning("sample document not imported: %s", problem)
    return f"Opened the sample documents ({report.documents_added} imported from {folder})"
