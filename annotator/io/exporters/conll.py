"""CoNLL (IOB2): ``token<TAB>tag`` per line, a blank line after each record (and sentence).

Tokens and tags come from ``_bio.tagged``: every span boundary is a token
boundary, edge whitespace is trimmed, and where spans overlap the longest wins;
the summary counts (and ``--report`` names) the spans not written exactly. A line
holds one token, so whitespace tokens (tabs, line breaks) are not written: CoNLL
cannot rebuild the text (the hf and jsonl formats can). With ``--sentences`` a
blank line also ends each sentence, never inside a span.
"""

from __future__ import annotations

from annotator.io.exporters._base import LEAVE_OUT, NEGATIVE, BaseExporter, ExportRecord, StreamWriter
from annotator.io.exporters._bio import sentences, tagged
from annotator.io.registry import register_exporter


class _ConllWriter(StreamWriter):
    def write(self, record: ExportRecord) -> None:
        self.context.attributes_left_out(record, "CoNLL")
        aligned, tags = tagged(record, self.context)
        tokens = aligned.tokens
        groups = sentences(tokens, tags)
        if not self.context.options.sentences:
            groups = [[i for group in groups for i in group]]
        lines = []
        for group in groups:
            lines += [f"{tokens[i].text}\t{tags[i]}\n" for i in group]
            lines.append("\n")
        self.stream.write("".join(lines).encode("utf-8"))


class ConllExporter(BaseExporter):
    untouched_default = LEAVE_OUT  # all-O would teach that an untouched document has no entities
    untouched_choices = (LEAVE_OUT, NEGATIVE)  # BIO tags cannot say "not annotated"
    name = "conll"
    title = "CoNLL IOB2 (token<TAB>tag lines)"
    suffix = ".conll"
    layout = "lines"
    options: tuple[str, ...] = ("sentences", "strict")
    writer = _ConllWriter


register_exporter("conll")(ConllExporter())
