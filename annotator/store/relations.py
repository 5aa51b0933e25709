"""Relations and relation labels of a project: read, add, delete, restore.

A mixin of ``Project`` (it uses the project's connection, ``transaction()`` and
``span()``). Every public write is its own transaction. Deleting spans goes
through ``_delete_relations_of`` first: the relations table refers to spans.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from itertools import repeat
from operator import itemgetter

import orjson

from annotator.core.model import EXTRA_COLORS, Span, hotkey_problem, label_name_problem
from annotator.core.relations import DEFAULT_RELATION_LABELS, Relation, RelationLabel, end_problem, relation_problem
from annotator.store.rows import now

_RELATION_COLUMNS = "id, doc_id, head, tail, label, annotator, coalesce(created, '')"
_LABEL_COLUMNS = "name, color, hotkey, description, sort_order, heads, children"


def _label_row(label: RelationLabel) -> tuple:
    return (label.name, label.color, label.hotkey, label.description, label.order,
            json.dumps(list(label.heads), ensure_ascii=False), json.dumps(list(label.children), ensure_ascii=False))


def seed_relation_labels(conn: sqlite3.Connection) -> None:
    """Store the default relation labels whose end labels the project has (inside the caller's transaction).

    Run by the migration that made relation labels (existing projects get the defaults
    that fit their span labels) and when a new project is made, after its span labels.
    """
    if conn.execute("SELECT 1 FROM relation_labels LIMIT 1").fetchone():
        return
    span_labels = {row[0] for row in conn.execute("SELECT name FROM labels")}
    fitting = [lb for lb in DEFAULT_RELATION_LABELS if set(lb.heads + lb.children) <= span_labels]
    conn.executemany(f"INSERT INTO relation_labels ({_LABEL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     [_label_row(lb) for lb in fitting])


class RelationStore:
    conn: sqlite3.Connection

    # --------------------------------------------------------------- labels
    def relation_labels(self) -> list[RelationLabel]:
        rows = self.conn.execute(f"SELECT {_LABEL_COLUMNS} FROM relation_labels ORDER BY sort_order, name")
        return [RelationLabel(r[0], r[1], r[2] or "", r[3] or "", r[4] or 0, tuple(json.loads(r[5] or "[]")),
                              tuple(json.loads(r[6] or "[]"))) for r in rows]

    def relation_label(self, name: str) -> RelationLabel | None:
        return next((lb for lb in self.relation_labels() if lb.name == name), None)

    def add_relation_label(self, label: RelationLabel) -> RelationLabel:
        with self.transaction():
            self._check_relation_label(label, replacing=None)
            self.conn.execute(f"INSERT INTO relation_labels ({_LABEL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                              _label_row(label))
        return label

    def ensure_relation_labels(self, names: Iterable[str]) -> list[RelationLabel]:
        """Create the relation labels among ``names`` that are missing (no rule on their ends, the next
        free colours), for imports; returns those created."""
        labels = self.relation_labels()
        known = {lb.name for lb in labels}
        missing = [name for name in dict.fromkeys(names) if name not in known]
        used = {lb.color for lb in labels}
        order = max((lb.order for lb in labels), default=-1)
        created = []
        for count, name in enumerate(missing):
            problem = label_name_problem(name)
            if problem:
                raise ValueError(problem.replace("label", "relation label", 1))
            color = next((c for c in EXTRA_COLORS if c not in used), EXTRA_COLORS[count % len(EXTRA_COLORS)])
            used.add(color)
            created.append(RelationLabel(name, color, "", "", order + 1 + count))
        if created:
            with self.transaction():
                self.conn.executemany(f"INSERT INTO relation_labels ({_LABEL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                      [_label_row(lb) for lb in created])
        return created

    def update_relation_label(self, name: str, new: RelationLabel) -> RelationLabel:
        """Replace relation label ``name``; a rename relabels its relations. A rule its relations
        would break is refused, naming one of them."""
        with self.transaction():
            if self.relation_label(name) is None:
                raise KeyError(f"no relation label {name!r}")
            self._check_relation_label(new, replacing=name)
            for head_label, child_label in self.conn.execute(
                "SELECT DISTINCT h.label, c.label FROM relations r JOIN spans h ON h.id = r.head"
                " JOIN spans c ON c.id = r.tail WHERE r.label = ?", [name]).fetchall():
                problem = end_problem(new, head_label, child_label)
                if problem:
                    raise ValueError(f"relations labelled {name!r} exist from {head_label!r} to {child_label!r} "
                                     f"spans: {problem}")
            self.conn.execute("DELETE FROM relation_labels WHERE name = ?", [name])
            self.conn.execute(f"INSERT INTO relation_labels ({_LABEL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                              _label_row(new))
            if new.name != name:
                self.conn.execute("UPDATE relations SET label = ? WHERE label = ?", [new.name, name])
        return new

    def delete_relation_label(self, name: str) -> tuple[RelationLabel, list[Relation]]:
        """Delete a relation label and its relations; returns both for undo (``restore_relation_label``)."""
        with self.transaction():
            label = self.relation_label(name)
            if label is None:
                raise KeyError(f"no relation label {name!r}")
            relations = self._relations_where("label = ?", [name])
            self.conn.execute("DELETE FROM relations WHERE label = ?", [name])
            self.conn.execute("DELETE FROM relation_labels WHERE name = ?", [name])
        return label, relations

    def restore_relation_label(self, label: RelationLabel, relations: Iterable[Relation]) -> None:
        with self.transaction():
            self.conn.execute(f"INSERT INTO relation_labels ({_LABEL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                              _label_row(label))
            self._insert_relation_rows(relations)

    def _rename_in_relation_rules(self, old: str, new: str) -> None:
        """A span label was renamed (inside the caller's transaction): the rules naming it follow."""
        for label in self.relation_labels():
            if old in label.heads or old in label.children:
                renamed = tuple(new if name == old else name for name in label.heads), \
                    tuple(new if name == old else name for name in label.children)
                self.conn.execute("UPDATE relation_labels SET heads = ?, children = ? WHERE name = ?",
                                  [json.dumps(list(renamed[0]), ensure_ascii=False),
                                   json.dumps(list(renamed[1]), ensure_ascii=False), label.name])

    def _check_relation_label(self, label: RelationLabel, *, replacing: str | None) -> None:
        problem = label_name_problem(label.name) or hotkey_problem(label.hotkey)
        if problem:
            raise ValueError(problem.replace("label", "relation label", 1))
        for other in self.relation_labels():
            if other.name == replacing:
                continue
            if other.name == label.name:
                raise ValueError(f"a relation label called {label.name!r} already exists")
            if label.hotkey and other.hotkey == label.hotkey:
                raise ValueError(f"hotkey {label.hotkey!r} is already used by relation label {other.name!r}")

    # ------------------------------------------------------------ relations
    def _relations_where(self, where: str, params: Sequence[object]) -> list[Relation]:
        sql = f"SELECT {_RELATION_COLUMNS} FROM relations WHERE {where} ORDER BY id"
        return [Relation._make(row) for row in self.conn.execute(sql, list(params))]

    def relations(self, doc_id: int, annotator: str | Sequence[str] | None = None) -> list[Relation]:
        """Relations of a document, for one annotator, several, or all, in id order."""
        if annotator is None:
            return self._relations_where("doc_id = ?", [doc_id])
        names = [annotator] if isinstance(annotator, str) else list(annotator)
        return self._relations_where(f"doc_id = ? AND annotator IN ({','.join('?' * len(names))})", [doc_id, *names])

    def layer_relations(self, doc_id: int, annotator: str) -> list[Relation]:
        """One annotator's relations of a document in id order, without the time each was made (left
        empty: the window never shows it, and deleting a relation reads it from the file first).

        Read as one JSON array per column: ~1 ms for 3,000, where sqlite3 making each row (and a join
        for the ends' offsets) took ~11 ms of every opening. The caller has the spans in memory for
        their offsets."""
        sql = ("SELECT json_array(json_group_array(id), json_group_array(head), json_group_array(tail),"
               " json_group_array(label)) FROM relations WHERE doc_id = ? AND annotator = ?")
        ids, heads, tails, labels = orjson.loads(self.conn.execute(sql, [doc_id, annotator]).fetchone()[0])
        rows = zip(ids, repeat(doc_id), heads, tails, labels, repeat(annotator), repeat(""))
        relations = list(map(tuple.__new__, repeat(Relation), rows))
        if any(later < earlier for earlier, later in zip(ids, ids[1:])):  # (the doc_id index gives id order)
            relations.sort(key=itemgetter(0))
        return relations

    def relation(self, relation_id: int) -> Relation:
        found = self._relations_where("id = ?", [relation_id])
        if not found:
            raise KeyError(f"no relation {relation_id}")
        return found[0]

    def relation_count(self, label: str | None = None) -> int:
        """How many relations the project holds (of ``label`` only, if given)."""
        if label is None:
            return self.conn.execute("SELECT count(*) FROM relations").fetchone()[0]
        return self.conn.execute("SELECT count(*) FROM relations WHERE label = ?", [label]).fetchone()[0]

    def relation_problem(self, head_id: int, child_id: int, label: str) -> str | None:
        """Why a ``label`` relation from span ``head_id`` to span ``child_id`` would be refused, or None."""
        try:
            head, child = self.span(head_id), self.span(child_id)
        except KeyError as exc:
            return str(exc.args[0])
        problem = relation_problem(self.relation_label(label), label, head, child)
        if problem:
            return problem
        if self.conn.execute("SELECT 1 FROM relations WHERE head = ? AND tail = ? AND label = ?",
                             [head_id, child_id, label]).fetchone():
            return f"these two spans are already joined by {label!r}"
        return None

    def add_relation(self, head_id: int, child_id: int, label: str) -> Relation:
        """Join span ``head_id`` to span ``child_id`` with ``label``; refused (ValueError, saying why) when
        the spans are not of one document and layer or the label's rule does not allow their labels."""
        stamp = now()
        with self.transaction():
            problem = self.relation_problem(head_id, child_id, label)
            if problem:
                raise ValueError(f"cannot link: {problem}")
            head = self.span(head_id)
            cursor = self.conn.execute(
                "INSERT INTO relations (doc_id, head, tail, label, annotator, created) VALUES (?, ?, ?, ?, ?, ?)",
                [head.doc_id, head_id, child_id, label, head.annotator, stamp])
        return Relation(int(cursor.lastrowid), head.doc_id, head_id, child_id, label, head.annotator, stamp)

    def add_relations(self, relations: Iterable[tuple[int, int, str]]) -> int:
        """Bulk insert (head id, child id, label) for importers, in one transaction; all or nothing."""
        count = 0
        with self.transaction():
            for head_id, child_id, label in relations:
                problem = self.relation_problem(head_id, child_id, label)
                if problem:
                    raise ValueError(f"cannot link span {head_id} to span {child_id}: {problem}")
                head = self.span(head_id)
                self.conn.execute(
                    "INSERT INTO relations (doc_id, head, tail, label, annotator, created) VALUES (?, ?, ?, ?, ?, ?)",
                    [head.doc_id, head_id, child_id, label, head.annotator, now()])
                count += 1
        return count

    def delete_relation(self, relation_id: int) -> Relation:
        with self.transaction():
            relation = self.relation(relation_id)
            self.conn.execute("DELETE FROM relations WHERE id = ?", [relation_id])
        return relation

    def restore_relations(self, relations: Iterable[Relation]) -> None:
        """Put deleted relations back with their ids (undo); their spans must be there."""
        with self.transaction():
            self._insert_relation_rows(relations)

    def _insert_relation_rows(self, relations: Iterable[Relation]) -> None:
        for relation in relations:
            taken = self.conn.execute("SELECT 1 FROM relations WHERE id = ?", [relation.id]).fetchone()
            if taken:
                raise ValueError(f"relation {relation.id} cannot be put back: a newer relation has its id now")
            self.conn.execute(
                "INSERT INTO relations (id, doc_id, head, tail, label, annotator, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
                list(relation))

    def relations_of_spans(self, span_ids: Iterable[int]) -> list[Relation]:
        ids = json.dumps(sorted(set(span_ids)))
        return self._relations_where("head IN (SELECT value FROM json_each(?)) OR tail IN (SELECT value FROM json_each(?))",
                                     [ids, ids])

    def _delete_relations_of(self, span_ids: Iterable[int]) -> list[Relation]:
        """Delete the relations with an end among ``span_ids`` (inside the caller's transaction); returns them."""
        relations = self.relations_of_spans(span_ids)
        if relations:
            self.conn.execute("DELETE FROM relations WHERE id IN (SELECT value FROM json_each(?))",
                              [json.dumps([r.id for r in relations])])
        return relations

    def relations_broken_by(self, span: Span, label: str) -> list[tuple[Relation, str]]:
        """The relations of ``span`` whose rule a relabel to ``label`` would break, each with why."""
        broken = []
        labels = {lb.name: lb for lb in self.relation_labels()}
        for relation in self.relations_of_spans([span.id]):
            rule = labels.get(relation.label)
            if rule is None:
                continue
            head_label = label if relation.head == span.id else self.span(relation.head).label
            child_label = label if relation.child == span.id else self.span(relation.child).label
            problem = end_problem(rule, head_label, child_label)
            if problem:
                broken.append((relation, problem))
        return broken
