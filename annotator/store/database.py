"""sqlite-utils' ``Database`` and ``Migrations``, imported without pandas and numpy.

sqlite-utils imports pandas and numpy when they are installed, only to map their scalar
types to column types; Annotator never stores such values. Where they are installed (an
analyst's data-science environment, or ours with the test extras) that import costs
~0.6 s and ~100 MB at every start of the window or the CLI. So they are hidden while
sqlite-utils loads, unless something imported them already, and are importable as usual
afterwards (the Hugging Face exporter needs them).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def _unimportable(*names: str) -> Iterator[None]:
    """While inside, ``import NAME`` raises ImportError, as if NAME were not installed."""
    hidden = [name for name in names if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # the import system's "not importable" mark
    try:
        yield
    finally:
        for name in hidden:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]


with _unimportable("pandas", "numpy"):
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

__all__ = ["Database", "Migrations"]
