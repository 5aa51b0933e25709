"""The label schema of a project: read (cached), add, rename, recolour, reorder, delete and restore.

A mixin of ``Project``: it uses the project's connection, its ``transaction()`` and its
``_insert_span_row`` (to restore the spans of a deleted label with their ids).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from annotator.core.model import EXTRA_COLORS, Label, Span, hotkey_problem, label_name_problem
from annotator.core.relations import Relation
from annotator.store.attributes import HeldAttributes
from annotator.store.rows import SPAN_COLUMNS, now, span_from_row


class LabelStore:
    conn: sqlite3.Connection
    _labels_read: tuple[int, list[Label]] | None  # (PRAGMA data_version, labels)

    def labels(self) -> list[Label]:
        """The labels in palette order. Asked on every edit, read from the file only after a change:
        one of ours (the writers forget the copy) or another connection's (``PRAGMA data_version``)."""
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        if self._labels_read is not None and self._labels_read[0] == version:
            return list(self._labels_read[1])
        labels = [
            Label(r[0], r[1], r[2] or "", r[3] or "", r[4] or 0)
            for r in self.conn.execute(
                "SELECT name, color, hotkey, description, sort_order FROM labels ORDER BY sort_order, name"
            )
        ]
        if not self.conn.in_transaction:  # what a transaction wrote may still be rolled back
            self._labels_read = (version, labels)
        return list(labels)

    def label(self, name: str) -> Label | None:
        return next((label for label in self.labels() if label.name == name), None)

    def _insert_label(self, label: Label) -> None:
        self._insert_labels([label])

    def _insert_labels(self, labels: Sequence[Label]) -> None:
        """Store new labels; every way a label comes in ends here, so its name is checked here."""
        for label in labels:
            problem = label_name_problem(label.name)
            if problem:
                raise ValueError(problem)
        self._labels_read = None
        self.conn.executemany(
            "INSERT INTO labels (name, color, hotkey, description, sort_order) VALUES (?, ?, ?, ?, ?)",
            [(lb.name, lb.color, lb.hotkey, lb.description, lb.order) for lb in labels],
        )

    def add_label(self, label: Label) -> Label:
        """Add a label; a name or hotkey already in use is refused."""
        with self.transaction():
            self._check_label(label, replacing=None)
            self._insert_label(label)
        return label

    def ensure_label(self, name: str) -> Label:
        """The label called ``name``, created with the next free colour if missing (for imports)."""
        self.ensure_labels([name])
        label = self.label(name)
        assert label is not None
        return label

    def ensure_labels(self, names: Iterable[str]) -> list[Label]:
        """Create the labels among ``names`` that are missing, with the next free colours, in one write.

        Returns the labels created. One read of the schema and one insert, whatever the
        number: a record bringing 1,000 new labels costs one batch, not 1,000 look-ups.
        A name the label rule refuses raises ValueError and creates none of them.
        """
        labels = self.labels()
        known = {lb.name for lb in labels}
        missing = [name for name in dict.fromkeys(names) if name not in known]
        if not missing:
            return []
        used = {lb.color for lb in labels}
        order = max((lb.order for lb in labels), default=-1)
        created = []
        for count, name in enumerate(missing, len(labels)):
            color = next((c for c in EXTRA_COLORS if c not in used), EXTRA_COLORS[count % len(EXTRA_COLORS)])
            used.add(color)
            order += 1
            created.append(Label(name, color, "", "", order))
        with self.transaction():
            self._insert_labels(created)
        return created

    def update_label(self, name: str, new: Label) -> Label:
        """Replace label ``name`` by ``new``; a rename relabels every span that used it."""
        with self.transaction():
            if self.label(name) is None:
                raise KeyError(f"no label {name!r}")
            self._check_label(new, replacing=name)
            self._labels_read = None
            self.conn.execute(
                "UPDATE labels SET name = ?, color = ?, hotkey = ?, description = ?, sort_order = ? WHERE name = ?",
                [new.name, new.color, new.hotkey, new.description, new.order, name],
            )
            if new.name != name:
                self.conn.execute("UPDATE spans SET label = ?, updated = ? WHERE label = ?", [new.name, now(), name])
                self.conn.execute("UPDATE attribute_defs SET label = ? WHERE label = ?", [new.name, name])
                self._rename_in_relation_rules(name, new.name)
        return new

    def _check_label(self, label: Label, *, replacing: str | None) -> None:
        problem = label_name_problem(label.name) or hotkey_problem(label.hotkey)
        if problem:
            raise ValueError(problem)
        for other in self.labels():
            if other.name == replacing:
                continue
            if other.name == label.name:
                raise ValueError(f"a label called {label.name!r} already exists")
            if label.hotkey and other.hotkey == label.hotkey:
                raise ValueError(f"hotkey {label.hotkey!r} is already used by {other.name!r}")

    def set_label_order(self, names: Sequence[str]) -> None:
        with self.transaction():
            self._labels_read = None
            for order, name in enumerate(names):
                self.conn.execute("UPDATE labels SET sort_order = ? WHERE name = ?", [order, name])

    def label_span_count(self, name: str) -> int:
        return self.conn.execute("SELECT count(*) FROM spans WHERE label = ?", [name]).fetchone()[0]

    def delete_label(self, name: str) -> tuple[Label, list[Span], list[Relation], HeldAttributes]:
        """Delete a label, its spans, their relations and attribute values, and the label's attribute
        definitions; returns what went so that ``restore_label`` can undo the deletion."""
        with self.transaction():
            label = self.label(name)
            if label is None:
                raise KeyError(f"no label {name!r}")
            spans = [span_from_row(r) for r in self.conn.execute(f"SELECT {SPAN_COLUMNS} FROM spans WHERE label = ?", [name])]
            relations = self._delete_relations_of(span.id for span in spans)
            held = self.hold_attributes(name, [span.id for span in spans])
            self.conn.execute("DELETE FROM spans WHERE label = ?", [name])  # their values go with them (cascade)
            self._drop_attribute_defs(name)
            self._labels_read = None
            self.conn.execute("DELETE FROM labels WHERE name = ?", [name])
        return label, spans, relations, held

    def restore_label(self, label: Label, spans: Iterable[Span], relations: Iterable[Relation] = (),
                      attributes: HeldAttributes = HeldAttributes()) -> None:  # noqa: B008 (frozen, empty)
        """Undo of delete_label: the label, its spans (with their attribute values), their relations and
        the label's attribute definitions come back, with their ids."""
        with self.transaction():
            self._insert_label(label)
            for span in spans:
                self._insert_span_row(span)
            self._insert_relation_rows(relations)
            self._restore_held(attributes)

