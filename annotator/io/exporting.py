"""Export a project as training data: choose records, split by document, stream them to a format.

``export_project`` checks the request (format, labels, annotators, statuses),
walks the selected records in document order (two streamed queries joined
here, never a list of the corpus), hands each record to the format's writer
and writes every output through a temporary file (or folder) in the same
folder, renamed into place only when the whole export succeeded: an error or
a cancel leaves no half-written file.
"""

from __future__ import annotations

import contextlib
import math
import os
import random
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from annotator.core.model import DOC_STATUSES, GOLD_ANNOTATOR
from annotator.io.exporters._base import (
    ExportContext,
    ExportDocument,
    ExportError,
    ExportOptions,
    ExportRecord,
    ExportSummary,
    Output,
    Writer,
)
from annotator.io.registry import exporters
from annotator.store import Project
from annotator.store.export_queries import (
    Selection,
    count_selected_spans,
    count_selection,
    iter_record_rows,
    iter_span_rows,
    known_annotators,
    known_labels,
    selected_document_uids,
)

__all__ = ["ExportError", "ExportOptions", "ExportSummary", "export_project", "parse_split", "exporter_names"]

ProgressCallback = Callable[[int, int], None]
CHECK_EVERY = 200  # records between progress reports and cancel checks
WRITE_BUFFER = 1 << 20


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


def assign_splits(uids: list[str], ratios: dict[str, float], seed: int) -> dict[str, str]:
    """Document uid -> split name: a seeded shuffle of the sorted uids, cut at the ratios."""
    shuffled = sorted(uids)
    random.Random(seed).shuffle(shuffled)
    assignment: dict[str, str] = {}
    cumulative, begin = 0.0, 0
    for name, ratio in ratios.items():
        cumulative += ratio
        end = round(cumulative * len(shuffled))
        for uid in shuffled[begin:end]:
            assignment[uid] = name
        begin = end
    return assignment


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
@contextlib.contextmanager
def _cannot_write(path: Path) -> Iterator[None]:
    """An OSError while creating ``path`` becomes one line naming it (not our temporary name)."""
    try:
        yield
    except (FileExistsError, NotADirectoryError) as exc:
        raise ExportError(f"cannot write {path} (part of its folder path is a file)") from exc
    except OSError as exc:
        raise ExportError(f"cannot write {path} ({exc.strerror or exc})") from exc


def _refuse_project_files(project: Project, paths: list[Path]) -> None:
    """An output named like the project (or its -wal/-shm) would replace the project itself."""
    own = Path(project.path).resolve()
    protected = {own.with_name(own.name + tail) for tail in ("", "-wal", "-shm", "-journal")}
    for path in paths:
        if path.resolve() in protected:
            raise ExportError(f"{path} is the project file itself; choose another output")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _usual_mode(path: Path, folder: bool) -> None:
    """mkstemp/mkdtemp create private (0600/0700) entries; an export gets the usual permissions."""
    os.chmod(path, (0o777 if folder else 0o666) & ~_umask())


class _AtomicFile:
    """A file written under a temporary name in its folder and renamed into place at the end."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.is_dir():
            raise ExportError(f"{path} is a folder; give the name of a file to write")
        with _cannot_write(path):
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        self.temp = Path(temp)
        _usual_mode(self.temp, folder=False)
        self.stream: BinaryIO = os.fdopen(fd, "wb", buffering=WRITE_BUFFER)

    def output(self) -> Output:
        return Output(stream=self.stream)

    def commit(self) -> None:
        self.stream.close()
        with _cannot_write(self.path):
            os.replace(self.temp, self.path)

    def abort(self) -> None:
        self.stream.close()
        self.temp.unlink(missing_ok=True)


def _previous_export(folder: Path) -> bool:
    """A folder this exporter may replace: empty, or holding only a previous brat export."""
    entries = list(folder.iterdir())
    if not entries:
        return True
    allowed = {".txt", ".ann", ".conf"}
    return (folder / "annotation.conf").is_file() and all(e.is_file() and e.suffix in allowed for e in entries)


class _AtomicFolder:
    """A folder filled under a temporary name next to it and swapped into place at the end."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.exists() and (not path.is_dir() or not _previous_export(path)):
            raise ExportError(f"{path} exists and is not an empty folder nor a previous export; choose another")
        with _cannot_write(path):
            path.parent.mkdir(parents=True, exist_ok=True)
            self.temp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part"))
        _usual_mode(self.temp, folder=True)

    def output(self) -> Output:
        return Output(folder=self.temp)

    def commit(self) -> None:
        old = None
        if self.path.exists():
            old = Path(tempfile.mkdtemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".old"))
            os.replace(self.path, old / "previous")
        os.replace(self.temp, self.path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.temp, ignore_errors=True)


class _Stdout:
    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream

    def output(self) -> Output:
        return Output(stream=self.stream)

    def commit(self) -> None:
        self.stream.flush()

    def abort(self) -> None:
        self.stream.flush()


# ------------------------------------------------------------------ checking
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
    names = known_annotators(project)
    missing = [a for a in annotators if a not in names]
    if missing:
        if missing == [GOLD_ANNOTATOR]:
            raise ExportError("the project has no reviewed (gold) spans yet; review documents first")
        raise ExportError(f"unknown annotator {missing[0]!r}; known: {', '.join(names) or '(none)'}")
    return Selection(annotators, tuple(dict.fromkeys(options.statuses)), tuple(dict.fromkeys(options.labels)))


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
def iter_records(project: Project, selection: Selection) -> Iterator[ExportRecord]:
    """The selected records in document, then annotator order, each with its spans."""
    spans = iter_span_rows(project, selection)
    pending = next(spans, None)
    document: ExportDocument | None = None
    for doc_id, uid, title, text, meta, annotator, status in iter_record_rows(project, selection):
        if document is None or document.id != doc_id:
            document = ExportDocument(doc_id, uid, title, text, meta)
        items: list[tuple[int, int, str, str | None]] = []
        if annotator is not None:
            key = (doc_id, annotator)
            while pending is not None and (pending[0], pending[1]) < key:
                pending = next(spans, None)  # spans of a record the status filter left out
            while pending is not None and pending[0] == doc_id and pending[1] == annotator:
                items.append(pending[2:])
                pending = next(spans, None)
        yield ExportRecord(document, annotator, status, items)


def preview_first_record(project: Project, options: ExportOptions) -> ExportRecord | None:
    """The first record an export with these options would write (for the dialog's preview)."""
    selection = _selection(project, options)
    return next(iter_records(project, selection), None)


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
                self.writers[split] = exporter.open(target.output(), context)
        except BaseException:
            self.abort()
            raise

    def _target(self, split: str | None, stdout: BinaryIO | None) -> Any:
        if self.out is None:
            return _Stdout(stdout if stdout is not None else sys.stdout.buffer)
        path = split_path(self.out, split, self.exporter.suffix)
        return _AtomicFolder(path) if self.exporter.layout == "folder" else _AtomicFile(path)

    def finish(self) -> list[Path]:
        for writer in self.writers.values():
            writer.close()
        sidecars: list[_AtomicFile] = []
        try:
            if self.out is not None:
                for tail, content in self.exporter.sidecars(self.context).items():
                    sidecar = _AtomicFile(sidecar_path(self.out, self.exporter.suffix, tail))
                    sidecars.append(sidecar)
                    sidecar.stream.write(content)
            elif self.exporter.sidecars(self.context):
                self.context.summary.notes.append("label list not written: it needs an output file (-o)")
        except BaseException:
            for sidecar in sidecars:
                sidecar.abort()
            raise
        written = []
        for target in [*self.targets.values(), *sidecars]:
            target.commit()
            if not isinstance(target, _Stdout):
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
    """Export the records ``options`` select to ``out`` (stdout for line formats when None)."""
    exporter = get_exporter(options.format)
    if out is None and (exporter.layout != "lines" or options.split):
        raise ExportError(f"the {exporter.name} format{' with --split' if options.split else ''} needs an output path (-o)")
    selection = _selection(project, options)
    total, documents, annotators = count_selection(project, selection)
    if total == 0:
        raise ExportError(f"no records match the filters ({_describe(selection)}); nothing written")
    if selection.labels and count_selected_spans(project, selection) == 0:
        raise ExportError(f"no spans with label {', '.join(selection.labels)} for {_describe(selection)}; nothing written")
    summary = ExportSummary()
    context = ExportContext(options, _exported_labels(project, selection), summary, several_annotators=annotators > 1)
    assignment = assign_splits(selected_document_uids(project, selection), options.split, options.seed) if options.split else {}
    if out is not None:
        splits = list(options.split) if options.split else [None]
        tails = exporter.sidecars(context)
        _refuse_project_files(project, [split_path(out, split, exporter.suffix) for split in splits]
                              + [sidecar_path(out, exporter.suffix, tail) for tail in tails])
    run = _Run(exporter, context, out, stdout, list(options.split) if options.split else [None])
    try:
        _write_all(project, selection, run, assignment, total, progress, cancelled)
        if summary.cancelled:
            run.abort()
            return summary
        summary.files = run.finish()
    except BaseException:
        run.abort()
        raise
    return summary


def _write_all(project: Project, selection: Selection, run: _Run, assignment: dict[str, str], total: int,
               progress: ProgressCallback | None, cancelled: Callable[[], bool] | None) -> None:
    summary = run.context.summary
    writers = run.writers
    single = writers.get(None)
    last_doc = None
    for done, record in enumerate(iter_records(project, selection)):
        if done % CHECK_EVERY == 0:
            if progress is not None:
                progress(done, total)
            if cancelled is not None and cancelled():
                summary.cancelled = True
                return
        if record.document.id != last_doc:
            last_doc = record.document.id
            summary.documents += 1
        summary.records += 1
        summary.spans_in_records += len(record.spans)
        (single or writers[assignment[record.document.uid]]).write(record)
    if progress is not None:
        progress(total, total)


def preview_text(project: Project, options: ExportOptions, limit: int = 4000) -> str:
    """The first record as the chosen format writes it (a folder format: each file it writes)."""
    import io

    exporter = get_exporter(options.format)
    selection = _selection(project, options)
    record = next(iter_records(project, selection), None)
    if record is None:
        return "(no records match the filters)"
    _total, _documents, annotators = count_selection(project, selection)
    context = ExportContext(options, _exported_labels(project, selection), ExportSummary(), several_annotators=annotators > 1)
    if exporter.layout == "folder":
        with tempfile.TemporaryDirectory(prefix="annotator-preview-") as tmp:
            writer = exporter.open(Output(folder=Path(tmp)), context)
            writer.write(record)
            parts = [f"── {p.name}\n{p.read_text(encoding='utf-8')}" for p in sorted(Path(tmp).iterdir())]
        text = "\n".join(parts)
    elif exporter.layout == "lines":
        buffer = io.BytesIO()
        writer = exporter.open(Output(stream=buffer), context)
        writer.write(record)
        writer.close()
        text = buffer.getvalue().decode("utf-8", errors="replace")
    else:
        from annotator.io.exporters.jsonl import native_line

        text = "(a binary file; the first record as native JSON:)\n" + native_line(record).decode("utf-8")
    return text if len(text) <= limit else text[:limit] + "\n…"
