"""Bringing a colleague's actor list in with their work (``annotator merge``).

Their entries are matched to ours by external id, then by project id (an entry both files got from
one export), then by canonical name; a match takes in their aliases (and their external id or note
where ours has none), an unmatched entry is added. Their spans' links follow onto the merged spans.
What cannot be taken as it is is a conflict, reported in the merge summary's notes, never resolved
silently: the same name with another external id (theirs comes in as ``Name (ID)``), the same external
id under another name (ours kept, theirs added as an alias), a span we link to another entry (ours kept).
Runs inside ``merge_colleague``'s transaction; the colleague's file is only read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from annotator.core.actors import Actor, actor_key, actor_name, actor_problem, aliases_taking, is_project_id
from annotator.core.wording import counted
from annotator.store.errors import project_error


@dataclass
class _Outcome:
    added: int = 0
    matched: int = 0
    linked: int = 0
    conflicts: list[str] = field(default_factory=list)
    skipped: int = 0


def _their_actors(conn: sqlite3.Connection) -> list[Actor]:
    actors = []
    for row in conn.execute("SELECT id, uid, name, aliases, external_id, note FROM main.actors ORDER BY id"):
        try:
            aliases = orjson.loads(row[3] or "[]")
        except orjson.JSONDecodeError:
            aliases = None
        if not isinstance(row[0], int) or not all(isinstance(v, str) for v in (row[1], row[2])) \
                or not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            actors.append(Actor(-1, "", ""))  # malformed: counted as skipped
            continue
        actors.append(Actor(row[0], row[1], actor_name(row[2]), tuple(actor_name(a) for a in aliases),
                            row[4] if isinstance(row[4], str) and row[4] else None,
                            row[5] if isinstance(row[5], str) and row[5] else None))
    return actors


def _match(project: Any, theirs: Actor, outcome: _Outcome) -> Actor:
    """Our entry for their ``theirs``: matched (and completed) or added."""
    ours = project.actor_by_kb_id(theirs.external_id) if theirs.external_id else None
    if ours is None and is_project_id(theirs.uid):
        ours = project.actor_by_kb_id(theirs.uid)
    named = project.actor_named(theirs.name)
    if ours is None and named is not None:
        if theirs.external_id and named.external_id and named.external_id != theirs.external_id:
            outcome.conflicts.append(f"actor {theirs.name!r}: theirs is {theirs.external_id}, ours is "
                                     f"{named.external_id}; theirs comes in as {theirs.name} ({theirs.external_id})")
            outcome.added += 1
            return project._create_actor(f"{theirs.name} ({theirs.external_id})", aliases=theirs.aliases,
                                         external_id=theirs.external_id, note=theirs.note)
        ours = named
    if ours is None:
        outcome.added += 1
        uid = theirs.uid if is_project_id(theirs.uid) else None
        return project._create_actor(theirs.name, aliases=theirs.aliases, external_id=theirs.external_id,
                                     note=theirs.note, uid=uid)
    outcome.matched += 1
    if actor_key(ours.name) != actor_key(theirs.name):
        outcome.conflicts.append(f"actor {ours.name!r} is {theirs.name!r} in their file (same "
                                 f"{'external id' if theirs.external_id == ours.external_id else 'project id'}); "
                                 "ours kept, theirs added as an alias")
    aliases = aliases_taking(ours, theirs)
    external_id = ours.external_id
    if external_id is None and theirs.external_id and project.actor_by_kb_id(theirs.external_id) is None:
        external_id = theirs.external_id
    completed = ours._replace(aliases=tuple(aliases), external_id=external_id, note=ours.note or theirs.note)
    if completed != ours:
        project.update_actor(completed)
    return completed


def merge_actors(project: Any, conn: sqlite3.Connection, path: Any, docs: Mapping[int, tuple[int, int]],
                 rename: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """Merge the colleague's actor list and links (their connection ``conn``, documents mapped by ``docs``);
    returns the summary's lines about it: what was done, and the conflicts (nothing when their file has no actors)."""
    outcome = _Outcome()
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'")}
        if "actors" not in tables:
            return [], []
        mapping: dict[int, int] = {}
        for theirs in _their_actors(conn):
            if theirs.id < 0 or actor_problem(theirs):
                outcome.skipped += 1
                continue
            mapping[theirs.id] = _match(project, theirs, outcome).id
        links = conn.execute("SELECT s.doc_id, s.start, s.[end], s.label, s.annotator, l.actor_id FROM main.span_actors l"
                             " JOIN main.spans s ON s.id = l.span_id ORDER BY l.span_id").fetchall()
    except sqlite3.DatabaseError as exc:
        raise project_error(path, exc) from exc
    _link(project, links, docs, rename, mapping, outcome)
    if not (outcome.added or outcome.matched or outcome.skipped):
        return [], []
    done = [f"actors: {outcome.added} added, {outcome.matched} matched to ours, {counted(outcome.linked, 'span')} linked"]
    problems = [f"actors: {counted(outcome.skipped, 'malformed entry', 'malformed entries')} skipped"] if outcome.skipped else []
    return done, problems + [f"actor conflict: {text}" for text in outcome.conflicts]


def _link(project: Any, links: list[tuple], docs: Mapping[int, tuple[int, int]], rename: Mapping[str, str],
          mapping: Mapping[int, int], outcome: _Outcome) -> None:
    kept = 0
    for doc_id, start, end, label, annotator, actor_id in links:
        if doc_id not in docs or actor_id not in mapping or not isinstance(annotator, str):
            continue
        row = project.conn.execute(
            "SELECT s.id, l.actor_id FROM spans s LEFT JOIN span_actors l ON l.span_id = s.id WHERE s.doc_id = ?"
            " AND s.annotator = ? AND s.start = ? AND s.[end] = ? AND s.label = ?",
            [docs[doc_id][0], rename.get(annotator.strip(), annotator.strip()), start, end, label]).fetchone()
        if row is None:
            continue
        if row[1] is not None and row[1] != mapping[actor_id]:
            kept += 1
            continue
        if row[1] is None:
            project._write_link(row[0], mapping[actor_id])
            outcome.linked += 1
    if kept:
        outcome.conflicts.append(f"{counted(kept, 'span')} we link to another actor than theirs: ours kept")
