"""Relation agreement, checked by hand on a small case (strict and lenient ends), through the CLI's --json."""

from __future__ import annotations

import json

from click.testing import CliRunner

from annotator.cli import main
from annotator.core.agreement_inputs import AgreementInputs, DocumentInput
from annotator.core.relation_agreement import relation_agreement
from annotator.store import Project

TEXT = "Kim said hello to Moon who said bye. Growth is 3%."


def at(words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return start, start + len(words)


def layer(project: Project, doc: int, who: str, quotes: list[tuple[str, str]], claims: list[tuple[str, str]]) -> None:
    """``quotes``: (quote words, actor words) said_by; ``claims``: (figure words, claim words) supports."""
    made = {}

    def span(words: str, label: str) -> int:
        if (words, label) not in made:
            made[words, label] = project.add_span(doc, *at(words), label, who).id
        return made[words, label]

    for quote, actor in quotes:
        project.add_relation(span(quote, "quote"), span(actor, "actor"), "said_by")
    for figure, claim in claims:
        project.add_relation(span(figure, "figure"), span(claim, "claim"), "supports")
    project.set_status(doc, who, "done")


def test_relation_agreement_numbers_by_hand(tmp_path):
    path = tmp_path / "p.db"
    with Project.open(path) as project:
        doc, _ = project.add_document(TEXT)
        # ana: "hello" said by Kim, "bye" said by Moon, "3%" supports "Growth is 3%"... (claim "Growth")
        layer(project, doc, "ana", [("hello", "Kim"), ("bye", "Moon")], [("3%", "Growth")])
        # ben: "said hello" (overlaps ana's "hello") said by Kim; "bye" said by Kim (wrong speaker);
        # "3%" supports "Growth" exactly as ana.
        layer(project, doc, "ben", [("said hello", "Kim"), ("bye", "Kim")], [("3%", "Growth")])
    result = CliRunner().invoke(main, ["agreement", str(path), "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert "pairs" in report and "relations" in report
    pair, = report["relations"]["pairs"]
    assert (pair["a"], pair["b"], pair["documents"]) == ("ana", "ben", 1)
    # strict: only supports(3% -> Growth) is the same at both ends: 1 of 3 on each side
    assert pair["strict"] == {"precision": 1 / 3, "recall": 1 / 3, "f1": 1 / 3, "matched": 1, "reference": 3, "predicted": 3}
    # lenient: "hello" ~ "said hello", so said_by(hello -> Kim) matches too: 2 of 3
    assert pair["lenient"]["matched"] == 2 and pair["lenient"]["f1"] == 2 / 3
    said_by = pair["by_label"]["said_by"]
    assert (said_by["strict"]["f1"], said_by["lenient"]["f1"]) == (0.0, 0.5)
    assert pair["by_label"]["supports"]["strict"]["f1"] == 1.0
    assert report["relations"]["by_label"]["said_by"] == {"relations": 4, "strict_f1": 0.0, "lenient_f1": 0.5}
    table = CliRunner().invoke(main, ["agreement", str(path)], catch_exceptions=False).output
    assert "Relation label" in table and "said_by" in table


def test_direction_counts_and_no_relations_give_none():
    kim, hi = (0, 3, "actor"), (9, 11, "quote")
    doc = DocumentInput(1, "Kim said hi.", {"a": [kim, hi], "b": [kim, hi]},
                        relations={"a": [(hi, kim, "said_by")], "b": [(kim, hi, "said_by")]})
    pair, = relation_agreement(AgreementInputs(("a", "b"), [doc]))["pairs"]
    assert pair["strict"]["f1"] == 0.0 and pair["lenient"]["f1"] == 0.0
    empty = DocumentInput(1, "Kim said hi.", {"a": [kim], "b": [kim]})
    pair, = relation_agreement(AgreementInputs(("a", "b"), [empty]))["pairs"]
    assert pair["strict"] == {"precision": None, "recall": None, "f1": None, "matched": 0, "reference": 0, "predicted": 0}


def test_agreement_dialog_lists_relation_agreement(qtbot, tmp_path):
    from annotator.ui.agreement_dialog import agreement_dialog_for

    with Project.open(tmp_path / "p.db") as project:
        doc, _ = project.add_document(TEXT)
        layer(project, doc, "ana", [("hello", "Kim")], [])
        layer(project, doc, "ben", [("said hello", "Kim")], [])
        dialog = agreement_dialog_for(project)
        qtbot.addWidget(dialog)
        table = dialog.relations_table
        rows = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]
        assert rows[0][:4] == ["ana", "ben", "all", "2"] and rows[0][6] == "0.00" and rows[0][9] == "1.00"
        assert rows[1][2] == "said_by"
