"""One record made canonical: newlines normalized, span offsets converted and checked.

Every format goes through here, so each imported span satisfies
``text[start:end]`` on the stored text, and a span the record gives with its
text matches that slice.

Offsets come in one of ``OFFSET_MODES``. "codepoints" and "utf16" are the
user's explicit word. "auto" (no ``--offsets``) reads code points but refuses
what it cannot verify: a span with no span text whose end lies after a
character outside the BMP (an emoji), where code points and the UTF-16 units of
JavaScript tools (doccano, Label Studio before 1.6) name different characters. Our own
native JSONL counts code points by definition and is exempt.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, Callable

from annotator.core.actors import kb_id_problem
from annotator.core.attributes import AttributeDef, parse_value, undefined_problem, value_problem
from annotator.core.model import GOLD_ANNOTATOR, label_name_problem, meta_problem, recorded_annotator_problem
from annotator.core.offsets import OffsetError, Utf16Map, first_astral
from annotator.core.text import NewlineRemap, normalize_newlines, text_problem
from annotator.io.importers._common import RawSpan, Record, RecordError
from annotator.store.bulk import QueuedDocument, SpanRow, StatusRow
from annotator.store.export_queries import REVIEW_TO_GOLD_STATUS

OFFSET_MODES = ("auto", "codepoints", "utf16")
GOLD_STATUS_TO_REVIEW = {status: review for review, status in REVIEW_TO_GOLD_STATUS.items()}


# The summary's name for attribute values of a label attribute the project does not have (define it, import again).
UNDEFINED_ATTRIBUTES = "attributes"
AttributeSchema = Mapping[str, Mapping[str, AttributeDef]]  # label -> attribute name -> its definition


class AmbiguousOffsets(RecordError):
    """Offsets whose unit cannot be told; the cure (``--offsets``) is the same for the whole file,
    so a report may show the first of these and count the rest."""


def _short(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


class _Offsets:
    """Record offsets (code points or UTF-16 units, raw newlines) -> stored-text code points."""

    def __init__(self, raw: str, utf16: bool) -> None:
        self.raw_length = len(raw)
        self.utf16 = Utf16Map(raw) if utf16 else None
        # Lone CR -> LF keeps every offset; only CRLF pairs shift what follows them.
        self.newlines = NewlineRemap(raw) if "\r\n" in raw else None

    def convert(self, start: int, end: int) -> tuple[int, int]:
        if self.utf16 is not None:
            start, end = self.utf16.to_codepoint(start), self.utf16.to_codepoint(end)
        if not 0 <= start < end <= self.raw_length:
            what = "empty or reversed" if end <= start else f"outside the text (length {self.raw_length})"
            raise OffsetError(what)
        if self.newlines is not None:
            start, end = self.newlines(start), self.newlines(end)
            if start == end:
                raise OffsetError("covers only the line feed of a CRLF line break, nothing once newlines are normalized")
        return start, end


def _utf16_hint(record: Record, offsets: str) -> str:
    if offsets != "utf16" and record.utf16_offsets and first_astral(record.text) is not None:
        return " (offsets counted in UTF-16 by the exporting tool? try --offsets utf16)"
    return ""


def _ambiguity(record: Record) -> str:
    units = "--offsets codepoints or --offsets utf16" if record.utf16_offsets else "--offsets codepoints"
    return ("emoji or other characters outside the BMP come before the span's end, where code points and "
            f"UTF-16 units differ, and the record gives no span text to tell which it counts; pass {units}")


def _check_span(span: RawSpan, offsets: _Offsets, text: str, hint: Callable[[], str], prefix: str) -> tuple[int, int]:
    where = f"{prefix}{span.name} ({span.start}-{span.end} {span.label!r})"
    problem = label_name_problem(span.label) or (span.annotator and recorded_annotator_problem(span.annotator))
    if problem:
        raise RecordError(f"{where}: {problem}", span.line)
    if span.note is not None and not isinstance(span.note, str):
        raise RecordError(f"{where}: the note must be a string", span.line)
    try:
        start, end = offsets.convert(span.start, span.end)
    except OffsetError as exc:
        raise RecordError(f"{where}: {exc}{hint()}", span.line) from exc
    if span.text is not None and normalize_newlines(span.text) != text[start:end]:
        raise RecordError(
            f"{where}: the record's span text {_short(span.text)} does not match the text at those offsets "
            f"{_short(text[start:end])}{hint()}",
            span.line,
        )
    return start, end


def _attribute_values(span: RawSpan, attributes: AttributeSchema, where: str, record: Record,
                      refused: list[RecordError] | None = None) -> dict[str, Any]:
    """The span's attribute values, each checked against its label's attribute (a value given as text,
    as brat and Label Studio give it, read by the attribute's kind); a problem names the span.
    An attribute the project does not define for the label is left out and counted (``attributes``).
    With ``refused`` (a merge), a value the attributes refuse, or of an attribute the label lacks, is
    left out and its problem goes there: the span and the rest of the record stay."""
    if not isinstance(span.attrs, dict):
        raise RecordError(f"{where}: attrs must be an object of attribute names and values", span.line)
    defined = attributes.get(span.label, {})
    values = {}
    for name, value in span.attrs.items():
        attribute = defined.get(name) or _by_brat_name(defined, name)
        if attribute is None:
            if refused is not None:
                refused.append(RecordError(f"{where}: {undefined_problem(span.label, name, value)}", span.line))
            else:
                record.leave_out(UNDEFINED_ATTRIBUTES)
            continue
        if isinstance(value, str) and attribute.kind in ("yes-no", "number"):
            value = parse_value(attribute, value)
        elif isinstance(value, str) and attribute.kind == "choice" and value not in attribute.choices:
            value = _by_brat_name(dict(zip(attribute.choices, attribute.choices)), value) or value
        problem = value_problem(attribute, value)
        if problem and refused is not None:
            refused.append(RecordError(f"{where}: {problem}", span.line))
            continue
        if problem:
            raise RecordError(f"{where}: {problem}", span.line)
        values[attribute.name] = value
    return values


def _actor_link(span: RawSpan, where: str, earlier: tuple[str, str | None] | None) -> tuple[str, str | None]:
    """The span's (kb_id, actor name given by the file), checked; a problem names the span."""
    problem = kb_id_problem(span.kb_id)
    if problem:
        raise RecordError(f"{where}: {problem}", span.line)
    if earlier is not None and earlier[0] != span.kb_id:
        raise RecordError(f"{where}: the same span is linked to two actors ({earlier[0]!r} and {span.kb_id!r})",
                          span.line)
    return span.kb_id, span.kb_name


def _by_brat_name(named: Mapping[str, Any], name: str) -> Any:
    """What ``name`` stands for when a format wrote its spaces as ``_`` (brat types and values), or None."""
    return next((item for key, item in named.items() if "_".join(key.split()) == name), None)


def _spans(record: Record, text: str, offsets: str, record_annotator: str,
           attributes: AttributeSchema | None = None,
           span_attrs: dict[tuple[int, int, str, str], dict[str, Any]] | None = None,
           span_actors: dict[tuple[int, int, str, str], tuple[str, str | None]] | None = None,
           refused: list[RecordError] | None = None,
           ) -> tuple[list[SpanRow], list[RecordError]]:
    converter = _Offsets(record.text, utf16=offsets == "utf16" and record.utf16_offsets)
    hint = functools.partial(_utf16_hint, record, offsets)
    rows: list[SpanRow] = []
    errors: list[RecordError] = []
    # Our native format counts code points by definition; other records may come from a JavaScript tool.
    astral = first_astral(record.text) if offsets == "auto" and not record.native else None
    told = False
    for span in record.spans:
        span.line = span.line or record.line
        if astral is not None and span.text is None and span.end > astral:
            if not told:  # one message per record: the cure is the same for each such span
                where = f"{record.where}{span.name} ({span.start}-{span.end} {span.label!r})"
                errors.append(AmbiguousOffsets(f"{where}: {_ambiguity(record)}", span.line))
                told = True
            continue
        try:
            start, end = _check_span(span, converter, text, hint, record.where)
            where = f"{record.where}{span.name} ({span.start}-{span.end} {span.label!r})"
            key = (start, end, span.label, span.annotator or record_annotator)
            if span.attrs is not None and span_attrs is not None:
                span_attrs[key] = {**span_attrs.get(key, {}), **_attribute_values(span, attributes or {}, where, record,
                                                                                      refused)}
            if span.kb_id is not None and span_actors is not None:
                span_actors[key] = _actor_link(span, where, span_actors.get(key))
        except RecordError as exc:
            errors.append(exc)
            continue
        rows.append((start, end, span.label, span.annotator or record_annotator, span.note))
    return rows, errors


def prepare(
    record: Record, *, offsets: str, default_annotator: str, encoding: str, source: str,
    attributes: AttributeSchema | None = None, refused: list[RecordError] | None = None,
) -> tuple[QueuedDocument | None, list[RecordError]]:
    """The canonical record, or the problems that keep it (and its file) out. ``refused``: see
    ``_attribute_values`` (refused attribute values go there instead of keeping the record out)."""
    text = normalize_newlines(record.text)
    problem = text_problem(text) or meta_problem(record.meta)
    if not problem and record.annotator:
        problem = recorded_annotator_problem(record.annotator)
    if problem:
        return None, [RecordError(f"{record.where}{problem}", record.line)]
    record_annotator = record.annotator or default_annotator
    spans: list[SpanRow] = []
    span_attrs: dict[tuple[int, int, str, str], dict[str, Any]] = {}
    span_actors: dict[tuple[int, int, str, str], tuple[str, str | None]] = {}
    if record.spans:
        spans, errors = _spans(record, text, offsets, record_annotator, attributes, span_attrs, span_actors, refused)
        if errors:
            return None, errors
    relations = [(spans[r.head][:4], spans[r.child][:4], r.label) for r in record.relations]
    exact = record.native or record.exact_meta
    meta = record.meta if exact else {**record.meta, "encoding": record.meta.get("encoding", encoding)}
    if record.headings:
        meta["headings"] = _headings(record)
    statuses = _statuses(record, spans, record_annotator) if spans or record.native or record.done_by else []
    review = GOLD_STATUS_TO_REVIEW.get(record.status or "") if record.native and record.annotator == GOLD_ANNOTATOR else None
    return QueuedDocument(text, record.title, source, meta, record.uid, spans, statuses, review, default_annotator,
                          relations, span_attrs=span_attrs, span_actors=span_actors), []


def _headings(record: Record) -> list[list[int]]:
    """The record's headings in stored-text offsets (CRLF pairs collapse to LF, as span offsets do)."""
    remap = NewlineRemap(record.text) if "\r\n" in record.text else None
    moved = ((remap(s), remap(e), level) if remap else (s, e, level) for s, e, level in record.headings)
    return [[s, e, level] for s, e, level in sorted(moved) if s < e]


def _statuses(record: Record, spans: list[SpanRow], record_annotator: str) -> list[StatusRow]:
    """A native record sets its annotator's status; elsewhere, an annotator with spans, or who finished
    the record without any (a submitted Label Studio annotation), is 'done'."""
    if record.native and record.annotator and record.status:
        return [(record.annotator, record.status, False)]
    done = [name or record_annotator for name in record.done_by]
    with_spans = dict.fromkeys([*done, *(row[3] for row in spans)])
    return [(name, "done", not record.native) for name in with_spans]
