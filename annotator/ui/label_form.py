"""What the label dialog's two forms share (span labels, relation labels): the form's fields checked,
the error line under it, and an edit pushed as one undoable command whose refusal is shown there."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QWidget

from annotator.core.model import hotkey_problem
from annotator.ui.label_commands import LabelCommand

HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def buddy(text: str, widget: QWidget) -> QLabel:
    """A field's caption whose mnemonic (``&``) moves the focus to the field."""
    label = QLabel(text)
    label.setBuddy(widget)
    return label


def error_line(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020")
    label.hide()
    return label


class LabelForm:
    """A mixin of a widget with ``label_list``, ``color_edit``, ``hotkey_edit``, ``error_label``,
    ``undo_stack``, ``_labels``, ``_editing`` and ``_select_next``, a ``refresh()`` that reloads
    what the project holds when it differs from what is shown, and what ``apply`` needs: the form's
    label (``_form_label``), the stored one (``_stored``) and the commands that add or update one."""

    kind = "label"  # what the form edits, in its messages

    label_list: QListWidget
    color_edit: QLineEdit
    hotkey_edit: QLineEdit
    error_label: QLabel

    def labels(self) -> list:
        """The labels as the form shows them, in order."""
        return list(self._labels)

    def current_name(self) -> str | None:
        return self._editing

    def error_text(self) -> str:
        return self.error_label.text() if not self.error_label.isHidden() else ""

    def _show_error(self, message: str | None) -> None:
        self.error_label.setText(message or "")
        self.error_label.setVisible(bool(message))

    def _color_and_hotkey(self) -> tuple[str, str] | None:
        """The colour and hotkey fields, checked (None, with the reason shown, when one is wrong)."""
        color = self.color_edit.text().strip().lower()
        if not HEX_COLOR.fullmatch(color):
            self._show_error(f"colour {color!r} is not of the form #rrggbb")
            return None
        hotkey = self.hotkey_edit.text().strip().lower()
        problem = hotkey_problem(hotkey)
        if problem:
            self._show_error(problem)
            return None
        return color, hotkey

    def _push(self, command: LabelCommand, *, select: str | None) -> None:
        """Do the edit as one undo step; a refusal changes nothing and is shown under the form."""
        self._select_next = select
        self.undo_stack.push(command)
        if command.error:
            self._select_next = None
            self._show_error(command.error)
            return
        self._show_error(None)
        self.refresh()
        self.label_list.setFocus()

    def apply(self) -> None:
        """Add the new label or save the edits of the selected one (Enter)."""
        fields = self._form_label()
        if fields is None:
            return
        if self._editing is None:
            order = max((label.order for label in self._labels), default=-1) + 1
            self._push(self._add_command(replace(fields, order=order)), select=fields.name)
            return
        old = self._stored(self._editing)  # fresh: an import may have added labels meanwhile
        if old is None:
            self._show_error(f"{self.kind} {self._editing!r} no longer exists")
            self._reload()
            return
        new = replace(fields, order=old.order)
        if new == old:
            self._show_error(None)
            return
        self._push(self._update_command(old, new), select=new.name)

    def _form_label(self) -> Any:
        raise NotImplementedError

    def _stored(self, name: str) -> Any:
        raise NotImplementedError

    def _add_command(self, label: Any) -> LabelCommand:
        raise NotImplementedError

    def _update_command(self, old: Any, new: Any) -> LabelCommand:
        raise NotImplementedError
