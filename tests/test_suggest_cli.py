"""`annotator suggest`: writes a layer reviewed like a colleague's (agreement against it works),
--documents new|all, --evaluate with P/R/F1 per label, and bad rules named while the rest is written."""

import json

from annotator.cli import main
from annotator.store import Project
from export_fixtures import *  # noqa: F403

DONE = "Kim Jong Un said “we are ready” as 10,000 troops massed near Seoul."
OTHER = "Kim Jong Un and Moon Jae-in spoke; 40% agreed."


def make_project(path):
    with Project.open(path) as proj:
        done, _ = proj.add_document(DONE)
        other, _ = proj.add_document(OTHER)
        for part, label in [("Kim Jong Un", "actor"), ("we are ready", "quote"), ("10,000 troops", "figure"),
                            ("Seoul", "actor")]:
            start = DONE.index(part)
            proj.add_span(done, start, start + len(part), label, "ana")
        proj.set_status(done, "ana", "done")
        start = OTHER.index("Moon Jae-in")
        proj.add_span(other, start, start + len("Moon Jae-in"), "actor", "ana")
    return done, other


def layer_spans(path, name="suggester"):
    with Project.open(path) as proj:
        return {(proj.document_text(s.doc_id)[s.start:s.end], s.label, s.origin)
                for doc_id in proj.document_ids() for s in proj.spans(doc_id, name)}


def test_suggest_writes_a_layer_that_agreement_measures(runner, tmp_path):
    path = tmp_path / "work.db"
    make_project(path)
    result = runner.invoke(main, ["suggest", str(path), "--source", "rules,dictionary"])
    assert result.exit_code == 0, result.output + result.stderr
    assert "into layer suggester" in result.stdout
    assert "Wrote the default rules to" in result.stderr and (tmp_path / "work.rules.jsonl").exists()
    spans = layer_spans(path)
    assert ("Kim Jong Un", "actor", "suggested:dictionary") in spans
    assert ("40%", "figure", "suggested:rules") in spans
    assert ("Moon Jae-in", "actor", "suggested:dictionary") in spans
    agreement = runner.invoke(main, ["agreement", str(path), "--annotators", "ana,suggester", "--json"])
    assert agreement.exit_code == 0, agreement.output
    pair = json.loads(agreement.stdout)["pairs"][0]
    assert (pair["a"], pair["b"], pair["documents"]) == ("ana", "suggester", 1)
    assert pair["strict"]["recall"] == 1.0  # everything ana marked in the done document was suggested


def test_documents_new_skips_what_the_layer_has_and_all_redoes_it(runner, tmp_path):
    path = tmp_path / "work.db"
    _, other = make_project(path)
    assert runner.invoke(main, ["suggest", str(path), "--source", "rules"]).exit_code == 0
    with Project.open(path) as proj:
        proj.add_document("Another 5 km walk.")
    again = runner.invoke(main, ["suggest", str(path), "--source", "rules", "--documents", "new"])
    assert "in 1 document into" in again.stdout
    everything = runner.invoke(main, ["suggest", str(path), "--source", "rules", "--documents", "all"])
    assert "in 3 documents into" in everything.stdout
    assert sorted(t for t, _, _ in layer_spans(path)) == ["10,000 troops", "40%", "5 km", "we are ready"]


def test_suggest_refuses_to_write_over_an_annotators_work(runner, tmp_path):
    path = tmp_path / "work.db"
    make_project(path)
    result = runner.invoke(main, ["suggest", str(path), "--as", "ana"])
    assert result.exit_code == 1
    assert "ana has 5 spans of their own work" in result.stderr


def test_evaluate_prints_precision_recall_f1_per_source_and_label(runner, tmp_path):
    path = tmp_path / "work.db"
    make_project(path)
    result = runner.invoke(main, ["suggest", str(path), "--evaluate", "--source", "rules,dictionary", "--json"])
    assert result.exit_code == 0, result.output + result.stderr
    report = json.loads(result.stdout)
    assert (report["documents"], report["records"]) == (1, 1)
    rules = report["sources"]["rules"]["by_label"]
    assert (rules["figure"]["precision"], rules["figure"]["recall"]) == (1.0, 1.0)
    assert rules["quote"]["f1"] == 1.0 and rules["actor"]["recall"] == 0.0
    # Measured without the document's own labels: only "Kim Jong Un" (labelled nowhere else) would need them.
    dictionary = report["sources"]["dictionary"]["by_label"]["actor"]
    assert (dictionary["matched"], dictionary["reference"]) == (0, 2)
    table = runner.invoke(main, ["suggest", str(path), "--evaluate", "--source", "rules"])
    assert "rules       figure" in table.stdout and "1.000" in table.stdout
    assert layer_spans(path) == set()  # --evaluate writes nothing


def test_bad_rules_are_named_and_the_rest_is_written(runner, tmp_path):
    path = tmp_path / "work.db"
    make_project(path)
    rules = tmp_path / "mine.jsonl"
    rules.write_text('{"label": "figure", "regex": "\\\\d+%"}\n{"label": "actor", "regex": "[Seoul"}\n'
                     'not json\n{"label": "person", "pattern": "Moon"}\n', encoding="utf-8")
    result = runner.invoke(main, ["suggest", str(path), "--rules", str(rules), "--source", "rules"])
    assert result.exit_code == 1
    problems = result.stderr.strip().splitlines()
    assert any(f"{rules}:3: not valid JSON" in line for line in problems)
    assert any("actor rule on line 2: the regular expression does not compile" in line for line in problems)
    assert any("label 'person' is not in the project" in line for line in problems)
    assert layer_spans(path) == {("40%", "figure", "suggested:rules")}


def test_evaluate_with_nothing_done_says_so(runner, tmp_path):
    path = tmp_path / "work.db"
    with Project.open(path) as proj:
        proj.add_document("Nobody finished this.")
    result = runner.invoke(main, ["suggest", str(path), "--evaluate"])
    assert result.exit_code == 1
    assert "nothing to evaluate against: no document is marked done" in result.stderr
