"""Every window action as data: menu, text, shortcuts, handler. Menus and toolbar are built from it.

A later mode (review) adds its own list of ActionSpec and a menu name; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from annotator.ui.shortcuts import shortcut_text

Keys = Sequence["str | QKeySequence.StandardKey"]
SK = QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionSpec:
    name: str  # attribute-like id, e.g. "mark_done"
    menu: str  # menu title, e.g. "&Document"
    text: str
    keys: Keys
    handler: str  # name of a method on the window
    toolbar: bool = False
    checkable: bool = False
    separator_before: bool = False


WORKSPACE_ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("new_project", "&File", "&New project...", (SK.New,), "new_project_dialog"),
    ActionSpec("open_project", "&File", "&Open project...", (SK.Open,), "open_project_dialog", toolbar=True),
    ActionSpec("import_files", "&File", "&Import files...", ("Ctrl+I",), "import_files", toolbar=True,
               separator_before=True),
    ActionSpec("import_folder", "&File", "Import &folder...", ("Ctrl+Shift+I",), "import_folder"),
    ActionSpec("export", "&File", "&Export...", ("Ctrl+E",), "export", toolbar=True),
    ActionSpec("quit", "&File", "&Quit", (SK.Quit, "Ctrl+Q"), "close", separator_before=True),
    ActionSpec("delete_span", "&Edit", "&Delete span", ("Delete", "Backspace"), "delete_current_span",
               separator_before=True),
    ActionSpec("edit_note", "&Edit", "Add or edit &note...", ("F2",), "edit_note"),
    ActionSpec("copy_span", "&Edit", "&Copy span text", ("Ctrl+Shift+C",), "copy_span_text"),
    ActionSpec("next_span", "&Edit", "Ne&xt span", ("]",), "next_span", separator_before=True),
    ActionSpec("previous_span", "&Edit", "Pre&vious span", ("[",), "previous_span"),
    ActionSpec("clear_span", "&Edit", "Clear span selection", ("Escape",), "clear_current_span"),
    ActionSpec("snap_words", "&Edit", "&Snap selection to whole words", ("Ctrl+Shift+W",), "toggle_snap",
               checkable=True, separator_before=True),
    ActionSpec("find_in_document", "&Edit", "&Find in document...", (SK.Find,), "find_in_document",
               separator_before=True),
    ActionSpec("find_next", "&Edit", "Find ne&xt", ("F3",), "find_next"),
    ActionSpec("find_previous", "&Edit", "Find pre&vious", ("Shift+F3",), "find_previous"),
    ActionSpec("find", "&Edit", "Find &documents...", ("Ctrl+Shift+F",), "focus_search"),
    ActionSpec("mark_done", "&Document", "Mark &done and go to next unfinished", ("Ctrl+Return", "Ctrl+Enter"),
               "mark_done_and_next", toolbar=True),
    ActionSpec("skip", "&Document", "&Skip and go to next unfinished", ("Ctrl+K",), "skip_and_next", toolbar=True),
    ActionSpec("reopen", "&Document", "&Reopen (mark in progress)", ("Ctrl+Shift+R",), "reopen_document"),
    ActionSpec("next_doc", "&Document", "&Next document", ("Alt+Right", "Ctrl+PgDown"), "next_document",
               toolbar=True, separator_before=True),
    ActionSpec("previous_doc", "&Document", "&Previous document", ("Alt+Left", "Ctrl+PgUp"), "previous_document",
               toolbar=True),
    ActionSpec("focus_documents", "&View", "Go to &document list", ("Ctrl+L",), "focus_documents"),
    ActionSpec("focus_text", "&View", "Go to &text", ("Ctrl+T",), "focus_text"),
    ActionSpec("focus_spans", "&View", "Go to &spans list", ("Ctrl+J",), "focus_spans"),
    ActionSpec("zoom_in", "&View", "Zoom &in", ("Ctrl+=", "Ctrl++"), "zoom_in", separator_before=True),
    ActionSpec("zoom_out", "&View", "Zoom &out", ("Ctrl+-",), "zoom_out"),
    ActionSpec("zoom_reset", "&View", "&Reset zoom", ("Ctrl+0",), "zoom_reset"),
    ActionSpec("label_tags", "&View", "Label &tags at span starts", ("Ctrl+Shift+T",), "toggle_label_tags",
               checkable=True, separator_before=True),
    ActionSpec("next_line_length", "&View", "Next &line length", ("Ctrl+Shift+U",), "next_line_length"),
    ActionSpec("edit_labels", "&Labels", "&Edit labels...", ("Ctrl+Shift+L",), "edit_labels"),
    ActionSpec("switch_annotator", "A&nnotator", "&Switch annotator...", ("Ctrl+Shift+A",), "switch_annotator"),
    ActionSpec("cheat_sheet", "&Help", "&Keyboard shortcuts", ("F1",), "show_cheat_sheet"),
)

UNDO_KEYS: Keys = (QKeySequence.StandardKey.Undo,)
REDO_KEYS: Keys = (QKeySequence.StandardKey.Redo, "Ctrl+Shift+Z")  # (Ctrl+Y is the platform's Redo here)

MENU_ORDER = ["&File", "&Edit", "&Document", "&Labels", "A&nnotator", "&View", "&Help"]


def tooltip(action: QAction) -> str:
    """The action's text and its keys, as toolbar buttons show it: "Export (Ctrl+E)"."""
    text = action.text().replace("&", "").replace("...", "")
    keys = shortcut_text(action)
    return f"{text} ({keys})" if keys else text


def key_sequences(keys: Keys) -> list[QKeySequence]:
    found: list[QKeySequence] = []
    for key in keys:
        sequences = QKeySequence.keyBindings(key) if isinstance(key, QKeySequence.StandardKey) else [QKeySequence(key)]
        found += [s for s in sequences if not s.isEmpty() and s not in found]
    return found


def build_actions(window: QMainWindow, specs: Sequence[ActionSpec], menus: dict[str, QMenu],
                  toolbar: QToolBar | None) -> dict[str, QAction]:
    """Create the actions of ``specs`` on ``window``, file them in menus (created as needed) and the toolbar."""
    actions: dict[str, QAction] = {}
    for spec in specs:
        menu = menus.get(spec.menu)
        if menu is None:
            menu = menus[spec.menu] = window.menuBar().addMenu(spec.menu)
        if spec.separator_before and not menu.isEmpty():
            menu.addSeparator()
        action = QAction(spec.text, window)
        action.setObjectName(spec.name)
        action.setShortcuts(key_sequences(spec.keys))
        action.setToolTip(tooltip(action))
        action.setCheckable(spec.checkable)
        handler: Callable[[], object] = getattr(window, spec.handler)
        if spec.checkable:
            action.toggled.connect(lambda checked, h=handler: h(checked))
        else:
            action.triggered.connect(lambda _=False, h=handler: h())
        menu.addAction(action)
        window.addAction(action)  # shortcuts work while any child has focus
        if spec.toolbar and toolbar is not None:
            toolbar.addAction(action)
        actions[spec.name] = action
    return actions


def mode_menu(window: QMainWindow, menus: dict[str, QMenu], title: str) -> QMenu:
    """The menu ``title`` of a mode (Review, Suggestions), made before View the first time it is asked for."""
    menu = menus.get(title)
    if menu is None:
        menu = QMenu(title, window)
        before = menus.get("&View")
        window.menuBar().insertMenu(before.menuAction() if before else None, menu)
        menus[title] = menu
    return menu


def menu_action(window: QMainWindow, menu: QMenu, name: str, text: str, keys: str, slot: Callable[..., object], *,
                checkable: bool = False) -> QAction:
    """One action of a mode's menu, whose keys work while any part of the window has focus."""
    action = QAction(text, window)
    action.setObjectName(name)
    if keys:
        action.setShortcut(QKeySequence(keys))
    action.setCheckable(checkable)
    (action.toggled if checkable else action.triggered).connect(slot)
    menu.addAction(action)
    window.addAction(action)
    return action
