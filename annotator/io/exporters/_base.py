"""What every exporter shares: the record it is given, its options, and the summary it adds to.

An exporter module registers one object with ``register_exporter(name)``. The
object says how its output is laid out (``layout``: "lines" may stream to
stdout, "file" needs a path, "folder" writes a folder), which options it reads
(names of ``ExportOptions`` fields, so the UI can show just those), and opens a
``Writer`` that takes records one at a time. Records come ordered by document,
then annotator; one record is one annotator's spans of one document.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import orjson

from annotator.core.attributes import AttributeDef
from annotator.core.model import MAX_META_CHARACTERS, MAX_META_DEPTH, meta_problem
from annotator.core.tokens import Token, tokenize
from annotator.core.wording import counted, verb


class ExportError(ValueError):
    """An export that cannot go on; the message is meant for the user as it is."""


@dataclass
class ExportOptions:
    """Every knob of an export. Formats read the ones they list in ``options``."""

    format: str = "jsonl"
    annotators: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    gold: bool = False
    split: dict[str, float] | None = None
    seed: int = 0
    lang: str = "en"  # spacy: the language of the vocabulary (our tokens, not spaCy's tokenizer)
    spans_key: str = "annotator"  # spacy: doc.spans key holding every span
    strict: bool = False  # token formats: fail on any span that cannot be written exactly (see the report)
    sentences: bool = False  # conll: a blank line after each sentence
    offsets: str = "codepoints"  # doccano, labelstudio: "codepoints" or "utf16"
    untouched: str | None = None  # one of UNTOUCHED_CHOICES; None: the format's default
    tokens: bool = True  # jsonl: write tokens and each span's token_start/token_end


# What to do with an untouched record (no span, not marked done: nobody said the document has nothing):
# leave it out, include it as not annotated (spaCy: entities missing), or include it as a negative example.
LEAVE_OUT, INCLUDE, NEGATIVE = "leave-out", "include", "negative"
UNTOUCHED_CHOICES = (LEAVE_OUT, INCLUDE, NEGATIVE)

# Why a span is left out of a token-based format: it covers nothing but whitespace.
ONLY_WHITESPACE = "cover no token (only whitespace)"

# The export report: one tab-separated line per span not written exactly as stored.
REPORT_HEADER = "document\tannotator\tstart\tend\tlabel\ttext\twhy"


def write_report(path: Path, lines: list[str]) -> None:
    """The export report: a header, then one line per span not written exactly as stored."""
    path.write_text("".join(f"{line}\n" for line in [REPORT_HEADER, *lines]), encoding="utf-8")


# Human descriptions of the per-format options, for the CLI help and the dialog.
OPTION_HELP: dict[str, str] = {
    "lang": "Language of the spaCy vocabulary (default en); the tokens are Annotator's own.",
    "spans_key": "Key of doc.spans that holds every span (default annotator).",
    "strict": "Fail on any span that cannot be written exactly as stored (trimmed, left out, overlapping).",
    "sentences": "Separate sentences (not only documents) with a blank line.",
    "offsets": "Offsets in code points (Python, spaCy) or UTF-16 units (JavaScript front ends).",
    "tokens": "Write each document's tokens and each span's token_start/token_end (off: spans only, smaller and faster).",
    "untouched": "Records with no span that nobody marked done: leave-out, include (as not annotated) or "
                 "negative (as documents without entities).",
}


@dataclass
class ExportSummary:
    documents: int = 0
    records: int = 0
    spans_in_records: int = 0
    adjusted: Counter[str] = field(default_factory=Counter)  # reason -> spans changed but kept
    left_out: Counter[str] = field(default_factory=Counter)  # reason -> spans not written
    records_adjusted: Counter[str] = field(default_factory=Counter)  # reason -> records changed but kept
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    splits: dict[str, list[int]] = field(default_factory=dict)  # split -> [documents, records]
    untouched_left_out: tuple[int, int] = (0, 0)  # (records, documents with no record left) not written
    warnings: list[str] = field(default_factory=list)
    cancelled: bool = False
    report: list[str] = field(default_factory=list)  # one line per span not written exactly (REPORT_HEADER)
    relations_in_records: int = 0
    relations_left_out: Counter[str] = field(default_factory=Counter)  # reason -> relations not written

    @property
    def spans_written(self) -> int:
        return self.spans_in_records - sum(self.left_out.values())

    def lines(self) -> list[str]:
        if self.cancelled:
            return ["Export cancelled: nothing was written."]
        lines = [
            f"Exported {counted(self.documents, 'document')}, {counted(self.records, 'record')}, "
            f"{counted(self.spans_written, 'span')}."
        ]
        lines += [f"  split {name}: {counted(docs, 'document')}, {counted(records, 'record')}" for name, (docs, records) in self.splits.items()]
        records, documents = self.untouched_left_out
        if records:
            lines.append(f"  {counted(records, 'untouched record')} left out (no span, not marked done; "
                         f"{counted(documents, 'document')} {verb(documents, 'has', 'have')} no record at all): "
                         "--untouched include or negative writes them")
        lines += [f"  {counted(count, 'span')} {reason}" for reason, count in sorted(self.adjusted.items())]
        lines += [f"  {counted(count, 'record')} {reason}" for reason, count in sorted(self.records_adjusted.items())]
        lines += [f"  {counted(count, 'span')} left out: {reason}" for reason, count in sorted(self.left_out.items())]
        written = self.relations_in_records - sum(self.relations_left_out.values())
        if written:
            lines.append(f"  {counted(written, 'relation')} written")
        lines += [f"  {counted(count, 'relation')} left out: {reason}" for reason, count in sorted(self.relations_left_out.items())]
        if self.report:
            lines.append(f"  {counted(len(self.report), 'span')} not written exactly as stored: the report names each")
        lines += [f"  wrote {path}" for path in self.files]
        lines += [f"  note: {note}" for note in self.notes]
        lines += [f"warning: {warning}" for warning in self.warnings]
        return lines


def _decoded_meta(meta_json: str) -> Any:
    try:
        return orjson.loads(meta_json)
    except orjson.JSONDecodeError:  # NaN and the like, written by the json module; or nested too deep
        import json

        try:
            return json.loads(meta_json)
        except (ValueError, RecursionError):
            return None


def _stored_meta_problem(meta_json: str) -> str | None:
    """Why a stored meta breaks today's meta rule (stored before import enforced it), or None.
    Short meta with few brackets cannot break it, so most documents are not parsed here."""
    if len(meta_json) < MAX_META_CHARACTERS and meta_json.count("{") + meta_json.count("[") <= MAX_META_DEPTH:
        return None
    return meta_problem(_decoded_meta(meta_json))


class ExportDocument:
    """One document of the export; its tokens are computed once and shared by all its records."""

    __slots__ = ("id", "uid", "title", "text", "meta_json", "_meta", "_tokens", "cache", "meta_left_out")

    def __init__(self, doc_id: int, uid: str, title: str, text: str, meta_json: str) -> None:
        self.id, self.uid, self.title, self.text, self.meta_json = doc_id, uid, title, text, meta_json
        self._meta: dict[str, Any] | None = None
        self._tokens: list[Token] | None = None
        self.cache: dict[str, Any] = {}  # per-format values worth computing once per document
        self.meta_left_out = _stored_meta_problem(meta_json)  # why the stored meta is not written, or None

    @property
    def meta(self) -> dict[str, Any]:
        """The stored meta; ``{}`` (and ``meta_left_out`` says why) for one the meta rule refuses,
        stored before import enforced it: a 300-deep meta stopped every export of the project."""
        if self._meta is None:
            self._meta = {} if self.meta_left_out else _decoded_meta(self.meta_json)
        return self._meta

    @property
    def tokens(self) -> list[Token]:
        if self._tokens is None:
            self._tokens = tokenize(self.text)
        return self._tokens


@dataclass
class ExportRecord:
    document: ExportDocument
    annotator: str | None
    status: str
    spans: list[tuple[int, int, str, str | None]]  # (start, end, label, note), in export order
    untouched: bool = False  # no span in the project and not marked done (see UNTOUCHED_CHOICES)
    # (head, child, label): indexes into ``spans``. A relation whose other end's label is not exported
    # is counted in ``relations_dropped`` instead.
    relations: list[tuple[int, int, str]] = field(default_factory=list)
    relations_dropped: int = 0
    attributes: list[dict[str, Any]] | None = None  # each span's attribute values, parallel to spans; None: none has any

    # each span's linked actor as (kb_id, actor name), parallel to spans; None: no span is linked
    actors: list[tuple[str, str] | None] | None = None

    def actor_of(self, index: int) -> tuple[str, str] | None:
        """The (kb_id, actor name) span ``index`` is linked to, or None."""
        return self.actors[index] if self.actors else None

    def actors_by_span(self) -> dict[tuple[int, int, str, str | None], tuple[str, str] | None]:
        return dict(zip(self.spans, self.actors)) if self.actors else {}

    def attributes_of(self, index: int) -> dict[str, Any]:
        """The attribute values of span ``index`` ({} when it has none)."""
        return self.attributes[index] if self.attributes else {}

    def attributes_by_span(self) -> dict[tuple[int, int, str, str | None], dict[str, Any]]:
        """Attribute values by span tuple (a record's spans are distinct), for formats that drop or reorder spans."""
        return dict(zip(self.spans, self.attributes)) if self.attributes else {}


@dataclass
class ExportContext:
    """What a writer may need beyond its records: options, the label list, the summary to add to."""

    options: ExportOptions
    labels: list[str]  # the exported label names in a fixed order (project order, filtered)
    summary: ExportSummary
    several_annotators: bool = False  # the export holds more than one annotator's records
    attribute_defs: list[AttributeDef] = field(default_factory=list)  # the project's label attributes

    def attributes_left_out(self, record: ExportRecord, format_name: str) -> None:
        """A format with no place for attributes, actor links or notes says so in the summary (once), when the
        export holds some."""
        has_notes = any(span[3] for span in record.spans)
        for held, what in ((record.attributes, "attribute values"), (record.actors, "actor links (kb_id)"),
                           (has_notes, "notes")):
            note = f"{what} of spans are not written: {format_name} has no place for them"
            if held and note not in self.summary.notes:
                self.summary.notes.append(note)

    def actor_links_left_out(self, record: ExportRecord, format_name: str) -> None:
        """A format with a place for attributes but none for actor links says so in the summary (once)."""
        note = f"actor links (kb_id) of spans are not written: {format_name} has no place for them"
        if record.actors and note not in self.summary.notes:
            self.summary.notes.append(note)

    def adjusted(self, reason: str, count: int = 1) -> None:
        self.summary.adjusted[reason] += count

    def left_out(self, reason: str, count: int = 1) -> None:
        self.summary.left_out[reason] += count

    def report(self, record: ExportRecord, span: tuple[int, int, str, str | None], reason: str, *,
               left_out: bool = False) -> None:
        """A span not written exactly as stored: counted by reason, named in the report; --strict stops here."""
        start, end, label = span[0], span[1], span[2]
        text = record.document.text[start:end]
        if self.options.strict:
            raise ExportError(f"document {record.document.uid!r}: span {start}-{end} {label!r} ({text!r}): "
                              f"{reason} (--strict: every span must be written exactly as stored)")
        (self.left_out if left_out else self.adjusted)(reason)
        quoted = orjson.dumps(text).decode()  # tabs and newlines escaped: one line per span
        self.summary.report.append(
            f"{record.document.uid}\t{record.annotator or ''}\t{start}\t{end}\t{label}\t{quoted}\t{reason}")


@dataclass
class Output:
    """Where a writer writes: a binary stream ("lines", "file") or a fresh folder ("folder")."""

    stream: BinaryIO | None = None
    folder: Path | None = None


class Writer(Protocol):
    def write(self, record: ExportRecord) -> None: ...

    def close(self) -> None:
        """Finish the output (footer, flush); not called when the export is abandoned."""


class Exporter(Protocol):
    name: str
    title: str  # shown in the UI's format list
    suffix: str  # of a file output; "" for a folder
    layout: str  # "lines", "file" or "folder"
    options: tuple[str, ...]
    binary: bool
    untouched_default: str
    untouched_choices: tuple[str, ...]

    def open(self, output: Output, context: ExportContext) -> Writer: ...

    def sidecars(self, context: ExportContext) -> dict[str, bytes]:
        """Extra files written next to the output: {suffix replacing the output's: content}."""


class StreamWriter:
    """A writer of a byte stream (layouts "lines" and "file"); nothing to finish unless overridden."""

    def __init__(self, output: Output, context: ExportContext) -> None:
        assert output.stream is not None
        self.stream: BinaryIO = output.stream
        self.context = context

    def close(self) -> None:
        pass


class BaseExporter:
    """An exporter's defaults: ``open`` builds its ``writer`` class; no sidecar files."""

    writer: Any
    options: tuple[str, ...] = ()
    writes_relations = False  # the format has a place for relations; otherwise the summary says they were left out
    binary = False  # the preview shows the first record as native JSON instead
    # Task formats keep untouched records (no spans is no claim there); token-tag formats leave them
    # out by default, since all-O would teach a model that the document has no entities.
    untouched_default = INCLUDE
    untouched_choices: tuple[str, ...] = UNTOUCHED_CHOICES

    def open(self, output: Output, context: ExportContext) -> Writer:
        return self.writer(output, context)

    def sidecars(self, context: ExportContext) -> dict[str, bytes]:
        return {}


def non_overlapping(spans: Iterable[tuple[int, int, Any]]) -> tuple[list[int], list[int]]:
    """Pick spans that do not overlap: the longest wins, ties go to the earlier start.

    ``spans`` are (start, end, key) in any unit (characters or token indexes,
    end exclusive). Returns (kept, dropped) positions into ``spans``, kept in
    text order.
    """
    items = list(spans)
    order = sorted(range(len(items)), key=lambda i: (items[i][0] - items[i][1], items[i][0], str(items[i][2])))
    taken: list[tuple[int, int]] = []  # sorted, disjoint intervals already kept
    kept, dropped = [], []
    for i in order:
        start, end = items[i][0], items[i][1]
        at = bisect.bisect_left(taken, (start, end))
        clash = (at > 0 and taken[at - 1][1] > start) or (at < len(taken) and taken[at][0] < end)
        if clash:
            dropped.append(i)
        else:
            taken.insert(at, (start, end))
            kept.append(i)
    kept.sort(key=lambda i: items[i][0])
    return kept, dropped
