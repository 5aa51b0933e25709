"""A span model trained on the project's finished documents (spaCy ``spancat`` from ``spacy.blank``).

No downloaded weights: a blank pipeline's hashed word features (form, prefix, suffix,
shape) learn from the analysts' own labels. Spans of 1-4 tokens are candidates, so the
model proposes actors, figures and short quotes, not whole claims. Each training run:

1. takes every document a person marked done (gold where reviewed, else the first
   annotator who finished it) and holds out a fifth of them (at least one), chosen by
   the document's uid so the split stays put as documents are added;
2. trains on growing shares of the rest (a quarter, half, three quarters, all) and
   measures each on the held-out documents: the learning curve, F1 by number of
   training documents, and precision / recall / F1 per label of the last;
3. suggests spans in every document nobody has finished, scores how unsure the model is
   there (``uncertainty``), and stores model, report and suggestions in one transaction.

Rejections are negatives in the finished documents by construction (a rejected place
is not a span there) and are never suggested again (``combine`` drops them).
Runs in a child process: see ``annotator.io.model_process``.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from annotator.core.suggest import Suggestion
from annotator.core.suggest.evaluate import Tally
from annotator.core.wording import counted
from annotator.store.project import Project
from annotator.store.rows import now
from annotator.store.suggestions import human_annotators, store_suggestions
from annotator.store.review import done_documents

SPANS_KEY = "sc"
NGRAM_SIZES = [1, 2, 3, 4]
MIN_DOCUMENTS = 5  # fewer finished documents teach nothing worth showing
HELD_OUT_SHARE = 0.2
# Four times Adam's default: a few dozen documents give few updates per epoch.
LEARN_RATE = 0.004
CURVE_SHARES = (0.25, 0.5, 0.75, 1.0)
# How unsure the model is about a document: the mean, over the candidate spans whose
# top label score p is nearest to the 0.5 threshold (at most this many), of 1 - |2p - 1|.
UNSURE_CANDIDATES = 10

Report = Callable[[str, float], None]  # (what is being done, share done 0..1)


class TrainingFailed(Exception):
    """Why no model could be trained, in words for the analyst."""


def spacy_problem() -> str | None:
    """None when spaCy can train a model here, else what the model needs."""
    try:
        import spacy  # noqa: F401
    except ImportError:
        return "the model needs spaCy: pip install 'annotator[spacy]' (rules and the dictionary work without it)"
    return None


@dataclass(frozen=True)
class TrainingDocument:
    doc_id: int
    uid: str
    text: str
    spans: tuple[tuple[int, int, str], ...]


def training_documents(project: Project) -> list[TrainingDocument]:
    """The finished documents and their reference spans (gold where reviewed, else the first to finish)."""
    done = done_documents(project, human_annotators(project))
    found = []
    for doc_id, who in sorted(done.items()):
        annotator = "gold" if "gold" in who else sorted(who)[0]
        document = project.document(doc_id)
        spans = tuple((s.start, s.end, s.label) for s in project.spans(doc_id, annotator))
        found.append(TrainingDocument(doc_id, document.uid, document.text, spans))
    return found


def held_out(documents: Sequence[TrainingDocument]) -> tuple[list[TrainingDocument], list[TrainingDocument]]:
    """(train, held out): a fifth held out, at least one, by a hash of each uid (stable as documents are added)."""
    def rank(document: TrainingDocument) -> str:
        return hashlib.sha256(document.uid.encode()).hexdigest()

    ordered = sorted(documents, key=rank)
    count = max(1, round(len(ordered) * HELD_OUT_SHARE))
    return sorted(ordered[count:], key=lambda d: d.doc_id), sorted(ordered[:count], key=lambda d: d.doc_id)


# ------------------------------------------------------------------ spaCy side
def _paragraphs(text: str) -> list[tuple[int, str]]:
    """(offset, paragraph) pieces cut at line breaks: short texts train fast and stay under nlp.max_length."""
    pieces, start = [], 0
    for line in text.split("\n"):
        if line.strip():
            pieces.append((start, line))
        start += len(line) + 1
    return pieces


def _examples(nlp: Any, documents: Sequence[TrainingDocument]) -> list[Any]:
    from spacy.training import Example

    examples = []
    for document in documents:
        for offset, piece in _paragraphs(document.text):
            reference = nlp.make_doc(piece)
            spans = []
            for start, end, label in document.spans:
                if offset <= start and end <= offset + len(piece):
                    span = reference.char_span(start - offset, end - offset, label, alignment_mode="expand")
                    if span is not None:
                        spans.append(span)
            reference.spans[SPANS_KEY] = spans
            examples.append(Example(nlp.make_doc(piece), reference))
    return examples


def new_pipeline(labels: Sequence[str], lang: str = "en") -> Any:
    import spacy

    nlp = spacy.blank(lang)
    spancat = nlp.add_pipe("spancat", config={
        "spans_key": SPANS_KEY, "threshold": 0.5,
        "suggester": {"@misc": "spacy.ngram_suggester.v1", "sizes": NGRAM_SIZES}})
    for label in labels:
        spancat.add_label(label)
    return nlp


def train_pipeline(documents: Sequence[TrainingDocument], labels: Sequence[str], *, epochs: int, seed: int,
                   lang: str = "en", tick: Callable[[float], None] = lambda share: None) -> Any:
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(seed)
    nlp = new_pipeline(labels, lang)
    examples = _examples(nlp, documents)
    if not examples:
        raise TrainingFailed("the finished documents hold no text to learn from")
    optimizer = nlp.initialize(lambda: examples)
    optimizer.learn_rate = LEARN_RATE
    shuffler = random.Random(seed)
    for epoch in range(epochs):
        shuffler.shuffle(examples)
        for batch in minibatch(examples, size=8):
            nlp.update(batch, sgd=optimizer, drop=0.1)
        tick((epoch + 1) / epochs)
    return nlp


def predict(nlp: Any, text: str) -> tuple[list[Suggestion], float]:
    """The model's suggestions for a text, and how unsure it is there (see ``UNSURE_CANDIDATES``)."""
    import numpy

    spancat = nlp.get_pipe("spancat")
    labels = list(spancat.labels)
    found: list[Suggestion] = []
    closeness: list[float] = []
    for offset, piece in _paragraphs(text):
        doc = nlp.make_doc(piece)
        if len(doc) == 0:
            continue
        indices, scores = spancat.predict([doc])
        indices, scores = spancat.model.ops.to_numpy(indices.dataXd), spancat.model.ops.to_numpy(scores)
        if len(scores) == 0:
            continue
        best = scores.argmax(axis=1)
        top = scores[numpy.arange(len(best)), best]
        closeness.extend((1.0 - numpy.abs(2 * top - 1)).tolist())
        for (first, last), label, score in zip(indices, best, top):
            if score >= spancat.cfg["threshold"]:
                span = doc[int(first):int(last)]
                found.append(Suggestion(offset + span.start_char, offset + span.end_char, labels[label], "model",
                                        "spancat", round(float(score), 3)))
    closeness.sort(reverse=True)
    unsure = closeness[:UNSURE_CANDIDATES]
    return found, (sum(unsure) / len(unsure) if unsure else 0.0)


def _measure(nlp: Any, documents: Sequence[TrainingDocument], labels: Sequence[str]) -> dict[str, Any]:
    tally = Tally()
    for document in documents:
        found, _ = predict(nlp, document.text)
        tally.add(document.spans, [s.key for s in found])
    return tally.report(labels)


# ------------------------------------------------------------------ one run
def train_project(project: Project, report: Report, *, epochs: int = 12, seed: int = 0, lang: str = "en",
                  curve_shares: Sequence[float] = CURVE_SHARES) -> int:
    """Train, measure, suggest and store (see the module docstring); returns the stored model's id.

    ``report`` is called as work goes on; it may raise to stop the run (nothing is written then).
    ``curve_shares``: the shares of the training documents the learning curve is measured at.
    """
    problem = spacy_problem()
    if problem:
        raise TrainingFailed(problem)
    labels = [label.name for label in project.labels()]
    documents = training_documents(project)
    if len(documents) < MIN_DOCUMENTS:
        raise TrainingFailed(f"the model needs at least {MIN_DOCUMENTS} documents marked done"
                             f" (found {len(documents)})")
    train, test = held_out(documents)
    curve = []
    sizes = sorted({max(1, round(len(train) * share)) for share in curve_shares})
    nlp = None
    for step, size in enumerate(sizes):
        def tick(share: float, step: int = step) -> None:
            report(f"training on {counted(size, 'document')}", (step + share) / (len(sizes) + 1))

        nlp = train_pipeline(train[:size], labels, epochs=epochs, seed=seed, lang=lang, tick=tick)
        measured = _measure(nlp, test, labels)
        curve.append({"documents": size, "f1": measured["all"]["f1"],
                      "by_label": {label: row["f1"] for label, row in measured["by_label"].items()}})
    assert nlp is not None
    unfinished = _unfinished(project, {d.doc_id for d in documents})
    suggestions: dict[int, list[Suggestion]] = {}
    uncertainty: dict[int, float] = {}
    for number, doc_id in enumerate(unfinished):
        suggestions[doc_id], uncertainty[doc_id] = predict(nlp, project.document_text(doc_id))
        report("suggesting in unfinished documents", (len(sizes) + (number + 1) / len(unfinished)) / (len(sizes) + 1))
    result = {"kind": "spancat", "labels": labels, "trained_on": len(train), "held_out": len(test),
              "documents": len(documents), "held_out_scores": measured, "learning_curve": curve,
              "uncertainty": {str(k): round(v, 4) for k, v in uncertainty.items()},
              "config": nlp.config.to_str(), "lang": lang, "seed": seed, "epochs": epochs}
    return _store(project, nlp.to_bytes(), result, suggestions)


def _unfinished(project: Project, finished: set[int]) -> list[int]:
    return [doc_id for doc_id in project.all_document_ids() if doc_id not in finished]


def _store(project: Project, model: bytes, result: dict[str, Any], suggestions: dict[int, list[Suggestion]]) -> int:
    with project.transaction():
        cursor = project.conn.execute(
            "INSERT INTO suggest_models (created, kind, documents, labels, report, model) VALUES (?, ?, ?, ?, ?, ?)",
            [now(), result["kind"], result["documents"], json.dumps(result["labels"]), json.dumps(result), model])
        project.conn.execute("DELETE FROM suggest_models WHERE id < ?", [cursor.lastrowid])  # keep the newest only
        project.conn.execute("DELETE FROM suggestions WHERE source = 'model'")
        for doc_id, found in suggestions.items():
            store_suggestions(project, doc_id, "model", found)
    return int(cursor.lastrowid)


# ------------------------------------------------------------- using the model
def latest_report(project: Project) -> dict[str, Any] | None:
    """The newest model's report (scores, learning curve, uncertainty), without loading the model."""
    row = project.conn.execute("SELECT id, created, report FROM suggest_models ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        return None
    return {"id": row[0], "created": row[1], **json.loads(row[2])}


def load_latest_model(project: Project) -> Any | None:
    """The newest model as a spaCy pipeline, or None when none was trained (needs spaCy)."""
    from spacy import util
    from thinc.api import Config

    row = project.conn.execute("SELECT report, model FROM suggest_models ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        return None
    nlp = util.load_model_from_config(Config().from_str(json.loads(row[0])["config"]), auto_fill=True)
    return nlp.from_bytes(row[1])


def needs_training(project: Project) -> bool:
    """Whether a (new) model is due: none yet, or more documents done than it was trained on (and enough of them)."""
    done = len(done_documents(project, human_annotators(project)))
    if done < MIN_DOCUMENTS:
        return False
    row = project.conn.execute("SELECT documents FROM suggest_models ORDER BY id DESC LIMIT 1").fetchone()
    return row is None or done > row[0]


def documents_by_uncertainty(project: Project) -> list[int]:
    """Unfinished documents, the ones the newest model is least sure about first (see ``UNSURE_CANDIDATES``);
    documents added since it was trained follow, by id. Empty when no model was trained."""
    report = latest_report(project)
    if report is None:
        return []
    finished = set(done_documents(project, human_annotators(project)))
    scores = {int(k): v for k, v in report["uncertainty"].items()}
    unfinished = [doc_id for doc_id in project.all_document_ids() if doc_id not in finished]
    return sorted(unfinished, key=lambda doc_id: (doc_id not in scores, -scores.get(doc_id, 0.0), doc_id))
