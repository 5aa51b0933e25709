"""The actor list: what an actor entry is, the rules for its name, aliases and external id,
how a span's text becomes a name, and how an entry's link is written in exports (``kb_id``).

An entry has a stable project id (``uid``, e.g. ``annotator:3f2a9c1b04de``) made once when it is
created and kept by every export and import; its ``kb_id`` in exports is the external id when
it has one (a Wikidata QID such as ``Q56226``), else that project id.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

from annotator.core.model import MAX_NAME_LENGTH, name_key, name_problem

PROJECT_ID_PREFIX = "annotator:"
MAX_EXTERNAL_ID = 200
MAX_NOTE = 4000
_WIKIDATA = re.compile(r"Q[1-9][0-9]*")
_WHITESPACE = re.compile(r"\s+")
BRAT_WIKIDATA = "Wikidata"  # brat's normalization database name for a QID (``Wikidata:Q123``)
BRAT_EXTERNAL = "External"  # for an external id with no database name of its own


class Actor(NamedTuple):
    """One entry of the actor list. (A tuple, made in C: the Actors panel reads 50,000 of them at once, and
    a frozen dataclass each cost ~1.5 us more.)"""

    id: int
    uid: str  # stable project id, ``annotator:<12 hex>``
    name: str  # canonical name
    aliases: tuple[str, ...] = ()
    external_id: str | None = None  # e.g. a Wikidata QID
    note: str | None = None

    @property
    def kb_id(self) -> str:
        """What exports write as the span's ``kb_id``: the external id, else the project id."""
        return self.external_id or self.uid

    def names(self) -> tuple[str, ...]:
        """The canonical name, then the aliases."""
        return (self.name, *self.aliases)


class ActorCount(NamedTuple):
    """An entry with how many spans and documents mention it."""

    actor: Actor
    spans: int
    documents: int


@dataclass(frozen=True)
class ActorMerge:
    """What merging ``source`` into ``target`` changed, so that undo can put it back."""

    source: Actor  # the entry that was merged away, as it was
    target_before: Actor  # the entry kept, before it took the source's names
    target_after: Actor
    span_ids: tuple[int, ...] = field(default=())  # spans whose link moved from source to target


def actor_summary(count: ActorCount) -> dict[str, object]:
    """An entry with its mention counts as ``annotator actors --json`` and ``stats --json`` write it."""
    actor = count.actor
    return {"name": actor.name, "kb_id": actor.kb_id, "external_id": actor.external_id, "project_id": actor.uid,
            "aliases": list(actor.aliases), "note": actor.note, "spans": count.spans, "documents": count.documents}


def new_uid() -> str:
    return PROJECT_ID_PREFIX + secrets.token_hex(6)


def is_project_id(kb_id: str) -> bool:
    return kb_id.startswith(PROJECT_ID_PREFIX) and len(kb_id) > len(PROJECT_ID_PREFIX)


def actor_name(text: str) -> str:
    """A span's text (or a typed name) as an actor name: NFC, every run of whitespace one space,
    invisible formatting characters (other than joiners inside words) dropped, at most
    ``MAX_NAME_LENGTH`` characters (cut at a word where it can)."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Zs", "Zl", "Zp") else ch for ch in text)
    text = "".join(ch for i, ch in enumerate(text) if unicodedata.category(ch) != "Cf"
                   or (ch in "\u200c\u200d" and 0 < i < len(text) - 1 and not text[i - 1].isspace()
                       and not text[i + 1].isspace()))
    text = _WHITESPACE.sub(" ", text).strip()
    if len(text) > MAX_NAME_LENGTH:
        cut = text[:MAX_NAME_LENGTH]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return text


def actor_key(name: str) -> str:
    """How names are compared (``Kim``, ``KIM``, ``ｋｉｍ`` are one name): ``model.name_key``."""
    return name_key(name)


def completion_keys(name: str) -> list[str]:
    """The keys completion finds ``name`` by: the whole name and each of its later words onward
    ("kim jong un", "jong un", "un"), so "Jong" finds "Kim Jong Un"."""
    key = actor_key(name)
    words = key.split(" ")
    return list(dict.fromkeys(" ".join(words[i:]) for i in range(len(words)) if words[i]))


def external_id_problem(external_id: str | None) -> str | None:
    """Why ``external_id`` cannot be an entry's external id, or None (None or "" means none)."""
    if not external_id:
        return None
    if len(external_id) > MAX_EXTERNAL_ID:
        return f"external id {external_id[:20]!r}... is longer than {MAX_EXTERNAL_ID} characters"
    if any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in external_id):
        return f"external id {external_id!r} contains a space or an invisible character"
    if is_project_id(external_id):
        return f"external id {external_id!r} looks like a project id ({PROJECT_ID_PREFIX}...); leave it empty"
    return None


def actor_problem(actor: Actor) -> str | None:
    """Why ``actor`` cannot be stored as it is, or None: a visible name (the rule of label names),
    aliases following the same rule and none twice, a valid external id, a note of sensible size."""
    problem = name_problem(actor.name, "actor")
    if problem:
        return problem
    seen = {actor_key(actor.name)}
    for alias in actor.aliases:
        problem = name_problem(alias, "alias")
        if problem:
            return problem
        if actor_key(alias) in seen:
            return f"alias {alias!r} of {actor.name!r} is given twice (or is the name itself)"
        seen.add(actor_key(alias))
    if actor.note and len(actor.note) > MAX_NOTE:
        return f"the note of {actor.name!r} is longer than {MAX_NOTE} characters"
    return external_id_problem(actor.external_id)


def aliases_taking(target: Actor, other: Actor) -> tuple[str, ...]:
    """``target``'s aliases and then ``other``'s name and aliases that ``target`` does not have yet (by ``actor_key``)."""
    keys = {actor_key(name) for name in target.names()}
    aliases = list(target.aliases)
    for name in other.names():
        if actor_key(name) not in keys:
            aliases.append(name)
            keys.add(actor_key(name))
    return tuple(aliases)


def merged(source: Actor, target: Actor) -> Actor:
    """``target`` after taking in ``source``: source's name and aliases become aliases (each once),
    its external id is taken when target has none (else kept in the note), notes are joined."""
    aliases = aliases_taking(target, source)
    external_id = target.external_id or source.external_id
    notes = [n for n in (target.note, source.note) if n]
    if source.external_id and target.external_id and source.external_id != target.external_id:
        notes.append(f"merged from {source.name} ({source.external_id})")
    return Actor(target.id, target.uid, target.name, tuple(aliases), external_id, "\n".join(notes) or None)


def parse_aliases(text: str) -> tuple[str, ...]:
    """Aliases typed in one line, separated by ``;`` (names may hold commas: "Kim, the leader")."""
    return tuple(dict.fromkeys(actor_name(part) for part in text.split(";") if actor_name(part)))


# ------------------------------------------------------------------ brat normalizations
def brat_reference(kb_id: str) -> str:
    """A kb_id as brat's ``RID:EID`` (``Q123`` -> ``Wikidata:Q123``; a project id and any id with a
    database name of its own stay as they are; any other -> ``External:...``)."""
    if _WIKIDATA.fullmatch(kb_id):
        return f"{BRAT_WIKIDATA}:{kb_id}"
    if ":" in kb_id.strip(":"):
        return kb_id
    return f"{BRAT_EXTERNAL}:{kb_id}"


def kb_id_from_brat(reference: str) -> str | None:
    """The kb_id a brat ``RID:EID`` names (the inverse of ``brat_reference``), or None when it is not ``RID:EID``."""
    database, sep, entry = reference.partition(":")
    if not sep or not database or not entry:
        return None
    if database == BRAT_WIKIDATA and _WIKIDATA.fullmatch(entry):
        return entry
    if database == BRAT_EXTERNAL:
        return entry
    return reference


def kb_id_problem(kb_id: object) -> str | None:
    """Why ``kb_id`` read from a file cannot name an actor, or None."""
    if not isinstance(kb_id, str) or not kb_id:
        return "kb_id must be a non-empty string"
    if is_project_id(kb_id):
        return None if re.fullmatch(re.escape(PROJECT_ID_PREFIX) + r"[0-9a-zA-Z_-]{1,64}", kb_id) else \
            f"kb_id {kb_id!r} is not a valid project id"
    return external_id_problem(kb_id)
