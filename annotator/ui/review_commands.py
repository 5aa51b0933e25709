"""Undoable edits of the gold layer made while reviewing: one QUndoCommand per gesture.

A command works out what to change on its first ``redo()`` (``QUndoStack.push()``
calls it), so nothing is written before the push. Later redos put back exactly
the same gold spans, with the same ids, so other commands on the stack that
remember those ids stay valid. A command that would change nothing (the gold
layer already says so) marks itself obsolete and ``push()`` drops it. A redo or
undo the store refuses (another edit took a span's id, the file is busy) marks
it obsolete too: the stack deletes it instead of moving its index past an edit
that did not happen, so the data and the stack keep telling the same story.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import nullcontext

from PySide6.QtGui import QUndoCommand

from annotator.core.changes import Changes, Rejection, RelationRejection
from annotator.core.model import Span
from annotator.core.relation_disagreements import Pair, RelationKey, pair_of, place_of
from annotator.core.wording import counted
from annotator.core.relations import Relation
from annotator.store import Project, relation_review, review
from annotator.store.attributes import AttrValues
from annotator.store.errors import error_message
from annotator.store.review import SpanKey, gold_in_region
from annotator.ui.busy import busy_cursor
from annotator.ui.commands import STORE_ERRORS, ChangeNotifier

BUSY_SPANS = 1000  # a change set this big takes a few hundred ms to write and show: the busy cursor says so


class GoldCommand(QUndoCommand):
    """Remove some gold spans and add others (and record or take back a rejection), as one step.

    Every redo and undo is one transaction and one change notice (``ChangeNotifier.changed``),
    however many spans it moves: listeners refresh once per command, never once per span.
    """

    def __init__(self, project: Project, notifier: ChangeNotifier, doc_id: int, reviewer: str, text: str) -> None:
        super().__init__(text)
        self.project = project
        self.notifier = notifier
        self.doc_id = doc_id
        self.reviewer = reviewer
        self.error: str | None = None
        self.changes = Changes()
        # Attribute values and actor links (review.ACTOR_LINK) of the spans added and of those removed, by id
        # (an added span may get a removed one's id): redo puts back the first, undo the second.
        self.values_added: dict[int, AttrValues] = {}
        self.values_removed: dict[int, AttrValues] = {}
        self._planned = False

    def plan(self) -> tuple[list[Span], list[SpanKey]]:
        """(gold spans to remove, spans to add); read from the store at the first redo."""
        raise NotImplementedError

    def plan_rejections(self) -> tuple[list[Rejection], tuple[int, int] | None]:
        """(rejections to take back, region to record as rejected); none by default."""
        return [], None

    def plan_values(self) -> Mapping[SpanKey, AttrValues]:
        """The attribute values the spans ``plan`` adds take into gold; none by default."""
        return {}

    def plan_relations(self) -> tuple[list[Relation], list[RelationKey]]:
        """(gold relations to remove, relations to accept with their ends); none by default."""
        return [], []

    def plan_relation_rejections(self) -> tuple[list[RelationRejection], Pair | None]:
        """(relation rejections to take back, pair to record as rejected); none by default."""
        return [], None

    def redo(self) -> None:
        self._run(self._first_redo if not self._planned else
                  lambda: review.apply_changes(self.project, self.changes, self.values_added),
                  self.changes, first_time=not self._planned)

    def undo(self) -> None:
        self._run(lambda: review.apply_changes(self.project, self.changes.inverse(), self.values_removed),
                  self.changes.inverse(), first_time=False)

    def _run(self, action, changes: Changes, *, first_time: bool) -> None:  # noqa: ANN001
        self.error = None
        big = len(changes) > BUSY_SPANS or (first_time and self.expected_size() > BUSY_SPANS)
        with busy_cursor() if big else nullcontext():
            try:
                action()
            except STORE_ERRORS as exc:
                self.error = error_message(self.project.path, exc)
                self.setObsolete(True)  # QUndoStack then deletes it and leaves its index where it was
                if not first_time:
                    self.error += f" ({self.text()!r} was taken out of the undo history)"
                self.notifier.failed.emit(self.error)
                return
            self._announce(changes, first_time=first_time)

    def expected_size(self) -> int:
        """How many spans the first redo may write (for the busy cursor)."""
        return 0

    def _announce(self, changes: Changes, *, first_time: bool) -> None:
        changes = self.changes if first_time else changes  # the first redo learns its changes in the action
        if changes:
            self.notifier.changed.emit(changes)
            self.notifier.saved.emit()

    def _first_redo(self) -> None:
        remove, add = self.plan()
        unreject, reject = self.plan_rejections()
        unlink, link = self.plan_relations()
        relation_unreject, relation_reject = self.plan_relation_rejections()
        if not (remove or add or unreject or reject or unlink or link or relation_unreject or relation_reject):
            self.setObsolete(True)
            return
        project = self.project
        with project.transaction():
            # the relations that go with a removed gold span are in the change set too: undo brings them back
            unlink = list({r.id: r for r in [*unlink, *project.relations_of_spans(s.id for s in remove)]}.values())
            relation_review.delete_relations(project, unlink)
            self.values_removed = review.held_values(project, (s.id for s in remove)) if remove else {}
            removed = review.delete_spans(project, [s.id for s in remove]) if remove else []
            values = self.plan_values()
            added = review.add_gold_spans(project, self.doc_id, add, self.reviewer, values) if add else []
            self.values_added = {s.id: values[(s.start, s.end, s.label)] for s in added if values.get((s.start, s.end, s.label))}
            if unreject:
                review.delete_rejections(project, unreject)
            rejected = [review.reject_region(project, self.doc_id, *reject, self.reviewer)] if reject else []
            ends, linked = (relation_review.add_gold_relations(project, self.doc_id, link, self.reviewer, values)
                            if link else ([], []))
            self.values_added.update((s.id, values[(s.start, s.end, s.label)]) for s in ends
                                     if values.get((s.start, s.end, s.label)))
            if relation_unreject:
                relation_review.delete_relation_rejections(project, relation_unreject)
            relation_rejected = ([relation_review.reject_pair(project, self.doc_id, relation_reject, self.reviewer)]
                                 if relation_reject else [])
        self.changes = Changes(tuple(added + ends), tuple(removed), tuple(rejected), tuple(unreject), tuple(linked),
                               tuple(unlink), tuple(relation_rejected), tuple(relation_unreject))
        self._planned = True


class ResolveRegionCommand(GoldCommand):
    """Make the gold layer in ``[start, end)`` say exactly ``version``.

    Accepting an annotator's version passes their spans; rejecting all passes
    an empty version, which removes whatever gold the region had.
    """

    def __init__(
        self,
        project: Project,
        notifier: ChangeNotifier,
        doc_id: int,
        region: tuple[int, int],
        version: Iterable[SpanKey],
        reviewer: str,
        text: str,
        values: Mapping[SpanKey, AttrValues] | None = None,
    ) -> None:
        super().__init__(project, notifier, doc_id, reviewer, text)
        start, end = region
        self.start, self.end = start, end
        self.version = sorted(set(version))
        self.version_values = values  # the version's attribute values; a gold span holding others is replaced

    def plan(self) -> tuple[list[Span], list[SpanKey]]:
        present = gold_in_region(self.project, self.doc_id, self.start, self.end)
        wanted = set(self.version)
        remove = [s for s in present if (s.start, s.end, s.label) not in wanted]
        if self.version_values is not None:
            held = review.held_values(self.project, (s.id for s in present))
            remove += [s for s in present if (s.start, s.end, s.label) in wanted
                       and held.get(s.id, {}) != self.version_values.get((s.start, s.end, s.label), {})]
        kept = {(s.start, s.end, s.label) for s in present if s not in remove}
        return remove, [key for key in self.version if key not in kept]

    def plan_values(self) -> Mapping[SpanKey, AttrValues]:
        return self.version_values or {}

    def plan_rejections(self) -> tuple[list[Rejection], tuple[int, int] | None]:
        """Rejecting records the region as decided; accepting a version takes back a rejection there."""
        present = review.rejections_in_region(self.project, self.doc_id, self.start, self.end)
        if self.version:
            return present, None
        if any((r.start, r.end) == (self.start, self.end) for r in present):
            return [], None  # rejected already: X again changes nothing
        return present, (self.start, self.end)


class AcceptAgreedCommand(GoldCommand):
    """Add every agreed span and relation the gold layer does not have yet, in one undoable step."""

    def __init__(
        self, project: Project, notifier: ChangeNotifier, doc_id: int, agreed: Sequence[SpanKey], reviewer: str,
        agreed_relations: Sequence[RelationKey] = (), values: Mapping[SpanKey, AttrValues] | None = None,
    ) -> None:
        super().__init__(project, notifier, doc_id, reviewer, "Accept all agreed spans")
        self.agreed = list(agreed)
        self.agreed_values = values or {}  # the values the annotators agree on go into gold with the spans
        self.agreed_relations = list(agreed_relations)
        self._spans = 0

    def expected_size(self) -> int:
        return len(self.agreed) + len(self.agreed_relations)

    def plan(self) -> tuple[list[Span], list[SpanKey]]:
        present = review.gold_keys(self.project, self.doc_id)
        missing = [key for key in dict.fromkeys(self.agreed) if key not in present]
        self._spans = len(missing)
        self.setText(_agreed_text(self._spans, 0))
        return [], missing

    def plan_values(self) -> Mapping[SpanKey, AttrValues]:
        return self.agreed_values

    def plan_relations(self) -> tuple[list[Relation], list[RelationKey]]:
        present = {key for _relation, key in relation_review.gold_relations(self.project, self.doc_id)}
        missing = [key for key in dict.fromkeys(self.agreed_relations) if key not in present]
        self.setText(_agreed_text(self._spans, len(missing)))
        return [], missing


def _agreed_text(spans: int, relations: int) -> str:
    said = [counted(spans, "agreed span")] if spans or not relations else []
    if relations:
        said.append(counted(relations, "agreed relation"))
    return "Accept " + " and ".join(said)


class ResolveRelationCommand(GoldCommand):
    """Make the gold layer's relations between the two spans of ``pair`` exactly ``version``.

    The two spans are gold's at the pair's place (its ends' offsets): an end gold holds under another
    span label is gold's span, if the relation label's rule allows that label, else the accept is
    refused, saying why (``relation_review.on_gold_spans``); no second span over the same words.
    Accepting an annotator's relations brings the end spans gold lacks along (same step);
    an empty version (rejecting all, or accepting someone who drew nothing there) removes
    gold's relations on the pair and records the pair as rejected: decided, with nothing in gold.
    """

    def __init__(self, project: Project, notifier: ChangeNotifier, doc_id: int, pair: Pair,
                 version: Iterable[RelationKey], reviewer: str, text: str,
                 values: Mapping[SpanKey, AttrValues] | None = None) -> None:
        super().__init__(project, notifier, doc_id, reviewer, text)
        self.pair = pair
        self.version = sorted(set(version))
        self.end_values = values or {}  # the accepted annotator's values of the end spans gold lacks

    def plan_values(self) -> Mapping[SpanKey, AttrValues]:
        return self.end_values

    def plan(self) -> tuple[list[Span], list[SpanKey]]:
        return [], []

    def plan_relations(self) -> tuple[list[Relation], list[RelationKey]]:
        version = list(dict.fromkeys(relation_review.on_gold_spans(self.project, self.doc_id, self.version)))
        present = relation_review.gold_relations(self.project, self.doc_id)
        place = place_of(self.pair)
        on_pair = [(relation, key) for relation, key in present if place_of(pair_of(key)) == place]
        kept = {key for _relation, key in on_pair if key in version}
        return [relation for relation, key in on_pair if key not in version], [k for k in version if k not in kept]

    def plan_relation_rejections(self) -> tuple[list[RelationRejection], Pair | None]:
        present = [r for r in relation_review.relation_rejections(self.project, self.doc_id)
                   if place_of((r.first, r.second)) == place_of(self.pair)]
        if self.version:
            return present, None
        return ([], None) if present else ([], self.pair)


def accept_relation_text(annotator: str, version: Sequence[RelationKey]) -> str:
    if not version:
        return f"Accept {annotator}'s version (no relation)"
    return f"Accept {annotator}'s " + ", ".join(dict.fromkeys(label for _h, _c, label in version)) + " relation"


def accept_text(annotator: str, version: Sequence[SpanKey]) -> str:
    if not version:
        return f"Accept {annotator}'s version (nothing marked)"
    labels = ", ".join(dict.fromkeys(label for _, _, label in version))
    return f"Accept {annotator}'s {labels}"
