"""The project's model: trained in a background process on a small generated corpus, it suggests an
actor no finished document names; progress, cancel, too little data and no spaCy are told in words;
no process outlives its owner; the CLI uses it and reports its held-out scores and learning curve."""

import json
import sys

import pytest

from annotator.cli import main
from annotator.io.model_process import ModelTraining
from annotator.io.model_training import documents_by_uncertainty, latest_report, needs_training, spacy_problem
from annotator.store import Project
from annotator.store.suggestions import stored_suggestions
from export_fixtures import *  # noqa: F403
from suggest_corpus import HELD_OUT_ACTOR, build_corpus

pytest.importorskip("spacy")
FAST = {"epochs": 8, "curve_shares": (0.5, 1.0)}


def test_the_model_trains_in_the_background_and_suggests_a_held_out_actor(tmp_path):
    path = tmp_path / "p.db"
    unfinished, text = build_corpus(path, done=20)
    with Project.open(path) as project:
        assert needs_training(project)
    with ModelTraining(path, **FAST) as training:
        assert training.running  # the caller goes on at once
        events = []
        finished = training.wait(timeout=600, on_event=events.append)
        process = training._process
    assert finished is not None and finished.kind == "done", finished
    assert not process.is_alive()
    assert any(e.kind == "progress" for e in events)
    shares = [e.share for e in events]
    assert shares == sorted(shares) and shares[-1] == 1.0
    with Project.open(path) as project:
        found = {(text[s.start:s.end], s.label) for s in stored_suggestions(project, unfinished, "model")}
        assert (HELD_OUT_ACTOR, "actor") in found
        report = latest_report(project)
        assert (report["documents"], report["held_out"], report["trained_on"]) == (20, 4, 16)
        assert [point["documents"] for point in report["learning_curve"]] == [8, 16]
        assert report["held_out_scores"]["by_label"]["actor"]["f1"] > 0.5
        assert documents_by_uncertainty(project) == [unfinished]
        assert 0.0 <= report["uncertainty"][str(unfinished)] <= 1.0
        assert not needs_training(project)


def test_cancel_stops_the_child_and_writes_nothing(tmp_path):
    path = tmp_path / "p.db"
    build_corpus(path, done=20)
    training = ModelTraining(path, **FAST)
    training.cancel()
    assert not training._process.is_alive()
    with Project.open(path) as project:
        assert latest_report(project) is None


def test_too_few_finished_documents_is_a_clear_message(tmp_path):
    path = tmp_path / "p.db"
    build_corpus(path, done=3)
    with ModelTraining(path, **FAST) as training:
        finished = training.wait(timeout=300)
    assert finished.kind == "failed"
    assert finished.message == "the model needs at least 5 documents marked done (found 3)"


def test_without_spacy_the_api_says_what_the_model_needs(monkeypatch):
    assert spacy_problem() is None
    monkeypatch.setitem(sys.modules, "spacy", None)
    assert "needs spaCy: pip install 'annotator[spacy]'" in spacy_problem()


def test_cli_trains_when_due_writes_model_suggestions_and_evaluates(runner, tmp_path, monkeypatch):
    import annotator.io.suggesting as suggesting

    path = tmp_path / "p.db"
    unfinished, text = build_corpus(path, done=20)
    original = suggesting.ModelTraining
    monkeypatch.setattr(suggesting, "ModelTraining", lambda project_path: original(project_path, **FAST))
    result = runner.invoke(main, ["suggest", str(path), "--source", "model", "--evaluate", "--json"])
    assert result.exit_code == 0, result.output + result.stderr
    model = json.loads(result.stdout)["sources"]["model"]
    assert model["by_label"]["actor"]["f1"] > 0.5 and len(model["learning_curve"]) == 2
    result = runner.invoke(main, ["suggest", str(path), "--source", "model,rules", "--as", "bot"])
    assert result.exit_code == 0, result.output + result.stderr
    with Project.open(path) as project:
        spans = {(text[s.start:s.end], s.origin) for s in project.spans(unfinished, "bot")}
    assert (HELD_OUT_ACTOR, "suggested:model") in spans and ("40,000 troops", "suggested:rules") in spans


def test_cli_says_why_the_model_is_not_used(runner, tmp_path):
    path = tmp_path / "p.db"
    build_corpus(path, done=2)
    quiet = runner.invoke(main, ["suggest", str(path)])  # on by default: a note, not a failure
    assert quiet.exit_code == 0, quiet.output + quiet.stderr
    assert "Not using the model: the model needs at least 5 documents marked done (found 2)" in quiet.stderr
    asked = runner.invoke(main, ["suggest", str(path), "--source", "model", "--documents", "all"])
    assert asked.exit_code == 1
    assert "annotator: model: the model needs at least 5 documents marked done (found 2)" in asked.stderr


def test_a_model_that_fails_to_train_is_a_clear_message(tmp_path):
    path = tmp_path / "p.db"
    build_corpus(path, done=6)
    with ModelTraining(path, lang="no-such-language", **FAST) as training:
        finished = training.wait(timeout=300)
    assert finished.kind == "failed"
    assert finished.message.startswith("the model could not be trained:")
    with Project.open(path) as project:
        assert latest_report(project) is None


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            return any(line.startswith("State:") and "Z" in line for line in status)  # a zombie has ended
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_child_ends_when_its_owner_is_killed(tmp_path):
    import subprocess
    import time

    path = tmp_path / "p.db"
    build_corpus(path, done=20)
    owner = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\n"
         "from annotator.io.model_process import ModelTraining\n"
         f"training = ModelTraining({str(path)!r}, epochs=200)\n"
         "print(training._process.pid, flush=True)\n"
         "time.sleep(600)\n"],
        stdout=subprocess.PIPE, text=True)
    try:
        child = int(owner.stdout.readline())
        owner.kill()  # no clean-up runs in the owner
        owner.wait(timeout=10)
        deadline = time.monotonic() + 60
        while not _gone(child) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _gone(child)
    finally:
        owner.kill()
        owner.stdout.close()
