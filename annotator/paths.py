"""Where Annotator keeps its files: the default project and the bundled sample documents."""

from __future__ import annotations

import site
import sys
import sysconfig
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "Annotator"
PACKAGE_DIR = Path(__file__).resolve().parent
# pyproject.toml installs the samples as data files, under the install scheme's data folder.
SAMPLES_SUBDIR = Path("share") / "annotator" / "sample_docs"


def default_project_path() -> Path:
    return user_data_path(APP_NAME, appauthor=False) / "default.annotator.db"


def sample_docs_candidates() -> list[Path]:
    """Every folder the sample documents may be in, most likely first, without repeats.

    A source checkout or editable install has them beside the package. An
    installed wheel puts them under the data folder of whichever scheme pip
    used: a virtual environment or sys.prefix, ``pip install --user``
    (site.USER_BASE), ``--prefix DIR`` or Debian's /usr/local. The package sits
    below that folder in each case (DATA/lib/pythonX.Y/site-packages/annotator),
    so the package's own parents are looked in too, which also covers
    ``--target DIR`` (DIR/share/...).
    """
    bases = [*PACKAGE_DIR.parents]
    bases += [Path(_scheme_data(scheme)) for scheme in sysconfig.get_scheme_names()]
    bases += [Path(p) for p in (site.USER_BASE, sys.prefix, sys.base_prefix, sys.exec_prefix) if p]
    candidates = [PACKAGE_DIR.parent / "sample_docs"] + [base / SAMPLES_SUBDIR for base in bases]
    return list(dict.fromkeys(candidates))


def _scheme_data(scheme: str) -> str:
    try:
        return sysconfig.get_path("data", scheme)
    except KeyError:  # a scheme whose variables this platform lacks
        return sys.prefix


def sample_docs_dir() -> Path | None:
    """The bundled sample documents, or None when this installation has none."""
    return next((p for p in sample_docs_candidates() if p.is_dir() and any(p.glob("*.txt"))), None)


def samples_missing_message() -> str:
    return (
        "The sample documents were not found (looked for share/annotator/sample_docs under "
        f"{sys.prefix}, {site.USER_BASE} and the package folder {PACKAGE_DIR}): the project starts empty. "
        "Import your own documents with File > Import files."
    )
