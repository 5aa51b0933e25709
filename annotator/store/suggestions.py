"""Suggestions in the project file: which sources are on, the dictionary's votes, accepting and
rejecting (each one durable transaction returning one change set), and suggester layers.

An accepted suggestion becomes a normal span of the analyst whose origin names its
source (``suggested:rules``, ``suggested:dictionary``, ``suggested:model``). A
rejection is kept with its place and text: that place is never suggested again, and
the text's rejections count against it in the dictionary and as negatives for the model.

For the window: build once per project (off the UI thread) ``load_rules`` (annotator.io.suggesting)
and ``project_dictionary``; per document read the text, ``rejected_places`` and the analyst's spans
here, then run the pure ``core.suggest.compute.suggest_text`` in a worker (or call
``document_suggestions`` on the UI thread's connection). ``accept`` / ``accept_all`` / ``reject``
return one ``core.changes.Changes`` each (one refresh); ``undo`` reverses one. The model: start
``io.model_process.ModelTraining`` when ``io.model_training.needs_training`` says so, poll it from a
timer, read ``latest_report`` for the scores and learning curve, and ``documents_by_uncertainty``
for the document order.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from annotator.core.changes import Changes, Declined, Offered
from annotator.core.model import GOLD_ANNOTATOR, Span, annotator_name_problem
from annotator.core.suggest import SOURCES, Place, Suggestion
from annotator.core.suggest.compute import SUGGESTED, origin_for, suggest_text
from annotator.core.suggest.dictionary import Dictionary
from annotator.core.suggest.rules import CompiledRules
from annotator.core.wording import counted
from annotator.store.project import Project
from annotator.store.rows import now

SOURCES_KEY = "suggest.sources"
LAYERS_KEY = "suggest.layers"
DEFAULT_LAYER = "suggester"


# ------------------------------------------------------------------ settings
def _setting(project: Project, key: str, default: object) -> object:
    row = project.conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return json.loads(row[0]) if row else default


def _put_setting(project: Project, key: str, value: object) -> None:
    project.conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET"
                         " value = excluded.value", [key, json.dumps(value)])


def enabled_sources(project: Project) -> list[str]:
    """The sources switched on for this project (all of them for a new project), in SOURCES order."""
    stored = _setting(project, SOURCES_KEY, list(SOURCES))
    return [source for source in SOURCES if source in stored]  # type: ignore[operator]


def set_enabled_sources(project: Project, sources: Iterable[str]) -> list[str]:
    wanted = parse_sources(sources)
    with project.transaction():
        _put_setting(project, SOURCES_KEY, wanted)
    return wanted


def parse_sources(sources: Iterable[str]) -> list[str]:
    """Source names in SOURCES order; an unknown one is a ValueError naming the known ones."""
    names = [s.strip() for s in sources if s.strip()]
    unknown = [s for s in names if s not in SOURCES]
    if unknown:
        raise ValueError(f"unknown suggestion source {', '.join(unknown)}; known: {', '.join(SOURCES)}")
    return [source for source in SOURCES if source in names]


def suggester_layers(project: Project) -> list[str]:
    """Annotator names that hold a suggester's output (``annotator suggest --as NAME``), not anyone's work."""
    return list(_setting(project, LAYERS_KEY, []))  # type: ignore[call-overload]


# ---------------------------------------------------------------- dictionary
def human_annotators(project: Project) -> list[str]:
    """Everyone whose spans are labels a person made or accepted: the analysts and gold, not suggester layers."""
    layers = set(suggester_layers(project))
    return [name for name in project.annotators(include_gold=True) if name not in layers]


def labelled_texts(project: Project, *, exclude_doc: int | None = None) -> Counter[tuple[str, str]]:
    """(text, label) -> how many spans carry it, over every human layer (one document read at a time)."""
    names = json.dumps(human_annotators(project))
    votes: Counter[tuple[str, str]] = Counter()
    doc_ids = [r[0] for r in project.conn.execute(
        "SELECT DISTINCT doc_id FROM spans WHERE annotator IN (SELECT value FROM json_each(?)) ORDER BY doc_id", [names])]
    for doc_id in doc_ids:
        if doc_id == exclude_doc:
            continue
        votes.update(document_labelled_texts(project, doc_id, names))
    return votes


def document_labelled_texts(project: Project, doc_id: int, names_json: str | None = None) -> Counter[tuple[str, str]]:
    """(text, label) -> spans carrying it in one document, over the human layers."""
    names_json = names_json or json.dumps(human_annotators(project))
    text = project.document_text(doc_id)
    rows = project.conn.execute(
        "SELECT start, [end], label FROM spans WHERE doc_id = ? AND annotator IN (SELECT value FROM json_each(?))",
        [doc_id, names_json])
    return Counter((text[start:end].strip(), label) for start, end, label in rows)


def rejected_texts(project: Project) -> Counter[tuple[str, str]]:
    """(text, label) -> how many times a suggestion of it was rejected."""
    return Counter({(text, label): n for text, label, n in project.conn.execute(
        "SELECT text, label, count(*) FROM rejections GROUP BY text, label")})


def project_dictionary(project: Project, *, exclude_doc: int | None = None) -> Dictionary:
    """The dictionary of everything labelled in the project, less what was rejected.

    ``exclude_doc`` leaves one document's own labels out (to measure the dictionary on it).
    """
    return Dictionary(labelled_texts(project, exclude_doc=exclude_doc), rejected_texts(project))


@dataclass(frozen=True)
class Places:
    """What suggesting in one document reads besides its text, the rules and the dictionary."""

    model: list[Suggestion]  # the model's stored suggestions, in text order ([] when the model is off)
    rejected: set[Place]
    existing: set[Place]  # the annotator's spans: not suggested again


def document_places(project: Project, doc_id: int, annotator: str, sources: Sequence[str],
                    within: tuple[int, int] | None = None) -> Places:
    """The places suggesting in a document heeds; ``within`` (start, end): only the places starting there
    (the lines in view: the annotator's 10,000 spans of a long report are not all read for them)."""
    start, end = within if within is not None else (0, 1 << 62)
    existing = {(s, e, label) for s, e, label in project.conn.execute(
        "SELECT start, [end], label FROM spans WHERE doc_id = ? AND annotator = ? AND start >= ? AND start < ?",
        [doc_id, annotator, start, end])}
    model = stored_suggestions(project, doc_id, "model") if "model" in sources else []
    return Places([s for s in model if start <= s.start < end], {place for place in rejected_places(project, doc_id) if start <= place[0] < end}, existing)


def rejected_places(project: Project, doc_id: int) -> set[Place]:
    return {(s, e, label) for s, e, label in project.conn.execute(
        "SELECT start, [end], label FROM rejections WHERE doc_id = ?", [doc_id])}


# --------------------------------------------------------------- suggesting
def stored_suggestions(project: Project, doc_id: int, source: str | None = None) -> list[Suggestion]:
    """Suggestions kept for a document (the model's, computed in the background), in text order."""
    sql = "SELECT start, [end], label, source, coalesce(rule, ''), coalesce(score, 1.0) FROM suggestions WHERE doc_id = ?"
    params: list[object] = [doc_id]
    if source is not None:
        sql, params = sql + " AND source = ?", [*params, source]
    return sorted((Suggestion(*row) for row in project.conn.execute(sql + " ORDER BY start", params)),
                  key=lambda s: (s.start, -s.end, s.label))


def store_suggestions(project: Project, doc_id: int, source: str, suggestions: Iterable[Suggestion]) -> None:
    """Replace what ``source`` suggests for a document, in one transaction."""
    stamp = now()
    rows = [(doc_id, s.start, s.end, s.label, source, s.rule, s.score, stamp) for s in suggestions]
    with project.transaction():
        project.conn.execute("DELETE FROM suggestions WHERE doc_id = ? AND source = ?", [doc_id, source])
        project.conn.executemany("INSERT INTO suggestions (doc_id, start, [end], label, source, rule, score, created)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def document_suggestions(project: Project, doc_id: int, annotator: str | None, *, rules: CompiledRules | None,
                         dictionary: Dictionary | None, sources: Sequence[str] | None = None,
                         model: Iterable[Suggestion] | None = None) -> list[Suggestion]:
    """What to offer ``annotator`` in a document from the enabled ``sources`` (default: the project's setting):
    none where they already have that span, none at a rejected place. ``annotator`` None: whatever spans exist.

    ``rules`` and ``dictionary`` are built once by the caller (``project_dictionary``,
    ``compile_rules``) and reused for every document. The model's suggestions are the
    stored ones (see ``annotator.io.model_training``), unless ``model`` gives them.
    """
    sources = enabled_sources(project) if sources is None else list(sources)
    existing = {(s.start, s.end, s.label) for s in project.spans(doc_id, annotator)} if annotator else set()
    return suggest_text(
        project.document_text(doc_id),
        rules if "rules" in sources else None,
        dictionary if "dictionary" in sources else None,
        more=(model if model is not None else stored_suggestions(project, doc_id, "model")) if "model" in sources else (),
        rejected=rejected_places(project, doc_id),
        existing=existing,
    )


# ------------------------------------------------------- accepting, rejecting
def accept(project: Project, doc_id: int, suggestion: Suggestion, annotator: str, *,
           label: str | None = None) -> Changes:
    """Make the suggestion a span of ``annotator`` (with another ``label`` if given): one transaction."""
    return accept_many(project, doc_id, [suggestion], annotator, label=label)


def accept_all(project: Project, doc_id: int, suggestions: Iterable[Suggestion], label: str,
               annotator: str) -> Changes:
    """Accept every suggestion of ``label`` among ``suggestions`` in one transaction and one change set."""
    return accept_many(project, doc_id, [s for s in suggestions if s.label == label], annotator)


def accept_many(project: Project, doc_id: int, suggestions: Sequence[Suggestion], annotator: str, *,
                label: str | None = None) -> Changes:
    problem = annotator_name_problem(annotator) if annotator != GOLD_ANNOTATOR else None
    if problem:
        raise ValueError(problem)
    added: list[Span] = []
    with project._writing_as(annotator) as stamp:
        for suggestion in suggestions:
            span_label = label or suggestion.label
            project._check_span(doc_id, suggestion.start, suggestion.end, span_label)
            if project.has_span(doc_id, suggestion.start, suggestion.end, span_label, annotator):
                continue
            origin = origin_for(suggestion.source)
            cursor = project.conn.execute(
                "INSERT INTO spans (doc_id, start, [end], label, annotator, origin, created, updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [doc_id, suggestion.start, suggestion.end, span_label, annotator, origin, stamp, stamp])
            added.append(Span(int(cursor.lastrowid), doc_id, suggestion.start, suggestion.end, span_label,
                              annotator, origin, None, None, stamp, stamp))
        _forget_stored(project, doc_id, suggestions)
        if added:
            project._mark_started(doc_id, annotator, stamp)
    return Changes(added=tuple(added), used=tuple(Offered(doc_id, s) for s in suggestions))


def reject(project: Project, doc_id: int, suggestion: Suggestion, annotator: str) -> Changes:
    """Remember that ``annotator`` rejected this suggestion: never offered at this place again."""
    text = project.document_text(doc_id)[suggestion.start:suggestion.end].strip()
    with project._writing_as(annotator) as stamp:
        project._check_span(doc_id, suggestion.start, suggestion.end, suggestion.label)
        cursor = project.conn.execute(
            "INSERT INTO rejections (doc_id, start, [end], label, text, source, annotator, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [doc_id, suggestion.start, suggestion.end, suggestion.label, text, suggestion.source, annotator, stamp])
        _forget_stored(project, doc_id, [suggestion])
    return Changes(declined=(Declined(int(cursor.lastrowid), doc_id, suggestion),), used=(Offered(doc_id, suggestion),))


def forget_rejections(project: Project, rejection_ids: Iterable[int]) -> None:
    """The place may be suggested again (the rejections' records go)."""
    with project.transaction():
        project.conn.execute("DELETE FROM rejections WHERE id IN (SELECT value FROM json_each(?))",
                             [json.dumps(list(rejection_ids))])


def undo(project: Project, changes: Changes) -> Changes:
    """Reverse an accept, accept-all or reject in one transaction: its spans and rejections go, the
    model's suggestions it used come back. Returns what that changed (``changes.inverse()``)."""
    stamp = now()
    with project.transaction():
        project._delete_relations_of(span.id for span in changes.added)  # the relations table refers to spans
        project.conn.execute("DELETE FROM spans WHERE id IN (SELECT value FROM json_each(?))",
                             [json.dumps([span.id for span in changes.added])])
        forget_rejections(project, (declined.id for declined in changes.declined))
        project.conn.executemany(
            "INSERT INTO suggestions (doc_id, start, [end], label, source, rule, score, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(used.doc_id, s.start, s.end, s.label, s.source, s.rule, s.score, stamp)
             for used in changes.used if (s := used.suggestion).source == "model"])
    return changes.inverse()


def _forget_stored(project: Project, doc_id: int, suggestions: Iterable[Suggestion]) -> None:
    project.conn.executemany(
        "DELETE FROM suggestions WHERE doc_id = ? AND start = ? AND [end] = ? AND label = ? AND source = ?",
        [(doc_id, s.start, s.end, s.label, s.source) for s in suggestions])


# ------------------------------------------------------------ suggester layer
def check_layer_name(project: Project, name: str) -> str:
    """A name a suggester may write under: not gold, and not someone whose spans are their own work."""
    name = name.strip()
    problem = annotator_name_problem(name)
    if problem:
        raise ValueError(problem)
    own = project.conn.execute(
        "SELECT count(*) FROM spans WHERE annotator = ? AND coalesce(origin, 'manual') NOT LIKE ?",
        [name, SUGGESTED + ":%"]).fetchone()[0]
    if own:
        raise ValueError(f"{name} has {counted(own, 'span')} of their own work; give the suggester another name with --as")
    return name


def write_layer(project: Project, name: str, by_document: Mapping[int, Sequence[Suggestion]]) -> int:
    """Replace layer ``name``'s spans in these documents with their suggestions and mark them done for it,
    so that review and agreement treat the suggester like a colleague. One transaction; returns spans written."""
    name = check_layer_name(project, name)
    stamp = now()
    rows = [(doc_id, s.start, s.end, s.label, name, origin_for(s.source), s.rule or None, stamp, stamp)
            for doc_id, found in by_document.items() for s in found]
    ids = json.dumps(list(by_document))
    with project.transaction():
        project.conn.execute("DELETE FROM relations WHERE annotator = ? AND doc_id IN (SELECT value FROM json_each(?))",
                             [name, ids])
        project.conn.execute("DELETE FROM spans WHERE annotator = ? AND doc_id IN (SELECT value FROM json_each(?))",
                             [name, ids])
        project.conn.executemany(
            "INSERT INTO spans (doc_id, start, [end], label, annotator, origin, note, created, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        project.conn.executemany(
            "INSERT INTO doc_status (doc_id, annotator, status, updated) VALUES (?, ?, 'done', ?)"
            " ON CONFLICT (doc_id, annotator) DO UPDATE SET status = 'done', updated = excluded.updated",
            [(doc_id, name, stamp) for doc_id in by_document])
        project.record_annotators([name], stamp)
        layers = suggester_layers(project)
        if name not in layers:
            _put_setting(project, LAYERS_KEY, [*layers, name])
    return len(rows)


def documents_without_layer(project: Project, name: str) -> list[int]:
    """Documents the layer ``name`` has not been written for yet (``--documents new``)."""
    return project.document_ids_with_status(name, ["new"])
