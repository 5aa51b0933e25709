"""CoNLL (IOB2): ``token<TAB>tag`` per line, a blank line after each record (and sentence).

Tags come from ``_bio.bio_tags``: spans are widened to whole tokens and, where
they overlap, the longest wins (ties to the earlier start); the summary counts
the spans left out.
"""

from __future__ import annotations

from annotator.io.exporters._base import LEAVE_OUT, NEGATIVE, BaseExporter, ExportRecord, StreamWriter
from annotator.io.exporters._bio import bio_tags, sentence_breaks
from annotator.io.registry import register_exporter


class _ConllWriter(StreamWriter):
    def write(self, record: ExportRecord) -> None:
        tokens = record.document.tokens
        tags = bio_tags(record, self.context)
        breaks = sentence_breaks(record) if self.context.options.sentences else ()
        lines = []
        for i, (token, tag) in enumerate(zip(tokens, tags)):
            lines.append(f"{token.text}\t{tag}\n")
            if i in breaks:
                lines.append("\n")
        lines.append("\n")
        self.stream.write("".join(lines).encode("utf-8"))


class ConllExporter(BaseExporter):
    untouched_default = LEAVE_OUT  # all-O would teach that an untouched document has no entities
    untouched_choices = (LEAVE_OUT, NEGATIVE)  # BIO tags cannot say "not annotated"
    name = "conll"
    title = "CoNLL IOB2 (token<TAB>tag lines)"
    suffix = ".conll"
    layout = "lines"
    options: tuple[str, ...] = ("sentences",)
    writer = _ConllWriter


register_exporter("conll")(ConllExporter())
