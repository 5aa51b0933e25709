"""brat standoff: a folder with ``NAME.txt`` and ``NAME.ann`` per record, plus ``annotation.conf``.

NAME comes from the document title (else its uid) through ``_filenames.safe_name``,
with ``.ANNOTATOR`` added when the export holds several annotators, and is made
unique; every file is checked to land inside the output folder. Offsets are code
points into the ``.txt`` (written UTF-8 with LF newlines, exactly the stored text),
which is what brat counts. A span that crosses a line break is written as
discontinuous fragments (``T1<TAB>quote 0 12;13 20``), as brat requires. Notes
become ``AnnotatorNotes``. Labels with spaces get ``_`` instead (brat types
cannot hold spaces).
"""

from __future__ import annotations

import re
from pathlib import Path

from annotator.io.exporters._base import BaseExporter, ExportContext, ExportError, ExportRecord, Output
from annotator.io.exporters._filenames import UniqueNames, safe_name
from annotator.io.registry import register_exporter

_TYPE_UNSAFE = re.compile(r"\s+")


def brat_type(label: str) -> str:
    return _TYPE_UNSAFE.sub("_", label.strip()) or "_"


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The pieces of [start, end) between line breaks (brat annotations cannot span lines)."""
    pieces, begin = [], start
    for at in [m.start() for m in re.finditer("\n", text[start:end])]:
        if start + at > begin:
            pieces.append((begin, start + at))
        begin = start + at + 1
    if end > begin:
        pieces.append((begin, end))
    return pieces


def ann_lines(record: ExportRecord) -> list[str]:
    text = record.document.text
    lines = []
    n = 0
    for start, end, label, note in record.spans:
        pieces = fragments(text, start, end)
        if not pieces:
            continue
        n += 1
        offsets = ";".join(f"{s} {e}" for s, e in pieces)
        shown = " ".join(text[s:e] for s, e in pieces)
        lines.append(f"T{n}\t{brat_type(label)} {offsets}\t{shown}\n")
        if note:
            lines.append(f"#{n}\tAnnotatorNotes T{n}\t{' '.join(note.split())}\n")
    return lines


class _BratWriter:
    def __init__(self, output: Output, context: ExportContext) -> None:
        assert output.folder is not None
        self.folder = output.folder
        self.root = output.folder.resolve()
        self.context = context
        self.names = UniqueNames()
        self.names.claim("annotation")  # keeps annotation.conf to itself

    def _path(self, name: str, suffix: str) -> Path:
        path = self.folder / f"{name}{suffix}"
        if path.resolve().parent != self.root:  # safe_name makes this impossible; refuse rather than trust it
            raise ExportError(f"refusing to write {path}: outside the output folder")
        return path

    def write(self, record: ExportRecord) -> None:
        document = record.document
        name = safe_name(document.title, fallback=safe_name(document.uid))
        if self.context.several_annotators and record.annotator is not None:
            name = safe_name(f"{name}.{record.annotator}")
        name = self.names.claim(name)
        lines = ann_lines(record)
        written = sum(1 for line in lines if line.startswith("T"))
        if written < len(record.spans):
            self.context.left_out("cover only line breaks", len(record.spans) - written)
        crossing = sum(1 for line in lines if line.startswith("T") and ";" in line.split("\t")[1])
        if crossing:
            self.context.adjusted("split into fragments at line breaks (brat spans cannot cross lines)", crossing)
        with self._path(name, ".txt").open("w", encoding="utf-8", newline="") as fh:
            fh.write(document.text)
        with self._path(name, ".ann").open("w", encoding="utf-8", newline="") as fh:
            fh.writelines(lines)

    def close(self) -> None:
        entities = "\n".join(dict.fromkeys(brat_type(label) for label in self.context.labels))
        conf = f"[entities]\n{entities}\n\n[relations]\n\n[events]\n\n[attributes]\n"
        (self.folder / "annotation.conf").write_text(conf, encoding="utf-8", newline="")


class BratExporter(BaseExporter):
    name = "brat"
    title = "brat standoff (folder of .txt + .ann)"
    suffix = ""
    layout = "folder"
    writer = _BratWriter


register_exporter("brat")(BratExporter())
