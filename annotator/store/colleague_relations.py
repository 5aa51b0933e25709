"""A colleague's relations, brought into their layer by a merge (part of ``colleague.merge_colleague``).

A colleague's relation names its ends by *their* span ids. Each end is read from their file
(one join, no row of theirs trusted unchecked) and found among the spans the merge stored here
by what the spans are: document, layer (after renames), start, end and label. The relation then
joins our ids. A relation is refused, counted under its reason in the summary, when an end is
missing or was not merged, when its ends are of two documents or layers, or when this project's
rule for the relation label does not allow its ends' labels. A relation label the project lacks
comes with the colleague's colour, rule and hotkey (a hotkey taken here is left off, and said).
The colleague reviewer's rejected relation pairs come in as decisions, as rejected span regions do.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from annotator.core.model import hotkey_problem, label_name_problem, recorded_annotator_problem
from annotator.core.relations import RelationLabel
from annotator.store.errors import project_error
from annotator.store.project import Project
from annotator.store.rows import now

if TYPE_CHECKING:
    from annotator.store.colleague import ColleagueProject, MergeSummary

_RELATIONS = (
    'SELECT r.label, h.doc_id, h.start, h."end", h.label, h.annotator, t.doc_id, t.start, t."end", t.label,'
    ' t.annotator, r.created FROM main.relations r LEFT JOIN main.spans h ON h.id = r.head'
    ' LEFT JOIN main.spans t ON t.id = r.tail ORDER BY r.id')


def _has(colleague: ColleagueProject, table: str, columns: tuple[str, ...]) -> bool:
    return set(columns) <= set(colleague.columns(table))


def _names(value: Any) -> tuple[str, ...] | None:
    try:
        names = json.loads(value) if isinstance(value, str) else []
    except (ValueError, RecursionError):
        return None
    if not isinstance(names, list) or not all(isinstance(n, str) and not label_name_problem(n) for n in names):
        return None
    return tuple(names)


def _their_label(row: tuple) -> RelationLabel | None:
    name, color, hotkey, description, order, heads, children = row
    heads, children = _names(heads), _names(children)
    if not isinstance(name, str) or label_name_problem(name) or heads is None or children is None:
        return None
    if not (isinstance(color, str) and len(color) == 7 and color[0] == "#"
            and all(c in "0123456789abcdefABCDEF" for c in color[1:])):
        color = "#999999"
    return RelationLabel(name, color, hotkey if isinstance(hotkey, str) else "",
                         description if isinstance(description, str) else "", order if isinstance(order, int) else 0,
                         heads, children)


def _add_relation_labels(project: Project, colleague: ColleagueProject, used: set[str], summary: MergeSummary) -> None:
    """The relation labels the merged relations need and the project lacks: the colleague's, else plain ones."""
    missing = used - {label.name for label in project.relation_labels()}
    if not missing:
        return
    theirs = {}
    if _has(colleague, "relation_labels", ("name", "heads", "children")):
        rows = ((row.get(c) for c in ("name", "color", "hotkey", "description", "sort_order", "heads", "children"))
                for row in colleague.rows("relation_labels"))
        theirs = {lb.name: lb for lb in map(_their_label, map(tuple, rows)) if lb is not None}
    hotkeys = {lb.hotkey: lb.name for lb in project.relation_labels() if lb.hotkey}
    order = max((lb.order for lb in project.relation_labels()), default=-1)
    for name in sorted(missing):
        label = theirs.get(name)
        if label is None:
            project.ensure_relation_labels([name])
        else:
            order += 1
            hotkey = label.hotkey
            problem = hotkey_problem(hotkey) or (f"already used by {hotkeys[hotkey]!r}" if hotkey in hotkeys else None)
            if hotkey and problem:
                summary.notes.append(f"relation label {name} comes without its hotkey {hotkey!r}: {problem}")
                hotkey = ""
            project.add_relation_label(RelationLabel(name, label.color, hotkey, label.description, order,
                                                     label.heads, label.children))
        summary.relation_labels_added.append(name)


def _our_span(project: Project, docs: Mapping[int, tuple[int, int]], rename: Mapping[str, str],
              end: tuple) -> tuple[int, str] | str:
    """(our span id, layer) of a colleague's relation end, or why there is none."""
    doc_id, start, stop, label, annotator = end
    if doc_id is None:
        return "relations whose end is not among the colleague's spans"
    if not isinstance(annotator, str) or not annotator.strip():
        return "relations whose end spans were not merged"
    annotator = rename.get(annotator.strip(), annotator.strip())
    if doc_id not in docs or recorded_annotator_problem(annotator):
        return "relations whose end spans were not merged"
    row = project.conn.execute(
        "SELECT id FROM spans WHERE doc_id = ? AND annotator = ? AND start = ? AND [end] = ? AND label = ?"
        " ORDER BY id LIMIT 1", [docs[doc_id][0], annotator, start, stop, label]).fetchone()
    return (row[0], annotator) if row is not None else "relations whose end spans were not merged"


def merge_relations(project: Project, colleague: ColleagueProject, docs: Mapping[int, tuple[int, int]],
                    rename: Mapping[str, str], summary: MergeSummary) -> None:
    """Bring the colleague's relations in (inside the merge's transaction), counting what came and what not."""
    if not _has(colleague, "relations", ("id", "head", "tail", "label", "created")):
        return
    try:
        rows = colleague.conn.execute(_RELATIONS).fetchall()
    except sqlite3.DatabaseError as exc:
        raise project_error(colleague.path, exc) from exc
    joins = []
    for label, *ends, created in rows:
        if not isinstance(label, str) or label_name_problem(label):
            summary.skip("relations with a missing or malformed label")
            continue
        head, child = _our_span(project, docs, rename, ends[:5]), _our_span(project, docs, rename, ends[5:])
        problem = head if isinstance(head, str) else child if isinstance(child, str) else None
        if problem is None and head[1] != child[1]:
            problem = "relations joining spans of two layers"
        if problem is None and ends[0] != ends[5]:
            problem = "relations joining spans of two documents"
        if problem is not None:
            summary.skip(problem)
            continue
        joins.append((head[0], child[0], label, head[1], created))
    _add_relation_labels(project, colleague, {j[2] for j in joins}, summary)
    for head, child, label, layer, created in joins:
        problem = project.relation_problem(head, child, label)
        if problem is not None and problem.startswith("these two spans are already joined"):
            summary.relations_present += 1
            continue
        if problem is not None:
            summary.skip(f"relations this project's rules refuse ({problem})")
            continue
        doc_id = project.conn.execute("SELECT doc_id FROM spans WHERE id = ?", [head]).fetchone()[0]
        project.conn.execute(
            "INSERT INTO relations (doc_id, head, tail, label, annotator, created) VALUES (?, ?, ?, ?, ?, ?)",
            [doc_id, head, child, label, layer, created if isinstance(created, str) and created else now()])
        summary.relations_added[layer] = summary.relations_added.get(layer, 0) + 1


def _end(start: Any, end: Any, label: Any, length: int) -> tuple[int, int, str] | None:
    if isinstance(start, int) and isinstance(end, int) and isinstance(label, str) and 0 <= start < end <= length \
            and not label_name_problem(label):
        return start, end, label
    return None


def merge_relation_rejections(project: Project, colleague: ColleagueProject, docs: Mapping[int, tuple[int, int]],
                              rename: Mapping[str, str], summary: MergeSummary) -> None:
    """A colleague reviewer's rejected relation pairs (review key X on a relation row) come in as decisions."""
    for row in colleague.rows("rejected_relations"):
        if row.get("doc_id") not in docs:
            summary.skip("rejected relation pairs that are malformed or of skipped documents")
            continue
        doc_id, length = docs[row["doc_id"]]
        first = _end(row.get("first_start"), row.get("first_end"), row.get("first_label"), length)
        second = _end(row.get("second_start"), row.get("second_end"), row.get("second_label"), length)
        reviewer = row.get("reviewer")
        reviewer = rename.get(reviewer.strip(), reviewer.strip()) if isinstance(reviewer, str) and reviewer.strip() else None
        if first is None or second is None or (reviewer is not None and recorded_annotator_problem(reviewer)):
            summary.skip("rejected relation pairs that are malformed or of skipped documents")
            continue
        first, second = sorted((first, second))
        if project.conn.execute(
                "SELECT 1 FROM rejected_relations WHERE doc_id = ? AND first_start = ? AND first_end = ?"
                " AND first_label = ? AND second_start = ? AND second_end = ? AND second_label = ?",
                [doc_id, *first, *second]).fetchone():
            continue
        created = row.get("created")
        project.conn.execute(
            "INSERT INTO rejected_relations (doc_id, first_start, first_end, first_label, second_start, second_end,"
            " second_label, reviewer, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [doc_id, *first, *second, reviewer, created if isinstance(created, str) and created else now()])
        summary.relation_rejections_added += 1
