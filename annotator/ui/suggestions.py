"""Suggestions in the window: computed off the UI thread, drawn dashed, stepped, accepted, rejected.

For the document shown, the rules and the dictionary (``core.suggest.compute.suggest_text``,
a pure function) run on a worker thread of this object's own pool; the result is applied
only when the same document (and the same request) is still shown. The dictionary and the
compiled rules are built on the worker too, with its own connection to the project file, and
kept until an accept, a reject or a label changes them. The model's suggestions are the ones
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
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QMenu

from annotator.core.suggest import SOURCES, Suggestion, combine
from annotator.core.suggest.compute import suggest_text
from annotator.io.model_process import ModelTraining
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
POLL_MS = 150  # how often the training process is asked how it is doing


def model_problem() -> str | None:
    """What the model needs, without importing spaCy on the UI thread (that takes seconds)."""
    if importlib.util.find_spec("spacy") is None:
        return "The model needs spaCy: pip install 'annotator[spacy]'. Rules and the dictionary work without it."
    return None


class _Relay(QObject):
    done = Signal(int, object, bool)  # request number, (suggestions, rules, dictionary, problems), complete
    latest = 0  # the newest request: a worker on an older one stops


FIRST_PART = 4_000  # characters from the top of the view computed (and shown) first: a screenful at 80 a line
PAUSE = 0.002  # seconds the worker leaves the interpreter to the UI thread after each part
REST_AFTER_MS = 150  # the rest of a long document is computed once the window has painted what is in view


class _SuggestJob(QRunnable):
    """Rules and dictionary over one text, on a worker thread (builds what is not cached yet): with
    ``first_only`` the paragraphs from the top of the view on (what the analyst sees), else the whole
    text part by part."""

    def __init__(self, relay: _Relay, request: int, inputs: dict[str, Any]) -> None:
        super().__init__()
        self.relay, self.request, self.inputs = relay, request, inputs

    def run(self) -> None:
        given = self.inputs
        sources, text = given["sources"], given["text"]
        rules, dictionary, problems = given["rules"], given["dictionary"], []
        if (rules is None and "rules" in sources) or (dictionary is None and "dictionary" in sources):
            with Project.open(given["path"], create=False) as project:
                if rules is None and "rules" in sources:
                    loaded = load_rules(project)
                    rules, problems = loaded.compiled, loaded.problems
                if dictionary is None and "dictionary" in sources:
                    dictionary = store.project_dictionary(project)
        use_rules = rules if "rules" in sources else None
        use_dictionary = dictionary if "dictionary" in sources else None
        every_part = parts(text, given["first_part"])
        if given["first_only"] and len(every_part) > 1:
            every_part = every_part[:1]
        found: list[Suggestion] = []
        for start, end in every_part:
            if self.relay.latest != self.request:
                return  # another document (or request) since: stop
            found += [s._replace(start=s.start + start, end=s.end + start)
                      for s in suggest_text(text[start:end], use_rules, use_dictionary)]
            time.sleep(PAUSE)  # the UI thread gets the interpreter between parts: the window keeps answering
        complete = len(every_part) > 1 or every_part[0] == (0, len(text)) or not given["first_only"]
        start, end = (0, len(text)) if complete else every_part[0]
        self.relay.done.emit(self.request, (self._combine(found, start, end), rules, dictionary, problems), complete)

    def _combine(self, found: list[Suggestion], start: int, end: int) -> list[Suggestion]:
        given = self.inputs
        more = [s for s in given["model"] if start <= s.start and s.end <= end]
        spans = given["spans"]  # the labelled places, made here from the columns, not on the UI thread from
        existing = set(zip(spans.starts, spans.ends, spans.column("label")))  # 10,000 Spans (~5 ms of an open)
        return combine([found, more], rejected=given["rejected"], existing=existing)


def parts(text: str, first: tuple[int, int]) -> list[tuple[int, int]]:
    """``first``, then the rest of the text in whole paragraphs of about FIRST_PART characters."""
    found, start = [first], 0
    while start < len(text):
        if start == first[0]:
            start = first[1] + 1
            continue
        end = text.find("\n", min(len(text), start + FIRST_PART), first[0] if start < first[0] else len(text))
        end = (first[0] - 1 if start < first[0] else len(text)) if end < 0 else end
        found.append((start, max(start, end)))
        start = end + 1
    return found


def first_part(text: str, offset: int) -> tuple[int, int]:
    """Whole paragraphs from the one at ``offset`` on, about FIRST_PART characters (rules and
    dictionary entries never cross a line, so a part gives what the whole text gives there)."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", min(len(text), start + FIRST_PART))
    return start, len(text) if end < 0 else end


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
        self.relay.done.connect(self._applied)
        self.request = 0
        self.doc_id: int | None = None  # the document the suggestions shown belong to
        self.project: Project | None = None
        self.rules: Any = None
        self.dictionary: Any = None
        self.problems: list[str] = []
        self.training: ModelTraining | None = None
        self.training_options: dict[str, Any] = {}  # e.g. fewer epochs (tests, benchmarks)
        self.inputs: dict[str, Any] | None = None  # of the newest request
        self.rest = QTimer(self, singleShot=True, interval=REST_AFTER_MS)
        self.rest.timeout.connect(self._compute_rest)
        self.poll = QTimer(self, interval=POLL_MS)
        self.poll.timeout.connect(self._poll_training)
        self.panel = SuggestionsPanel(self)
        self.dock = window.add_dock("Suggestions", self.panel, window.dockWidgetArea(window.spans_dock))
        window.tabifyDockWidget(window.details_dock, self.dock)
        window.details_dock.raise_()
        self.menu = self._menu()
        self.actions = self._build_actions()
        window.documentOpened.connect(self.document_opened)
        for signal in (window.notifier.spanAdded, window.notifier.spanRemoved, window.notifier.spanUpdated,
                       window.notifier.changed):
            signal.connect(self._labels_changed)
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
            "order_by_uncertainty", "&Unfinished documents the model is least sure of first", "Ctrl+Alt+U",
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
            self.rules = self.dictionary = None
            self._sync_sources()
            self.panel.show_report(latest_report(self.project), model_problem())
            self.actions["order_by_uncertainty"].setChecked(False)

    def document_opened(self, doc_id: int) -> None:
        self._same_project()
        self.overlay.set_suggestions([])
        self.refresh(doc_id)

    def refresh(self, doc_id: int | None = None) -> None:
        """Compute the suggestions of the document shown on the worker; they appear when ready."""
        window = self.window
        doc_id = window.doc_id if doc_id is None else doc_id
        self.request += 1
        self.doc_id = doc_id
        self.rest.stop()
        if doc_id is None:
            self.overlay.set_suggestions([])
            return
        project = window.project
        sources = store.enabled_sources(project)
        inputs = {
            "path": project.path, "text": window.text_view.text, "sources": sources,
            "rules": self.rules, "dictionary": self.dictionary,
            "model": store.stored_suggestions(project, doc_id, "model") if "model" in sources else [],
            "rejected": store.rejected_places(project, doc_id),
            "spans": window.text_view.spans(),  # a copy: the view's own changes as the analyst labels
            "first_part": first_part(window.text_view.text, window.text_view.offsets.to_codepoint(
                window.text_view.firstVisibleBlock().position())),
        }
        self._start(inputs, first_only=True)

    def _start(self, inputs: dict[str, Any], *, first_only: bool) -> None:
        self.inputs = {**inputs, "first_only": first_only, "rules": self.rules, "dictionary": self.dictionary}
        self.relay.latest = self.request
        self.pool.start(_SuggestJob(self.relay, self.request, self.inputs))

    def _compute_rest(self) -> None:
        if self.inputs is not None and self.inputs["first_only"] and self.doc_id == self.window.doc_id:
            self._start(self.inputs, first_only=False)

    def _applied(self, request: int, result: tuple, complete: bool) -> None:
        found, rules, dictionary, problems = result
        self.rules = rules if rules is not None else self.rules
        self.dictionary = dictionary if dictionary is not None else self.dictionary
        if problems and complete:
            self.problems = problems
            self.window.statusBar().showMessage("Rules not used: " + "; ".join(problems), 15000)
        if request != self.request or self.doc_id != self.window.doc_id:
            return  # another document (or request) since: its own result follows
        self.overlay.colors = {label.name: label.color for label in self.window.labels}
        if complete:
            current = self.current
            keys = [s.key for s in found]
            index = keys.index(current.key) if current is not None and current.key in keys else None
            self.overlay.set_suggestions(found, index)
            self.panel.show_count(len(found))
            self.shown.emit()
            self.complete.emit()
        else:
            self.overlay.set_suggestions(found)
            self.shown.emit()
            self.rest.start()

    def _labels_changed(self, *_args: object) -> None:
        self.dictionary = None  # what is labelled feeds the dictionary: rebuilt on the next document

    def wait(self) -> None:
        """Until the worker is idle (tests, benchmarks, closing)."""
        self.pool.waitForDone()

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
            starts = [s.start for s in suggestions]
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
                                   self.suggestions_changed, label=label))
        return True

    def reject(self) -> None:
        suggestion, window = self.current, self.window
        if suggestion is None or window.doc_id is None:
            window.statusBar().showMessage("Step to a suggestion first (. and ,).", 4000)
            return
        window.push(reject_command(window.project, window.notifier, window.doc_id, suggestion, window.annotator,
                                   self.suggestions_changed))

    def accept_label(self) -> None:
        suggestion, window = self.current, self.window
        if suggestion is None or window.doc_id is None:
            window.statusBar().showMessage("Step to a suggestion of the label to accept first (. and ,).", 4000)
            return
        window.push(accept_all_command(window.project, window.notifier, window.doc_id, self.overlay.suggestions,
                                       suggestion.label, window.annotator, self.suggestions_changed))

    def suggestions_changed(self, doc_id: int, gone: Sequence[Suggestion], back: Sequence[Suggestion]) -> None:
        """A command used (or its undo gave back) suggestions: the list shown follows, the next one is current."""
        self.dictionary = None
        if self.pool.activeThreadCount() or self.rest.isActive():  # a result from before this change is due: compute again
            self.refresh()
        if doc_id != self.window.doc_id:
            self.window.open_document(doc_id)  # an undo in another document: show it, computed afresh
            return
        old = self.current
        keys = {s.key for s in gone}
        kept = [s for s in self.overlay.suggestions if s.key not in keys]
        merged = sorted({s.key: s for s in [*kept, *back]}.values(), key=lambda s: (s.start, -s.end, s.label))
        if back:
            index = next((i for i, s in enumerate(merged) if s.key == back[0].key), None)
        elif old is not None and merged:
            index = min(bisect.bisect_left([s.start for s in merged], old.start), len(merged) - 1)
        else:
            index = None
        self.overlay.set_suggestions(merged)
        self.panel.show_count(len(merged))
        self._make_current(index)

    # ------------------------------------------------------------- rules file, model
    def open_rules_file(self) -> Path:
        """Open the project's rules file in the system's editor (written with the defaults first if missing)."""
        path = rules_path(self.window.project.path)
        if not path.exists():
            from annotator.core.suggest.rules import DEFAULT_RULES
            write_rules(path, DEFAULT_RULES)
        self.rules = None  # read again on the next document
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
            if self.actions["order_by_uncertainty"].isChecked():
                self.window.documents.apply_filter()
            self.refresh()

    def shutdown_training(self) -> None:
        self.poll.stop()
        if self.training is not None:
            self.training.cancel()
            self.training = None

    def order_by_uncertainty(self, on: bool) -> None:
        """Unfinished documents the newest model is least sure of first (``documents_by_uncertainty``)."""
        documents = self.window.documents
        if on and latest_report(self.window.project) is None:
            self.window.statusBar().showMessage(
                f"No model yet: it needs {MIN_DOCUMENTS} documents marked done, then Train model now.", 6000)
        documents.order = self._uncertainty_order if on else None
        documents.apply_filter()

    def _uncertainty_order(self, ids: list[int]) -> list[int]:
        wanted = set(ids)
        ranked = [d for d in documents_by_uncertainty(self.window.project) if d in wanted]
        placed = set(ranked)
        return ranked + [d for d in ids if d not in placed]

    def shutdown(self) -> None:
        """The window closes: no worker, timer or process outlives it."""
        self.request += 1
        self.relay.latest = self.request  # a worker still running stops at its next part
        self.rest.stop()
        self.shutdown_training()
        self.pool.waitForDone()


def install_suggestions(window: MainWindow) -> Suggestions:
    window.suggestions = Suggestions(window)
    return window.suggestions
