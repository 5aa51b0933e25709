"""A colleague's attribute values, brought onto their spans by a merge (part of ``colleague.merge_colleague``).

A value in their file names its span by *their* span id. The span is read from their file (one join)
and found among the spans stored here by what it is: document, layer (after renames), start, end and
label. Only values of attributes their label defines are read (a value kept from an earlier label is
invisible there, and stays out). Each value is checked against *this* project's attribute of the
label: a value outside its choices, of the wrong kind, of an attribute this project does not define
for the label, or not JSON, is refused; the refusals are counted in the summary under their reason
and the first few are named (file, document, span, why). A span here that already holds another
value for the attribute keeps it (counted too). Nothing here is trusted unchecked.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import orjson

from annotator.core.attributes import undefined_problem, value_problem
from annotator.core.model import recorded_annotator_problem
from annotator.store.errors import project_error
from annotator.store.project import Project

if TYPE_CHECKING:
    from annotator.store.colleague import ColleagueProject, MergeSummary

NAMED_REFUSALS = 5  # refused values named one by one in the summary; the rest are counted
NOT_MERGED = "attribute values of spans that were not merged"
REFUSED = "attribute values this project's attributes refuse"
KEPT_OURS = "attribute values that differ from the value the span already holds here (kept this project's)"


def _their_values(colleague: ColleagueProject) -> sqlite3.Cursor | None:
    if not {"span_id", "name", "value"} <= set(colleague.columns("span_attrs")):
        return None
    defined = {"label", "name"} <= set(colleague.columns("attribute_defs"))
    sql = ('SELECT s.doc_id, s.start, s."end", s.label, s.annotator, a.name, a.value FROM main.span_attrs a'
           ' JOIN main.spans s ON s.id = a.span_id'
           + (" JOIN main.attribute_defs d ON d.label = s.label AND d.name = a.name" if defined else "")
           + " ORDER BY s.id, a.name")
    return colleague.conn.execute(sql)


def merge_attribute_values(project: Project, colleague: ColleagueProject, docs: Mapping[int, tuple[int, int]],
                           rename: Mapping[str, str], summary: MergeSummary) -> None:
    """Bring the colleague's attribute values onto the spans the merge stored (inside the merge's transaction)."""
    try:
        rows = _their_values(colleague)
        if rows is None:
            return
        defs = {(a.label, a.name): a for a in project.attribute_defs()}
        titles: dict[int, str] = {}
        writes: list[tuple[int, str, str]] = []
        for doc, start, end, label, annotator, name, raw in rows:
            if doc not in docs or not isinstance(annotator, str) or not annotator.strip():
                summary.skip(NOT_MERGED)
                continue
            annotator = rename.get(annotator.strip(), annotator.strip())
            our_doc = docs[doc][0]
            found = None if recorded_annotator_problem(annotator) else project.conn.execute(
                "SELECT id FROM spans WHERE doc_id = ? AND annotator = ? AND start = ? AND [end] = ? AND label = ?"
                " LIMIT 1", [our_doc, annotator, start, end, label]).fetchone()
            if found is None:
                summary.skip(NOT_MERGED)
                continue
            problem, value = _checked(defs, label, name, raw)
            if problem:
                title = titles.get(our_doc) or titles.setdefault(our_doc, project.document(our_doc).title)
                _refuse(summary, colleague, f"document {title!r}, {label} span {start}-{end} by {annotator}", problem)
                continue
            held = project.conn.execute("SELECT value FROM span_attrs WHERE span_id = ? AND name = ?",
                                        [found[0], name]).fetchone()
            if held is not None:
                if orjson.loads(held[0]) != value:
                    summary.skip(KEPT_OURS)
                continue
            writes.append((found[0], name, orjson.dumps(value).decode()))
        project.conn.executemany("INSERT INTO span_attrs (span_id, name, value) VALUES (?, ?, ?)", writes)
        summary.attribute_values_added += len(writes)
    except sqlite3.DatabaseError as exc:
        raise project_error(colleague.path, exc) from exc


def _checked(defs: Mapping[tuple[str, str], Any], label: str, name: Any, raw: Any) -> tuple[str | None, Any]:
    """(why the value is refused, or None; the value)."""
    if not isinstance(name, str) or not isinstance(raw, str):
        return "a malformed attribute value", None
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return f"attribute {name!r} holds {raw[:40]!r}, which is not JSON", None
    attribute = defs.get((label, name))
    if attribute is None:
        return undefined_problem(label, name, value), None
    return value_problem(attribute, value), value


def _refuse(summary: MergeSummary, colleague: ColleagueProject, span: str, problem: str) -> None:
    refuse_value(summary, f"{colleague.path}: {span}: {problem}")


def refuse_value(summary: MergeSummary, problem: str) -> None:
    """Count a value this project's attributes refuse (left out, its span merged); name the first few."""
    summary.skip(REFUSED)
    if summary.skipped[REFUSED] <= NAMED_REFUSALS:
        summary.notes.append(problem)
