"""Suggesting over many documents (``annotator suggest``) and measuring each source on finished work."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.suggest import Suggestion
from annotator.core.suggest.compute import suggest_text
from annotator.core.suggest.evaluate import Tally
from annotator.core.suggest.rules import CompiledRules, Rule, compile_rules
from annotator.core.wording import counted
from annotator.io.model_process import ModelTraining, TrainingEvent
from annotator.io.model_training import (
    MIN_DOCUMENTS,
    load_latest_model,
    needs_training,
    predict,
    spacy_problem,
)
from annotator.io.patterns import project_rules, rules_path, write_rules
from annotator.store.project import Project
from annotator.store.review import done_documents
from annotator.store.suggestions import (
    check_layer_name,
    documents_without_layer,
    document_labelled_texts,
    document_suggestions,
    human_annotators,
    project_dictionary,
    rejected_places,
    write_layer,
)

Progress = Callable[[int], None]  # called with how many documents were just finished


@dataclass
class ProjectRules:
    compiled: CompiledRules
    path: Path | None  # the file read, None for the built-in defaults
    problems: list[str] = field(default_factory=list)  # one line per rule or line not used
    created: bool = False  # the defaults were just written to the project's rules file


def load_rules(project: Project, override: Path | None = None, *, write_defaults: bool = False) -> ProjectRules:
    """The project's rules (``override``, else its rules file, else the defaults), compiled.

    Every rule that cannot be used (bad JSON line, bad regex, unknown label, ...) is one
    line in ``problems``; the others work. ``write_defaults`` writes the defaults to the
    project's rules file when it has none, so the analyst has a file to edit.
    """
    found = project_rules(project.path, override)
    created = False
    if found.path is None and write_defaults:
        target = rules_path(project.path)
        try:
            write_rules(target, found.rules)
            found.path, created = target, True
        except OSError:
            pass  # a read-only folder: the defaults still apply
    labels = {label.name for label in project.labels()}
    usable: list[Rule] = []
    problems = list(found.problems)
    for rule in found.rules:
        if rule.label in labels:
            usable.append(rule)
        else:
            problems.append(f"{rule.name}: label {rule.label!r} is not in the project ({', '.join(sorted(labels))})")
    compiled = compile_rules(usable)
    return ProjectRules(compiled, found.path, problems + compiled.problems, created)


def suggest_documents(project: Project, doc_ids: Sequence[int], sources: Sequence[str], rules: CompiledRules | None,
                      progress: Progress | None = None, model: Any = None) -> dict[int, list[Suggestion]]:
    """Suggestions for each document from ``sources``: rules and dictionary computed, the model's
    predicted by ``model`` (a loaded pipeline) or else the stored ones."""
    dictionary = project_dictionary(project) if "dictionary" in sources else None
    found: dict[int, list[Suggestion]] = {}
    for doc_id in doc_ids:
        predicted = predict(model, project.document_text(doc_id))[0] if model is not None else None
        found[doc_id] = document_suggestions(project, doc_id, None, rules=rules, dictionary=dictionary, sources=sources,
                                             model=predicted)
        if progress:
            progress(1)
    return found


def ready_model(project: Project, progress_bar: Callable[[int, str], Any], **options: Any) -> tuple[Any, str | None]:
    """The project's model, trained first when due (in the background process, waited for here with a
    progress bar). Returns (pipeline or None, why there is none)."""
    problem = spacy_problem()
    if problem:
        return None, problem
    if needs_training(project):
        with progress_bar(100, "Training the model") as bar, ModelTraining(project.path, **options) as training:
            shown = [0]

            def advance(event: TrainingEvent) -> None:
                step = int(event.share * 100) - shown[0]
                if step > 0:
                    bar.update(step)
                    shown[0] += step

            finished = training.wait(on_event=advance)
        if finished is not None and finished.kind == "failed":
            return None, finished.message
    model = load_latest_model(project)
    if model is None:
        done = len(reference_records(project))
        return None, f"the model needs at least {MIN_DOCUMENTS} documents marked done (found {done})"
    return model, None


def suggest_into_layer(project: Project, layer: str, documents: str, sources: Sequence[str],
                       rules: CompiledRules | None, progress_bar: Callable[[int, str], Any],
                       model: Any = None) -> str:
    """Write suggestions for the ``documents`` ("new" to the layer, or "all") into annotator ``layer``;
    computed first (with a progress bar), written in one transaction. Returns a one-line summary."""
    name = check_layer_name(project, layer)
    doc_ids = documents_without_layer(project, name) if documents == "new" else list(project.all_document_ids())
    with progress_bar(len(doc_ids), "Suggesting") as bar:
        found = suggest_documents(project, doc_ids, sources, rules, bar.update, model)
    written = write_layer(project, name, found)
    return (f"Suggested {counted(written, 'span')} in {counted(len(doc_ids), 'document')} into layer {name} "
            f"(sources: {', '.join(sources)})")


def reference_records(project: Project) -> dict[int, list[str]]:
    """Document -> the human annotators who finished it (gold once reviewed): what sources are measured against."""
    names = human_annotators(project)
    return {doc_id: sorted(who) for doc_id, who in sorted(done_documents(project, names).items())}


def evaluate_sources(project: Project, sources: Sequence[str], rules: CompiledRules | None,
                     progress: Progress | None = None, model_report: dict[str, Any] | None = None) -> dict[str, Any]:
    """Precision, recall and F1 of each source against the finished documents, per label (exact spans).

    The dictionary is measured on each document without that document's own labels
    (leave one document out), so it is not credited for finding what it was built from.
    The model's figures are those held out when it was trained (``model_report``).
    """
    records = reference_records(project)
    if not records:
        raise ValueError("nothing to evaluate against: no document is marked done by an annotator (or reviewed)")
    labels = [label.name for label in project.labels()]
    tallies = {source: Tally() for source in sources if source != "model"}
    dictionary = project_dictionary(project) if "dictionary" in sources else None
    for doc_id, annotators in records.items():
        text = project.document_text(doc_id)
        rejected = rejected_places(project, doc_id)
        spans = project.spans(doc_id, annotators)
        offered = {}
        if "rules" in tallies and rules is not None:
            offered["rules"] = suggest_text(text, rules, rejected=rejected)
        if dictionary is not None:
            elsewhere = dictionary.without(document_labelled_texts(project, doc_id))
            offered["dictionary"] = suggest_text(text, None, elsewhere, rejected=rejected)
        for annotator in annotators:
            reference = [(s.start, s.end, s.label) for s in spans if s.annotator == annotator]
            for source, found in offered.items():
                tallies[source].add(reference, [s.key for s in found])
        if progress:
            progress(1)
    result: dict[str, Any] = {"documents": len(records), "records": sum(map(len, records.values())), "sources": {}}
    for source in sources:
        if source == "model":
            result["sources"]["model"] = _model_scores(model_report)
        else:
            result["sources"][source] = tallies[source].report(labels)
    return result


def _model_scores(report: dict[str, Any] | None) -> dict[str, Any]:
    if report is None:
        return {"unavailable": "no model trained (see the message below)"}
    return {**report["held_out_scores"], "learning_curve": report["learning_curve"],
            "note": f"held out: {report['held_out']} of {report['documents']} done documents;"
                    f" trained on {report['trained_on']} (learning curve: "
                    + ", ".join(f"{point['documents']} docs F1 {_f1(point['f1'])}" for point in report["learning_curve"])
                    + ")"}


def _f1(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"
