"""Hugging Face token classification: JSON lines ``{"id", "tokens", "ner_tags"}`` with BIO string tags.

Loadable with ``datasets.load_dataset("json", data_files=...)``. A sidecar
``OUT-stem.labels.json`` lists every tag name (``O`` first, then ``B-``/``I-``
per label in the project's label order), fixed before any record is read, so
``ClassLabel(names=...)`` gives the same ids for every split. ``id`` is the
document uid, followed by ``:annotator`` when the export holds several annotators.
"""

from __future__ import annotations

import orjson

from annotator.io.exporters._base import LEAVE_OUT, NEGATIVE, BaseExporter, ExportContext, ExportRecord, StreamWriter
from annotator.io.exporters._bio import bio_tags, tag_names
from annotator.io.registry import register_exporter


class _HfWriter(StreamWriter):
    def write(self, record: ExportRecord) -> None:
        uid = record.document.uid
        if self.context.several_annotators and record.annotator is not None:
            uid = f"{uid}:{record.annotator}"
        tokens = [token.text for token in record.document.tokens]
        line = {"id": uid, "tokens": tokens, "ner_tags": bio_tags(record, self.context)}
        self.stream.write(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE))


class HfExporter(BaseExporter):
    untouched_default = LEAVE_OUT  # all-O would teach that an untouched document has no entities
    untouched_choices = (LEAVE_OUT, NEGATIVE)  # BIO tags cannot say "not annotated"
    name = "hf"
    title = "Hugging Face datasets (JSON lines: tokens, ner_tags)"
    suffix = ".jsonl"
    layout = "lines"
    writer = _HfWriter

    def sidecars(self, context: ExportContext) -> dict[str, bytes]:
        return {".labels.json": orjson.dumps(tag_names(context.labels), option=orjson.OPT_INDENT_2) + b"\n"}


register_exporter("hf")(HfExporter())
