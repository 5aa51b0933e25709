"""Linking the selected span to an actor entry by keyboard: a bar over the text (key ``@``).

The bar opens with the likeliest entry already typed and selected: the one spans of the same text
(or an alias) were linked to before, shown as the suggestion, so ``Enter`` alone accepts it; else
the span's own linked entry, else the span's text. Typing replaces it and completes from the list
(names, aliases and later words, most mentioned first: ``Project.complete_actors``, a few ms over
50,000 entries); ``Enter`` links to the entry of that name, or creates it from the span when there is
none; an emptied line unlinks; ``Esc`` closes. Each link is one undo step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCompleter, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from annotator.core.actors import Actor, actor_name
from annotator.core.model import Span

if TYPE_CHECKING:
    from annotator.ui.actors_panel import ActorControls


ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class EnterWithCompletion(QObject):
    """Enter in a line whose completion list may be open: the row chosen in the list (if one is) goes
    into the line, the list closes, then ``action`` runs once, as Enter does with the list closed.

    Qt's own handling differs while the list is open: with no row chosen Enter does nothing (the
    completer passes it to the line's ``event()``, past the line's event filters), and with a row
    chosen the completer writes the row into the line after the line's ``returnPressed`` has run.
    """

    def __init__(self, edit: QLineEdit, action: Callable[[], None]) -> None:
        super().__init__(edit)
        self.edit, self.action = edit, action
        self.popup = edit.completer().popup()  # made now: this filter is installed after the completer's, so runs first
        self.popup.installEventFilter(self)
        edit.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent) or event.key() not in ENTER_KEYS:
            return False
        if self.popup.isVisible():
            chosen = self.popup.selectionModel().selectedIndexes()
            self.popup.hide()
            if chosen:
                self.edit.setText(self.edit.completer().pathFromIndex(chosen[0]))
        self.action()
        return True


class ActorLinkBar(QWidget):
    """The line to type an actor's name into, with completion from the project's list."""

    def __init__(self, controls: ActorControls, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actorLinkBar")
        self.controls = controls
        self.span: Span | None = None
        self.suggested: Actor | None = None
        self.edit = QLineEdit(placeholderText="Actor name (Enter: link or create from the span; empty: unlink; Esc: close)")
        self.edit.setObjectName("actorName")
        self.edit.setAccessibleName("Actor to link the span to")
        self.model = QStringListModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.edit.setCompleter(self.completer)
        self.hint = QLabel()
        self.hint.setObjectName("actorSuggestion")
        label = QLabel("&Actor:")
        label.setBuddy(self.edit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(label)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.hint)
        close = QToolButton(text="✕", toolTip="Close (Esc)", autoRaise=True)
        close.clicked.connect(self.close_bar)
        layout.addWidget(close)
        self.edit.textEdited.connect(self.complete)
        self.completer.activated.connect(self._take_completion)  # a row clicked in the list
        self.edit.installEventFilter(self)
        EnterWithCompletion(self.edit, self.accept)
        self.hide()

    def open_for(self, span: Span) -> None:
        """Show the bar for ``span`` with the likeliest entry typed and selected (Enter accepts it)."""
        project = self.controls.window.project
        self.span = span
        text = span.text_in(self.controls.window.text_view.text)
        linked = project.span_actor(span.id)
        self.suggested = None if linked else project.suggest_actor(text)
        if linked is not None:
            self.hint.setText(f"linked to {linked.name}")
            shown = linked.name
        elif self.suggested is not None:
            self.hint.setText(f"Enter: {self.suggested.name} (linked before, or an alias)")
            shown = self.suggested.name
        else:
            self.hint.setText("Enter: a new actor from the span")
            shown = actor_name(text)
        self.model.setStringList([])
        self.show()
        self.edit.setText(shown)
        self.edit.selectAll()
        self.edit.setFocus()

    def complete(self, typed: str) -> None:
        """Refill the completion list from the store for what is typed now (one indexed query)."""
        found = self.controls.window.project.complete_actors(typed)
        self.model.setStringList([actor.name for actor in found])
        if found:
            self.completer.complete()

    def _take_completion(self, name: str) -> None:
        """A name clicked in the completion list links at once."""
        if self.span is not None:
            self.edit.setText(name)
            self.accept()

    def accept(self) -> None:
        """Link the span to the entry named in the line, create it from the span, or (empty line) unlink."""
        span, name = self.span, actor_name(self.edit.text())
        self.close_bar()
        if span is None:
            return
        project = self.controls.window.project
        if not name:
            self.controls.link(span, None)
            return
        known = project.actor_named(name)
        if known is not None:
            self.controls.link(span, known)
        else:
            self.controls.link_new(span, name)

    def close_bar(self) -> None:
        self.completer.popup().hide()
        self.hide()
        self.span = None
        self.controls.window.text_view.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.edit and event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Escape, *ENTER_KEYS):
            event.accept()  # the window's Esc (clear the span) and Enter must not take these keys from the bar
            return True
        if watched is self.edit and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_Escape and not self.completer.popup().isVisible():
                self.close_bar()
                return True
        return super().eventFilter(watched, event)
