"""Attributes of labels and their values on spans: read, define, set (a mixin of ``Project``).

Values are JSON in ``span_attrs`` (a choice or text as a string, yes-no as true/false, a number),
read per span or per document in one query, never on the way a document opens.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from typing import Any

import orjson

from annotator.core.attributes import DEFAULT_ATTRIBUTES, AttributeDef, definition_problem, show_value, value_problem
from annotator.store.rows import now

AttrValues = dict[str, Any]
# Values of the attributes the span's label defines: a relabelled span keeps its old label's values
# (relabelling back, or undoing, brings them back) but they are not shown, counted or exported.
DEFINED_VALUES = ("span_attrs a JOIN spans s ON s.id = a.span_id"
            " JOIN attribute_defs d ON d.label = s.label AND d.name = a.name")


@dataclass(frozen=True)
class HeldAttributes:
    """A deleted label's attribute definitions and its spans' values (JSON as stored), kept for undo."""

    defs: tuple[AttributeDef, ...] = ()
    values: tuple[tuple[int, str, str], ...] = ()  # (span id, name, JSON value)
    links: tuple[tuple[int, int, str], ...] = ()  # the spans' actor links: (span id, actor id, mention key)


def _def_from_row(row: Sequence[Any]) -> AttributeDef:
    label, name, kind, choices, default, hotkeys, order = row
    return AttributeDef(label, name, kind, tuple(orjson.loads(choices or "[]")),
                        orjson.loads(default) if default else None, tuple(orjson.loads(hotkeys or "[]")), order or 0)


class AttributeStore:
    conn: sqlite3.Connection

    def transaction(self) -> AbstractContextManager[Any]:  # provided by Project
        raise NotImplementedError

    # ------------------------------------------------------------ definitions
    def attribute_defs(self, label: str | None = None) -> list[AttributeDef]:
        """The attributes of ``label`` (or of every label), in their order."""
        sql = ("SELECT label, name, kind, choices, default_value, hotkeys, sort_order FROM attribute_defs"
               + (" WHERE label = ?" if label is not None else "") + " ORDER BY label, sort_order, name")
        return [_def_from_row(r) for r in self.conn.execute(sql, [label] if label is not None else [])]

    def attribute_def(self, label: str, name: str) -> AttributeDef | None:
        return next((a for a in self.attribute_defs(label) if a.name == name), None)

    def _insert_attribute_defs(self, defs: Iterable[AttributeDef]) -> None:
        self.conn.executemany(
            "INSERT INTO attribute_defs (label, name, kind, choices, default_value, hotkeys, sort_order)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(a.label, a.name, a.kind, orjson.dumps(list(a.choices)).decode(),
              None if a.default is None else orjson.dumps(a.default).decode(),
              orjson.dumps(list(a.hotkeys)).decode(), a.order) for a in defs])

    def seed_attribute_defs(self) -> None:
        """The attributes of the default labels (claim certainty, quote form, figure kind).

        Also called by the migration with a ``Database`` as ``self`` (it has ``conn``)."""
        AttributeStore._insert_attribute_defs(self, DEFAULT_ATTRIBUTES)

    def adopt_attribute_defs(self, defs: Iterable[AttributeDef]) -> None:
        """Make ``defs`` the project's attribute definitions (a merge's scratch project takes the target's,
        so that an import file's values are checked against the project they are merged into)."""
        with self.transaction():
            self.conn.execute("DELETE FROM attribute_defs")
            self._insert_attribute_defs(defs)

    def define_attribute(self, attribute: AttributeDef, *, replacing: str | None = None) -> AttributeDef:
        """Add an attribute to its label, or replace the one called ``replacing``.

        A rename carries the spans' values over; a value the new definition does not
        accept (a choice taken away) is refused, naming how many spans hold it.
        """
        with self.transaction():
            others = {a.name: a for a in self.attribute_defs(attribute.label) if a.name != replacing}
            problem = definition_problem(attribute, others)
            if problem:
                raise ValueError(problem)
            if replacing is not None:
                self._check_values_fit(attribute, replacing)
                self.conn.execute("DELETE FROM attribute_defs WHERE label = ? AND name = ?", [attribute.label, replacing])
                if replacing != attribute.name:
                    self.conn.execute(
                        "UPDATE span_attrs SET name = ? WHERE name = ? AND span_id IN (SELECT id FROM spans WHERE label = ?)",
                        [attribute.name, replacing, attribute.label])
            elif not others:
                attribute = replace(attribute, order=0)
            else:
                attribute = replace(attribute, order=max(a.order for a in others.values()) + 1)
            self._insert_attribute_defs([attribute])
        return attribute

    def _check_values_fit(self, attribute: AttributeDef, old_name: str) -> None:
        held = self.conn.execute(
            "SELECT a.value, count(*) FROM span_attrs a JOIN spans s ON s.id = a.span_id"
            " WHERE s.label = ? AND a.name = ? GROUP BY a.value", [attribute.label, old_name]).fetchall()
        for value, count in held:
            problem = value_problem(attribute, orjson.loads(value))
            if problem:
                raise ValueError(f"{count} span(s) hold a value the new definition refuses: {problem}")

    def delete_attribute(self, label: str, name: str) -> tuple[AttributeDef, dict[int, Any]]:
        """Remove an attribute and its values; returns both so that undo can put them back."""
        with self.transaction():
            attribute = self.attribute_def(label, name)
            if attribute is None:
                raise KeyError(f"{label} has no attribute {name!r}")
            held = self._values_of(label, name)
            self.conn.execute("DELETE FROM span_attrs WHERE name = ? AND span_id IN (SELECT id FROM spans WHERE label = ?)",
                              [name, label])
            self.conn.execute("DELETE FROM attribute_defs WHERE label = ? AND name = ?", [label, name])
        return attribute, held

    def restore_attribute(self, attribute: AttributeDef, held: Mapping[int, Any]) -> None:
        with self.transaction():
            self._insert_attribute_defs([attribute])
            self._write_values([(span_id, attribute.name, value) for span_id, value in held.items()])

    def hold_attributes(self, label: str, span_ids: Iterable[int]) -> HeldAttributes:
        """What deleting ``label`` with the spans ``span_ids`` takes away: its definitions and every
        value those spans hold (as stored, including values kept from an earlier label), and their actor
        links, for undo."""
        span_ids = list(span_ids)
        values = self.conn.execute(
            "SELECT span_id, name, value FROM span_attrs WHERE span_id IN (SELECT value FROM json_each(?))"
            " ORDER BY span_id, name", [orjson.dumps(list(span_ids)).decode()]).fetchall()
        links = self.conn.execute(
            "SELECT span_id, actor_id, mention_key FROM span_actors WHERE span_id IN (SELECT value FROM json_each(?))",
            [orjson.dumps(list(span_ids)).decode()]).fetchall()
        return HeldAttributes(tuple(self.attribute_defs(label)), tuple(values), tuple(links))

    def _drop_attribute_defs(self, label: str) -> None:
        self.conn.execute("DELETE FROM attribute_defs WHERE label = ?", [label])

    def _restore_held(self, held: HeldAttributes) -> None:
        """Put back what ``hold_attributes`` held (the spans are back already)."""
        self._insert_attribute_defs(held.defs)
        self.conn.executemany("INSERT OR REPLACE INTO span_attrs (span_id, name, value) VALUES (?, ?, ?)", held.values)
        # an entry deleted since leaves its span unlinked, as deleting the entry does
        self.conn.executemany("INSERT OR REPLACE INTO span_actors (span_id, actor_id, mention_key) SELECT ?, ?, ?"
                              " WHERE EXISTS (SELECT 1 FROM actors WHERE id = ?)",
                              [(*link, link[1]) for link in held.links])

    def _values_of(self, label: str, name: str) -> dict[int, Any]:
        return {span_id: orjson.loads(value) for span_id, value in self.conn.execute(
            "SELECT a.span_id, a.value FROM span_attrs a JOIN spans s ON s.id = a.span_id WHERE s.label = ? AND a.name = ?",
            [label, name])}

    # ----------------------------------------------------------------- values
    def span_attributes(self, span_id: int) -> AttrValues:
        return {name: orjson.loads(value) for name, value in self.conn.execute(
            f"SELECT a.name, a.value FROM {DEFINED_VALUES} WHERE a.span_id = ? ORDER BY a.name", [span_id])}

    def document_attributes(self, doc_id: int, annotator: str | None = None) -> dict[int, AttrValues]:
        """Every attribute value of a document's spans (of one annotator), in one query: span id -> values.

        SQLite builds one JSON array that orjson parses at once: 10,000 values cost ~3 ms,
        where a Python row per value and a parse per value cost several times that.
        """
        if self.conn.execute("SELECT NOT EXISTS (SELECT 1 FROM span_attrs)").fetchone()[0]:
            return {}  # (no value in the project: the query below still visits each of the layer's spans)
        sql = (f"SELECT json_group_array(json_array(a.span_id, a.name, json(a.value))) FROM {DEFINED_VALUES}"
               " WHERE s.doc_id = ?" + (" AND s.annotator = ?" if annotator is not None else ""))
        rows = self.conn.execute(sql, [doc_id] + ([annotator] if annotator is not None else [])).fetchone()[0]
        found: dict[int, AttrValues] = {}
        for span_id, name, value in orjson.loads(rows):
            found.setdefault(span_id, {})[name] = value
        return found

    def spans_attributes(self, span_ids: Iterable[int]) -> dict[int, AttrValues]:
        """The attribute values of some spans (the rows a list shows), in one query: span id -> values."""
        found: dict[int, AttrValues] = {}
        for span_id, name, value in self.conn.execute(
                f"SELECT a.span_id, a.name, a.value FROM {DEFINED_VALUES} WHERE a.span_id IN (SELECT value FROM json_each(?))",
                [orjson.dumps(list(span_ids)).decode()]):
            found.setdefault(span_id, {})[name] = orjson.loads(value)
        return found

    def check_attributes(self, label: str, values: Mapping[str, Any]) -> None:
        """Refuse (ValueError) a value that is not an attribute of ``label`` or that its attribute does not accept."""
        defs = {a.name: a for a in self.attribute_defs(label)}
        for name, value in values.items():
            attribute = defs.get(name)
            if attribute is None:
                raise ValueError(f"{label} has no attribute {name!r}")
            problem = value_problem(attribute, value)
            if problem:
                raise ValueError(problem)

    def set_span_attribute(self, span_id: int, name: str, value: Any) -> Any:
        """Set (None: clear) one attribute of one span; returns the value it had. One durable transaction."""
        with self.transaction():
            row = self.conn.execute("SELECT label FROM spans WHERE id = ?", [span_id]).fetchone()
            if row is None:
                raise KeyError(f"no span {span_id}")
            self.check_attributes(row[0], {name: value})
            before = self.span_attributes(span_id).get(name)
            self._write_values([(span_id, name, value)])
            self.conn.execute("UPDATE spans SET updated = ? WHERE id = ?", [now(), span_id])
        return before

    def _write_values(self, values: Iterable[tuple[int, str, Any]]) -> None:
        """Write (span id, name, value) triples; a None value deletes. Unchecked: callers check."""
        values = list(values)
        self.conn.executemany("DELETE FROM span_attrs WHERE span_id = ? AND name = ?",
                              [(span_id, name) for span_id, name, value in values if value is None])
        self.conn.executemany("INSERT OR REPLACE INTO span_attrs (span_id, name, value) VALUES (?, ?, ?)",
                              [(span_id, name, orjson.dumps(value).decode())
                               for span_id, name, value in values if value is not None])

    def _apply_default_attributes(self, span_id: int, label: str) -> None:
        self._write_values([(span_id, a.name, a.default) for a in self.attribute_defs(label) if a.default is not None])

    def attribute_counts(self) -> dict[str, dict[str, dict[str, int]]]:
        """label -> attribute -> shown value -> number of spans (for ``annotator stats``)."""
        counts: dict[str, dict[str, dict[str, int]]] = {}
        for label, name, value, count in self.conn.execute(
                f"SELECT s.label, a.name, a.value, count(*) FROM {DEFINED_VALUES}"
                " GROUP BY s.label, a.name, a.value ORDER BY s.label, a.name, a.value"):
            counts.setdefault(label, {}).setdefault(name, {})[show_value(orjson.loads(value))] = count
        return counts
