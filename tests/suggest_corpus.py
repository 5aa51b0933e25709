"""A small generated corpus for the model tests: actors and figures in recurring sentence shapes."""

from __future__ import annotations

import random

from annotator.store import Project

ACTORS = ["Kim Jong Un", "Vladimir Putin", "Xi Jinping", "Moon Jae-in", "Joe Biden", "Sergei Shoigu",
          "Choe Son Hui", "Antony Blinken", "Fumio Kishida", "Yoon Suk Yeol", "Kim Yo Jong", "Wang Yi",
          "Lee Jae-myung", "Maria Zakharova", "Dmitry Peskov", "Jake Sullivan"]
HELD_OUT_ACTOR = "Andrei Belousov"  # never in a finished document
PLACES = ["Seoul", "Moscow", "Beijing", "Pyongyang", "Tokyo", "Washington"]
SHAPES = [
    "{a} said on Monday that {n} troops would stay near the border.",
    "Officials in {p} met {a} to discuss the talks.",
    "{a} and {b} signed the agreement in {p}.",
    "According to {a}, the sanctions have failed.",
    "The minister told reporters that {a} had agreed.",
    "Analysts expect {a} to visit {p} next week.",
]


def sentence(rng: random.Random, actors: list[str]) -> tuple[str, list[tuple[int, int, str]]]:
    shape = rng.choice(SHAPES)
    a, b = rng.sample(actors, 2)
    values = {"a": a, "b": b, "p": rng.choice(PLACES), "n": f"{rng.randint(2, 90)},000"}
    text, spans, at = "", [], 0
    for literal, field, *_ in __import__("string").Formatter().parse(shape):
        text += literal
        if field:
            start = len(text)
            text += values[field]
            if field in "ab":
                spans.append((start, len(text), "actor"))
            elif field == "n":
                spans.append((start, len(text) + len(" troops"), "figure"))
    return text, spans


def document(rng: random.Random, actors: list[str], sentences: int = 6) -> tuple[str, list[tuple[int, int, str]]]:
    text, spans = "", []
    for _ in range(sentences):
        part, found = sentence(rng, actors)
        offset = len(text) + (1 if text else 0)
        text = f"{text} {part}" if text else part
        spans += [(s + offset, e + offset, label) for s, e, label in found]
    return text, spans


def build_corpus(path, done: int = 30, seed: int = 7) -> tuple[int, str]:
    """``done`` finished documents by ana, and one unfinished document naming the held-out actor.
    Returns (the unfinished document's id, its text)."""
    rng = random.Random(seed)
    with Project.open(path) as project:
        for _ in range(done):
            text, spans = document(rng, ACTORS)
            doc_id, _ = project.add_document(text)
            project.add_spans({"doc_id": doc_id, "start": s, "end": e, "label": label, "annotator": "ana",
                               "origin": "manual"} for s, e, label in spans)
            project.set_status(doc_id, "ana", "done")
        text = (f"{HELD_OUT_ACTOR} said on Monday that 40,000 troops would stay near the border. "
                f"Officials in Seoul met {HELD_OUT_ACTOR} to discuss the talks.")
        unfinished, _ = project.add_document(text)
    return unfinished, text
