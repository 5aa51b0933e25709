"""brat standoff: a folder with ``NAME.txt`` and ``NAME.ann`` per record, plus ``annotation.conf``.

NAME comes from the document title (else its uid) through ``_filenames.safe_name``
and is made unique; every file is checked to land inside the output folder. When
the export holds several annotators, each annotator's records go to a folder of
their own (``ANNOTATOR/NAME.txt``) holding an ``.annotator`` file with the exact
name, which the brat importer reads back. Offsets are code points into the
``.txt`` (written UTF-8 with LF newlines, exactly the stored text), which is what
brat counts. A span that crosses a line break (any character where brat's reader,
Python's ``str.splitlines``, ends a line: U+2028, U+0085, vertical tab, ...) is
written as discontinuous fragments (``T1<TAB>quote 0 12;13 20``), as brat requires.
Notes become ``AnnotatorNotes``. A span linked to an actor gets a normalization
(``N1<TAB>Reference T1 Wikidata:Q56226<TAB>Kim Jong Un``: ``core.actors.brat_reference``). Labels with spaces get ``_`` instead (brat types
cannot hold spaces).
"""

from __future__ import annotations

import re
from pathlib import Path

from annotator.core.actors import brat_reference
from annotator.core.attributes import AttributeDef, show_value
from annotator.core.text import LINE_BREAKS
from annotator.io.exporters._base import BaseExporter, ExportContext, ExportError, ExportRecord, Output
from annotator.io.exporters._filenames import UniqueNames, safe_name
from annotator.io.importers.brat import ANNOTATOR_FILE  # one name for the folder's annotator, both ways
from annotator.io.registry import register_exporter

_TYPE_UNSAFE = re.compile(r"\s+")
_LINE_BREAK = re.compile(f"[{re.escape(LINE_BREAKS)}]")


def brat_type(label: str) -> str:
    return _TYPE_UNSAFE.sub("_", label.strip()) or "_"


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The pieces of [start, end) between line breaks (brat annotations cannot span lines)."""
    pieces, begin = [], start
    for match in _LINE_BREAK.finditer(text, start, end):
        if match.start() > begin:
            pieces.append((begin, match.start()))
        begin = match.end()
    if end > begin:
        pieces.append((begin, end))
    return pieces


def attribute_lines(attributes: dict, entity: str, first: int) -> list[str]:
    """brat ``A`` lines of one entity, numbered from ``first``: a yes-no attribute is binary (written when yes)."""
    lines = []
    for name, value in attributes.items():
        if value is False:
            continue
        shown = "" if value is True else f" {show_value(value)}"
        lines.append(f"A{first + len(lines)}\t{brat_type(name)} {entity}{shown}\n")
    return lines


def ann_lines(record: ExportRecord) -> list[str]:
    text = record.document.text
    lines = []
    n = 0
    ident: dict[int, int] = {}  # span index -> its T number
    attribute_count = 0
    normalizations = 0
    for index, (start, end, label, note) in enumerate(record.spans):
        pieces = fragments(text, start, end)
        if not pieces:
            continue
        n += 1
        ident[index] = n
        offsets = ";".join(f"{s} {e}" for s, e in pieces)
        shown = " ".join(text[s:e] for s, e in pieces)
        lines.append(f"T{n}\t{brat_type(label)} {offsets}\t{shown}\n")
        if note:
            lines.append(f"#{n}\tAnnotatorNotes T{n}\t{' '.join(note.split())}\n")
        attributes = attribute_lines(record.attributes_of(index), f"T{n}", attribute_count + 1)
        attribute_count += len(attributes)
        lines += attributes
        actor = record.actor_of(index)
        if actor:
            normalizations += 1
            lines.append(f"N{normalizations}\tReference T{n} {brat_reference(actor[0])}\t{actor[1]}\n")
    relations = [(ident[head], ident[child], label) for head, child, label in record.relations
                 if head in ident and child in ident]
    lines += [f"R{n}\t{brat_type(label)} Arg1:T{head} Arg2:T{child}\n" for n, (head, child, label) in enumerate(relations, 1)]
    return lines


def conf_attribute(attribute: AttributeDef) -> str:
    """An ``annotation.conf`` attribute line: ``certainty Arg:claim, Value:asserted|hedged|disputed``."""
    line = f"{brat_type(attribute.name)}\tArg:{brat_type(attribute.label)}"
    return line + (f", Value:{'|'.join(brat_type(c) for c in attribute.choices)}" if attribute.kind == "choice" else "")


class _BratWriter:
    def __init__(self, output: Output, context: ExportContext) -> None:
        assert output.folder is not None
        self.folder = output.folder
        self.context = context
        self.names: dict[Path, UniqueNames] = {self.folder: self._names("annotation")}  # keeps annotation.conf
        self.layers: dict[str, Path] = {}  # annotator -> their folder
        self.layer_names = self._names("annotation.conf")
        self.relation_types: dict[str, None] = {}  # in order of first use

    @staticmethod
    def _names(*reserved: str) -> UniqueNames:
        names = UniqueNames()
        for name in reserved:
            names.claim(name)
        return names

    def _inside(self, path: Path, folder: Path) -> Path:
        if path.resolve().parent != folder.resolve():  # safe_name makes this impossible; refuse rather than trust it
            raise ExportError(f"refusing to write {path}: outside the output folder")
        return path

    def _folder(self, annotator: str | None) -> Path:
        """Where a record goes: the annotator's own folder when the export holds several annotators."""
        if not self.context.several_annotators or annotator is None:
            return self.folder
        if annotator not in self.layers:
            folder = self._inside(self.folder / self.layer_names.claim(safe_name(annotator, "annotator")), self.folder)
            folder.mkdir()
            (folder / ANNOTATOR_FILE).write_text(annotator, encoding="utf-8")
            self.layers[annotator] = folder
            self.names[folder] = UniqueNames()
        return self.layers[annotator]

    def write(self, record: ExportRecord) -> None:
        document = record.document
        folder = self._folder(record.annotator)
        name = self.names[folder].claim(safe_name(document.title, fallback=safe_name(document.uid)))
        lines = ann_lines(record)
        self.relation_types.update(dict.fromkeys(brat_type(label) for _h, _c, label in record.relations))
        self._count(record, lines)
        with self._inside(folder / f"{name}.txt", folder).open("w", encoding="utf-8", newline="") as fh:
            fh.write(document.text)
        with self._inside(folder / f"{name}.ann", folder).open("w", encoding="utf-8", newline="") as fh:
            fh.writelines(lines)

    def _count(self, record: ExportRecord, lines: list[str]) -> None:
        written = sum(1 for line in lines if line.startswith("T"))
        if written < len(record.spans):
            self.context.left_out("cover only line breaks", len(record.spans) - written)
        crossing = sum(1 for line in lines if line.startswith("T") and ";" in line.split("\t")[1])
        if crossing:
            self.context.adjusted("split into fragments at line breaks (brat spans cannot cross lines)", crossing)
        text = record.document.text
        edged = sum(1 for start, end, _label, _note in record.spans
                    if end > start and (text[start] in LINE_BREAKS or text[end - 1] in LINE_BREAKS)
                    and text[start:end].strip(LINE_BREAKS))
        if edged:
            self.context.adjusted("written without the line breaks at their ends (brat spans cannot hold them)", edged)

    def close(self) -> None:
        entities = "\n".join(dict.fromkeys(brat_type(label) for label in self.context.labels))
        relations = "".join(f"{name}\tArg1:<ENTITY>, Arg2:<ENTITY>\n" for name in self.relation_types)
        attributes = "".join(f"{conf_attribute(a)}\n" for a in self.context.attribute_defs if a.label in self.context.labels)
        conf = f"[entities]\n{entities}\n\n[relations]\n{relations}\n[events]\n\n[attributes]\n{attributes}"
        (self.folder / "annotation.conf").write_text(conf, encoding="utf-8", newline="")


class BratExporter(BaseExporter):
    name = "brat"
    title = "brat standoff (folder of .txt + .ann)"
    suffix = ""
    layout = "folder"
    writes_relations = True
    writer = _BratWriter


register_exporter("brat")(BratExporter())
