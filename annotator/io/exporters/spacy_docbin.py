"""spaCy ``.spacy`` DocBin (spaCy is an optional extra).

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
keeps the document uid, title, annotator and status. The DocBin is built in
memory (that is how spaCy writes it) and written at the end.
"""

from __future__ import annotations

from typing import Any

from annotator.io.exporters._aligned import align
from annotator.io.exporters._base import (
    INCLUDE,
    LEAVE_OUT,
    BaseExporter,
    ExportContext,
    ExportError,
    ExportRecord,
    Output,
    non_overlapping,
)
from annotator.io.registry import register_exporter

OVERLAP_ENTS = "in doc.spans but not doc.ents: overlaps a longer span (longest wins, ties to the earlier start)"


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


class _SpacyWriter:
    def __init__(self, output: Output, context: ExportContext) -> None:
        assert output.stream is not None
        from spacy.tokens import DocBin

        self.stream = output.stream
        self.context = context
        self.nlp = blank_pipeline(context.options.lang)
        self.key = context.options.spans_key
        self.docbin = DocBin(store_user_data=True)

    def write(self, record: ExportRecord) -> None:
        from spacy.tokens import Doc, Span

        aligned = align(record, self.context, trim=True)
        doc = Doc(self.nlp.vocab, words=[t.text for t in aligned.tokens], spaces=[t.ws for t in aligned.tokens])
        if record.untouched and self.context.options.untouched == INCLUDE:
            doc.set_ents([], default="missing")  # not annotated: teaches no entity and no "O" either
            self._add(doc, record)
            return
        spans = [Span(doc, s.first, s.stop, label=s.label) for s in aligned.spans]
        doc.spans[self.key] = spans
        kept, dropped = non_overlapping([(s.start, s.end, s.label_) for s in spans])
        for i in dropped:
            self.context.report(record, aligned.spans[i].source, OVERLAP_ENTS)
        doc.ents = [spans[i] for i in kept]  # every other token is "O": a known non-entity
        self._add(doc, record)

    def _add(self, doc: Any, record: ExportRecord) -> None:
        document = record.document
        doc.user_data.update(
            {"id": document.uid, "title": document.title, "annotator": record.annotator, "status": record.status}
        )
        self.docbin.add(doc)

    def close(self) -> None:
        self.stream.write(self.docbin.to_bytes())


class SpacyExporter(BaseExporter):
    name = "spacy"
    title = "spaCy DocBin (.spacy)"
    suffix = ".spacy"
    layout = "file"
    options: tuple[str, ...] = ("lang", "spans_key", "strict")
    binary = True
    untouched_default = LEAVE_OUT  # explicit "O" would teach that an untouched document has no entities

    def open(self, output: Output, context: ExportContext) -> _SpacyWriter:
        load_spacy()
        return _SpacyWriter(output, context)


register_exporter("spacy")(SpacyExporter())
