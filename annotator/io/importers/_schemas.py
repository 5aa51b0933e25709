"""Which annotation format a JSON object is, told by its keys, and its Record.

Recognized: our native JSONL line, Prodigy (``spans``), doccano (``label`` as
[[s, e, L]] or ``entities`` as objects), spaCy-style (``entities`` as
[[s, e, L]]), Label Studio tasks (``data.text`` + ``annotations``), Label
Studio JSON-MIN (``text`` + ``label`` objects) and plain documents.
"""

from __future__ import annotations

from typing import Any, Callable

from annotator.core.model import DOC_STATUSES
from annotator.io.importers._common import RawRelation, RawSpan, Record, RecordError

Obj = dict[str, Any]

# What the import summary says was left out (relations of answers that are not accepted).
RELATIONS = "relations"


def _relation_label(n: int, label: Any) -> str:
    if isinstance(label, list):  # Label Studio: a list of labels; the first names the relation
        label = label[0] if label else None
    if not isinstance(label, str) or not label.strip():
        raise RecordError(f"relation {n}: missing label")
    return label.strip()


def _end(n: int, label: str, role: str, key: Any, index: dict[Any, int], what: str) -> int:
    if isinstance(key, list):
        key = tuple(key)
    if key not in index:
        raise RecordError(f"relation {n} ({label}): its {role} {what} is not among the record's spans")
    return index[key]


def _prodigy_relations(record: Record, obj: Obj) -> None:
    """Prodigy's ``rel.manual`` relations: ends named by ``head_span``/``child_span`` (start, end, label)."""
    index: dict[Any, int] = {}
    for i, span in enumerate(record.spans):
        index.setdefault((span.start, span.end, span.label), i)
    for n, item in enumerate(_list(obj, "relations"), 1):
        item = _dict(item, f"relation {n}")
        label = _relation_label(n, item.get("label"))
        ends = []
        for role in ("head", "child"):
            span = _dict(item.get(f"{role}_span"), f"relation {n}: {role}_span")
            key = (span.get("start"), span.get("end"), span.get("label"))
            ends.append(_end(n, label, role, key, index, f"{key[0]}-{key[1]} {key[2]!r}"))
        record.relations.append(RawRelation(ends[0], ends[1], label, f"relation {n}"))


def _id_relations(record: Record, items: list[Any], index: dict[Any, int], label_key: str) -> None:
    """Relations naming their ends by region id (doccano ``from_id``/``to_id``/``type``; Label Studio
    ``from_id``/``to_id``/``labels``/``direction``: "left" points from ``to_id`` to ``from_id``)."""
    for n, item in enumerate(items, 1):
        item = _dict(item, f"relation {n}")
        label = _relation_label(n, item.get(label_key))
        head = _end(n, label, "from_id", item.get("from_id"), index, repr(item.get("from_id")))
        child = _end(n, label, "to_id", item.get("to_id"), index, repr(item.get("to_id")))
        if item.get("direction") == "left":
            head, child = child, head
        record.relations.append(RawRelation(head, child, label, f"relation {n}"))


def _is_offset(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _span(n: int, start: Any, end: Any, label: Any, **extra: Any) -> RawSpan:
    name = f"span {n}"
    if not (_is_offset(start) and _is_offset(end)):
        raise RecordError(f"{name}: start and end must be whole numbers (got {start!r}, {end!r})")
    if isinstance(label, list):  # Label Studio: one span may carry several labels; caller splits
        raise RecordError(f"{name}: expected one label, got a list")
    if not isinstance(label, str) or not label.strip():
        raise RecordError(f"{name}: missing label")
    text = extra.pop("text", None)
    if text is not None and not isinstance(text, str):
        raise RecordError(f"{name}: text must be a string")
    return RawSpan(start, end, label.strip(), text=text, name=name, **extra)


def _list(obj: Obj, key: str) -> list[Any]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{key!r} must be a list")
    return value


def _dict(item: Any, what: str) -> Obj:
    if not isinstance(item, dict):
        raise RecordError(f"{what} must be an object")
    return item


def _annotator(value: Any) -> str | None:
    """A name from an annotator field: a string, a Label Studio user object, or an id."""
    if isinstance(value, dict):
        value = value.get("email") or value.get("id")
    if value is None or isinstance(value, bool):
        return None
    name = str(value).strip()
    return name or None


def _text(obj: Obj) -> str:
    if "text" not in obj:
        raise RecordError("missing 'text'")
    if not isinstance(obj["text"], str):
        raise RecordError("'text' must be a string")
    return obj["text"]


def _base(obj: Obj, text: str) -> Record:
    meta = obj.get("meta")
    if meta is not None and not isinstance(meta, dict):
        raise RecordError("'meta' must be an object")
    uid = obj.get("id")
    title = obj.get("title")
    return Record(
        text,
        title=title if isinstance(title, str) else "",
        uid=None if uid is None or isinstance(uid, (dict, list)) else str(uid),
        meta=dict(meta or {}),
        annotator=_annotator(obj.get("annotator") or obj.get("_annotator_id")),
    )


# ------------------------------------------------------------------- formats
def _native(obj: Obj) -> Record:
    record = _base(obj, _text(obj))
    record.native = True
    record.title = obj.get("title") if isinstance(obj.get("title"), str) else ""
    status = obj.get("status")
    if status is not None and status not in DOC_STATUSES:
        raise RecordError(f"unknown status {status!r}; expected one of {', '.join(DOC_STATUSES)}")
    record.status = status
    for n, item in enumerate(_list(obj, "spans"), 1):
        item = _dict(item, f"span {n}")
        note = (item.get("meta") or {}).get("note") if isinstance(item.get("meta"), dict) else None
        span = _span(n, item.get("start"), item.get("end"), item.get("label"), text=item.get("text"), note=note,
                     attrs=item.get("attrs"))
        span.kb_id = item.get("kb_id")
        record.spans.append(span)
    _prodigy_relations(record, obj)
    return record


def _prodigy(obj: Obj) -> Record:
    record = _base(obj, _text(obj))
    spans = _list(obj, "spans")
    answer = obj.get("answer")
    if answer in ("reject", "ignore"):  # only accepted examples are annotations; the text still comes in
        record.leave_out(f"Prodigy answers {answer!r}")
        record.leave_out(f"spans of Prodigy answers {answer!r}", len(spans))
        record.leave_out(RELATIONS, len(_list(obj, "relations")))
        return record
    for n, item in enumerate(spans, 1):
        item = _dict(item, f"span {n}")
        span = _span(n, item.get("start"), item.get("end"), item.get("label"), text=item.get("text"),
                     attrs=item.get("attrs"))  # our JSONL without annotator/status has this shape
        span.kb_id = item.get("kb_id")  # also spaCy/Prodigy's name for an entity link
        record.spans.append(span)
    _prodigy_relations(record, obj)
    return record


def _triples(record: Record, items: list[Any], key: str) -> None:
    for n, item in enumerate(items, 1):
        if isinstance(item, str):  # doccano text classification: a category, not a span
            record.leave_out("doccano categories")
            continue
        if not isinstance(item, (list, tuple)) or len(item) < 3:
            raise RecordError(f"span {n}: each {key!r} item must be [start, end, label]")
        record.spans.append(_span(n, item[0], item[1], item[2]))


def _doccano_or_spacy(obj: Obj) -> Record:
    record = _base(obj, _text(obj))
    record.utf16_offsets = "label" in obj  # doccano's own export; spaCy offsets are code points
    key = "label" if "label" in obj else "entities"
    items = _list(obj, key)
    relations = _list(obj, "relations")
    if items and isinstance(items[0], dict):  # doccano entities: {id, start_offset, end_offset, label}
        record.utf16_offsets = True
        by_id: dict[Any, int] = {}
        for n, item in enumerate(items, 1):
            item = _dict(item, f"span {n}")
            if "id" in item:
                by_id.setdefault(item["id"], len(record.spans))
            record.spans.append(_span(n, item.get("start_offset"), item.get("end_offset"), item.get("label")))
        _id_relations(record, relations, by_id, "type")
    else:
        record.leave_out(RELATIONS, len(relations))  # doccano's relations name entity objects' ids
        _triples(record, items, key)
    _doccano_extras(record, _list(obj, "attrs"), "attrs", dict, "{name: value}")
    _doccano_extras(record, _list(obj, "notes"), "notes", str, "note")
    title = record.meta.get("title")
    if not record.title and isinstance(title, str):  # our doccano export keeps the title in meta
        record.title = record.meta.pop("title")
    return record


def _doccano_extras(record: Record, items: list[Any], key: str, kind: type, shape: str) -> None:
    """Our doccano export's ``"attrs": [[start, end, label, {NAME: VALUE}], ...]`` and ``"notes": [[start,
    end, label, NOTE], ...]``, given to the spans they name."""
    by_key = {(span.start, span.end, span.label): span for span in record.spans}
    for n, item in enumerate(items, 1):
        if not (isinstance(item, list) and len(item) == 4 and isinstance(item[3], kind)):
            raise RecordError(f"{key} item {n}: each must be [start, end, label, {shape}]")
        span = by_key.get((item[0], item[1], item[2]))
        if span is None:
            raise RecordError(f"{key} item {n}: no span {item[0]}-{item[1]} {item[2]!r} in the record's labels")
        if key == "attrs":
            span.attrs = item[3]
        else:
            span.note = item[3]


def _label_studio_value(record: Record, n: int, value: Obj, annotator: str | None) -> int:
    labels = value.get("labels")
    labels = labels if isinstance(labels, list) else [value.get("label")]
    for label in labels:
        n += 1
        record.spans.append(
            _span(n, value.get("start"), value.get("end"), label, text=value.get("text"), annotator=annotator)
        )
    return n


def _label_studio_task(obj: Obj) -> Record:
    data = obj["data"]
    record = _base(obj, _text(data))
    record.utf16_offsets = True
    record.title = data.get("title") if isinstance(data.get("title"), str) else record.title
    record.uid = _uid(data) or record.uid  # our export keeps the uid in data; Label Studio's task id is the fallback
    if isinstance(data.get("meta"), dict):
        record.meta = dict(data["meta"])
        record.exact_meta = "uid" in data  # our export: the meta is the document's, as it was
    record.leave_out("Label Studio predictions", len(_list(obj, "predictions")))
    n = 0
    for annotation in _list(obj, "annotations"):
        annotation = _dict(annotation, "annotation")
        if annotation.get("was_cancelled"):
            record.leave_out("cancelled (skipped) Label Studio annotations")
            continue
        annotator = _annotator(annotation.get("completed_by"))
        record.done_by.append(annotator)  # a submitted annotation is finished work, even with no region
        by_id: dict[Any, int] = {}  # region id -> its (first) span, for this annotation's relations
        relations = []
        regions: dict[Any, list[RawSpan]] = {}
        choices, notes = [], []
        for result in _list(annotation, "result"):
            result = _dict(result, "result")
            value = result.get("value")
            if result.get("type") == "choices" and isinstance(value, dict) and "start" in value:
                choices.append(result)  # a per-region choice: an attribute of the span with the same id
            elif result.get("type") == "textarea" and isinstance(value, dict) and "start" in value:
                notes.append(result)  # a per-region text area: the note of the span with the same id
            elif isinstance(value, dict) and "start" in value:
                by_id.setdefault(result.get("id"), len(record.spans))
                first = len(record.spans)
                n = _label_studio_value(record, n, value, annotator)
                regions.setdefault(result.get("id"), []).extend(record.spans[first:])
                _label_studio_note(record.spans[first:], result.get("meta"), "meta.text")
            elif result.get("type") == "relation":
                relations.append({**result, "labels": result.get("labels") or ["related"]})
            else:
                record.leave_out(_result_kind(result))
        _id_relations(record, relations, by_id, "labels")
        for result in choices:
            _label_studio_choice(record, result, regions)
        for result in notes:
            spans = regions.get(result.get("id"))
            if spans:
                _label_studio_note(spans, result["value"], "textarea result")
            else:
                record.leave_out("Label Studio textarea results of no labelled region")
    return record


def _label_studio_note(spans: list[RawSpan], holder: Any, what: str) -> None:
    """A region's note: the ``text`` list of its per-region text area (or of the region's own ``meta``)."""
    if not isinstance(holder, dict) or "text" not in holder:
        return
    texts = holder["text"]
    texts = [texts] if isinstance(texts, str) else texts
    if not (isinstance(texts, list) and all(isinstance(t, str) for t in texts)):
        raise RecordError(f"{spans[0].name}: the {what}'s text must be a list of strings")
    note = "\n".join(t for t in texts if t.strip())
    for span in spans:
        span.note = "\n".join(filter(None, (span.note, note))) or None


def _label_studio_choice(record: Record, result: Obj, regions: dict[Any, list[RawSpan]]) -> None:
    """A ``choices`` result of a region: attribute ``from_name`` of the region's span(s) takes the choice."""
    spans = regions.get(result.get("id"))
    if not spans:
        record.leave_out("Label Studio choices results of no labelled region")
        return
    picked = result["value"].get("choices")
    name = result.get("from_name")
    if not (isinstance(picked, list) and len(picked) == 1 and isinstance(name, str)):
        raise RecordError(f"{spans[0].name}: choices result {result.get('id')!r} must name one choice "
                          f"(from_name, value.choices: [choice])")
    for span in spans:
        span.attrs = {**(span.attrs or {}), name: picked[0]}


def _result_kind(result: Obj) -> str:
    """How the summary names a Label Studio result that is not a labelled text region."""
    kind = result.get("type")
    if kind == "relation":
        return RELATIONS
    return f"Label Studio {kind} results" if isinstance(kind, str) and kind else "Label Studio results without offsets"


def _uid(obj: Obj) -> str | None:
    uid = obj.get("uid")
    return None if uid is None or isinstance(uid, (dict, list, bool)) else str(uid)


def _label_studio_min(obj: Obj) -> Record:
    record = _base(obj, _text(obj))
    record.utf16_offsets = True
    record.uid = _uid(obj) or record.uid  # JSON-MIN copies the task's data (our uid) next to Label Studio's id
    n = 0
    for item in _list(obj, "label"):
        n = _label_studio_value(record, n, _dict(item, "label item"), None)
    return record


def _plain(obj: Obj) -> Record:
    return _base(obj, _text(obj))


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else None


def _builder(obj: Obj) -> Callable[[Obj], Record]:
    """The schema of ``obj``, told by its keys (the checks are ordered: most specific first)."""
    data = obj.get("data")
    if isinstance(data, dict) and "text" in data:
        return _label_studio_task
    if "annotator" in obj and "status" in obj and "text" in obj:
        return _native
    if isinstance(obj.get("spans"), list):
        return _prodigy
    label, entities = obj.get("label"), obj.get("entities")
    if label is None and entities is None:
        return _plain
    if isinstance(_first(label), dict):
        return _label_studio_min
    if isinstance(label, list) or isinstance(entities, list):
        return _doccano_or_spacy  # doccano label triples / entity objects, or spaCy entity triples
    return _plain


_JSON_TYPES = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "true/false", type(None): "null"}


def record_from_json(obj: Any) -> Record:
    """The Record of one JSON value; RecordError when it is not a document."""
    if not isinstance(obj, dict):
        raise RecordError(f"not a JSON object (got {_JSON_TYPES.get(type(obj), 'a value')})")
    return _builder(obj)(obj)
