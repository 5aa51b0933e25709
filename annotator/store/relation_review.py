"""Reviewing relations: each layer's relations by their ends, the gold layer's relation writes,
and rejected relation pairs.

A relation is known across layers by its ``RelationKey`` (its ends' ``(start, end, label)`` and
its label, see ``core.relation_disagreements``). Accepting a relation into gold needs its two end
spans in gold: ``add_gold_relations`` adds the ends gold lacks in the same transaction. An end whose
words gold already holds under another span label is gold's span there (``on_gold_spans``), never a
second span over the same words.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from annotator.core.changes import Changes, RelationRejection
from annotator.core.model import GOLD_ANNOTATOR, Span
from annotator.core.relation_disagreements import Pair, RelationKey, SpanKey
from annotator.core.relations import Relation, RelationLabel, end_problem
from annotator.core.text import excerpt
from annotator.core.wording import with_article
from annotator.store.project import Project
from annotator.store.rows import now

_WITH_ENDS = (
    "SELECT r.id, r.doc_id, r.head, r.tail, r.label, r.annotator, coalesce(r.created, ''),"
    " h.start, h.[end], h.label, c.start, c.[end], c.label FROM relations r"
    " JOIN spans h ON h.id = r.head JOIN spans c ON c.id = r.tail")


def _keyed(row: tuple) -> tuple[Relation, RelationKey]:
    return Relation._make(row[:7]), ((row[7], row[8], row[9]), (row[10], row[11], row[12]), row[4])


def relations_by_annotator(project: Project, doc_id: int, annotators: Sequence[str]) -> dict[str, list[RelationKey]]:
    """Each named annotator's relations in a document as keys (one query; the input of compare_relations)."""
    found: dict[str, list[RelationKey]] = {name: [] for name in annotators}
    for who, hs, he, hl, cs, ce, cl, label in project.conn.execute(
            "SELECT r.annotator, h.start, h.[end], h.label, c.start, c.[end], c.label, r.label FROM relations r"
            " JOIN spans h ON h.id = r.head JOIN spans c ON c.id = r.tail"
            " WHERE r.doc_id = ? AND r.annotator IN (SELECT value FROM json_each(?))",
            [doc_id, json.dumps(list(annotators))]):
        found[who].append(((hs, he, hl), (cs, ce, cl), label))
    return found


def gold_relations(project: Project, doc_id: int) -> list[tuple[Relation, RelationKey]]:
    """The gold layer's relations of a document with their keys."""
    return [_keyed(row) for row in project.conn.execute(
        _WITH_ENDS + " WHERE r.doc_id = ? AND r.annotator = ? ORDER BY r.id", [doc_id, GOLD_ANNOTATOR])]


def _gold_span_ids(project: Project, doc_id: int, keys: Iterable[SpanKey]) -> dict[SpanKey, int]:
    found = {}
    for start, end, label in set(keys):
        row = project.conn.execute(
            "SELECT id FROM spans WHERE doc_id = ? AND annotator = ? AND start = ? AND [end] = ? AND label = ?"
            " ORDER BY id LIMIT 1", [doc_id, GOLD_ANNOTATOR, start, end, label]).fetchone()
        if row is not None:
            found[(start, end, label)] = row[0]
    return found


def on_gold_spans(project: Project, doc_id: int, keys: Sequence[RelationKey]) -> list[RelationKey]:
    """``keys`` with each end on the gold span over its words: an end gold has under another span label
    becomes gold's span when the relation label's rule allows that label there (the relation joins
    gold's spans); when it does not, ValueError says why and what to decide first. Ends gold has as
    they are, or has nothing at, stay (``add_gold_relations`` brings the latter)."""
    rules = {label.name: label for label in project.relation_labels()}
    gold_labels: dict[tuple[int, int], list[str]] = {}
    for start, end in {(s, e) for head, child, _label in keys for s, e, _l in (head, child)}:
        gold_labels[(start, end)] = [label for (label,) in project.conn.execute(
            "SELECT label FROM spans WHERE doc_id = ? AND annotator = ? AND start = ? AND [end] = ? ORDER BY id",
            [doc_id, GOLD_ANNOTATOR, start, end])]
    placed = []
    for head, child, label in keys:
        rule = rules.get(label, RelationLabel(label, ""))
        heads_only, children_only = replace(rule, children=()), replace(rule, heads=())  # one end's rule each
        placed.append((_gold_end(project, doc_id, head, gold_labels, rule, lambda lb: end_problem(heads_only, lb, "")),
                       _gold_end(project, doc_id, child, gold_labels, rule, lambda lb: end_problem(children_only, "", lb)),
                       label))
    return placed


def _gold_end(project: Project, doc_id: int, end: SpanKey, gold_labels: Mapping[tuple[int, int], list[str]],
              rule: RelationLabel, problem: Callable[[str], str | None]) -> SpanKey:
    """The gold span a relation end ``end`` lands on (``problem(label)``: why the rule refuses that label)."""
    start, stop, label = end
    there = gold_labels[(start, stop)]
    if not there or label in there:
        return end
    allowed = [other for other in there if problem(other) is None]
    if allowed:
        return (start, stop, allowed[0])
    words = excerpt(project.document_text(doc_id), start, stop)
    raise ValueError(f"cannot accept this {rule.name}: gold has “{words}” as {with_article(repr(there[0]))} span,"
                     f" and {problem(there[0])}; accept the span's version with {with_article(repr(label))} there"
                     " first")


def add_gold_relations(project: Project, doc_id: int, keys: Sequence[RelationKey], reviewer: str,
                       values: Mapping[SpanKey, Mapping[str, Any]] | None = None) -> tuple[list[Span], list[Relation]]:
    """Accept relations into gold in one transaction, with the end spans gold lacks; returns what was created.

    Relations gold already has are skipped. A relation its label's rule refuses (the rule changed
    since the colleague drew it) refuses the whole step: ValueError saying which and why.
    """
    from annotator.store import review  # review's span writes; it imports nothing of this module

    wanted = list(dict.fromkeys(keys))
    ends = [end for head, child, _label in wanted for end in (head, child)]
    with project.transaction():
        ids = _gold_span_ids(project, doc_id, ends)
        spans = review.add_gold_spans(project, doc_id, [end for end in dict.fromkeys(ends) if end not in ids], reviewer,
                                      values)  # an end gold lacks comes with its attribute values
        ids.update({(s.start, s.end, s.label): s.id for s in spans})
        created = []
        for head, child, label in wanted:
            if project.conn.execute("SELECT 1 FROM relations WHERE head = ? AND tail = ? AND label = ?",
                                    [ids[head], ids[child], label]).fetchone():
                continue
            try:
                created.append(project.add_relation(ids[head], ids[child], label))
            except ValueError as exc:
                raise ValueError(f"{label} from “{head[2]}” to “{child[2]}”: {exc}") from exc
    return spans, created


def delete_relations(project: Project, relations: Sequence[Relation]) -> None:
    """Delete relations that must still be what they were (KeyError otherwise: nothing changes)."""
    with project.transaction():
        for relation in relations:
            if relation not in project._relations_where("id = ?", [relation.id]):
                raise KeyError(f"relation {relation.id} is no longer in the project; nothing changed")
            project.conn.execute("DELETE FROM relations WHERE id = ?", [relation.id])


# ---------------------------------------------------------------- rejections
_COLUMNS = ("id, doc_id, first_start, first_end, first_label, second_start, second_end, second_label,"
            " coalesce(reviewer, ''), coalesce(created, '')")


def _rejection(row: tuple) -> RelationRejection:
    return RelationRejection(row[0], row[1], (row[2], row[3], row[4]), (row[5], row[6], row[7]), row[8], row[9])


def relation_rejections(project: Project, doc_id: int) -> list[RelationRejection]:
    """The pairs of a document where the reviewer rejected every relation, in text order."""
    return [_rejection(r) for r in project.conn.execute(
        f"SELECT {_COLUMNS} FROM rejected_relations WHERE doc_id = ? ORDER BY first_start, id", [doc_id])]


def reject_pair(project: Project, doc_id: int, pair: Pair, reviewer: str) -> RelationRejection:
    """Record that no relation between the two spans of ``pair`` goes into gold."""
    first, second = pair
    for start, end, _label in pair:
        project._check_offsets(doc_id, start, end)
    stamp = now()
    with project.transaction():
        cursor = project.conn.execute(
            "INSERT INTO rejected_relations (doc_id, first_start, first_end, first_label, second_start, second_end,"
            " second_label, reviewer, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [doc_id, *first, *second, reviewer, stamp])
    return RelationRejection(int(cursor.lastrowid), doc_id, first, second, reviewer, stamp)


def delete_relation_rejections(project: Project, rejected: Iterable[RelationRejection]) -> None:
    with project.transaction():
        project.conn.executemany("DELETE FROM rejected_relations WHERE id = ?", [(r.id,) for r in rejected])


def restore_relation_rejections(project: Project, rejected: Iterable[RelationRejection]) -> None:
    """Put taken-back relation rejections back with their ids (undo)."""
    with project.transaction():
        project.conn.executemany(
            "INSERT INTO rejected_relations (id, doc_id, first_start, first_end, first_label, second_start,"
            " second_end, second_label, reviewer, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(r.id, r.doc_id, *r.first, *r.second, r.reviewer, r.created) for r in rejected])


# ------------------------------------------------------------ change sets
def take_out(project: Project, changes: Changes) -> None:
    """The relation half of a change set that goes before its spans: relations and rejections removed."""
    if changes.relations_removed:
        delete_relations(project, changes.relations_removed)
    if changes.relations_unrejected:
        delete_relation_rejections(project, changes.relations_unrejected)


def put_in(project: Project, changes: Changes) -> None:
    """The relation half that goes after its spans (a relation needs its ends): relations and rejections added."""
    if changes.relations_added:
        project.restore_relations(changes.relations_added)
    if changes.relations_rejected:
        restore_relation_rejections(project, changes.relations_rejected)
