"""The actor list of a project and spans' links to it (a mixin of ``Project``).

Every public write is its own durable transaction and returns what undo needs. An entry's
names and aliases are found by prefix through ``actor_keys`` (one range scan of an index: a
few ms over 50,000 entries, benchmarks/actor_completion.py). A link lives in ``span_actors``
and goes with its span (ON DELETE CASCADE).
"""

from __future__ import annotations

import itertools
import operator
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import orjson

from annotator.core.actors import (Actor, ActorCount, ActorMerge, actor_key, actor_name, actor_problem,
                                   completion_keys, is_project_id, merged, new_uid)
from annotator.store.rows import now

_COLUMNS = "id, uid, name, aliases, external_id, note"
_UNMENTIONED = (0, 0)  # spans, documents
# The highest code point: ``key < prefix || _TOP`` ends a prefix range (keys compare as UTF-8 bytes).
_TOP = "\U0010ffff"
COMPLETIONS = 12  # entries a completion list shows
CONTEXT = 30  # characters of context around a mention in the panel's list
MENTIONS_SCANNED = 5000  # linked spans a completion looks at to rank entries by mentions


def _actor(row: Sequence[Any]) -> Actor:
    return Actor(row[0], row[1], row[2], tuple(orjson.loads(row[3] or "[]")), row[4] or None, row[5] or None)


@dataclass(frozen=True)
class Mention:
    """One span linked to an entry, for the panel's list of mentions."""

    span_id: int
    doc_id: int
    title: str
    start: int
    end: int
    label: str
    annotator: str
    text: str
    before: str = ""  # up to ``CONTEXT`` characters of the text before and after the span, for a list
    after: str = ""


class ActorStore:
    conn: sqlite3.Connection

    def transaction(self) -> AbstractContextManager[Any]:  # provided by Project
        raise NotImplementedError

    # ------------------------------------------------------------------ reading
    def actors(self) -> list[Actor]:
        """Every entry, by name key. Read in the table's own order as one JSON array per column and sorted
        here: walking the name index fetched each row apart (50,000 entries: ~300 ms, against ~60 ms)."""
        raw = self.conn.execute(
            "SELECT json_array(json_group_array(id), json_group_array(uid), json_group_array(name),"
            " json_group_array(json(aliases)), json_group_array(external_id), json_group_array(note),"
            " json_group_array(name_key)) FROM actors").fetchone()[0]
        columns = orjson.loads(raw)
        keys = columns.pop()
        if len(keys) > 1:  # (each column put in name-key order by one itemgetter, in C)
            gather = operator.itemgetter(*sorted(range(len(keys)), key=keys.__getitem__))
            columns = [list(gather(column)) for column in columns]
        ids, uids, names, aliases, external_ids, notes = columns
        rows = zip(ids, uids, names, map(tuple, aliases), [x or None for x in external_ids], [x or None for x in notes])
        return list(map(tuple.__new__, itertools.repeat(Actor), rows))

    def actor(self, actor_id: int) -> Actor:
        row = self.conn.execute(f"SELECT {_COLUMNS} FROM actors WHERE id = ?", [actor_id]).fetchone()
        if row is None:
            raise KeyError(f"no actor {actor_id}")
        return _actor(row)

    def actor_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM actors").fetchone()[0]

    def actor_named(self, name: str) -> Actor | None:
        """The entry whose canonical name is ``name`` (compared by ``core.actors.actor_key``)."""
        row = self.conn.execute(f"SELECT {_COLUMNS} FROM actors WHERE name_key = ?",
                                [actor_key(actor_name(name))]).fetchone()
        return _actor(row) if row else None

    def actor_by_kb_id(self, kb_id: str) -> Actor | None:
        """The entry an exported ``kb_id`` names: by external id, else by project id."""
        column = "uid" if is_project_id(kb_id) else "external_id"
        row = self.conn.execute(f"SELECT {_COLUMNS} FROM actors WHERE {column} = ?", [kb_id]).fetchone()
        return _actor(row) if row else None

    def actor_counts(self, actor_ids: Iterable[int] | None = None) -> list[ActorCount]:
        """Every entry (or those of ``actor_ids`` that exist) with how many spans (all layers) and documents
        mention it, by name. The counts are grouped over the links only: unmentioned entries cost nothing."""
        where, params = "", []
        if actor_ids is not None:
            where, params = " WHERE l.actor_id IN (SELECT value FROM json_each(?))", [orjson.dumps(list(actor_ids)).decode()]
        counts = {r[0]: (r[1], r[2]) for r in self.conn.execute(
            "SELECT l.actor_id, count(*), count(DISTINCT s.doc_id) FROM span_actors l JOIN spans s ON s.id = l.span_id"
            f"{where} GROUP BY l.actor_id", params)}
        if actor_ids is None:
            actors = self.actors()
        else:
            actors = [_actor(r) for r in self.conn.execute(
                f"SELECT {_COLUMNS} FROM actors WHERE id IN (SELECT value FROM json_each(?)) ORDER BY name_key", params
                or [orjson.dumps(list(actor_ids)).decode()])]
        found = [counts.get(actor.id, _UNMENTIONED) for actor in actors]
        return list(map(tuple.__new__, itertools.repeat(ActorCount),
                        zip(actors, map(operator.itemgetter(0), found), map(operator.itemgetter(1), found))))

    def actor_ids_matching(self, prefix: str) -> set[int]:
        """Entries with a name or alias (or a later word of one) starting with ``prefix``: one index range scan."""
        key = actor_key(actor_name(prefix))
        return {r[0] for r in self.conn.execute(
            "SELECT DISTINCT actor_id FROM actor_keys WHERE key >= ? AND key < ? || ?", [key, key, _TOP])}

    def complete_actors(self, prefix: str, limit: int = COMPLETIONS) -> list[Actor]:
        """Entries with a name or alias (or a later word of one) starting with ``prefix``: an exact whole
        name or alias first, then the entries spans whose text starts so were linked to most, then by key.

        Each step is one range scan of an index, bounded (``MENTIONS_SCANNED``), so a one-letter prefix
        over 50,000 entries answers as fast as a whole name (benchmarks/actor_completion.py).
        """
        key = actor_key(actor_name(prefix))
        if not key:
            return []
        params = {"key": key, "top": _TOP, "limit": limit, "scan": MENTIONS_SCANNED}
        found: dict[int, None] = {}
        for sql in (
            "SELECT actor_id FROM actor_keys WHERE key = :key AND whole = 1 ORDER BY actor_id LIMIT :limit",
            "SELECT actor_id FROM (SELECT actor_id FROM span_actors WHERE mention_key >= :key"
            " AND mention_key < :key || :top LIMIT :scan) GROUP BY actor_id ORDER BY count(*) DESC, actor_id"
            " LIMIT :limit",
            "SELECT actor_id FROM actor_keys WHERE key >= :key AND key < :key || :top ORDER BY key, actor_id"
            " LIMIT :limit * 4",
        ):
            for (actor_id,) in self.conn.execute(sql, params):
                found[actor_id] = None
            if len(found) >= limit:
                break
        ids = list(found)[:limit]
        rows = {r[0]: _actor(r) for r in self.conn.execute(
            f"SELECT {_COLUMNS} FROM actors WHERE id IN (SELECT value FROM json_each(?))", [orjson.dumps(ids).decode()])}
        return [rows[i] for i in ids if i in rows]

    def suggest_actor(self, text: str) -> Actor | None:
        """The entry a span of ``text`` most likely is: the one spans of the same text were linked to
        most often, else the one whose name or an alias is that text; None when there is none."""
        key = actor_key(actor_name(text))
        if not key:
            return None
        row = self.conn.execute("SELECT actor_id FROM span_actors WHERE mention_key = ? GROUP BY actor_id"
                                " ORDER BY count(*) DESC, actor_id LIMIT 1", [key]).fetchone()
        if row is None:
            row = self.conn.execute("SELECT actor_id FROM actor_keys WHERE key = ? AND whole = 1"
                                    " ORDER BY actor_id LIMIT 1", [key]).fetchone()
        return self.actor(row[0]) if row else None

    def span_actor(self, span_id: int) -> Actor | None:
        row = self.conn.execute(f"SELECT {', '.join('a.' + c for c in _COLUMNS.split(', '))} FROM span_actors l"
                                " JOIN actors a ON a.id = l.actor_id WHERE l.span_id = ?", [span_id]).fetchone()
        return _actor(row) if row else None

    def span_actor_names(self, span_ids: Iterable[int]) -> dict[int, str]:
        """The linked entry's name of each of some spans that has one (the rows a list shows)."""
        return dict(self.conn.execute(
            "SELECT l.span_id, a.name FROM span_actors l JOIN actors a ON a.id = l.actor_id"
            " WHERE l.span_id IN (SELECT value FROM json_each(?))", [orjson.dumps(list(span_ids)).decode()]))

    def actor_mentions(self, actor_id: int, limit: int = 10_000) -> list[Mention]:
        """The spans linked to an entry, by document and position."""
        rows = self.conn.execute(
            "SELECT s.id, s.doc_id, coalesce(d.title, ''), s.start, s.[end], s.label, s.annotator,"
            " substr(d.text, s.start + 1, s.[end] - s.start), substr(d.text, max(1, s.start + 1 - :c), min(s.start, :c)),"
            " substr(d.text, s.[end] + 1, :c) FROM span_actors l JOIN spans s ON s.id = l.span_id"
            " JOIN documents d ON d.id = s.doc_id WHERE l.actor_id = :a ORDER BY s.doc_id, s.start, s.annotator"
            " LIMIT :n", {"a": actor_id, "n": limit, "c": CONTEXT})
        return [Mention(*row) for row in rows]

    # ------------------------------------------------------------------ entries
    def create_actor(self, name: str, *, aliases: Sequence[str] = (), external_id: str | None = None,
                     note: str | None = None, uid: str | None = None) -> Actor:
        """A new entry (the name normalised by ``core.actors.actor_name``); refused when another has its
        name or external id."""
        with self.transaction():
            return self._create_actor(name, aliases=aliases, external_id=external_id, note=note, uid=uid)

    def _create_actor(self, name: str, *, aliases: Sequence[str] = (), external_id: str | None = None,
                      note: str | None = None, uid: str | None = None) -> Actor:
        actor = Actor(0, uid or new_uid(), actor_name(name), tuple(actor_name(a) for a in aliases),
                      external_id or None, note or None)
        self._check_actor(actor)
        stamp = now()
        cursor = self.conn.execute(
            "INSERT INTO actors (uid, name, name_key, aliases, external_id, note, created, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [actor.uid, actor.name, actor_key(actor.name), orjson.dumps(list(actor.aliases)).decode(),
             actor.external_id, actor.note, stamp, stamp])
        actor = actor._replace(id=int(cursor.lastrowid))
        self._write_keys(actor)
        return actor

    def update_actor(self, actor: Actor) -> Actor:
        """Replace entry ``actor.id``'s name, aliases, external id and note; returns it as it was (for undo)."""
        with self.transaction():
            before = self.actor(actor.id)
            actor = actor._replace(uid=before.uid, name=actor_name(actor.name),
                            aliases=tuple(actor_name(a) for a in actor.aliases),
                            external_id=actor.external_id or None, note=actor.note or None)
            self._check_actor(actor)
            self.conn.execute(
                "UPDATE actors SET name = ?, name_key = ?, aliases = ?, external_id = ?, note = ?, updated = ?"
                " WHERE id = ?",
                [actor.name, actor_key(actor.name), orjson.dumps(list(actor.aliases)).decode(), actor.external_id,
                 actor.note, now(), actor.id])
            self._write_keys(actor)
        return before

    def delete_actor(self, actor_id: int) -> tuple[Actor, list[tuple[int, str]]]:
        """Delete an entry and unlink its spans; returns both (``restore_actor`` puts them back)."""
        with self.transaction():
            actor = self.actor(actor_id)
            links = self.conn.execute("SELECT span_id, mention_key FROM span_actors WHERE actor_id = ?",
                                      [actor_id]).fetchall()
            self.conn.execute("DELETE FROM span_actors WHERE actor_id = ?", [actor_id])
            self.conn.execute("DELETE FROM actors WHERE id = ?", [actor_id])
        return actor, [tuple(link) for link in links]

    def restore_actor(self, actor: Actor, links: Iterable[tuple[int, str]] = ()) -> None:
        """Put a deleted entry back with its id, and the links it had (undo)."""
        with self.transaction():
            self._insert_actor_row(actor)
            self.conn.executemany("INSERT OR REPLACE INTO span_actors (span_id, actor_id, mention_key) VALUES (?, ?, ?)",
                                  [(span_id, actor.id, key) for span_id, key in links])

    def merge_actors(self, source_id: int, target_id: int) -> ActorMerge:
        """Merge entry ``source_id`` into ``target_id``: its links move, its name and aliases become
        aliases of the target (see ``core.actors.merged``), and it is deleted. Returns what
        ``unmerge_actors`` needs."""
        if source_id == target_id:
            raise ValueError("an actor cannot be merged into itself")
        with self.transaction():
            source, target = self.actor(source_id), self.actor(target_id)
            after = merged(source, target)
            span_ids = tuple(r[0] for r in self.conn.execute(
                "SELECT span_id FROM span_actors WHERE actor_id = ? ORDER BY span_id", [source_id]))
            self.conn.execute("UPDATE span_actors SET actor_id = ? WHERE actor_id = ?", [target_id, source_id])
            self.conn.execute("DELETE FROM actors WHERE id = ?", [source_id])
            self.update_actor(after)
        return ActorMerge(source, target, after, span_ids)

    def unmerge_actors(self, merge: ActorMerge) -> None:
        """Undo of ``merge_actors``: the source entry comes back with its id and links, the target as it was."""
        with self.transaction():
            self.update_actor(merge.target_before)
            self._insert_actor_row(merge.source)
            self.conn.execute(
                "UPDATE span_actors SET actor_id = ? WHERE actor_id = ? AND span_id IN (SELECT value FROM json_each(?))",
                [merge.source.id, merge.target_before.id, orjson.dumps(list(merge.span_ids)).decode()])

    def _insert_actor_row(self, actor: Actor) -> None:
        if self.conn.execute("SELECT 1 FROM actors WHERE id = ?", [actor.id]).fetchone():
            raise ValueError(f"actor {actor.name!r} cannot be put back: a newer entry has its id now")
        self._check_actor(actor)
        stamp = now()
        self.conn.execute(
            "INSERT INTO actors (id, uid, name, name_key, aliases, external_id, note, created, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [actor.id, actor.uid, actor.name, actor_key(actor.name), orjson.dumps(list(actor.aliases)).decode(),
             actor.external_id, actor.note, stamp, stamp])
        self._write_keys(actor)

    def _check_actor(self, actor: Actor) -> None:
        problem = actor_problem(actor)
        if problem:
            raise ValueError(problem)
        clash = self.conn.execute("SELECT name FROM actors WHERE name_key = ? AND id != ?",
                                  [actor_key(actor.name), actor.id]).fetchone()
        if clash:
            raise ValueError(f"an actor called {clash[0]!r} already exists")
        if actor.external_id:
            clash = self.conn.execute("SELECT name FROM actors WHERE external_id = ? AND id != ?",
                                      [actor.external_id, actor.id]).fetchone()
            if clash:
                raise ValueError(f"external id {actor.external_id!r} already belongs to {clash[0]!r}")

    def _write_keys(self, actor: Actor) -> None:
        self.conn.execute("DELETE FROM actor_keys WHERE actor_id = ?", [actor.id])
        rows = {(key, i == 0) for name in actor.names() for i, key in enumerate(completion_keys(name))}
        rows = {(key, whole) for key, whole in rows if whole or (key, True) not in rows}
        self.conn.executemany("INSERT INTO actor_keys (key, actor_id, whole) VALUES (?, ?, ?)",
                              [(key, actor.id, int(whole)) for key, whole in sorted(rows)])

    # ------------------------------------------------------------------ links
    def link_span(self, span_id: int, actor_id: int | None) -> int | None:
        """Link a span to an entry (None: unlink); returns the entry it was linked to (for undo)."""
        with self.transaction():
            row = self.conn.execute(
                "SELECT s.label, substr(d.text, s.start + 1, s.[end] - s.start), l.actor_id FROM spans s"
                " JOIN documents d ON d.id = s.doc_id LEFT JOIN span_actors l ON l.span_id = s.id WHERE s.id = ?",
                [span_id]).fetchone()
            if row is None:
                raise KeyError(f"no span {span_id}")
            self._write_link(span_id, actor_id, row[1])
            self.conn.execute("UPDATE spans SET updated = ? WHERE id = ?", [now(), span_id])
        return row[2]

    def _write_link(self, span_id: int, actor_id: int | None, text: str | None = None) -> None:
        """Link (None: unlink) inside the caller's transaction; ``text`` is the span's text (read when not given)."""
        if actor_id is None:
            self.conn.execute("DELETE FROM span_actors WHERE span_id = ?", [span_id])
            return
        self.actor(actor_id)
        if text is None:
            text = self.conn.execute("SELECT substr(d.text, s.start + 1, s.[end] - s.start) FROM spans s"
                                     " JOIN documents d ON d.id = s.doc_id WHERE s.id = ?", [span_id]).fetchone()[0]
        self.conn.execute("INSERT OR REPLACE INTO span_actors (span_id, actor_id, mention_key) VALUES (?, ?, ?)",
                          [span_id, actor_id, actor_key(actor_name(text))])

    def create_actor_for_span(self, span_id: int, name: str | None = None) -> Actor:
        """A new entry named ``name`` (else the span's text) and the span linked to it, in one transaction."""
        with self.transaction():
            if name is None:
                row = self.conn.execute("SELECT substr(d.text, s.start + 1, s.[end] - s.start) FROM spans s"
                                        " JOIN documents d ON d.id = s.doc_id WHERE s.id = ?", [span_id]).fetchone()
                if row is None:
                    raise KeyError(f"no span {span_id}")
                name = row[0]
            actor = self._create_actor(name)
            self.link_span(span_id, actor.id)
        return actor

    def link_imported(self, links: Iterable[tuple[int, str, str, str | None]]) -> int:
        """Link (span id, kb_id, span text, name hint) inside the caller's transaction, for importers: a kb_id
        the project does not know becomes a new entry named from the hint or the span text. Returns how many
        entries were created."""
        created = 0
        known: dict[str, int] = {}
        for span_id, kb_id, text, hint in links:
            actor_id = known.get(kb_id)
            if actor_id is None:
                actor = self.actor_by_kb_id(kb_id)
                if actor is None:
                    actor = self._new_imported_actor(kb_id, hint or text)
                    created += 1
                actor_id = known[kb_id] = actor.id
            self.conn.execute("INSERT OR REPLACE INTO span_actors (span_id, actor_id, mention_key) VALUES (?, ?, ?)",
                              [span_id, actor_id, actor_key(actor_name(text))])
        return created

    def _new_imported_actor(self, kb_id: str, name: str) -> Actor:
        """An entry for an unknown kb_id: a project id is kept as the entry's, any other is its external id.
        A name taken by another entry gets the kb_id after it ("Kim (Q123)")."""
        name = actor_name(name) or kb_id
        if self.conn.execute("SELECT 1 FROM actors WHERE name_key = ?", [actor_key(name)]).fetchone():
            name = actor_name(f"{name} ({kb_id})")
        if is_project_id(kb_id):
            return self._create_actor(name, uid=kb_id)
        return self._create_actor(name, external_id=kb_id)

    def restore_links(self, links: Mapping[int, int | None]) -> None:
        """Set span id -> entry id (None: unlinked) for several spans in one transaction (undo)."""
        with self.transaction():
            for span_id, actor_id in links.items():
                self.link_span(span_id, actor_id)
