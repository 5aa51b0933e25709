"""Bringing a colleague's work in: ``annotator merge PROJECT SOURCE... [--rename OLD=NEW] [--annotator NAME]``.

A SOURCE is a colleague's project file (read as untrusted input by
``store.colleague``) or any file the importers read, such as a native JSONL
export. An import file is first imported, with the import helper's own code,
into a scratch project in a temporary folder; that scratch project is then
merged like a colleague's (a scratch folder a killed merge left behind is removed
by the next merge). So both kinds of source share one merge path:
documents matched by the SHA-256 of their text, spans deduplicated, renames
applied, and one transaction per source (a refused source changes nothing).

Progress: ``reading(done, total)`` hears how many lines of an import file the scratch
import has read, every few hundred records, and ``cancelled()`` is asked as often: a
cancel there leaves nothing half-written (only the scratch project had been written, and
it goes). ``progress(done, total)`` then hears the merge itself, once per batch; the merge
is one transaction and is not cancelled halfway.

Every document text is checked by the one rule of ``core.text.text_problem``
(in ``store.colleague``), whichever kind of file it came from. An import file whose records name no
annotator is refused unless ``--annotator`` says whose work it is: filing it
under the reviewer's login name would pass it off as the reviewer's. An attribute value this
project's attributes refuse (outside the choices, of an attribute the label lacks here) is left out,
its span merged, counted in the summary and named with its file and line, as a project file's merge
does; any other problem of an import file refuses it whole.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from annotator.core.model import annotator_name_problem
from annotator.core.wording import counted, counted_things
from annotator.io import leftovers
from annotator.io.importing import import_paths, importable_suffixes
from annotator.store import Project
from annotator.store.colleague import MergeSummary, Progress, merge_colleague, read_colleague
from annotator.store.colleague_attributes import refuse_value
from annotator.store.schema import is_sqlite

SCRATCH_PREFIX = "annotator-merge-"
NO_ANNOTATOR_HINT = "names no annotator; pass --annotator NAME"
MAX_LINES_NAMED = 3
READ_CHUNK = 1 << 20  # bytes read at a time when counting an import file's lines


class MergeError(ValueError):
    """A source that cannot be merged; the message says which and why. Nothing was merged from it."""


class MergeCancelled(MergeError):
    """The user stopped the reading of an import file: nothing of it was merged."""


class MissingAnnotatorError(MergeError):
    """An import file has spans whose record names no annotator, and no --annotator was given."""

    def __init__(self, places: list[str]) -> None:
        also = f" (also {', '.join(places[1:])})" if len(places) > 1 else ""
        super().__init__(f"{places[0]}: {NO_ANNOTATOR_HINT}{also}")
        self.places = places  # 'FILE:LINE' of the first records naming nobody


def parse_renames(values: Sequence[str]) -> dict[str, str]:
    """``["OLD=NEW", ...]`` -> {OLD: NEW}; malformed or conflicting entries raise ValueError."""
    renames: dict[str, str] = {}
    for value in values:
        old, sep, new = value.partition("=")
        old, new = old.strip(), new.strip()
        if not sep or not old or not new:
            raise ValueError(f"--rename {value!r}: expected OLD=NEW, e.g. --rename ana=ana.k")
        if renames.get(old, new) != new:
            raise ValueError(f"--rename {old}: given twice ({renames[old]} and {new})")
        problem = annotator_name_problem(old) or annotator_name_problem(new)
        if problem:
            raise ValueError(f"--rename {value!r}: {problem}; the gold layer cannot be renamed, nor anyone renamed to it")
        renames[old] = new
    return renames


def _unnamed_records(scratch: Project, placeholder: str, source: Path) -> list[str]:
    """Where the records whose spans fell to ``placeholder`` are: 'FILE:LINE' (or 'FILE: record TITLE')."""
    places: list[str] = []
    for document in scratch.iter_documents(scratch.documents_annotated_by(placeholder, MAX_LINES_NAMED)):
        line = document.source.rpartition(":")[2]
        places.append(f"{source}:{line}" if line.isdigit() else f"{source}: record {document.title!r}")
    return places


def _line_count(path: Path) -> int:
    """How many lines the file has (the last one counts without its line break), read in chunks."""
    lines, last = 0, b"\n"
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(READ_CHUNK), b""):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


def _merge_import_file(project: Project, source: Path, renames: Mapping[str, str], annotator: str | None,
                       progress: Progress | None, reading: Progress | None,
                       cancelled: Callable[[], bool] | None) -> MergeSummary:
    # Spans of records naming nobody are filed under a placeholder no real name can be, then looked for.
    placeholder = annotator or f"<no annotator {uuid.uuid4().hex}>"
    _remove_abandoned_scratch()
    lines = _line_count(source) if reading is not None else 0
    lines_read = None if reading is None else (lambda line: reading(min(line, lines), lines))
    with tempfile.TemporaryDirectory(prefix=SCRATCH_PREFIX) as tmp:
        lock = leftovers.hold_folder(Path(tmp))
        try:
            scratch_path = Path(tmp) / "scratch.annotator"
            if reading is not None:
                reading(0, lines)
            with Project.open(scratch_path) as scratch:
                scratch.adopt_attribute_defs(project.attribute_defs())  # values checked against this project's
                report = import_paths(scratch, [source], annotator=placeholder, lines_read=lines_read, cancelled=cancelled,
                                      skip_refused_values=True)  # as a project file's merge does
                unnamed = [] if annotator or report.cancelled else _unnamed_records(scratch, placeholder, source)
            if report.cancelled:
                raise MergeCancelled(f"{source}: cancelled while it was read; nothing merged from it")
            if reading is not None:
                reading(lines, lines)
            if not report.ok:
                problems = "; ".join(_where(p.line) + p.message for p in report.failed[:3])
                raise MergeError(f"{source}: cannot be imported ({problems})")
            if not report.imported:
                raise MergeError(f"{source}: not a project file nor a file Annotator can import")
            if unnamed:
                raise MissingAnnotatorError(unnamed)
            with read_colleague(scratch_path) as colleague:
                colleague.path = source
                summary = merge_colleague(project, colleague, renames, progress)
            for problem in report.refused_values:
                refuse_value(summary, str(problem))
        finally:
            os.close(lock)
    summary.info.append("spans from an import file get the time of the merge as their timestamps")
    return summary


def _remove_abandoned_scratch() -> None:
    """Scratch folders of merges that were killed (no running merge holds their lock) go."""
    for entry in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*"):
        if entry.is_dir() and leftovers.abandoned(entry):
            leftovers.remove(entry)


def merge_source(project: Project, source: str | Path, renames: Mapping[str, str] | None = None,
                 annotator: str | None = None, progress: Progress | None = None, reading: Progress | None = None,
                 cancelled: Callable[[], bool] | None = None) -> MergeSummary:
    """Merge one SOURCE into ``project`` in one transaction; MergeError or ProjectError refuses it whole.

    ``annotator`` owns the spans of an import file's records that name nobody
    (without it such a file is refused with MissingAnnotatorError). ``progress(done, total)``
    is called once per batch of the merge (see ``merge_colleague``). An import file is first
    read into a scratch project: ``reading(lines read, lines)`` hears how far, every few hundred
    records, and ``cancelled()``, asked as often, stops it with MergeCancelled (nothing merged).
    """
    source = Path(source)
    renames = dict(renames or {})
    annotator = (annotator or "").strip() or None
    problem = annotator_name_problem(annotator) if annotator is not None else None
    if problem:
        raise ValueError(f"--annotator {annotator!r}: {problem}")
    if not source.is_file():
        raise MergeError(f"{source}: no such file")
    if source.resolve() == Path(project.path).resolve():
        raise MergeError(f"{source}: is the project itself")
    if is_sqlite(source):
        with read_colleague(source) as colleague:
            return merge_colleague(project, colleague, renames, progress)
    if source.suffix.lower() not in importable_suffixes():
        raise MergeError(f"{source}: neither an Annotator project nor a file Annotator can import")
    return _merge_import_file(project, source, renames, annotator, progress, reading, cancelled)


def _where(line: int | None) -> str:
    return "" if line is None else f"line {line}: "


def format_summary(summary: MergeSummary) -> list[str]:
    """Readable lines for the CLI and the GUI."""
    lines = [
        f"{summary.source}: {counted(summary.documents_added, 'document')} added, {summary.documents_matched:,} matched, "
        f"{counted(summary.spans_total, 'span')} added, {summary.spans_present:,} already present"
    ]
    for name, count in sorted(summary.spans_added.items()):
        lines.append(f"  spans added for {name}: {count}")
    for name, count in sorted(summary.relations_added.items()):
        lines.append(f"  relations added for {name}: {count}")
    if summary.relations_present:
        lines.append(f"  relations already present: {summary.relations_present}")
    if summary.attribute_values_added:
        lines.append(f"  attribute values brought in: {summary.attribute_values_added}")
    if summary.relation_labels_added:
        lines.append(f"  relation labels added: {', '.join(summary.relation_labels_added)}")
    if summary.statuses_set:
        lines.append(f"  statuses brought in: {summary.statuses_set}")
    if summary.rejections_added:
        lines.append(f"  rejected regions brought in: {summary.rejections_added}")
    if summary.relation_rejections_added:
        lines.append(f"  rejected relation pairs brought in: {summary.relation_rejections_added}")
    if summary.labels_added:
        lines.append(f"  labels added: {', '.join(summary.labels_added)}")
    for reason, count in sorted(summary.skipped.items()):
        lines.append(f"  skipped {counted_things(count, reason)}")
    lines += [f"  note: {note}" for note in summary.info + summary.notes]
    return lines
