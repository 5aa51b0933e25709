"""Hugging Face token classification: JSON lines ``{"id", "tokens", "ner_tags", "ws"}``, IOB2 string tags.

Loadable with ``datasets.load_dataset("json", data_files=...)``. ``tokens`` are the
same tokens as the native JSONL and spaCy exports (whitespace other than one space
is a token of its own, tagged ``O``) and ``ws`` says which token is followed by one
space, so ``"".join(t + " " * ws ...)`` rebuilds the text. Every span boundary is a
token boundary (edge whitespace trimmed), so decoding ``ner_tags`` gives back the
spans exactly, less overlapping ones (see ``_bio``). A sidecar
``OUT-stem.labels.json`` lists every tag name (``O`` first, then ``B-``/``I-``
per label in the project's label order), fixed before any record is read, so
``ClassLabel(names=...)`` gives the same ids for every split. ``id`` is the
document uid, followed by ``:annotator`` when the export holds several annotators.
"""

from __future__ import annotations

import orjson

from annotator.io.exporters._base import LEAVE_OUT, NEGATIVE, BaseExporter, ExportContext, ExportRecord, StreamWriter
from annotator.io.exporters._bio import tag_names, tagged
from annotator.io.registry import register_exporter


class _HfWriter(StreamWriter):
    def write(self, record: ExportRecord) -> None:
        self.context.attributes_left_out(record, "the Hugging Face format")
        uid = record.document.uid
        if self.context.several_annotators and record.annotator is not None:
            uid = f"{uid}:{record.annotator}"
        aligned, tags = tagged(record, self.context)
        tokens = aligned.tokens
        line = {"id": uid, "tokens": [t.text for t in tokens], "ner_tags": tags, "ws": [t.ws for t in tokens]}
        self.stream.write(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE))


class HfExporter(BaseExporter):
    untouched_default = LEAVE_OUT  # all-O would teach that an untouched document has no entities
    untouched_choices = (LEAVE_OUT, NEGATIVE)  # BIO tags cannot say "not annotated"
    name = "hf"
    title = "Hugging Face datasets (JSON lines: tokens, ner_tags)"
    suffix = ".jsonl"
    layout = "lines"
    options: tuple[str, ...] = ("strict",)
    writer = _HfWriter

    def sidecars(self, context: ExportContext) -> dict[str, bytes]:
        return {".labels.json": orjson.dumps(tag_names(context.labels), option=orjson.OPT_INDENT_2) + b"\n"}


register_exporter("hf")(HfExporter())
