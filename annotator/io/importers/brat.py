"""brat standoff: ``NAME.txt`` with its annotations in ``NAME.ann`` next to it.

Only text-bound annotations (T lines) become spans. A discontinuous one
(``0 5;8 10``) is checked against the document (its text is the fragments
joined by a space, as brat writes it); fragments separated only by line breaks
(how brat and our export write a span across lines) become one span again, other
fragments one span each. The span text runs to the end of the line and may hold
tabs, as in brat's own reader. ``#`` AnnotatorNotes lines become span notes.
``A`` (and ``M``) attribute lines become the span's attribute values (``A1<TAB>certainty T2 hedged``;
without a value, a yes-no attribute set to yes), checked against the project's attributes.
``N`` normalization lines (``N1<TAB>Reference T1 Wikidata:Q123<TAB>Kim Jong Un``) link the span to
that actor entry (created, with that name, when the project does not have it). Events, equivalences
and other comments are not imported: they are counted for the import summary.

An ``.ann`` in a folder with an ``.annotator`` file (our export of several
annotators: one folder each) is that annotator's, whatever ``--annotator`` says.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.core.actors import kb_id_from_brat
from annotator.core.text import LINE_BREAKS

from annotator.io.importers._schemas import RELATIONS
from annotator.io.importers._common import (RawRelation, RawSpan, Record, RecordError, SourceFile, decode_bytes,
                                            read_text)
from annotator.io.registry import register_importer


def _fragments(n_line: int, ident: str, offsets: str) -> list[tuple[int, int]]:
    fragments = []
    for part in offsets.split(";"):
        pieces = part.split()
        # ASCII digits only: str.isdigit() also accepts '³' or '٣', which int() then refuses or misreads.
        if len(pieces) != 2 or not all(p.isascii() and p.isdigit() for p in pieces):
            raise RecordError(f"{ident}: bad offsets {offsets!r} (expected 'START END' or 'S1 E1;S2 E2')", n_line)
        fragments.append((int(pieces[0]), int(pieces[1])))
    return fragments


ANNOTATOR_FILE = ".annotator"  # written by our brat export in each annotator's folder
# What the import summary calls the annotations it leaves out, by their id's first letter.
LEFT_OUT = {"E": "events", "A": "attributes", "M": "attributes", "*": "equivalences"}


def _text_bound(n_line: int, fields: list[str], text: str) -> list[RawSpan]:
    ident = fields[0]
    if len(fields) < 2 or " " not in fields[1]:
        raise RecordError(f"{ident}: expected 'T1<TAB>Label START END<TAB>text'", n_line)
    label, offsets = fields[1].split(" ", 1)
    fragments = _fragments(n_line, ident, offsets)
    shown = fields[2] if len(fields) > 2 else None
    if len(fragments) == 1:
        return [RawSpan(*fragments[0], label, text=shown, name=ident, line=n_line)]
    _check_fragments(n_line, ident, label, offsets, fragments, shown, text)
    return [RawSpan(s, e, label, text=text[s:e], name=ident, line=n_line) for s, e in _across_lines(fragments, text)]


def _across_lines(fragments: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Fragments with only line breaks between them joined into one span: brat's way of crossing lines."""
    joined = [fragments[0]]
    for start, end in fragments[1:]:
        last_start, last_end = joined[-1]
        if last_end <= start and not text[last_end:start].strip(LINE_BREAKS):
            joined[-1] = (last_start, end)
        else:
            joined.append((start, end))
    return joined


def _check_fragments(n_line: int, ident: str, label: str, offsets: str, fragments: list[tuple[int, int]],
                     shown: str | None, text: str) -> None:
    """The line's text against the document (brat joins fragments with a space); offsets are checked later."""
    if shown is None or any(not 0 <= s < e <= len(text) for s, e in fragments):
        return
    pieces = [text[s:e] for s, e in fragments]
    if " ".join(pieces) != shown:
        raise RecordError(
            f"{ident} ({offsets} {label!r}): the record's span text {shown!r} does not match the text at those "
            f"offsets {' '.join(pieces)!r}",
            n_line,
        )


def _normalization(n_line: int, fields: list[str]) -> tuple[int, str, str, str] | RecordError:
    """``N1<TAB>Reference T1 Wikidata:Q123<TAB>Kim Jong Un``: (line, entity, kb_id, name)."""
    parts = fields[1].split() if len(fields) > 1 else []
    if len(parts) != 3 or parts[0] != "Reference":
        return RecordError(f"{fields[0]}: expected 'N1<TAB>Reference T1 DATABASE:ID<TAB>name'", n_line)
    kb_id = kb_id_from_brat(parts[2])
    if kb_id is None:
        return RecordError(f"{fields[0]}: the reference {parts[2]!r} is not DATABASE:ID (e.g. Wikidata:Q123)", n_line)
    return n_line, parts[1], kb_id, fields[2].strip() if len(fields) > 2 else ""


def parse_ann(content: str, text: str, record: Record) -> Iterator[tuple[int, RawSpan] | RecordError]:
    """(line, span) of every text-bound annotation of ``text`` (appended to ``record.spans``), notes
    attached to their span, then the relations (``R`` lines) into ``record.relations``.

    What is not imported is counted on ``record`` (``Record.leave_out``).
    """
    by_ident: dict[str, list[RawSpan]] = {}
    notes: list[tuple[int, str, str]] = []
    relations: list[tuple[int, str, str]] = []
    attributes: list[tuple[int, str, str, str | bool]] = []  # (line, entity, name, value) of A/M lines
    links: list[tuple[int, str, str, str]] = []  # (line, entity, kb_id, name) of N lines
    for n_line, raw_line in enumerate(content.split("\n"), 1):
        line = raw_line.rstrip("\r")
        if not line.strip():
            continue
        fields = line.split("\t", 2)  # brat: the text runs to the end of the line, tabs and all
        if fields[0].startswith("T"):
            try:
                by_ident[fields[0]] = _text_bound(n_line, fields, text)
            except RecordError as exc:
                yield exc
        elif fields[0].startswith("R"):
            relations.append((n_line, fields[0], fields[1] if len(fields) > 1 else ""))
        elif fields[0].startswith("#") and len(fields) >= 3 and fields[1].startswith("AnnotatorNotes "):
            notes.append((n_line, fields[1].split(" ", 1)[1].strip(), fields[2]))
        elif fields[0].startswith("#"):
            record.leave_out("brat comments other than AnnotatorNotes")
        elif fields[0].startswith("N"):
            parsed_link = _normalization(n_line, fields)
            if isinstance(parsed_link, RecordError):
                yield parsed_link
            else:
                links.append(parsed_link)
        elif fields[0][:1] in ("A", "M"):
            parsed = _attribute(n_line, fields)
            if isinstance(parsed, RecordError):
                yield parsed
            else:
                attributes.append(parsed)
        else:
            record.leave_out(LEFT_OUT.get(fields[0][:1], "brat lines of an unknown kind"))
    for _n_line, target, note in notes:
        for span in by_ident.get(target, []):
            span.note = note
    for n_line, target, name, value in attributes:
        if target not in by_ident:
            yield RecordError(f"attribute {name!r} of {target}: no text-bound annotation {target} in the file", n_line)
            continue
        for span in by_ident[target]:
            span.attrs = {**(span.attrs or {}), name: value}
            span.line = span.line or n_line
    for n_line, target, kb_id, name in links:
        if target not in by_ident:
            yield RecordError(f"normalization of {target}: no text-bound annotation {target} in the file", n_line)
            continue
        for span in by_ident[target]:
            if span.kb_id is not None and span.kb_id != kb_id:
                yield RecordError(f"{target} is normalized twice ({span.kb_id!r} and {kb_id!r}); an actor span "
                                  "links to one entry", n_line)
                break
            span.kb_id, span.kb_name = kb_id, name or None
            span.line = n_line
    first: dict[str, int] = {}  # ident -> index of its (first) span among those yielded
    for ident, spans in by_ident.items():
        first[ident] = len(record.spans)
        for span in spans:
            record.spans.append(span)
            yield 0, span
    for n_line, ident, arguments in relations:
        try:
            record.relations.append(_relation(n_line, ident, arguments, first))
        except RecordError as exc:
            yield exc


def _relation(n_line: int, ident: str, arguments: str, first: dict[str, int]) -> RawRelation:
    """An ``R1<TAB>said_by Arg1:T3 Arg2:T1`` line: Arg1 is the head, Arg2 the child."""
    parts = arguments.split()
    ends = dict(part.split(":", 1) for part in parts[1:] if ":" in part)
    if len(parts) != 3 or set(ends) != {"Arg1", "Arg2"}:
        raise RecordError(f"{ident}: expected 'R1<TAB>Label Arg1:T1 Arg2:T2', got {arguments!r}", n_line)
    for role in ("Arg1", "Arg2"):
        if ends[role] not in first:
            raise RecordError(f"relation {ident} ({parts[0]}): {role} {ends[role]} is not among the file's spans", n_line)
    return RawRelation(first[ends["Arg1"]], first[ends["Arg2"]], parts[0], ident)


def _attribute(n_line: int, fields: list[str]) -> tuple[int, str, str, str | bool] | RecordError:
    """An ``A`` line: ``A1<TAB>certainty T2 hedged`` (a value), or ``A1<TAB>negated T2`` (binary: yes)."""
    parts = fields[1].split() if len(fields) > 1 else []
    if len(parts) not in (2, 3):
        return RecordError(f"{fields[0]}: an attribute line is 'A1<TAB>NAME T1 [VALUE]'", n_line)
    return n_line, parts[1], parts[0], parts[2] if len(parts) == 3 else True


class BratImporter:
    name = "brat"
    suffixes = (".ann",)
    # brat's configuration, read by brat's server beside the documents (our export writes annotation.conf)
    folder_files = ("annotation.conf", "visual.conf", "tools.conf", "kb_shortcuts.conf")

    def read(self, source: SourceFile) -> Iterator[Record | RecordError]:
        txt = source.companion or source.path.with_suffix(".txt")
        if not txt.is_file():
            raise RecordError(f"brat annotations without their text: {txt.name} is missing; nothing imported")
        text = read_text(source, txt)
        content, _encoding = decode_bytes(source.path.read_bytes())
        record = Record(text, title=txt.stem, line=None, annotator=_folder_annotator(source.path))
        for item in parse_ann(content, text, record):  # fills record.spans and record.relations
            if isinstance(item, RecordError):
                yield item
        yield record


def _folder_annotator(ann: Path) -> str | None:
    """The annotator our export named in the .ann's folder, if any."""
    named = ann.parent / ANNOTATOR_FILE
    if not named.is_file():
        return None
    name, _encoding = decode_bytes(named.read_bytes())
    return name.strip() or None


IMPORTER = BratImporter()
register_importer(".ann")(IMPORTER)
