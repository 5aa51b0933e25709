"""Fuzzing the importers (issue 15): whatever a file holds, import ends in a report, never a traceback
or a hang; every refusal is one line naming the file; and nothing stored breaks ``text[start:end]``.

Formats: our native JSONL, doccano, Label Studio, brat (.txt + .ann), HTML, Markdown and plain text
in odd encodings or raw bytes. Derandomized (the same examples every run, so CI is deterministic),
sized to run in well under a minute.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.model import label_name_problem, meta_problem
from annotator.io.importing import UNEXPECTED, import_paths
from annotator.store import Project

EXAMPLES = 40
SECONDS_PER_IMPORT = 10  # tiny inputs import in milliseconds; this catches a hang, not a slow machine
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Characters that broke importers before: line breaks of every kind, NUL, bidi controls, zero-width
# characters, astral emoji, combining accents, Unicode digits, markup openers.
ODD = "\r\n\t\x00\u2028\u2029\u202e\u200b\u200d\ufeff\u00a0\u0301\u00b3\u0663\U0001f600\U0001f1f0\U0001f1f7<>&#;!-?/\"'\\"
texts = st.text(alphabet=st.one_of(st.sampled_from(ODD), st.characters(codec="utf-8")), max_size=40)
offsets = st.one_of(st.integers(-3, 45), st.sampled_from([True, None, "3", 1.5, 2**70]))
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), texts),
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(texts, children, max_size=3)),
    max_leaves=12,
)
deep_meta = st.integers(1, 400).map(lambda depth: json.loads('{"a":' * depth + "1" + "}" * depth))
# Mostly plausible values with hostile ones mixed in, so that many records get through and their
# stored spans are checked, while each kind of trouble still comes up.
doc_texts = st.text(alphabet=st.one_of(st.sampled_from(ODD), st.characters(codec="utf-8")), min_size=1, max_size=40)
metas = st.one_of(st.just({}), st.dictionaries(texts, json_values, max_size=3), deep_meta, json_values)
good_labels = st.sampled_from(["actor", "claim", "named entity", "Caf\u00e9 \U0001f600", "\u4eba\u7269"])
labels = st.one_of(good_labels, good_labels, good_labels, texts,
                   st.sampled_from(["B-x\nO", "", " ", "x\ty", "x\u202e", "a\x00"]), json_values)
notes = st.one_of(st.none(), texts, texts, json_values)
annotators = st.one_of(st.sampled_from(["ana", "ben"]), st.sampled_from(["ana", "gold", "GOLD", "gold\u200b"]), texts)


@st.composite
def span_offsets(draw, text: str) -> tuple[object, object]:
    """Mostly offsets inside the text (CRLF, emoji and all), sometimes anything."""
    if draw(st.integers(0, 4)) == 0:
        return draw(offsets), draw(offsets)
    start = draw(st.integers(0, len(text)))
    return start, draw(st.integers(start, len(text) + 1))


@st.composite
def native_lines(draw) -> bytes:
    records = []
    for _ in range(draw(st.integers(1, 3))):
        text = draw(doc_texts)
        spans = []
        for _ in range(draw(st.integers(0, 3))):
            start, end = draw(span_offsets(text))
            spans.append({"start": start, "end": end, "label": draw(labels), "meta": {"note": draw(notes)}})
        records.append({"id": draw(texts), "title": draw(texts), "text": text, "meta": draw(metas),
                        "annotator": draw(annotators),
                        "status": draw(st.sampled_from(["done", "done", "in_progress", "bogus"])), "spans": spans})
    return b"\n".join(_dumps(r) for r in records)


@st.composite
def doccano_lines(draw) -> bytes:
    records = []
    for _ in range(draw(st.integers(1, 3))):
        text = draw(doc_texts)
        records.append({"text": text, "label": [[*draw(span_offsets(text)), draw(labels)]
                                                for _ in range(draw(st.integers(0, 3)))]})
    return b"\n".join(_dumps(r) for r in records)


@st.composite
def label_studio_tasks(draw) -> bytes:
    tasks = []
    for _ in range(draw(st.integers(1, 2))):
        text = draw(doc_texts)
        results = []
        for _ in range(draw(st.integers(0, 3))):
            start, end = draw(span_offsets(text))
            shown = text[start:end] if isinstance(start, int) and isinstance(end, int) and draw(st.booleans()) else draw(texts)
            results.append({"value": {"start": start, "end": end, "text": shown,
                                      "labels": draw(st.lists(labels, min_size=1, max_size=2))}, "type": "labels"})
        annotation = {"completed_by": draw(st.one_of(annotators, st.integers(), json_values)), "result": results}
        tasks.append({"data": {"text": text, "meta": draw(metas)}, "annotations": [annotation]})
    return _dumps(tasks)


@st.composite
def brat_pair(draw) -> tuple[bytes, bytes]:
    text = draw(doc_texts)
    lines = []
    for n in range(draw(st.integers(0, 4))):
        label = draw(st.one_of(good_labels.filter(lambda name: " " not in name), st.sampled_from(["", "x\u202ey"]), texts))
        start, end = draw(span_offsets(text))
        where = draw(st.one_of(st.just(f"{start} {end}"), st.sampled_from(["\u00b3 5", "0 5;8 10", "1", "0 \u0663", ""])))
        shown = text[start:end] if isinstance(start, int) and isinstance(end, int) and draw(st.booleans()) else draw(texts)
        lines.append(f"T{n}\t{label} {where}\t{shown}")
        if draw(st.booleans()):
            lines.append(f"#{n}\tAnnotatorNotes T{n}\t{draw(texts)}")
    return _encode(text, draw(encodings)), _encode("\n".join(lines), "utf-8")


HTML_PIECES = ["<!--", "-->", "</", "<?", "<!", "<h1>", "</h1>", "<h3 class=x>", "</h3>", "<p>", "</p>", "<br>",
               "<pre>", "</pre>", "<script>", "</script>", "<title>", "&amp;", "&#13;", "&#0;", "&#x1F600;", "\r\n",
               "<div>", "</div>", "<b>", "<table><tr><td>", "\u202e", "\x00"]
html_documents = st.lists(st.one_of(st.sampled_from(HTML_PIECES), texts), max_size=25).map("".join)
markdown_documents = st.lists(st.one_of(st.sampled_from(["# ", "## ", "\n", "\r\n", "```", "~~~", "    ", "#"]), texts),
                              max_size=25).map("".join)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1252", "latin_1", "shift_jis"])


def _dumps(value: object) -> bytes:
    try:
        return orjson.dumps(value)
    except TypeError:  # integers beyond 64 bits
        return json.dumps(value).encode()


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


def import_and_check(files: dict[str, bytes]) -> None:
    """Import ``files`` into a fresh project and check every promise the issue names."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, data in files.items():
            (folder / name).write_bytes(data)
        named = folder / next(iter(files))
        with Project.open(folder / "p.db") as project:
            started = time.monotonic()
            report = import_paths(project, [named], annotator="fuzz")
            assert time.monotonic() - started < SECONDS_PER_IMPORT
            for problem in report.failed:
                line = str(problem)
                assert "\n" not in line and "\r" not in line, line
                assert line.startswith(str(named)), line
                assert UNEXPECTED not in problem.message, line  # a crash caught by the safety net
            _check_stored(project)


def _check_stored(project: Project) -> None:
    for document in project.iter_documents():
        text = document.text
        assert text and "\r" not in text and "\x00" not in text
        assert meta_problem(document.meta) is None
        json.dumps(document.meta)  # an export can write it (no RecursionError)
        for start, end, _level in document.meta.get("headings", []):
            assert 0 <= start < end <= len(text)
        for span in project.spans(document.id):
            assert 0 <= span.start < span.end <= len(text), span
            assert label_name_problem(span.label) is None, span.label
    for label in project.labels():
        assert label_name_problem(label.name) is None


@FUZZ
@given(native_lines())
def test_fuzz_native_jsonl(data):
    import_and_check({"native.jsonl": data})


@FUZZ
@given(doccano_lines())
def test_fuzz_doccano(data):
    import_and_check({"doccano.jsonl": data})


@FUZZ
@given(label_studio_tasks())
def test_fuzz_label_studio(data):
    import_and_check({"tasks.json": data})


@FUZZ
@given(brat_pair())
def test_fuzz_brat(pair):
    text, ann = pair
    import_and_check({"doc.ann": ann, "doc.txt": text})


@FUZZ
@given(html_documents, encodings)
def test_fuzz_html(document, encoding):
    import_and_check({"page.html": _encode(document, encoding)})


@FUZZ
@given(markdown_documents)
def test_fuzz_markdown(document):
    import_and_check({"notes.md": document.encode("utf-8", errors="replace")})


@FUZZ
@given(st.one_of(st.binary(max_size=200), st.tuples(texts, encodings).map(lambda p: _encode(*p))))
def test_fuzz_plain_text_bytes(data):
    import_and_check({"plain.txt": data})
