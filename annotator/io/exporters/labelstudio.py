"""Label Studio JSON: a list of tasks, one per document, one annotation per annotator.

Each task is ``{"id", "data": {"text", "uid", "title", "meta"}, "annotations": [{"completed_by":
{"email": ANNOTATOR}, "ground_truth", "result": [{"id", "from_name": "label", "to_name":
"text", "type": "labels", "value": {"start", "end", "text", "labels": [L]}}]}]}``, for a
labelling config ``<Labels name="label" toName="text">`` over ``<Text name="text" value="$text"/>``.
A span's attribute values are per-region ``choices`` results and its note a per-region
``textarea`` result (``<TextArea name="note" toName="text" perRegion="true"/>``), each with
the span's region id.
Label Studio matches ``completed_by`` to a member with that e-mail address.
``id`` is the task's number in the file (1, 2, ...): Label Studio's converters
need one (KeyError 'id' without it) and its import replaces it with its own; the
document's uid travels in ``data.uid``, which our importer reads back.
Offsets are code points, which Label Studio counts since its emoji fix (about
1.6, 2022; 1.23 checked); ``--offsets utf16`` writes the UTF-16 units older
versions counted.
The file is streamed: the tasks of one document are held, never the whole list.
"""

from __future__ import annotations

import orjson

from annotator.core.model import GOLD_ANNOTATOR
from annotator.core.attributes import show_value
from annotator.io.exporters._base import BaseExporter, ExportContext, ExportDocument, ExportRecord, Output, StreamWriter
from annotator.io.exporters.doccano import utf16_map
from annotator.io.registry import register_exporter


def attribute_results(region: str, value: dict, attributes: dict) -> list[dict]:
    """Label Studio's per-region results: one ``choices`` result per attribute, sharing the span's region id
    (``from_name`` is the attribute's name; a yes-no is the choice "yes" or "no", a number its text)."""
    return [{"id": region, "from_name": name, "to_name": "text", "type": "choices",
             "value": {"start": value["start"], "end": value["end"], "choices": [show_value(held)]}}
            for name, held in attributes.items()]


NOTE_CONTROL = "note"


def note_result(region: str, value: dict, note: str) -> dict:
    """A span's note as Label Studio's per-region text area (``<TextArea name="note" toName="text"
    perRegion="true"/>``): a ``textarea`` result sharing the span's region id."""
    return {"id": region, "from_name": NOTE_CONTROL, "to_name": "text", "type": "textarea",
            "value": {"start": value["start"], "end": value["end"], "text": [note]}}


class _LabelStudioWriter(StreamWriter):
    def __init__(self, output: Output, context: ExportContext) -> None:
        super().__init__(output, context)
        self.utf16 = context.options.offsets == "utf16"
        self.document: ExportDocument | None = None
        self.annotations: list[dict] = []
        self.tasks = 0
        self.stream.write(b"[")

    def _result(self, record: ExportRecord) -> list[dict]:
        text = record.document.text
        convert = utf16_map(record).to_utf16 if self.utf16 else int
        results = []
        self.context.actor_links_left_out(record, "Label Studio")
        for n, (start, end, label, note) in enumerate(record.spans, 1):
            value = {"start": convert(start), "end": convert(end), "text": text[start:end], "labels": [label]}
            results.append(
                {"id": f"s{n}", "from_name": "label", "to_name": "text", "type": "labels", "value": value}
            )
            results += attribute_results(f"s{n}", value, record.attributes_of(n - 1))
            if note:
                results.append(note_result(f"s{n}", value, note))
        results += [{"from_id": f"s{head + 1}", "to_id": f"s{child + 1}", "type": "relation", "direction": "right",
                     "labels": [label]} for head, child, label in record.relations]
        return results

    def write(self, record: ExportRecord) -> None:
        if self.document is not None and record.document is not self.document:
            self._flush()
        self.document = record.document
        if record.annotator is not None:
            self.annotations.append(
                {
                    "completed_by": {"email": record.annotator},
                    "ground_truth": record.annotator == GOLD_ANNOTATOR,
                    "result": self._result(record),
                }
            )

    def _flush(self) -> None:
        document = self.document
        assert document is not None
        task = {
            "id": self.tasks + 1,
            "data": {"text": document.text, "uid": document.uid, "title": document.title, "meta": document.meta},
            "annotations": self.annotations,
        }
        self.stream.write((b",\n" if self.tasks else b"\n") + orjson.dumps(task))
        self.tasks += 1
        self.annotations = []

    def close(self) -> None:
        if self.document is not None:
            self._flush()
        self.stream.write(b"\n]\n")


class LabelStudioExporter(BaseExporter):
    name = "labelstudio"
    title = "Label Studio JSON tasks"
    suffix = ".json"
    layout = "lines"
    options: tuple[str, ...] = ("offsets",)
    writes_relations = True
    writer = _LabelStudioWriter


register_exporter("labelstudio")(LabelStudioExporter())
