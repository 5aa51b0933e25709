"""spaCy ``.spacy`` DocBin, tokenized by ``spacy.blank(lang)`` (spaCy is an optional extra).

Every span goes into ``doc.spans[spans_key]``; the spans that do not overlap go
into ``doc.ents`` too: the longest (in tokens) wins, ties go to the earlier
start, then the label name. A span whose ends fall inside a token is widened to
the tokens it touches (``alignment_mode="expand"``, counted in the summary);
with ``--strict`` the export fails instead. A span of nothing but whitespace is
left out (and counted), as the CoNLL and Hugging Face formats do. ``doc.user_data``
keeps the document uid, title, annotator and status. The DocBin is built in
memory (that is how spaCy writes it) and written at the end.
"""

from __future__ import annotations

from typing import Any

from annotator.io.exporters._base import (
    INCLUDE,
    LEAVE_OUT,
    ONLY_WHITESPACE,
    BaseExporter,
    ExportContext,
    ExportError,
    ExportRecord,
    Output,
    non_overlapping,
)
from annotator.io.registry import register_exporter

EXPANDED = "expanded to token boundaries"
NO_TOKEN = "cover no spaCy token"
OVERLAP_ENTS = "kept in doc.spans but not doc.ents: overlap a longer span (longest wins, ties to the earlier start)"


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
        self.strict = context.options.strict
        self.docbin = DocBin(store_user_data=True)

    def _spans(self, doc: Any, record: ExportRecord) -> list[Any]:
        spans = []
        text = record.document.text
        for start, end, label, _note in record.spans:
            if text[start:end].isspace():  # spaCy makes whitespace tokens; an entity of one breaks training
                self.context.left_out(ONLY_WHITESPACE)
                continue
            span = doc.char_span(start, end, label=label, alignment_mode="strict")
            if span is None:
                if self.strict:
                    raise ExportError(
                        f"document {record.document.uid!r}: span {start}-{end} {label!r} "
                        f"({record.document.text[start:end]!r}) does not fall on spaCy token boundaries (--strict)"
                    )
                span = doc.char_span(start, end, label=label, alignment_mode="expand")
                if span is None or len(span) == 0:
                    self.context.left_out(NO_TOKEN)
                    continue
                self.context.adjusted(EXPANDED)
            spans.append(span)
        return spans

    def write(self, record: ExportRecord) -> None:
        document = record.document
        doc = self.nlp.make_doc(document.text)
        if record.untouched and self.context.options.untouched == INCLUDE:
            doc.set_ents([], default="missing")  # not annotated: teaches no entity and no "O" either
            self._add(doc, record)
            return
        spans = self._spans(doc, record)
        doc.spans[self.key] = spans
        kept, _dropped = non_overlapping([(s.start, s.end, s.label_) for s in spans])
        if _dropped:
            self.context.adjusted(OVERLAP_ENTS, len(_dropped))
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
