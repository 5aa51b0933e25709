"""The layering rule: core, store and io never import Qt (or the ui package)."""

import ast
from pathlib import Path

import annotator

PACKAGE = Path(annotator.__file__).parent
FORBIDDEN = ("PySide6", "shiboken6", "annotator.ui")


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_lower_layers_do_not_import_qt():
    offenders = []
    for layer in ("core", "store", "io"):
        for path in (PACKAGE / layer).rglob("*.py"):
            for module in imported_modules(path):
                if module.startswith(FORBIDDEN):
                    offenders.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert offenders == []


def test_cli_does_not_import_qt_at_module_level():
    tree = ast.parse((PACKAGE / "cli.py").read_text(encoding="utf-8"))
    top_level = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    names = [a.name for n in top_level if isinstance(n, ast.Import) for a in n.names]
    names += [n.module for n in top_level if isinstance(n, ast.ImportFrom) and n.module]
    assert not [n for n in names if n.startswith(FORBIDDEN)]


def test_the_layer_check_catches_a_leak(tmp_path):
    leak = tmp_path / "leak.py"
    leak.write_text("from PySide6.QtCore import Qt\n")
    assert list(imported_modules(leak)) == ["PySide6.QtCore"]
