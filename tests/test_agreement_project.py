"""Agreement and review queries on real project files, built through the Project API, import and merge."""

import json

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.agreement import AgreementError
from annotator.core.disagreements import find_disagreements
from annotator.core.model import GOLD_ANNOTATOR
from annotator.io.merge import merge_source
from annotator.store import Project
from annotator.store.review import (
    add_gold_spans,
    agreement_inputs,
    delete_spans,
    document_agreement,
    document_ids_by_agreement,
    gold_spans,
    project_agreement,
    restore_spans,
    review_list,
    spans_by_annotator,
)

TEXTS = [
    "Kim met Putin in Moscow on Friday.",
    "The minister said 12 million people voted.",
    "Nobody agreed on this one, said Ana.",
]


@pytest.fixture
def two_annotators(tmp_path):
    """ana annotates in the project; ben's work comes in by merging his own project file."""
    path = tmp_path / "team.annotator"
    ben_path = tmp_path / "ben.annotator"
    with Project.open(ben_path) as ben:
        ids = [ben.add_document(t)[0] for t in TEXTS]
        ben.add_span(ids[0], 0, 3, "actor", "ben")
        ben.add_span(ids[0], 8, 13, "actor", "ben")
        ben.add_span(ids[1], 18, 28, "figure", "ben")
        ben.add_span(ids[2], 0, 6, "claim", "ben")
        for doc_id in ids:
            ben.set_status(doc_id, "ben", "done")
    proj = Project.open(path)
    ids = [proj.add_document(t, title=f"doc {i}")[0] for i, t in enumerate(TEXTS)]
    proj.add_span(ids[0], 0, 3, "actor", "ana")
    proj.add_span(ids[0], 8, 13, "actor", "ana")
    proj.add_span(ids[1], 18, 35, "figure", "ana")
    proj.add_span(ids[2], 31, 34, "actor", "ana")
    proj.set_status(ids[0], "ana", "done")
    proj.set_status(ids[1], "ana", "done")
    proj.set_status(ids[2], "ana", "done")
    merge_source(proj, ben_path)
    yield proj, ids
    proj.close()


def test_inputs_hold_documents_done_by_two_with_each_annotators_spans(two_annotators):
    proj, ids = two_annotators
    proj.set_status(ids[2], "ana", "in_progress")  # not done any more: not compared
    inputs = agreement_inputs(proj)
    assert inputs.annotators == ("ana", "ben")
    assert [d.doc_id for d in inputs.documents] == ids[:2]
    assert sorted(inputs.documents[0].spans["ben"]) == [(0, 3, "actor"), (8, 13, "actor")]


def test_report_on_a_project_and_documents_by_agreement(two_annotators):
    proj, ids = two_annotators
    report = project_agreement(proj)
    [pair] = report["pairs"]
    assert (pair["a"], pair["b"], pair["documents"]) == ("ana", "ben", 3)
    assert pair["strict"]["matched"] == 2 and pair["lenient"]["matched"] == 3
    assert document_ids_by_agreement(proj) == [ids[2], ids[1], ids[0]]
    rows = review_list(proj)
    assert [r["review"] for r in rows] == ["unreviewed"] * 3
    assert rows[-1]["agreement"] == 1.0 and rows[0]["agreement"] == 0.0
    assert document_agreement(proj, ids[0])["strict_f1"] == 1.0
    lone, _ = proj.add_document("Only ana did this.")
    proj.set_status(lone, "ana", "done")
    assert document_agreement(proj, lone) is None


def test_imported_records_count_as_done(tmp_path, two_annotators):
    proj, ids = two_annotators
    source = tmp_path / "cy.jsonl"
    source.write_text(json.dumps({"text": TEXTS[0], "annotator": "cy", "status": "done",
                                  "spans": [{"start": 0, "end": 3, "label": "actor"}]}) + "\n", encoding="utf-8")
    merge_source(proj, source)
    report = project_agreement(proj, ["ana", "cy"])
    assert report["pairs"][0]["documents"] == 1
    assert report["pairs"][0]["strict"]["recall"] == 0.5


def test_clear_messages_for_bad_selections(two_annotators, project):
    proj, _ = two_annotators
    with pytest.raises(AgreementError, match="unknown annotator zed; known: ana, ben"):
        project_agreement(proj, ["ana", "zed"])
    with pytest.raises(AgreementError, match="unknown label 'nope'"):
        project_agreement(proj, label="nope")
    with pytest.raises(AgreementError, match="at least two annotators"):
        project_agreement(proj, ["ana"])
    with pytest.raises(AgreementError, match="at least two annotators who marked documents done"):
        project_agreement(project)
    doc, _ = project.add_document("x y")
    project.set_status(doc, "ana", "done")
    project.add_span(doc, 0, 1, "actor", "ben")
    with pytest.raises(AgreementError, match="no document was marked done by at least two of ana, ben"):
        project_agreement(project, ["ana", "ben"])
    assert review_list(project) == []


def test_gold_spans_are_added_once_and_undone(two_annotators):
    proj, ids = two_annotators
    by = spans_by_annotator(proj, ids[1], ["ana", "ben"])
    [region] = find_disagreements(by)
    assert region.kind == "boundary"
    added = add_gold_spans(proj, ids[1], [(18, 28, "figure"), (0, 3, "actor")], reviewer="carla")
    assert [(s.start, s.annotator, s.origin, s.reviewer) for s in added] == [
        (18, GOLD_ANNOTATOR, "gold", "carla"), (0, GOLD_ANNOTATOR, "gold", "carla")]
    assert add_gold_spans(proj, ids[1], [(18, 28, "figure")], reviewer="carla") == []
    deleted = delete_spans(proj, [s.id for s in added])
    assert gold_spans(proj, ids[1]) == []
    restore_spans(proj, deleted)
    assert gold_spans(proj, ids[1]) == sorted(added, key=lambda s: (s.start, -s.end, s.id))
    with pytest.raises(ValueError, match="outside"):
        add_gold_spans(proj, ids[1], [(0, 3, "actor"), (0, 999, "actor")], reviewer="carla")
    assert len(gold_spans(proj, ids[1])) == 2  # all or nothing


def test_gold_counts_as_an_annotator_once_the_document_is_reviewed(two_annotators):
    proj, ids = two_annotators
    add_gold_spans(proj, ids[0], [(0, 3, "actor"), (8, 13, "actor")], reviewer="carla")
    with pytest.raises(AgreementError, match="no document was marked done"):
        project_agreement(proj, ["ana", GOLD_ANNOTATOR])
    proj.set_review_status(ids[0], "reviewed", "carla")
    report = project_agreement(proj, ["ana", GOLD_ANNOTATOR])
    assert report["pairs"][0]["strict"]["f1"] == 1.0 and report["documents"] == 1


def test_cli_agreement_json_and_table(two_annotators):
    proj, _ = two_annotators
    runner = CliRunner()
    result = runner.invoke(main, ["agreement", str(proj.path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"annotators", "documents", "pairs", "krippendorff_alpha", "by_label", "per_document"} <= set(data)
    pair = data["pairs"][0]
    for kind in ("strict", "lenient"):
        assert {"precision", "recall", "f1"} <= set(pair[kind])
    assert "cohen_kappa" in pair and {"a", "b", "documents"} <= set(pair)
    assert set(data["by_label"]["actor"]) >= {"strict_f1", "lenient_f1"}
    result = runner.invoke(main, ["agreement", str(proj.path), "--annotators", "ana,ben", "--label", "actor"])
    assert result.exit_code == 0
    assert "Krippendorff's alpha" in result.output and "ana" in result.output
    result = runner.invoke(main, ["agreement", str(proj.path), "--annotators", "ana"])
    assert result.exit_code == 1 and "at least two annotators" in result.stderr
    result = runner.invoke(main, ["agreement", str(proj.path), "--label", "nope"])
    assert result.exit_code == 1 and "unknown label" in result.stderr and "Traceback" not in result.output
