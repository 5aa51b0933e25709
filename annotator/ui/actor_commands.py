"""Undoable actor-list edits: link a span (to an entry, a new entry, or none), merge two entries, edit
and delete an entry. Each is one QUndoCommand whose ``redo()``/``undo()`` make durable store calls
(see ``annotator.ui.commands``); a refused edit is reported and leaves nothing on the stack."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from annotator.core.actors import Actor, ActorMerge
from annotator.store import Project
from annotator.ui.commands import ChangeNotifier, EditCommand


class ActorNotifier(QObject):
    """What changed in the actor list, for the panel, the spans list's column and the link bar."""

    linksChanged = Signal(object)  # span ids whose link changed (a list)
    actorsChanged = Signal()  # entries added, removed, renamed or merged
    countsChanged = Signal(object)  # entry ids whose mention counts changed (a list), the list otherwise the same


class LinkActorCommand(EditCommand):
    """Link a span to entry ``actor_id``, to a new entry named ``new_name`` (made from the span), or unlink it (neither)."""

    def __init__(self, project: Project, notifier: ChangeNotifier, actors: ActorNotifier, span_id: int, *,
                 actor_id: int | None = None, new_name: str | None = None, shown: str = "") -> None:
        text = (f"Link span to new actor {new_name}" if new_name is not None
                else f"Link span to {shown}" if actor_id is not None else "Unlink span from its actor")
        super().__init__(project, notifier, text)
        self.actors = actors
        self.span_id, self.actor_id, self.new_name = span_id, actor_id, new_name
        self.created: Actor | None = None
        self.before: int | None = None

    def _do(self) -> None:
        with self.project.transaction():
            if self.new_name is not None and self.created is None:
                self.before = self.project.link_span(self.span_id, None)
                self.created = self.project.create_actor_for_span(self.span_id, self.new_name)
            elif self.created is not None:  # redo after undo: the same entry, with its id and project id
                self.project.restore_actor(self.created)
                self.before = self.project.link_span(self.span_id, self.created.id)
            else:
                self.before = self.project.link_span(self.span_id, self.actor_id)
        self._tell()

    def _undo(self) -> None:
        with self.project.transaction():
            self.project.link_span(self.span_id, self.before)
            if self.created is not None:
                self.project.delete_actor(self.created.id)
        self._tell()

    def _tell(self) -> None:
        self.actors.linksChanged.emit([self.span_id])
        if self.created is not None:  # an entry came or went
            self.actors.actorsChanged.emit()
        else:
            self.actors.countsChanged.emit([i for i in (self.before, self.actor_id) if i is not None])


class MergeActorsCommand(EditCommand):
    """Merge entry ``source_id`` into ``target_id`` (links, names and aliases move): one undo step."""

    def __init__(self, project: Project, notifier: ChangeNotifier, actors: ActorNotifier, source: Actor,
                 target: Actor) -> None:
        super().__init__(project, notifier, f"Merge actor {source.name} into {target.name}")
        self.actors = actors
        self.source_id, self.target_id = source.id, target.id
        self.merge: ActorMerge | None = None

    def _do(self) -> None:
        self.merge = self.project.merge_actors(self.source_id, self.target_id)
        self.actors.linksChanged.emit(list(self.merge.span_ids))
        self.actors.actorsChanged.emit()

    def _undo(self) -> None:
        assert self.merge is not None
        self.project.unmerge_actors(self.merge)
        self.actors.linksChanged.emit(list(self.merge.span_ids))
        self.actors.actorsChanged.emit()


class EditActorCommand(EditCommand):
    """Change an entry's name, aliases, external id and note."""

    def __init__(self, project: Project, notifier: ChangeNotifier, actors: ActorNotifier, actor: Actor) -> None:
        super().__init__(project, notifier, f"Edit actor {actor.name}")
        self.actors = actors
        self.after = actor
        self.before: Actor | None = None

    def _do(self) -> None:
        self.before = self.project.update_actor(self.after)
        self.actors.linksChanged.emit(None)  # a rename shows in every linked row
        self.actors.actorsChanged.emit()

    def _undo(self) -> None:
        assert self.before is not None
        self.project.update_actor(self.before)
        self.actors.linksChanged.emit(None)
        self.actors.actorsChanged.emit()


class DeleteActorCommand(EditCommand):
    """Delete an entry and unlink its spans; undo brings both back."""

    def __init__(self, project: Project, notifier: ChangeNotifier, actors: ActorNotifier, actor: Actor) -> None:
        super().__init__(project, notifier, f"Delete actor {actor.name}")
        self.actors = actors
        self.actor_id = actor.id
        self.saved: tuple[Actor, list[tuple[int, str]]] | None = None

    def _do(self) -> None:
        self.saved = self.project.delete_actor(self.actor_id)
        self.actors.linksChanged.emit([span_id for span_id, _ in self.saved[1]])
        self.actors.actorsChanged.emit()

    def _undo(self) -> None:
        assert self.saved is not None
        self.project.restore_actor(*self.saved)
        self.actors.linksChanged.emit([span_id for span_id, _ in self.saved[1]])
        self.actors.actorsChanged.emit()
