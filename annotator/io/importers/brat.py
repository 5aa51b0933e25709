"""brat standoff: ``NAME.txt`` with its annotations in ``NAME.ann`` next to it.

Only text-bound annotations (T lines) become spans; a discontinuous one
(``0 5;8 10``) becomes one span per fragment, once its text (the fragments
joined by a space, as brat writes it) is checked against the document. ``#`` AnnotatorNotes lines become
span notes. Relations, events and attributes are not imported.
"""

from __future__ import annotations

from collections.abc import Iterator

from annotator.io.importers._common import RawSpan, Record, RecordError, SourceFile, decode_bytes, read_text
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


def _text_bound(n_line: int, fields: list[str], text: str) -> list[RawSpan]:
    ident = fields[0]
    if len(fields) < 2 or " " not in fields[1]:
        raise RecordError(f"{ident}: expected 'T1<TAB>Label START END<TAB>text'", n_line)
    label, offsets = fields[1].split(" ", 1)
    fragments = _fragments(n_line, ident, offsets)
    shown = fields[2] if len(fields) > 2 else None
    texts = [shown] if len(fragments) == 1 else _fragment_texts(n_line, ident, label, offsets, fragments, shown, text)
    return [RawSpan(s, e, label, text=t, name=ident, line=n_line) for (s, e), t in zip(fragments, texts)]


def _fragment_texts(n_line: int, ident: str, label: str, offsets: str, fragments: list[tuple[int, int]],
                    shown: str | None, text: str) -> list[str | None]:
    """Each fragment's text, once the line's text (brat joins fragments with a space) is checked."""
    if shown is None:
        return [None] * len(fragments)
    pieces = [text[s:e] for s, e in fragments]
    if " ".join(pieces) != shown:
        raise RecordError(
            f"{ident} ({offsets} {label!r}): the record's span text {shown!r} does not match the text at those "
            f"offsets {' '.join(pieces)!r}",
            n_line,
        )
    return pieces


def parse_ann(content: str, text: str) -> Iterator[tuple[int, RawSpan] | RecordError]:
    """(line, span) of every text-bound annotation of ``text``; notes attached to their span."""
    by_ident: dict[str, list[RawSpan]] = {}
    notes: list[tuple[int, str, str]] = []
    for n_line, raw_line in enumerate(content.split("\n"), 1):
        line = raw_line.rstrip("\r")
        if not line.strip():
            continue
        fields = line.split("\t")
        if fields[0].startswith("T"):
            try:
                by_ident[fields[0]] = _text_bound(n_line, fields, text)
            except RecordError as exc:
                yield exc
        elif fields[0].startswith("#") and len(fields) >= 3 and fields[1].startswith("AnnotatorNotes "):
            notes.append((n_line, fields[1].split(" ", 1)[1].strip(), fields[2]))
    for _n_line, target, note in notes:
        for span in by_ident.get(target, []):
            span.note = note
    for spans in by_ident.values():
        yield from ((0, span) for span in spans)


class BratImporter:
    name = "brat"
    suffixes = (".ann",)

    def read(self, source: SourceFile) -> Iterator[Record | RecordError]:
        txt = source.companion or source.path.with_suffix(".txt")
        if not txt.is_file():
            raise RecordError(f"brat annotations without their text: {txt.name} is missing; nothing imported")
        text = read_text(source, txt)
        content, _encoding = decode_bytes(source.path.read_bytes())
        record = Record(text, title=txt.stem, line=None)
        for item in parse_ann(content, text):
            if isinstance(item, RecordError):
                yield item
            else:
                record.spans.append(item[1])
        yield record


IMPORTER = BratImporter()
register_importer(".ann")(IMPORTER)
