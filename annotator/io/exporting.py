"""Export a project as training data: choose records, split by document, stream them to a format.

``export_project`` checks the request (format, labels, annotators, statuses),
walks the selected records in document order (two streamed queries joined
here, never a list of the corpus), hands each record to the format's writer
and writes every output through a temporary file (or folder) in the same
folder, renamed into place only when the whole export succeeded: an error or
a cancel leaves no half-written file.

Identical spans (same document, offsets, label and annotator, e.g. from an old
project) are written once, their notes merged by ``store.bulk.merge_notes``: the
importer applies the same rule, so export -> import -> export gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from annotator.core.model import DOC_STATUSES, GOLD_ANNOTATOR
from annotator.io.exporters._base import (
    LEAVE_OUT,
    NEGATIVE,
    ExportContext,
    ExportDocument,
    ExportError,
    ExportOptions,
    ExportRecord,
    ExportSummary,
    Output,
    Writer,
)
from annotator.io.exporters._outputs import AtomicFile, AtomicFolder, Stdout, file_target, is_stream_target
from annotator.io.registry import exporters
from annotator.store import Project
from annotator.store.bulk import merge_notes
from annotator.store.export_queries import (
    RecordRow,
    RelationRow,
    Selection,
    SpanRow,
    annotators_with_work,
    count_records,
    first_record_row,
    has_selected_spans,
    iter_record_rows,
    iter_relation_rows,
    iter_span_rows,
    known_labels,
)
from annotator.store.schema import database_files

__all__ = ["ExportError", "ExportOptions", "ExportSummary", "export_project", "parse_split", "exporter_names"]

ProgressCallback = Callable[[int, int], None]
PROGRESS_INTERVAL = 0.1  # seconds between progress reports (cancel is checked before every record)


def exporter_names() -> list[str]:
    return sorted(exporters())


def get_exporter(name: str) -> Any:
    registry = exporters()
    if name not in registry:
        raise ExportError(f"unknown format {name!r}; known: {', '.join(sorted(registry))}")
    return registry[name]


# ------------------------------------------------------------------ splits
def parse_split(text: str) -> dict[str, float]:
    """``"train=0.8,dev=0.1,test=0.1"`` -> ratios normalized to sum 1; ValueError when malformed."""
    ratios: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        name = name.strip()
        try:
            ratio = float(value)
        except ValueError:
            ratio = -1.0
        if not math.isfinite(ratio):  # nan, inf: no cut point
            ratio = -1.0
        if not sep or not name or ratio < 0 or not name.replace("-", "").replace("_", "").isalnum():
            raise ValueError(f"{part!r}: expected NAME=RATIO, e.g. train=0.8,dev=0.1,test=0.1")
        if name in ratios:
            raise ValueError(f"split {name!r} is named twice")
        ratios[name] = ratio
    total = sum(ratios.values())
    if len(ratios) < 2 or total <= 0:
        raise ValueError("give at least two splits with a positive ratio, e.g. train=0.8,dev=0.2")
    return {name: ratio / total for name, ratio in ratios.items()}


def split_point(uid: str, seed: int) -> float:
    """Where a document falls in [0, 1): the first 8 bytes of SHA-256 of ``"SEED:UID"`` as a fraction."""
    digest = hashlib.sha256(f"{seed}:{uid}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def split_of(uid: str, ratios: dict[str, float], seed: int) -> str:
    """The split of one document: its point cut at the cumulative ratios.

    A pure function of (seed, uid): a document stays in its split whatever the
    filters or the other documents, so a test document never leaks into train.
    """
    point, cumulative = split_point(uid, seed), 0.0
    for name, ratio in ratios.items():
        cumulative += ratio
        if point < cumulative:
            return name
    return next(name for name in reversed(ratios) if ratios[name] > 0)  # the sum fell a hair under 1


def split_path(out: Path, split: str | None, suffix: str) -> Path:
    """``out.jsonl`` -> ``out.train.jsonl``; a folder ``out`` -> ``out.train``."""
    if split is None:
        return out
    if out.suffix and suffix:
        return out.with_name(f"{out.stem}.{split}{out.suffix}")
    return out.with_name(f"{out.name}.{split}{suffix}")


def sidecar_path(out: Path, suffix: str, tail: str) -> Path:
    stem = out.name[: -len(out.suffix)] if out.suffix and suffix else out.name
    return out.with_name(stem + tail)


# ------------------------------------------------------------------ outputs
def _refuse_project_files(project: Project, paths: list[Path], folders: bool) -> None:
    """An output named like the project (or its -wal/-shm) would replace the project itself;
    a folder output (replaced whole) must not hold any of them, however deep."""
    protected = database_files(project.path) | database_files(Path(os.path.abspath(project.path)), resolve=False)
    for path in paths:
        target = path.resolve()
        if target in protected:
            raise ExportError(f"{path} is the project file itself; choose another output")
        if folders and any(target in p.parents for p in protected):
            raise ExportError(f"{path} holds the project {project.path}: a folder export replaces its folder whole;"
                              " nothing was changed: choose another folder")


# ------------------------------------------------------------------ checking
def resolve_untouched(exporter: Any, options: ExportOptions) -> ExportOptions:
    """``options`` with ``untouched`` set to the format's default when not given; refused when the format cannot."""
    mode = options.untouched or exporter.untouched_default
    if mode not in exporter.untouched_choices:
        choices = " or ".join(exporter.untouched_choices)
        raise ExportError(
            f"the {exporter.name} format cannot mark a record as not annotated (its tags have no 'unknown'); "
            f"--untouched must be {choices} ({NEGATIVE}: written as documents without entities)"
        )
    return dataclasses.replace(options, untouched=mode)


def _selection(project: Project, options: ExportOptions) -> Selection:
    if project.document_count() == 0:
        raise ExportError("the project has no documents; nothing to export")
    unknown_status = [s for s in options.statuses if s not in DOC_STATUSES]
    if unknown_status:
        raise ExportError(f"unknown status {unknown_status[0]!r}; known: {', '.join(DOC_STATUSES)}")
    labels = known_labels(project)
    unknown_labels = [name for name in options.labels if name not in labels]
    if unknown_labels:
        raise ExportError(f"unknown label {unknown_labels[0]!r}; known labels: {', '.join(labels) or '(none)'}")
    annotators = tuple(dict.fromkeys(options.annotators))
    if options.gold:
        if annotators and annotators != (GOLD_ANNOTATOR,):
            raise ExportError("--gold exports only the reviewed layer; leave out --annotator or name only 'gold'")
        annotators = (GOLD_ANNOTATOR,)
    names = project.annotators(include_gold=True)
    missing = [a for a in annotators if a not in names]
    if missing:
        if missing == [GOLD_ANNOTATOR]:
            raise ExportError("the project has no reviewed (gold) spans yet; review documents first")
        raise ExportError(f"unknown annotator {missing[0]!r}; known: {', '.join(names) or '(none)'}")
    return Selection(annotators, tuple(dict.fromkeys(options.statuses)), tuple(dict.fromkeys(options.labels)),
                     untouched=options.untouched != LEAVE_OUT)


def _describe(selection: Selection) -> str:
    parts = []
    if selection.annotators:
        parts.append("annotator " + ", ".join(selection.annotators))
    if selection.statuses:
        parts.append("status " + ", ".join(selection.statuses))
    return "; ".join(parts) or "no filter"


def _exported_labels(project: Project, selection: Selection) -> list[str]:
    labels = known_labels(project)
    return [name for name in labels if name in selection.labels] if selection.labels else labels


# ------------------------------------------------------------------ records
def _take_spans(spans: Iterator[SpanRow], pending: SpanRow | None, doc_id: int,
                annotator: str) -> tuple[list[tuple[int, int, str, str | None]], SpanRow | None, list[dict] | None,
                                         list[tuple[str, str] | None] | None]:
    """The spans of one record from the span cursor (identical ones merged), the next row, the spans'
    attribute values (None when no span has any; an identical span's values are the first's) and their
    actor links as (kb_id, actor name) (None when no span has one)."""
    items: list[tuple[int, int, str, str | None]] = []
    attributes: list[dict] = []
    actors: list[tuple[str, str] | None] = []
    last = None
    repeats: dict[int, list[str | None]] | None = None
    while pending is not None and pending[0] == doc_id and pending[1] == annotator:
        key = pending[2:5]
        if key == last:  # rows come sorted, so identical spans are neighbours
            repeats = repeats if repeats is not None else {}
            repeats.setdefault(len(items) - 1, [items[-1][3]]).append(pending[5])
        else:
            items.append(pending[2:6])
            attributes.append(orjson.loads(pending[6]) if pending[6] else {})
            actors.append(tuple(orjson.loads(pending[7])) if pending[7] else None)  # type: ignore[arg-type]
            last = key
        pending = next(spans, None)
    if repeats:
        for index, notes in repeats.items():
            items[index] = (*items[index][:3], merge_notes(notes))
    return items, pending, attributes if any(attributes) else None, actors if any(actors) else None


def _attach_relations(record: ExportRecord, rows: list[RelationRow]) -> ExportRecord:
    """Relations of the record as indexes into its spans (identical spans are one)."""
    if rows:
        where = {item[:3]: index for index, item in enumerate(record.spans)}
        for row in rows:
            head, child = where.get(row[2:5]), where.get(row[5:8])
            if head is None or child is None:
                record.relations_dropped += 1
            else:
                record.relations.append((head, child, row[8]))
    return record


def _take_relations(relations: Iterator[RelationRow], pending: RelationRow | None,
                    key: tuple[int, str]) -> tuple[list[RelationRow], RelationRow | None]:
    while pending is not None and (pending[0], pending[1]) < key:
        pending = next(relations, None)
    taken = []
    while pending is not None and (pending[0], pending[1]) == key:
        taken.append(pending)
        pending = next(relations, None)
    return taken, pending


def iter_records(project: Project, selection: Selection) -> Iterator[ExportRecord]:
    """The selected records in document, then annotator order, each with its spans and relations."""
    spans = iter_span_rows(project, selection)
    pending = next(spans, None)
    relations = iter_relation_rows(project, selection)
    pending_relation = next(relations, None)
    document: ExportDocument | None = None
    for doc_id, uid, title, text, meta, annotator, status, untouched in iter_record_rows(project, selection):
        if document is None or document.id != doc_id:
            document = ExportDocument(doc_id, uid, title, text, meta)
        items: list[tuple[int, int, str, str | None]] = []
        attributes = None
        if annotator is not None:
            key = (doc_id, annotator)
            while pending is not None and (pending[0], pending[1]) < key:
                pending = next(spans, None)  # spans of a record the status filter left out
            items, pending, attributes, actors = _take_spans(spans, pending, doc_id, annotator)
            linked, pending_relation = _take_relations(relations, pending_relation, key)
            yield _attach_relations(ExportRecord(document, annotator, status, items, bool(untouched),
                                                 attributes=attributes, actors=actors), linked)
            continue
        yield ExportRecord(document, annotator, status, items, bool(untouched))


def _count_relations(summary: ExportSummary, record: ExportRecord, written: bool) -> None:
    summary.relations_in_records += len(record.relations) + record.relations_dropped
    if record.relations_dropped:
        summary.relations_left_out["an end's label was not exported"] += record.relations_dropped
    if record.relations and not written:
        summary.relations_left_out["this format has no place for relations"] += len(record.relations)


def _one_record(project: Project, selection: Selection, row: RecordRow) -> ExportRecord:
    doc_id, uid, title, text, meta, annotator, status, untouched = row
    items: list[tuple[int, int, str, str | None]] = []
    attributes = None
    if annotator is not None:
        spans = iter_span_rows(project, selection, doc_id=doc_id, annotator=annotator)
        items, _rest, attributes, actors = _take_spans(spans, next(spans, None), doc_id, annotator)
        record = ExportRecord(ExportDocument(doc_id, uid, title, text, meta), annotator, status, items, bool(untouched),
                              attributes=attributes, actors=actors)
        return _attach_relations(record, list(iter_relation_rows(project, selection, doc_id=doc_id, annotator=annotator)))
    return ExportRecord(ExportDocument(doc_id, uid, title, text, meta), annotator, status, items, bool(untouched))


def _context(project: Project, selection: Selection, options: ExportOptions, summary: ExportSummary) -> ExportContext:
    several = len(annotators_with_work(project, selection)) > 1
    return ExportContext(options, _exported_labels(project, selection), summary, several_annotators=several,
                         attribute_defs=project.attribute_defs())


# ------------------------------------------------------------------ driver
class _Run:
    """One export: its writers (one per split) and their outputs."""

    def __init__(self, exporter: Any, context: ExportContext, out: Path | None, stdout: BinaryIO | None,
                 splits: list[str | None]) -> None:
        self.exporter, self.context, self.out = exporter, context, out
        self.targets: dict[str | None, Any] = {}
        self.writers: dict[str | None, Writer] = {}
        try:
            for split in splits:
                target = self._target(split, stdout)
                self.targets[split] = target
                context.summary.notes += getattr(target, "recovered", [])
                self.writers[split] = exporter.open(target.output(), context)
        except BaseException:
            self.abort()
            raise

    def _target(self, split: str | None, stdout: BinaryIO | None) -> Any:
        if self.out is None:
            return Stdout(stdout if stdout is not None else sys.stdout.buffer)
        path = split_path(self.out, split, self.exporter.suffix)
        return AtomicFolder(path) if self.exporter.layout == "folder" else file_target(path)

    def finish(self) -> list[Path]:
        for writer in self.writers.values():
            writer.close()
        sidecars: list[AtomicFile] = []
        try:
            if self.out is not None and not is_stream_target(self.out):
                for tail, content in self.exporter.sidecars(self.context).items():
                    sidecar = AtomicFile(sidecar_path(self.out, self.exporter.suffix, tail))
                    sidecars.append(sidecar)
                    sidecar.stream.write(content)
            elif self.exporter.sidecars(self.context):  # stdout, a FIFO or a device: no file beside it
                self.context.summary.notes.append("label list not written: it needs an output file (-o FILE)")
        except BaseException:
            for sidecar in sidecars:
                sidecar.abort()
            raise
        written = []
        for target in [*self.targets.values(), *sidecars]:
            target.commit()
            if not isinstance(target, Stdout):
                written.append(target.path)
        return written

    def abort(self) -> None:
        for target in self.targets.values():
            target.abort()


def export_project(
    project: Project,
    options: ExportOptions,
    out: Path | None = None,
    *,
    stdout: BinaryIO | None = None,
    progress: ProgressCallback | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ExportSummary:
    """Export the records ``options`` select to ``out`` (stdout for line formats when None).

    ``progress(done, total)`` is called at the start, at most every
    ``PROGRESS_INTERVAL`` seconds and at the end; ``cancelled()`` before every record.
    """
    exporter = get_exporter(options.format)
    if out is None and (exporter.layout == "folder" or options.split):
        raise ExportError(f"the {exporter.name} format{' with --split' if options.split else ''} needs an output path (-o)")
    options = resolve_untouched(exporter, options)
    selection = _selection(project, options)
    total, documents = count_records(project, selection)
    left_out = (0, 0)
    if not selection.untouched:
        every, every_document = count_records(project, dataclasses.replace(selection, untouched=True))
        left_out = (every - total, every_document - documents)
    if total == 0:
        untouched = (f" once {left_out[0]} untouched records (no span, not marked done) are left out; "
                     "--untouched include or negative writes them" if left_out[0] else "")
        raise ExportError(f"no records match the filters ({_describe(selection)}){untouched}; nothing written")
    if selection.labels and not has_selected_spans(project, selection):
        raise ExportError(f"no spans with label {', '.join(selection.labels)} for {_describe(selection)}; nothing written")
    summary = ExportSummary(untouched_left_out=left_out)
    context = _context(project, selection, options, summary)
    splits: list[str | None] = list(options.split) if options.split else [None]
    if out is not None:
        tails = exporter.sidecars(context)
        if options.split and is_stream_target(out):
            raise ExportError(f"{out} is not a regular file: --split writes one file per split; give a file name")
        _refuse_project_files(project, [split_path(out, split, exporter.suffix) for split in splits]
                              + [sidecar_path(out, exporter.suffix, tail) for tail in tails],
                              folders=exporter.layout == "folder")
    run = _Run(exporter, context, out, stdout, splits)
    try:
        _write_all(project, selection, run, total, progress, cancelled)
        if summary.cancelled:
            run.abort()
            return summary
        summary.files = run.finish()
    except BaseException as exc:
        run.abort()
        if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):  # a full disk, an I/O error
            raise ExportError(f"cannot write {out or 'to standard output'} ({exc.strerror or exc})") from exc
        raise
    _warn_empty_splits(summary, exporter, out)
    return summary


def _warn_empty_splits(summary: ExportSummary, exporter: Any, out: Path | None) -> None:
    for name, (split_documents, _records) in summary.splits.items():
        if split_documents == 0 and out is not None:
            summary.warnings.append(
                f"split {name!r} is empty: none of the {summary.documents} documents fell into it (each document's split "
                f"comes from its uid and the seed); {split_path(out, name, exporter.suffix)} was written empty"
            )


def _write_all(project: Project, selection: Selection, run: _Run, total: int,
               progress: ProgressCallback | None, cancelled: Callable[[], bool] | None) -> None:
    summary = run.context.summary
    options = run.context.options
    writer = run.writers.get(None)
    ratios = options.split or {}
    summary.splits = {name: [0, 0] for name in ratios}
    counts: list[int] = [0, 0]
    clock = time.monotonic
    if progress is not None:
        progress(0, total)
    reported, report_at = 0, clock() + PROGRESS_INTERVAL
    last_doc = None
    for record in iter_records(project, selection):
        if cancelled is not None and cancelled():
            summary.cancelled = True
            return
        if record.document.id != last_doc:
            last_doc = record.document.id
            summary.documents += 1
            if ratios:
                name = split_of(record.document.uid, ratios, options.seed)
                writer, counts = run.writers[name], summary.splits[name]
            counts[0] += 1
        counts[1] += 1
        summary.records += 1
        summary.spans_in_records += len(record.spans)
        if record.document.meta_left_out:
            summary.records_adjusted[f"with their document's meta left out ({record.document.meta_left_out})"] += 1
        _count_relations(summary, record, run.exporter.writes_relations)
        writer.write(record)
        if progress is not None and clock() >= report_at:
            progress(summary.records, total)
            reported, report_at = summary.records, clock() + PROGRESS_INTERVAL
    if progress is not None and reported != total:
        progress(total, total)


def preview_text(project: Project, options: ExportOptions, limit: int = 4000) -> str:
    """The first record as the chosen format writes it (a folder format: each file it writes)."""
    import io

    exporter = get_exporter(options.format)
    options = resolve_untouched(exporter, options)
    selection = _selection(project, options)
    row = first_record_row(project, selection)
    if row is None:
        return "(no records match the filters)"
    record = _one_record(project, selection, row)
    context = _context(project, selection, options, ExportSummary())
    if exporter.binary:
        from annotator.io.exporters.jsonl import native_line

        text = "(a binary file; the first record as native JSON:)\n" + native_line(record).decode("utf-8")
    elif exporter.layout == "folder":
        with tempfile.TemporaryDirectory(prefix="annotator-preview-") as tmp:
            writer = exporter.open(Output(folder=Path(tmp)), context)
            writer.write(record)
            files = sorted(p for p in Path(tmp).rglob("*") if p.is_file() and not p.name.startswith("."))
            parts = [f"── {p.relative_to(tmp).as_posix()}\n{p.read_text(encoding='utf-8')}" for p in files]
        text = "\n".join(parts)
    elif exporter.layout == "lines":
        buffer = io.BytesIO()
        writer = exporter.open(Output(stream=buffer), context)
        writer.write(record)
        writer.close()
        text = buffer.getvalue().decode("utf-8", errors="replace")
    else:
        raise ExportError(f"the {exporter.name} format has no preview")
    return text if len(text) <= limit else text[:limit] + "\n…"
