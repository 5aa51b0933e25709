"""The rules file kept beside a project: one JSON object per line, spaCy's pattern shape plus regexes.

``work.db`` keeps its rules in ``work.rules.jsonl`` (the same folder, the project's
name with ``.rules.jsonl``): a plain file the analyst reads, edits and shares, and
that spaCy's ``EntityRuler`` reads too where it holds only ``pattern`` lines.

    {"label": "actor", "pattern": "Kim Jong Un"}                       phrase (spaCy EntityRuler)
    {"label": "actor", "pattern": [{"LOWER": "kim"}, {"IS_TITLE": true}]}   token pattern (spaCy Matcher)
    {"label": "actor", "phrases": ["Kim Jong Un", "Vladimir Putin"]}   phrase list
    {"label": "figure", "regex": "\\d+ troops", "id": "troops"}        regular expression

``id`` (optional, spaCy's too) names the rule in tooltips and messages. Blank lines
and lines starting with ``//`` or ``#`` are skipped.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from annotator.core.suggest.rules import DEFAULT_RULES, Rule

RULES_SUFFIX = ".rules.jsonl"


def rules_path(project_path: Path) -> Path:
    """Where a project's rules file lives: ``work.db`` -> ``work.rules.jsonl`` beside it."""
    project_path = Path(project_path)
    return project_path.with_name(project_path.stem + RULES_SUFFIX)


@dataclass
class RulesFile:
    """The rules read from a file, and one message per line that could not be used."""

    path: Path | None
    rules: list[Rule] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_rules(path: Path) -> RulesFile:
    """Read a rules file; a line that is not valid JSON or not a rule is named (FILE:LINE: why) and skipped."""
    result = RulesFile(Path(path))
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise OSError(f"{path}: cannot read the rules file ({exc.strerror or exc})") from exc
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: the rules file is not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    for number, line in enumerate(content.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith(("//", "#")):
            continue
        try:
            record = orjson.loads(stripped)
        except orjson.JSONDecodeError as exc:
            result.problems.append(f"{path}:{number}: not valid JSON ({exc})")
            continue
        try:
            result.rules += rules_from_record(record, number)
        except ValueError as exc:
            result.problems.append(f"{path}:{number}: {exc}")
    return result


def rules_from_record(record: Any, line: int | None = None) -> list[Rule]:
    """The rules one JSON object describes (see the module docstring), or ValueError saying what is wrong."""
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object with 'label' and 'pattern', 'phrases' or 'regex'")
    label = record.get("label")
    if not isinstance(label, str) or not label.strip():
        raise ValueError("the rule has no 'label'")
    rule_id = record.get("id", "")
    rule_id = str(rule_id) if rule_id not in (None, "") else ""
    shapes = [key for key in ("pattern", "phrases", "regex") if key in record]
    if len(shapes) != 1:
        raise ValueError("a rule needs exactly one of 'pattern', 'phrases' or 'regex'")
    value = record[shapes[0]]
    label = label.strip()
    if shapes[0] == "regex":
        if not isinstance(value, str) or not value:
            raise ValueError("'regex' must be a non-empty string")
        return [Rule(label, "regex", value, rule_id, line)]
    if shapes[0] == "phrases":
        if not isinstance(value, list) or not all(isinstance(p, str) and p.strip() for p in value):
            raise ValueError("'phrases' must be a list of non-empty strings")
        return [Rule(label, "phrase", phrase, rule_id, line) for phrase in value]
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("'pattern' is empty")
        return [Rule(label, "phrase", value, rule_id, line)]
    if isinstance(value, list) and value and all(isinstance(token, dict) for token in value):
        return [Rule(label, "tokens", value, rule_id, line)]
    raise ValueError("'pattern' must be a phrase (a string) or a spaCy token pattern (a list of objects)")


def rule_record(rule: Rule) -> dict[str, Any]:
    key = {"regex": "regex", "phrase": "pattern", "tokens": "pattern"}[rule.kind]
    record: dict[str, Any] = {"label": rule.label, key: rule.pattern}
    if rule.id:
        record["id"] = rule.id
    return record


def write_rules(path: Path, rules: Iterable[Rule]) -> None:
    """Write a rules file whole or not at all (a temporary file in the same folder, then renamed over)."""
    path = Path(path)
    data = b"".join(orjson.dumps(rule_record(rule)) + b"\n" for rule in rules)
    handle, temporary = tempfile.mkstemp(prefix=path.name + ".", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def project_rules(project_path: Path, override: Path | None = None) -> RulesFile:
    """The rules to use for a project: ``override`` if given, else its rules file, else the defaults."""
    if override is not None:
        return read_rules(override)
    path = rules_path(project_path)
    if path.exists():
        return read_rules(path)
    return RulesFile(None, list(DEFAULT_RULES))
