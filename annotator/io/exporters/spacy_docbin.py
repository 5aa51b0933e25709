"""spaCy ``.spacy`` DocBins in a folder of shards (spaCy is an optional extra).

The output is a folder (``-o train.spacy`` makes ``train.spacy/``) of DocBin files
``shard-00000.spacy``, ``shard-00001.spacy``, ... in record order, each closed once
it holds ``SHARD_TOKENS`` tokens: a DocBin keeps every document's arrays in memory
until written, so one DocBin for the corpus grew to 10 GiB at 20,000 documents,
while a shard bounds memory whatever the corpus size. ``spacy train`` reads the
folder as it is (``paths.train = train.spacy``: spaCy's corpus reader walks a
folder for ``.spacy`` files and skips hidden ones such as the export marker).

A document longer than the pipeline's ``nlp.max_length`` (1,000,000 characters)
would stop ``spacy train`` with E088 (its corpus reader re-tokenizes each text
with ``nlp.make_doc``), so it is written as several docs, cut after a line break
(else a space) outside every span of the record, each at most ``max_length`` long;
``doc.user_data`` says which ``part`` of how many ``parts`` and at which character
``offset`` of the stored text it starts.

Each Doc is built from our tokens (``Doc(vocab, words, spaces)``, the tokens of
every other token format), not by spaCy's tokenizer: spaCy's ``en`` tokenizer
does not split Chinese or Japanese, so a span there would widen to a clause.
``--lang`` picks the vocabulary (``spacy.blank(lang)``) the Doc belongs to. Every
span boundary is a token boundary (``_aligned``: tokens are split where a span
edge falls inside one, edge whitespace is trimmed), so ``span.text`` is exactly
the span as stored, less edge whitespace. Every span goes into
``doc.spans[spans_key]``; the spans that do not overlap go into ``doc.ents`` too:
the longest (in tokens) wins, ties go to the earlier start, then the label name
(the others are named in the report). ``doc.user_data``
keeps the document uid, title, annotator and status, and the record's relations as
``doc.user_data["relations"]``: ``[{"head": {"start", "end", "label"}, "child": {...},
"label"}]`` where start/end are token indexes of the Doc (``doc[start:end]``).
Span notes are ``doc.user_data["notes"]``: ``[[start_char, end_char, label, note], ...]``.
A span linked to an actor has its ``kb_id`` as ``Span.kb_id_`` (the external id, else the
actor's project id ``annotator:...``), in ``doc.spans`` and ``doc.ents`` alike.
"""

from __future__ import annotations

import bisect
from pathlib import Path
from typing import Any

from annotator.io.exporters._aligned import align
from annotator.io.exporters._base import (
    INCLUDE,
    LEAVE_OUT,
    BaseExporter,
    ExportContext,
    ExportDocument,
    ExportError,
    ExportRecord,
    Output,
    non_overlapping,
)
from annotator.io.registry import register_exporter

OVERLAP_ENTS = "in doc.spans but not doc.ents: overlaps a longer span (longest wins, ties to the earlier start)"
RELATION_ACROSS_PARTS = "its ends fall in different parts of a document longer than spaCy's max_length"
ACROSS_CUT = "crosses the cut of a document longer than spaCy's max_length (no line break or space outside a span)"
SHARD_TOKENS = 250_000  # tokens per shard file: a few tens of MB while it is built, whatever the corpus size
SHARD_NAME = "shard-{:05d}.spacy"


def load_spacy() -> Any:
    try:
        import spacy
    except ImportError as exc:
        raise ExportError(
            "the spacy format needs spaCy, which is not installed: pip install 'annotator[spacy]'"
        ) from exc
    return spacy


def blank_pipeline(lang: str) -> Any:
    spacy = load_spacy()
    try:
        return spacy.blank(lang)
    except (ImportError, KeyError, ValueError) as exc:
        raise ExportError(f"spaCy has no language {lang!r} ({exc})") from exc


def cut_points(text: str, spans: list[tuple[int, int, str, str | None]], limit: int) -> list[int]:
    """Where to cut ``text`` so that no piece is longer than ``limit``: after the last line break
    (else whitespace) of each window that falls outside every span; the window's end when none does."""
    covered: list[list[int]] = []  # the spans merged into sorted, disjoint intervals
    for start, end, _label, _note in sorted(spans):
        if covered and start < covered[-1][1]:
            covered[-1][1] = max(covered[-1][1], end)
        else:
            covered.append([start, end])
    starts = [start for start, _end in covered]
    cuts, low = [], 0
    while len(text) - low > limit:
        cut = _cut(text, covered, starts, low, low + limit)
        cuts.append(cut)
        low = cut
    return cuts


def _cut(text: str, covered: list[list[int]], starts: list[int], low: int, high: int) -> int:
    for separator in ("\n", " ", "\t"):
        at = high
        while (found := text.rfind(separator, low, at)) >= 0:
            cut = found + 1
            inside = bisect.bisect_left(starts, cut) - 1  # the last span interval starting before the cut
            if inside < 0 or covered[inside][1] <= cut:
                return cut
            at = covered[inside][0]  # the cut falls in a span: look before it
    return high


def pieces(record: ExportRecord, limit: int, context: ExportContext) -> list[tuple[ExportRecord, int]]:
    """The record cut into records of at most ``limit`` characters, each with its offset in the text and
    the relations whose two ends fall in it (the others are counted as left out)."""
    document, text = record.document, record.document.text
    bounds = [0, *cut_points(text, record.spans, limit), len(text)]
    parts, part_of = [], {}  # record span index -> (part number, index among the part's spans)
    by_span, linked = record.attributes_by_span(), record.actors_by_span()
    for low, high in zip(bounds, bounds[1:]):
        chosen = [n for n, span in enumerate(record.spans) if low <= span[0] and span[1] <= high]
        part_of.update((n, (len(parts), i)) for i, n in enumerate(chosen))
        spans = [record.spans[n] for n in chosen]
        piece = ExportDocument(document.id, document.uid, document.title, text[low:high], document.meta_json)
        shifted = [(s - low, e - low, label, note) for s, e, label, note in spans]
        attributes = [by_span.get(span, {}) for span in spans] if by_span else None
        actors = [linked.get(span) for span in spans] if linked else None
        parts.append((ExportRecord(piece, record.annotator, record.status, shifted, record.untouched,
                                    attributes=attributes, actors=actors), low))
    for n, span in enumerate(record.spans):
        if n not in part_of:
            context.report(record, span, ACROSS_CUT, left_out=True)
    for head, child, label in record.relations:
        if head in part_of and child in part_of and part_of[head][0] == part_of[child][0]:
            parts[part_of[head][0]][0].relations.append((part_of[head][1], part_of[child][1], label))
        else:
            context.summary.relations_left_out[RELATION_ACROSS_PARTS] += 1
    return parts


def user_data_relations(record: ExportRecord, aligned: list[Any], spans: list[Any]) -> list[dict[str, Any]]:
    """``doc.user_data["relations"]``: each relation's ends as token ranges of the Doc (``doc[start:end]``,
    end exclusive) with their labels, and the relation label."""
    where = {item.source: n for n, item in enumerate(aligned)}  # record span -> its Span in the Doc

    def end(index: int) -> dict[str, Any]:
        span = spans[where[record.spans[index]]]
        return {"start": span.start, "end": span.end, "label": span.label_}

    return [{"head": end(head), "child": end(child), "label": label} for head, child, label in record.relations
            if record.spans[head] in where and record.spans[child] in where]


class _SpacyWriter:
    def __init__(self, output: Output, context: ExportContext) -> None:
        assert output.folder is not None
        from spacy.tokens import DocBin

        self.DocBin = DocBin
        self.folder: Path = output.folder
        self.context = context
        self.nlp = blank_pipeline(context.options.lang)
        self.key = context.options.spans_key
        self.docbin = DocBin(store_user_data=True)
        self.shard_tokens = 0
        self.shards = 0

    def write(self, record: ExportRecord) -> None:
        limit = self.nlp.max_length
        if len(record.document.text) <= limit:
            self._write_doc(record, {})
            return
        parts = pieces(record, limit, self.context)
        self.context.summary.records_adjusted[
            f"longer than spaCy's max_length ({limit:,} characters) written as several docs, cut at line breaks "
            "outside spans (doc.user_data: part, parts, offset)"
        ] += 1
        for n, (part, offset) in enumerate(parts):
            self._write_doc(part, {"part": n, "parts": len(parts), "offset": offset})

    def _write_doc(self, record: ExportRecord, extra: dict[str, int]) -> None:
        from spacy.tokens import Doc, Span

        aligned = align(record, self.context, trim=True)
        doc = Doc(self.nlp.vocab, words=[t.text for t in aligned.tokens], spaces=[t.ws for t in aligned.tokens])
        doc.user_data.update(extra)
        if record.untouched and self.context.options.untouched == INCLUDE:
            doc.set_ents([], default="missing")  # not annotated: teaches no entity and no "O" either
            self._add(doc, record)
            return
        linked = record.actors_by_span()  # Span.kb_id_: the actor's kb_id (external id, else project id)
        spans = [Span(doc, s.first, s.stop, label=s.label, kb_id=(linked.get(s.source) or ("",))[0])
                 for s in aligned.spans]
        doc.spans[self.key] = spans
        by_span = record.attributes_by_span()
        if by_span:  # [start_char, end_char, label, {name: value}] of each span that has values
            doc.user_data["attrs"] = [[span.start_char, span.end_char, span.label_, by_span[s.source]]
                                      for span, s in zip(spans, aligned.spans) if by_span.get(s.source)]
        notes = [[span.start_char, span.end_char, span.label_, s.source[3]] for span, s in zip(spans, aligned.spans)
                 if s.source[3]]
        if notes:  # [start_char, end_char, label, note] of each span that has a note
            doc.user_data["notes"] = notes
        kept, dropped = non_overlapping([(s.start, s.end, s.label_) for s in spans])
        for i in dropped:
            self.context.report(record, aligned.spans[i].source, OVERLAP_ENTS)
        doc.ents = [spans[i] for i in kept]  # every other token is "O": a known non-entity
        if record.relations:
            doc.user_data["relations"] = user_data_relations(record, aligned.spans, spans)
        self._add(doc, record)

    def _add(self, doc: Any, record: ExportRecord) -> None:
        document = record.document
        doc.user_data.update(
            {"id": document.uid, "title": document.title, "annotator": record.annotator, "status": record.status}
        )
        self.docbin.add(doc)
        self.shard_tokens += len(doc)
        if self.shard_tokens >= SHARD_TOKENS:
            self._write_shard()

    def _write_shard(self) -> None:
        self.docbin.to_disk(self.folder / SHARD_NAME.format(self.shards))
        self.shards += 1
        self.docbin = self.DocBin(store_user_data=True)
        self.shard_tokens = 0

    def close(self) -> None:
        if len(self.docbin) or self.shards == 0:  # an empty split still gets one (empty) shard
            self._write_shard()


class SpacyExporter(BaseExporter):
    name = "spacy"
    title = "spaCy DocBin shards (a folder of .spacy files)"
    suffix = ".spacy"
    layout = "folder"
    options: tuple[str, ...] = ("lang", "spans_key", "strict")
    binary = True
    writes_relations = True
    untouched_default = LEAVE_OUT  # explicit "O" would teach that an untouched document has no entities

    def open(self, output: Output, context: ExportContext) -> _SpacyWriter:
        load_spacy()
        return _SpacyWriter(output, context)


register_exporter("spacy")(SpacyExporter())
