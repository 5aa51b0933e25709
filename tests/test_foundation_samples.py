"""The bundled sample documents are found whichever way pip installed Annotator, and said missing when absent.

Each layout is a real copy of the package in tmp_path, laid out as pip lays out
a wheel: the package under .../site-packages (or the --target folder), the
samples (wheel data files) under DATA/share/annotator/sample_docs.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import annotator

PACKAGE = Path(annotator.__file__).parent
SAMPLES = PACKAGE.parent / "sample_docs"
SITE = f"lib/python{sys.version_info.major}.{sys.version_info.minor}/site-packages"

PROBE = """
import json, sys
from annotator import paths
from annotator.io.importing import import_samples
from annotator.store import Project
with Project.open(sys.argv[1]) as project:
    message = import_samples(project)
    print(json.dumps({"package": paths.__file__, "samples": str(paths.sample_docs_dir()),
                      "message": message, "documents": project.document_count()}))
"""


def install_copy(site_packages: Path, data: Path | None) -> None:
    shutil.copytree(PACKAGE, site_packages / "annotator", ignore=shutil.ignore_patterns("__pycache__"))
    if data is not None:
        shutil.copytree(SAMPLES, data / "share" / "annotator" / "sample_docs")


def probe(tmp_path: Path, site_packages: Path, **env: str) -> dict:
    environment = {**os.environ, "PYTHONPATH": str(site_packages), "PYTHONUSERBASE": str(tmp_path / "no-user-base"), **env}
    result = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "default.db")],
                            capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(autouse=True)
def samples_in_checkout():
    if not SAMPLES.is_dir():
        pytest.skip("no sample_docs folder in this checkout")


@pytest.mark.parametrize("layout", ["prefix", "target", "user"])
def test_samples_are_found_in_every_install_layout(tmp_path, layout):
    """pip install --prefix P / --target T / --user (the old lookup only knew sys.prefix)."""
    env = {}
    if layout == "target":
        site_packages, data = tmp_path / "target", tmp_path / "target"
    elif layout == "prefix":
        site_packages, data = tmp_path / "prefix" / SITE, tmp_path / "prefix"
    else:
        site_packages, data = tmp_path / "userbase" / SITE, tmp_path / "userbase"
        env["PYTHONUSERBASE"] = str(data)
    install_copy(site_packages, data)
    found = probe(tmp_path, site_packages, **env)
    assert Path(found["package"]).is_relative_to(site_packages)  # the copy ran, not the checkout
    assert found["samples"] == str(data / "share" / "annotator" / "sample_docs")
    assert found["documents"] == len(list(SAMPLES.glob("*.txt")))


def test_missing_samples_are_said_missing_not_opened_empty_silently(tmp_path):
    site_packages = tmp_path / "prefix" / SITE
    install_copy(site_packages, data=None)
    found = probe(tmp_path, site_packages)
    assert found["samples"] == "None" and found["documents"] == 0
    assert found["message"].startswith("The sample documents were not found")
    assert "the project starts empty" in found["message"]
