"""The one place formats are looked up: the CLI and the UI never switch on format names.

A format module registers itself at import time with ``register_importer`` or
``register_exporter``; ``load_formats`` imports every module of this package so
the registries are complete.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any, TypeVar

T = TypeVar("T")

IMPORTERS: dict[str, Any] = {}
EXPORTERS: dict[str, Any] = {}
_loaded = False


def register_importer(name: str):
    def inner(obj: T) -> T:
        IMPORTERS[name] = obj
        return obj

    return inner


def register_exporter(name: str):
    def inner(obj: T) -> T:
        EXPORTERS[name] = obj
        return obj

    return inner


def load_formats() -> None:
    """Import every format module in annotator.io once."""
    global _loaded
    if _loaded:
        return
    import annotator.io as package

    for info in pkgutil.walk_packages(package.__path__, prefix="annotator.io."):
        if not info.name.rsplit(".", 1)[-1].startswith("_"):
            importlib.import_module(info.name)
    _loaded = True


def importers() -> dict[str, Any]:
    load_formats()
    return IMPORTERS


def exporters() -> dict[str, Any]:
    load_formats()
    return EXPORTERS
