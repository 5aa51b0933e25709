"""Span attributes: what an attribute of a label is (its kind, choices, default, choice hotkeys),
the defaults of a new project, and the one rule for a value an attribute accepts."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from annotator.core.model import name_problem

# The kinds an attribute can have, as stored and shown ("yes-no" is a check box, stored as true/false).
ATTRIBUTE_KINDS = ("choice", "yes-no", "text", "number")
MAX_TEXT_VALUE = 1000  # a free-text value is a short fact, not a note
# Review compares and carries a span's actor link as one more attribute value, under this key: it holds
# a NUL, which no attribute name may (``name_problem``), so no attribute's values can be taken for a link.
ACTOR_LINK = "\x00actor link"
ACTOR_LINK_TITLE = "actor link"  # how review shows the link; refused as a new attribute's name (no look-alike)


@dataclass(frozen=True)
class AttributeDef:
    """One attribute of one label: ``certainty`` of ``claim``, a choice of asserted / hedged / disputed."""

    label: str
    name: str
    kind: str = "choice"
    choices: tuple[str, ...] = ()
    default: Any = None  # given to a new span of the label; None = no value until one is set
    hotkeys: tuple[str, ...] = ()  # one per choice ("" = none): picks the choice in the attribute editor
    order: int = 0

    def hotkey_of(self, choice: str) -> str:
        index = self.choices.index(choice)
        return self.hotkeys[index] if index < len(self.hotkeys) else ""

    def values(self) -> tuple[Any, ...]:
        """What can be picked from a list: the choices, or no and yes."""
        if self.kind == "choice":
            return self.choices
        if self.kind == "yes-no":
            return (False, True)
        return ()


def _defaults(label: str, name: str, choices: str, hotkeys: str, order: int) -> AttributeDef:
    return AttributeDef(label, name, "choice", tuple(choices.split()), None, tuple(hotkeys.split()), order)


DEFAULT_ATTRIBUTES: tuple[AttributeDef, ...] = (
    _defaults("claim", "certainty", "asserted hedged disputed", "a h d", 0),
    _defaults("quote", "form", "direct reported", "d r", 0),
    _defaults("figure", "kind", "count money percent date other", "c m p d o", 0),
)


def show_value(value: Any) -> str:
    """A value as a cell or an export line shows it: hedged, yes, 12.5."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def value_problem(attribute: AttributeDef, value: Any) -> str | None:
    """Why ``value`` cannot be the value of ``attribute``, or None (None itself clears a value)."""
    if value is None:
        return None
    where = f"{attribute.label} attribute {attribute.name!r}"
    if attribute.kind == "choice":
        if not isinstance(value, str) or value not in attribute.choices:
            return f"{show_value(value)!r} is not one of the choices of {where} ({', '.join(attribute.choices)})"
    elif attribute.kind == "yes-no":
        if not isinstance(value, bool):
            return f"{where} is yes or no (true/false), not {value!r}"
    elif attribute.kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return f"{where} is a number, not {value!r}"
    elif attribute.kind == "text":
        if not isinstance(value, str):
            return f"{where} is text, not {value!r}"
        if len(value) > MAX_TEXT_VALUE:
            return f"{where} is at most {MAX_TEXT_VALUE} characters"
    return None


def undefined_problem(label: str, name: str, value: Any) -> str:
    """Why a value of an attribute ``label`` does not have is refused (a merge names it so)."""
    return f"this project's {label} has no attribute {name!r} (value {show_value(value)!r})"


def shown_name(name: str) -> str:
    """An attribute's name as review shows it (the actor link's key shown as ``ACTOR_LINK_TITLE``)."""
    return ACTOR_LINK_TITLE if name == ACTOR_LINK else name


def parse_value(attribute: AttributeDef, text: str) -> Any:
    """A value typed or read as text (a brat A line, a cell): "yes" -> True, "12" -> 12. Unchecked."""
    if attribute.kind == "yes-no":
        lowered = text.strip().lower()
        return {"yes": True, "true": True, "no": False, "false": False}.get(lowered, text)
    if attribute.kind == "number":
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number
    return text


def definition_problem(attribute: AttributeDef, others: Mapping[str, AttributeDef] = {}) -> str | None:  # noqa: B006
    """Why ``attribute`` cannot be defined (``others``: the label's other attributes by name), or None."""
    problem = name_problem(attribute.name, "attribute")
    if problem:
        return problem
    if attribute.name.casefold() == ACTOR_LINK_TITLE:
        return (f"{attribute.name!r} is what review calls a span's link to the actor list; "
                "give the attribute another name")
    if attribute.kind not in ATTRIBUTE_KINDS:
        return f"attribute kind {attribute.kind!r} is not one of {', '.join(ATTRIBUTE_KINDS)}"
    if attribute.name in others:
        return f"{attribute.label} already has an attribute {attribute.name!r}"
    if attribute.kind == "choice":
        if not attribute.choices:
            return f"attribute {attribute.name!r} needs at least one choice"
        for choice in attribute.choices:
            problem = name_problem(choice, "choice")
            if problem:
                return problem
        if len(set(attribute.choices)) != len(attribute.choices):
            return f"attribute {attribute.name!r} lists a choice twice"
    elif attribute.choices:
        return f"only a choice attribute has choices ({attribute.name!r} is {attribute.kind})"
    keys = [key for key in attribute.hotkeys if key]
    if len(attribute.hotkeys) > len(attribute.choices):
        return f"attribute {attribute.name!r} has more hotkeys than choices"
    if any(len(key) != 1 or not key.isalnum() or not key.isascii() for key in keys):
        return f"a choice hotkey is one letter or digit ({', '.join(keys)})"
    if len(set(k.lower() for k in keys)) != len(keys):
        return f"attribute {attribute.name!r} uses a choice hotkey twice"
    return value_problem(attribute, attribute.default)
