"""Suggestions in the window: computed for the lines in view first, drawn dashed, stepped, accepted, rejected.

For the document shown, the rules and the dictionary (``core.suggest.compute.suggest_text``,
a pure function) run over the lines in view at once when both are built (a few milliseconds,
before the window paints), else on a worker thread of this object's own pool that builds them
first, with its own connection to the project file; a result is applied only when the same
document (and the same request) is still shown. The built dictionary and compiled rules are
kept until an accept, a reject or a label changes them. The rest of a long document comes part
by part from a child process (``io.suggest_process``). The model's suggestions are the ones
stored by its last training (``io.model_training``), which runs in a background process
(``io.model_process.ModelTraining``) polled by a timer. Closing the window waits for the
worker and ends the training process.

Keys (Suggestions menu): ``.`` / ``,`` step to the next / previous suggestion, ``=`` accepts
it with its label (a label's key accepts it with that label), ``-`` rejects it, ``+`` accepts
every suggestion of its label in the document. Each is one undoable command.
"""

from __future__ import annotations

import bisect
import importlib.util
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QMenu

from annotator.core.changes import Changes
from annotator.core.suggest import SOURCES, Suggestion
from annotator.core.suggest.columns import SuggestionColumns
from annotator.core.suggest.compute import first_part, has_rest, parts, suggest_parts
from annotator.io.model_process import ModelTraining
from annotator.io.suggest_process import RestRequest, SuggestingProcess
from annotator.io.model_training import MIN_DOCUMENTS, documents_by_uncertainty, latest_report
from annotator.io.patterns import rules_path, write_rules
from annotator.io.suggesting import load_rules
from annotator.store import Project
from annotator.store import suggestions as store
from annotator.ui.actions import menu_action, mode_menu
from annotator.ui.prompts import show_error
from annotator.ui.suggestion_commands import accept_all_command, accept_command, reject_command
from annotator.ui.suggestion_overlay import SuggestionOverlay
from annotator.ui.suggestions_panel import SuggestionsPanel

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

MENU = "S&uggestions"
SOURCE_TEXT = {"rules": "Suggest from &rules", "dictionary": "Suggest from the project's &dictionary",
               "model": "Suggest from the &model"}
UNSURE_CHOICE = "Least sure first"  # the document list's drop-down choice
UNFINISHED = ("new", "in_progress")
POLL_MS = 150  # how often the training process is asked how it is doing


def model_problem() -> str | None:
    """What the model needs, without importing spaCy on the UI thread (that takes seconds)."""
    if importlib.util.find_spec("spacy") is None:
        return "The model needs spaCy: pip install 'annotator[spacy]'. Rules and the dictionary work without it."
    return None


class _Relay(QObject):
    built = Signal(int, object, object, object)  # generation, rules, dictionary, problems (built on the worker)
    part = Signal(int, int, int, object, bool, bool)  # request, start, end, SuggestionColumns, first, last
    arrived = Signal()  # the child's reader thread has a message for the window


PART_SIZE = 4_000  # characters in each part of the rest of a document (the child computes them)
MIN_FIRST_PART = 1_000  # characters from the top of the view computed (and shown) first, at least
COUNT_EVERY = 0.25  # seconds between updates of the panel's count while parts arrive
REST_AFTER_MS = 150  # the rest of a long document is asked for once the window has shown what is in view
RELEARN_AFTER_MS = 1000  # after the last label change, the document shown is computed again with what it taught
APPLY_BUDGET = 0.008  # seconds of applying the child's parts per turn of the event loop


class _FirstPartJob(QRunnable):
    """Rules and dictionary over the lines in view, on a worker thread (builds what is not cached
    yet): a few milliseconds. The rest of a longer text is the child process's (``io.suggest_process``)."""

    def __init__(self, relay: _Relay, request: int, inputs: dict[str, Any]) -> None:
        super().__init__()
        self.relay, self.request, self.inputs = relay, request, inputs

    def run(self) -> None:
        rules, dictionary = self._build()
        start, end, part = first_part_suggestions(self.inputs, rules, dictionary)
        self.relay.part.emit(self.request, start, end, part, True, not self.inputs["has_rest"])

    def _build(self) -> tuple[Any, Any]:
        given = self.inputs
        sources, rules, dictionary = given["sources"], given["rules"], given["dictionary"]
        if (rules is None and "rules" in sources) or (dictionary is None and "dictionary" in sources):
            problems: list[str] = []
            with Project.open(given["path"], create=False) as project:
                if rules is None and "rules" in sources:
                    loaded = load_rules(project)
                    rules, problems = loaded.compiled, loaded.problems
                if dictionary is None and "dictionary" in sources:
                    dictionary = store.project_dictionary(project)
            self.relay.built.emit(given["generation"], rules, dictionary, problems)
        return rules, dictionary


def first_part_suggestions(given: dict[str, Any], rules: Any, dictionary: Any) -> tuple[int, int, SuggestionColumns]:
    """The suggestions of the lines in view (``given["first_part"]``) from the sources that are on."""
    sources, places = given["sources"], given["places"]
    found = suggest_parts(given["text"], [given["first_part"]], rules if "rules" in sources else None,
                          dictionary if "dictionary" in sources else None, model=places.model,
                          rejected=places.rejected, existing=places.existing)
    return next(iter(found))


def screenful(view: Any) -> int:
    """About how many characters the text view shows at once (a little more than it does: its lines are
    spaced). The first part is this, to the end of its last line: on a 552 x 696 view, 2,700 characters,
    where a fixed 4,000 computed twice what the screen showed."""
    metrics, size = view.fontMetrics(), view.viewport().size()
    lines = size.height() / max(1, metrics.lineSpacing())
    per_line = size.width() / max(1, metrics.averageCharWidth())
    return max(MIN_FIRST_PART, int(lines * min(per_line, view.measure or per_line)))  # (the measure caps a line)


class Suggestions(QObject):
    """The window's suggestions: worker, overlay, keys, menu, panel and model training."""

    shown = Signal()  # the suggestions in view were applied (benchmarks wait on it)
    complete = Signal()  # every suggestion of the document shown was applied

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.overlay = SuggestionOverlay(window.text_view)
        window.text_view.tooltip_providers.append(self.overlay.tooltip_lines)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.relay = _Relay(self)
        self.relay.built.connect(self._built)
        self.relay.part.connect(self._part_arrived)
        self.request = 0
        self.doc_id: int | None = None  # the document the suggestions shown belong to
        self.project: Project | None = None
        self.rules: Any = None
        self.dictionary: Any = None
        self.problems: list[str] = []
        self.training: ModelTraining | None = None
        self.training_options: dict[str, Any] = {}  # e.g. fewer epochs (tests, benchmarks)
        self.inputs: dict[str, Any] | None = None  # of the newest request
        self.process: SuggestingProcess | None = None  # the rest of long documents, started on first need
        self.relay.arrived.connect(self._take_parts)
        self.more = QTimer(self, singleShot=True, interval=0)  # parts left after one turn's budget
        self.more.timeout.connect(self._take_parts)
        self.rest = QTimer(self, singleShot=True, interval=REST_AFTER_MS)  # the open settles first
        self.rest.timeout.connect(self._ask_rest)
        self.generation = 0  # changes whenever the rules or the dictionary must be built again
        self.rest_due = False  # the child has parts of the document shown still to send
        self.first_due = False  # the lines in view of the newest request are not shown yet
        self.counted = 0.0  # when the panel's count was last updated
        self.after_open = QTimer(self, singleShot=True, interval=0)  # the opened document is painted first
        self.after_open.timeout.connect(self._after_open)
        self.relearn = QTimer(self, singleShot=True, interval=RELEARN_AFTER_MS)  # labels changed: compute again
        self.relearn.timeout.connect(self._after_open)
        self.poll = QTimer(self, interval=POLL_MS)
        self.poll.timeout.connect(self._poll_training)
        self.panel = SuggestionsPanel(self)
        self.dock = window.add_dock("Suggestions", self.panel, window.dockWidgetArea(window.spans_dock), scroll=True)
        window.tabifyDockWidget(window.details_dock, self.dock)
        window.details_dock.raise_()
        self.menu = self._menu()
        self.actions = self._build_actions()
        self.unsure_row = self._add_unsure_choice()
        window.documentOpened.connect(self.document_opened)
        for signal in (window.notifier.spanAdded, window.notifier.spanRemoved, window.notifier.spanUpdated):
            signal.connect(self._labels_changed)
        window.notifier.changed.connect(self._changes)
        window.text_view.spanClicked.connect(lambda _id: self.overlay.set_current(None))
        if window.doc_id is not None:  # the window opened its first document before this existed
            self.document_opened(window.doc_id)

    # ------------------------------------------------------------- menu
    def _menu(self) -> QMenu:
        return mode_menu(self.window, self.window.menus, MENU)

    def _action(self, name: str, text: str, keys: str, slot: Any, *, checkable: bool = False) -> QAction:
        return menu_action(self.window, self.menu, name, text, keys, slot, checkable=checkable)

    def _build_actions(self) -> dict[str, QAction]:
        actions = {
            "next_suggestion": self._action("next_suggestion", "Ne&xt suggestion", ".", lambda: self.step(1)),
            "previous_suggestion": self._action("previous_suggestion", "Pre&vious suggestion", ",",
                                                lambda: self.step(-1)),
            "accept_suggestion": self._action("accept_suggestion", "&Accept suggestion", "=", lambda: self.accept()),
            "reject_suggestion": self._action("reject_suggestion", "&Reject suggestion", "-", self.reject),
            "accept_label_suggestions": self._action("accept_label_suggestions",
                                                     "Accept all suggestions of this &label", "+", self.accept_label),
        }
        self.menu.addSeparator()
        actions["train_model"] = self._action("train_model", "&Train model now", "Ctrl+Alt+M", self.train_now)
        actions["order_by_uncertainty"] = self._action(
            "order_by_uncertainty", "&Least sure first: unfinished documents the model is least sure of", "Ctrl+Alt+U",
            self.order_by_uncertainty, checkable=True)
        actions["open_rules"] = self._action("open_rules", "&Open the rules file", "Ctrl+Alt+R", self.open_rules_file)
        actions["show_panel"] = self._action("show_panel", "Suggestions &panel", "Ctrl+Alt+S", self.show_panel)
        sources = self.menu.addMenu("&Sources")  # switched per project
        for source in SOURCES:
            action = actions[f"source_{source}"] = QAction(SOURCE_TEXT[source], self.window)
            action.setObjectName(f"source_{source}")
            action.setCheckable(True)
            action.toggled.connect(lambda on, source=source: self.set_source(source, on))
            sources.addAction(action)
        return actions

    def show_panel(self) -> None:
        self.dock.show()
        self.dock.raise_()

    # ------------------------------------------------------------- sources
    def _sync_sources(self) -> None:
        on = store.enabled_sources(self.window.project)
        for source in SOURCES:
            action = self.actions[f"source_{source}"]
            action.blockSignals(True)
            action.setChecked(source in on)
            action.blockSignals(False)
        self.panel.show_sources(on)

    def set_source(self, source: str, on: bool) -> None:
        """Switch a source on or off for this project (stored in the project file)."""
        project = self.window.project
        current = store.enabled_sources(project)
        wanted = [s for s in current if s != source] + ([source] if on else [])
        try:
            store.set_enabled_sources(project, wanted)
        except Exception as exc:  # noqa: BLE001 (a busy or read-only file: say it, keep the old setting)
            show_error(self.window, "Setting not saved", str(exc))
        self._sync_sources()
        self.refresh()

    # ------------------------------------------------------------- computing
    def _same_project(self) -> None:
        if self.project is not self.window.project:
            self.shutdown_training()
            self.project = self.window.project
            self._forget_built(rules=True)
            self._sync_sources()
            self.panel.show_report(latest_report(self.project), model_problem())

    def document_opened(self, doc_id: int) -> None:
        """Suggestions of the document just opened. When the rules and dictionary are built, those of
        the lines in view are computed now, before the window paints: its first paint shows them. (On
        a worker thread, which shares the interpreter's lock, they took as long and cost a second
        paint.) Otherwise the worker builds them once the window has painted the text and is idle."""
        self._same_project()
        self.request += 1
        self.doc_id = doc_id
        self._cancel_rest()
        self.relearn.stop()
        self.overlay.painted = None
        sources = store.enabled_sources(self.window.project)
        if self._ready(sources):
            self.refresh(sources=sources)
        else:
            self.overlay.set_suggestions([])
            self.after_open.start()

    def _ready(self, sources: Sequence[str]) -> bool:
        """Whether the rules and the dictionary that ``sources`` need are built."""
        return (self.rules is not None or "rules" not in sources) and \
            (self.dictionary is not None or "dictionary" not in sources)

    def _after_open(self) -> None:
        try:
            self.refresh()
        except sqlite3.ProgrammingError:  # the project file was closed before the window got here: nothing to show
            self.first_due = False

    def refresh(self, doc_id: int | None = None, *, sources: Sequence[str] | None = None) -> None:
        """Compute the suggestions of the document shown on the worker; they appear when ready."""
        window = self.window
        doc_id = window.doc_id if doc_id is None else doc_id
        self.request += 1
        self.doc_id = doc_id
        self._cancel_rest()
        self.after_open.stop()
        self.relearn.stop()
        self.first_due = False
        if doc_id is None:
            self.overlay.set_suggestions([])
            return
        project, view = window.project, window.text_view
        sources = store.enabled_sources(project) if sources is None else sources  # (the caller may have read them)
        first = self.overlay.painted or first_part(  # the paragraphs the last paint showed, else a screenful
            view.text, view.offsets.to_codepoint(view.firstVisibleBlock().position()), screenful(view))
        inputs = {
            "path": project.path, "text": view.text, "sources": sources, "first_part": first,
            "has_rest": has_rest(view.text, first),  # lines outside it, for the child
            "rules": self.rules, "dictionary": self.dictionary, "generation": self.generation,
            "places": store.document_places(project, doc_id, window.annotator, sources, first),
        }
        self.inputs = inputs
        self.first_due = True
        if self._ready(sources):  # nothing to build: at once, on this thread
            self._part_arrived(self.request, *first_part_suggestions(inputs, self.rules, self.dictionary), True,
                               not inputs["has_rest"])
        else:
            self.pool.start(_FirstPartJob(self.relay, self.request, inputs))

    def _ask_rest(self) -> None:
        """The lines in view are shown: the child computes the rest of the text and sends it part by part."""
        given = self.inputs
        if given is None:
            return
        if self.process is None or not self.process.alive:
            try:
                self.process = SuggestingProcess(self.relay.arrived.emit)
            except Exception as exc:  # noqa: BLE001 (no process allowed: what is in view stays shown)
                self.window.statusBar().showMessage(f"Suggestions for the rest of the document: {exc}", 10000)
                self.rest_due = False
                return
        self.rest_due = True
        self.process.ask(RestRequest(self.request, str(given["path"]), self.doc_id, self.window.annotator,
                                     tuple(given["sources"]), tuple(parts(given["text"], given["first_part"], PART_SIZE)[1:]),
                                     self.generation))

    def _cancel_rest(self) -> None:
        """The child drops the parts it was doing (another document, or this one changed)."""
        self.rest.stop()
        if self.rest_due and self.process is not None and self.process.alive:
            self.process.ask(RestRequest(self.request, "", 0, "", (), (), self.generation))
        self.rest_due = False

    def _take_parts(self) -> None:
        """Apply what the child sent, a few milliseconds' worth per turn of the event loop."""
        deadline = time.perf_counter() + APPLY_BUDGET
        while self.process is not None and time.perf_counter() < deadline:
            message = self.process.take()
            if message is None:
                return
            if message[0] == "part":
                self._part_arrived(*message[1:5], False, message[5])
            elif message[0] == "failed" and message[1] == self.request:
                self.rest_due = False
                self.window.statusBar().showMessage(f"Suggestions for the rest of the document failed: {message[2]}",
                                                    10000)
            elif message[0] == "ended":
                if self.rest_due:
                    self.window.statusBar().showMessage(
                        f"The background process computing suggestions ended (exit code {message[1]}): the rest "
                        "of this document's suggestions are not shown; open it again to retry.", 10000)
                self._end_process()
                self.rest_due = False
        if self.process is not None:
            self.more.start()

    def _built(self, generation: int, rules: Any, dictionary: Any, problems: list[str]) -> None:
        if generation != self.generation:
            return  # a label or a rejection changed the dictionary since it was built
        self.rules = rules if rules is not None else self.rules
        self.dictionary = dictionary if dictionary is not None else self.dictionary
        if problems:
            self.problems = problems
            self.window.statusBar().showMessage("Rules not used: " + "; ".join(problems), 15000)

    def _part_arrived(self, request: int, start: int, end: int, part: SuggestionColumns, first: bool,
                      last: bool) -> None:
        """One part of the text computed: the first (what is in view) replaces what was shown, the
        rest go in their places as they come; only a part on screen is drawn."""
        if request != self.request or self.doc_id != self.window.doc_id:
            return  # another document (or request) since: its own parts follow
        overlay = self.overlay
        self.first_due = self.first_due and not first
        if first:
            overlay.colors = {label.name: label.color for label in self.window.labels}
            current = self.current
            index = part.index_of(current.key) if current is not None else None
            overlay.set_suggestions(part, index)
        else:
            overlay.insert_part(start, end, part)
        if not first and last:
            self.rest_due = False
        if first or last or time.perf_counter() - self.counted > COUNT_EVERY:  # a label's text set 400 times
            self.counted = time.perf_counter()
            self.panel.show_count(len(overlay.suggestions), computing=not last)
        if first:
            self.shown.emit()
            if not last:
                self.rest_due = True
                self.rest.start()
        if last:
            self.complete.emit()

    def _labels_changed(self, *_args: object) -> None:
        """One span labelled, relabelled or deleted (or its undo) feeds the dictionary: it is built again,
        and the document shown computed again with it once the analyst pauses (its lines in view and the
        child's rest alike: they disagreed, the rest knowing a label the lines in view did not)."""
        self._forget_built()
        if self.window.doc_id is not None and store.enabled_sources(self.window.project):
            self.relearn.start()

    def _forget_built(self, *, rules: bool = False) -> None:
        """The dictionary (and the rules) are built again for the next request, here and in the child."""
        self.dictionary = None
        self.rules = None if rules else self.rules
        self.generation += 1

    def wait(self) -> None:
        """Until the worker is idle (tests, benchmarks, closing)."""
        self.pool.waitForDone()

    def in_view_due(self) -> bool:
        """Whether the suggestions of the lines in view are still to come (tests, benchmarks)."""
        return bool(self.after_open.isActive() or self.first_due)

    def busy(self) -> bool:
        """Whether suggestions of the document shown are still to come (tests, benchmarks)."""
        return self.in_view_due() or self.rest_due

    # ------------------------------------------------------------- keys
    @property
    def current(self) -> Suggestion | None:
        index = self.overlay.current
        return self.overlay.suggestions[index] if index is not None else None

    def step(self, direction: int) -> None:
        suggestions = self.overlay.suggestions
        if not suggestions:
            self.window.statusBar().showMessage("No suggestions in this document.", 3000)
            return
        index = self.overlay.current
        if index is None:
            cursor = self.window.text_view.cursor_offset()
            starts = suggestions.starts
            index = bisect.bisect_left(starts, cursor) if direction > 0 else bisect.bisect_left(starts, cursor) - 1
        else:
            index += direction
        index %= len(suggestions)
        self._make_current(index)

    def _make_current(self, index: int | None) -> None:
        window = self.window
        if index is not None:
            window.select_span(None)
            window.text_view.clear_selection()
            suggestion = self.overlay.suggestions[index]
            window.text_view.show_range(suggestion.start, suggestion.end)
            window.statusBar().showMessage(
                f"Suggestion {index + 1} of {len(self.overlay.suggestions)}: {suggestion.label} "
                f"(= accept, a label's key: accept as that label, - reject, + accept all {suggestion.label})", 6000)
        self.overlay.set_current(index)

    def accept(self, label: str | None = None) -> bool:
        """Accept the current suggestion (with ``label`` if given); False when none is current."""
        suggestion, window = self.current, self.window
        if suggestion is None or window.doc_id is None:
            window.statusBar().showMessage("Step to a suggestion first (. and ,).", 4000) if label is None else None
            return False
        window.push(accept_command(window.project, window.notifier, window.doc_id, suggestion, window.annotator,
                                   label=label))
        return True

    def reject(self) -> None:
        suggestion, window = self.current, self.window
        if suggestion is None or window.doc_id is None:
            window.statusBar().showMessage("Step to a suggestion first (. and ,).", 4000)
            return
        window.push(reject_command(window.project, window.notifier, window.doc_id, suggestion, window.annotator))

    def accept_label(self) -> None:
        suggestion, window = self.current, self.window
        if suggestion is None or window.doc_id is None:
            window.statusBar().showMessage("Step to a suggestion of the label to accept first (. and ,).", 4000)
            return
        shown = self.overlay.suggestions
        of_label = [shown[i] for i in shown.indexes_of_label(suggestion.label)]
        window.push(accept_all_command(window.project, window.notifier, window.doc_id, of_label,
                                       suggestion.label, window.annotator))

    def _changes(self, changes: Changes) -> None:
        """One change set: what is labelled or rejected feeds the dictionary; suggestions a command used
        (or its undo gave back) leave (or rejoin) the list shown."""
        self._forget_built()  # (many spans at once, review or accept-all: the next document shows what they taught)
        if changes.used or changes.offered:
            self.suggestions_changed((changes.used or changes.offered)[0].doc_id,
                                     [used.suggestion for used in changes.used],
                                     [offered.suggestion for offered in changes.offered])

    def suggestions_changed(self, doc_id: int, gone: Sequence[Suggestion], back: Sequence[Suggestion]) -> None:
        """A command used (or its undo gave back) suggestions: the list shown follows (in place, no
        sort of the whole list), the next one is current."""
        if self.busy():  # parts computed before this change are still to come: compute again
            self.refresh()
        if doc_id != self.window.doc_id:
            self.window.open_document(doc_id)  # an undo in another document: show it, computed afresh
            return
        old = self.current
        shown = self.overlay.suggestions
        shown.remove(s.key for s in gone)
        for suggestion in back:
            shown.add(suggestion)
        if back:
            index: int | None = shown.index_of(back[0].key)
        elif old is not None and len(shown):
            index = min(bisect.bisect_left(shown.starts, old.start), len(shown) - 1)
        else:
            index = None
        self.overlay.set_suggestions(shown)
        self.panel.show_count(len(shown), computing=self.busy())
        self._make_current(index)

    # ------------------------------------------------------------- rules file, model
    def open_rules_file(self) -> Path:
        """Open the project's rules file in the system's editor (written with the defaults first if missing)."""
        path = rules_path(self.window.project.path)
        if not path.exists():
            from annotator.core.suggest.rules import DEFAULT_RULES
            write_rules(path, DEFAULT_RULES)
        self._forget_built(rules=True)  # read again on the next document
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        self.window.statusBar().showMessage(f"Rules file: {path} (read again when you open the next document)", 8000)
        return path

    def train_now(self) -> bool:
        """Start training the model in a background process; the panel shows its progress and scores."""
        problem = model_problem()
        if problem:
            self.panel.show_message(problem)
            return False
        if self.training is not None and self.training.running:
            self.panel.show_message("The model is training already.")
            return False
        self.training = ModelTraining(self.window.project.path, **self.training_options)
        self.panel.show_message("Training started (you can keep working)...")
        self.poll.start()
        return True

    def _poll_training(self) -> None:
        training = self.training
        if training is None:
            self.poll.stop()
            return
        for event in training.poll():
            if event.kind == "progress":
                self.panel.show_message(f"Training: {event.message} ({event.share:.0%})")
            elif event.kind == "done":
                self.panel.show_message("Model trained.")
            else:
                self.panel.show_message(event.message)
        if training.finished is not None and training.exited:  # closing a child still exiting would wait for it
            self.poll.stop()
            training.close()
            self.training = None
            self.panel.show_report(latest_report(self.window.project), model_problem())
            if self.window.documents.filter.currentIndex() == self.unsure_row:
                self.window.documents.apply_filter()
            self.refresh()

    def shutdown_training(self) -> None:
        self.poll.stop()
        if self.training is not None:
            self.training.cancel()
            self.training = None

    def _add_unsure_choice(self) -> int:
        """"Least sure first" in the document list's drop-down: unfinished documents, ordered by
        ``documents_by_uncertainty`` (the newest model's measure; see the README's Suggestions)."""
        combo = self.window.documents.filter
        row = self.window.documents.add_ordered_choice(UNSURE_CHOICE, UNFINISHED, self._uncertainty_order)
        combo.setItemData(row, "Unfinished documents, those the newest model is least sure of first",
                          Qt.ItemDataRole.ToolTipRole)
        combo.currentIndexChanged.connect(self._list_choice_changed)
        return row

    def order_by_uncertainty(self, on: bool) -> None:
        """The menu's switch (Ctrl+Alt+U) for the drop-down's "Least sure first" (off: back to "Unfinished")."""
        combo = self.window.documents.filter
        if on:
            combo.setCurrentIndex(self.unsure_row)
        elif combo.currentIndex() == self.unsure_row:
            combo.setCurrentIndex(combo.findText("Unfinished"))

    def _list_choice_changed(self, row: int) -> None:
        action = self.actions["order_by_uncertainty"]
        action.blockSignals(True)
        action.setChecked(row == self.unsure_row)
        action.blockSignals(False)
        if row == self.unsure_row and latest_report(self.window.project) is None:
            self.window.statusBar().showMessage(
                f"No model yet, so unfinished documents are listed in order: it needs {MIN_DOCUMENTS} documents "
                "marked done, then Train model now.", 8000)

    def _uncertainty_order(self, ids: list[int]) -> list[int]:
        wanted = set(ids)
        ranked = [d for d in documents_by_uncertainty(self.window.project) if d in wanted]
        placed = set(ranked)
        return ranked + [d for d in ids if d not in placed]

    def shutdown(self) -> None:
        """The window closes: no worker, timer or process outlives it."""
        self.request += 1
        self.after_open.stop()
        self.rest.stop()
        self.first_due = self.rest_due = False
        self.shutdown_training()
        self.pool.waitForDone()
        self._end_process()

    def _end_process(self) -> None:
        self.more.stop()
        if self.process is not None:
            self.process.close()
            self.process = None


def install_suggestions(window: MainWindow) -> Suggestions:
    window.suggestions = Suggestions(window)
    return window.suggestions
