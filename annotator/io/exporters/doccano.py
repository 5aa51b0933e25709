"""doccano sequence labelling JSONL: ``{"id", "text", "label": [[start, end, label], ...], ...}``.

Offsets are code points by default; ``--offsets utf16`` writes the UTF-16 units
doccano's browser front end counts (they differ after emoji and other characters
outside the Basic Multilingual Plane), converted with ``core.offsets.Utf16Map``.
The annotator goes in ``annotator``, the document's title and meta in ``meta``.
No ``status`` key: doccano keeps unknown keys as metadata. Span attribute values go in
``"attrs": [[start, end, label, {NAME: VALUE}], ...]`` (the spans that have any), which doccano
keeps as metadata and our importer reads back; span notes likewise in
``"notes": [[start, end, label, NOTE], ...]``. The title goes in ``meta.title``, where
our importer finds it again.
"""

from __future__ import annotations

import orjson

from annotator.core.offsets import Utf16Map
from annotator.io.exporters._base import BaseExporter, ExportContext, ExportRecord, Output, StreamWriter
from annotator.io.registry import register_exporter


def utf16_map(record: ExportRecord) -> Utf16Map:
    document = record.document
    mapping = document.cache.get("utf16")
    if mapping is None:
        mapping = document.cache["utf16"] = Utf16Map(document.text)
    return mapping


class _DoccanoWriter(StreamWriter):
    def __init__(self, output: Output, context: ExportContext) -> None:
        super().__init__(output, context)
        self.utf16 = context.options.offsets == "utf16"

    def write(self, record: ExportRecord) -> None:
        document = record.document
        if self.utf16:
            mapping = utf16_map(record)
            labels = [[mapping.to_utf16(s), mapping.to_utf16(e), label] for s, e, label, _ in record.spans]
        else:
            labels = [[s, e, label] for s, e, label, _ in record.spans]
        line = {
            "id": document.uid,
            "text": document.text,
            "label": labels,
            "annotator": record.annotator,
            "meta": {"title": document.title, **document.meta},
        }
        if record.relations:  # doccano's relation-extraction shape: entity objects with ids, and relations
            del line["label"]
            line["entities"] = [{"id": n, "label": label, "start_offset": s, "end_offset": e}
                                for n, (s, e, label) in enumerate(labels, 1)]
            line["relations"] = [{"id": n, "from_id": head + 1, "to_id": child + 1, "type": label}
                                 for n, (head, child, label) in enumerate(record.relations, 1)]
        self.context.actor_links_left_out(record, "doccano")
        if record.attributes:  # doccano has no span attributes; it keeps unknown keys as the example's metadata
            line["attrs"] = [[*triple, values] for triple, values in zip(labels, record.attributes) if values]
        notes = [[*triple, span[3]] for triple, span in zip(labels, record.spans) if span[3]]
        if notes:  # nor span notes (its comments belong to the example): the same way as attrs
            line["notes"] = notes
        self.stream.write(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE))


class DoccanoExporter(BaseExporter):
    name = "doccano"
    title = "doccano JSONL (text, label triples)"
    suffix = ".jsonl"
    layout = "lines"
    options: tuple[str, ...] = ("offsets",)
    writes_relations = True
    writer = _DoccanoWriter


register_exporter("doccano")(DoccanoExporter())
