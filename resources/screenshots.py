"""Screenshots for the README, taken from the real window (run under Xvfb, or offscreen).

Usage: python resources/screenshots.py OUT_DIR [light|dark ...]
Makes a project in a temporary folder with a sample article: nested and crossing spans, a heading,
a selected span; a long report; review with three annotators; the Actors panel on the sample articles;
review of a relation disagreement; the article's quotes linked to their speakers (relations), taken
after the light and dark pictures so those show no arcs.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from annotator.store import Project

ARTICLE_TITLE = "Summit talks stall over fleet figures"
PARAGRAPHS = [
    "Summit talks stall over fleet figures",
    "Defence minister Alice Smith said on Tuesday that the northern fleet had grown to 42 ships, "
    "a figure that analysts in Seoul and Washington doubted.",
    "“We have never been stronger at sea,” Smith told reporters in Busan, adding that the navy of Kim J. "
    "Park would double its patrols before the summit.",
    "Bob Jones, a researcher at the Asan Institute, said the claim that the fleet had grown by a third "
    "rested on counting 12 fishing boats as warships.",
    "Officials from both governments are due to meet again next week in Geneva.",
]


def article() -> tuple[str, list[tuple[int, int, str]], list[list[int]]]:
    text = "\n".join(PARAGRAPHS)

    def at(words: str, label: str, nth: int = 0) -> tuple[int, int, str]:
        start = -1
        for _ in range(nth + 1):
            start = text.index(words, start + 1)
        return start, start + len(words), label

    spans = [
        at("Defence minister Alice Smith said on Tuesday that the northern fleet had grown to 42 ships", "claim"),
        at("Defence minister Alice Smith", "actor"), at("Alice Smith", "actor"), at("42 ships", "figure"),
        at("the northern fleet had grown to 42 ships, a figure that analysts", "quote"),  # crosses the claim
        at("analysts in Seoul and Washington", "actor"),
        at("“We have never been stronger at sea,”", "quote"), at("Smith", "actor", 1),
        at("Bob Jones", "actor"), at("the claim that the fleet had grown by a third", "claim"),
        at("a third", "figure"), at("12 fishing boats", "figure"),
    ]
    return text, spans, [[0, len(PARAGRAPHS[0]), 1]]


def build(folder: Path) -> tuple[Project, int, int]:
    project = Project.open(folder / "screens.db")
    text, spans, headings = article()
    doc_id, _ = project.add_document(text, title=ARTICLE_TITLE, source="news/summit.html",
                                     meta={"headings": headings, "byline": "Staff reporter", "language": "en"})
    rows = [{"doc_id": doc_id, "start": s, "end": e, "label": label, "annotator": "ana", "origin": "manual"}
            for s, e, label in spans]
    for who, drop in (("ben", 2), ("cy", 5)):
        rows += [{**row, "annotator": who} for n, row in enumerate(rows[: len(spans)]) if n % drop]
    rows += [{"doc_id": doc_id, "start": spans[9][0], "end": spans[9][1], "label": "quote", "annotator": "cy",
              "origin": "manual"}]
    project.add_spans(rows)
    for who in ("ben", "cy"):
        project.set_status(doc_id, who, "done")
    project.set_status(doc_id, "ana", "done")
    report = "\n".join(f"Section {n}. " + " ".join(PARAGRAPHS[1:]) for n in range(1, 200))
    report_id, _ = project.add_document(report, title="Annual fleet report (long)", source="reports/fleet.txt")
    return project, doc_id, report_id


def main() -> int:
    out = Path(sys.argv[1])
    modes = sys.argv[2:] or ["light", "dark"]
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from annotator.ui.main_window import MainWindow
    from annotator.ui.theme import apply_theme

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        project, doc_id, report_id = build(Path(tmp))
        for mode in modes:
            apply_theme(mode)
            settings = QSettings(str(Path(tmp) / f"{mode}.ini"), QSettings.Format.IniFormat)
            settings.setValue("view/theme", mode)
            window = MainWindow(project, "ana", settings)
            window.resize(1400, 820)
            window.show()
            window.open_document(doc_id)
            spans = window.text_view.spans()
            window.select_span(next(s.id for s in spans if s.label == "figure"))
            shoot(app, window, out / f"workspace-{mode}.png")
            if mode == "light":
                window.text_view.set_show_tags(True)
                shoot(app, window, out / "label-tags.png")
                window.text_view.set_show_tags(False)
                switched_off = sources_off(window)  # a picture of reading, without the dashed suggestions
                window.open_document(report_id)
                shoot(app, window, out / "long-report.png")
                for action in switched_off:
                    action.setChecked(True)
                window.open_document(doc_id)
                window.review.set_active(True)  # ana, ben and cy marked the article done: three lanes
                shoot(app, window, out / "review-three.png")
                window.review.set_active(False)
            window.close()
        project.close()
        if "light" in modes:
            apply_theme("light")
            shoot_actors(app, Path(tmp), out)
            shoot_review_relations(app, Path(tmp), out)
            shoot_relations(app, Path(tmp), out)
    return 0


def shoot_review_relations(app: QApplication, folder: Path, out: Path) -> None:
    """Review mode on a relation disagreement: ana linked a claim to its actor, ben did not; gold already
    has ben's link of another claim (solid arc), ana's version is drawn dashed with her key."""
    from annotator.store.suggestions import set_enabled_sources
    from annotator.ui.main_window import MainWindow

    project = Project.open(folder / "review-relations.db")
    set_enabled_sources(project, [])  # no suggestion outlines: the picture is about relations
    text = (Path(__file__).resolve().parent.parent / "sample_docs" / "korea-peninsula-threat.txt").read_text("utf-8")
    doc_id, _ = project.add_document(text, title="korea-peninsula-threat")

    def at(words: str, after: str = "") -> tuple[int, int]:
        start = text.index(after + words) + len(after)
        return start, start + len(words)

    ids = {}
    for who in ("ana", "ben"):
        for words, label in (("U.S. officials", "actor"), ("Bruce Klingner", "actor"),
                             ("one of America’s gravest threats", "claim"),
                             ("it has developed a stockpile of nuclear warheads", "claim")):
            ids[who, words] = project.add_span(doc_id, *at(words), label, who).id
        project.add_relation(ids[who, "it has developed a stockpile of nuclear warheads"], ids[who, "Bruce Klingner"],
                             "claimed_by")
        project.set_status(doc_id, who, "done")
    project.add_relation(ids["ana", "one of America’s gravest threats"], ids["ana", "U.S. officials"], "claimed_by")
    settings = QSettings(str(folder / "review-relations.ini"), QSettings.Format.IniFormat)
    window = MainWindow(project, "rita", settings)
    window.resize(1400, 820)
    window.show()
    window.open_document(doc_id)
    window.review.set_active(True)
    panel = window.review.panel
    panel.accept_agreed()  # the agreed spans and the agreed relation go into gold: a solid arc
    panel.set_row(len(panel.disagreements))  # ana's relation alone: dashed, numbered 1
    shoot(app, window, out / "review-relations.png")
    window.review.set_active(False)
    window.close()
    project.close()


# The sample article's quotes linked to their speaker, a claim to who made it, figures to the claims they back:
# (head words, head label, relation, child words, child label).
SAMPLE_LINKS = [
    ("The Korean War seems very long ago, like ancient history,", "quote", "said_by", "Klingner", "actor"),
    ("But the threat is still there. In fact, the North Korean threat has only grown.", "quote", "said_by",
     "Klingner", "actor"),
    ("North Korea also has a sophisticated cyber warfare operation", "claim", "claimed_by", "Bruce Klingner", "actor"),
    ("it has developed a stockpile of nuclear warheads", "claim", "claimed_by", "Bruce Klingner", "actor"),
    ("1.3 million soldiers", "figure", "supports", "one of the world’s largest militaries", "claim"),
]


def shoot_relations(app: QApplication, folder: Path, out: Path) -> None:
    """The sample article (sample_docs/korea-peninsula-threat.txt) with its quotes linked to their speaker."""
    from annotator.store.suggestions import set_enabled_sources
    from annotator.ui.main_window import MainWindow

    project = Project.open(folder / "relations.db")
    set_enabled_sources(project, [])  # no suggestion outlines: the picture is about relations
    text = (Path(__file__).resolve().parent.parent / "sample_docs" / "korea-peninsula-threat.txt").read_text("utf-8")
    doc_id, _ = project.add_document(text, title="korea-peninsula-threat")
    ids: dict[tuple[str, str], int] = {}

    def span(words: str, label: str) -> int:
        if (words, label) not in ids:
            start = text.rindex(words) if words == "Klingner" else text.index(words)  # the speaker of the quotes
            ids[words, label] = project.add_span(doc_id, start, start + len(words), label, "ana").id
        return ids[words, label]

    for head, head_label, relation, child, child_label in SAMPLE_LINKS:
        project.add_relation(span(head, head_label), span(child, child_label), relation)
    window = MainWindow(project, "ana", QSettings(str(folder / "relations.ini"), QSettings.Format.IniFormat))
    window.resize(1400, 960)  # the whole article: its first claims and its closing quotes
    window.show()
    window.open_document(doc_id)
    window.relations.dock.show()
    window.relations.dock.raise_()
    shoot(app, window, out / "relations.png")
    window.close()
    project.close()


# The actor list on the sample articles: (canonical name, aliases, external id, the texts linked to it).
SAMPLE_ACTORS = [
    ("Kim Jong Un", ("Kim",), "Q56226", ("Kim Jong Un",)),
    ("Kim Yo Jong", (), "Q1969063", ("Kim Yo Jong",)),
    ("North Korea", ("DPRK",), "Q423", ("North Korea",)),
    ("Russia", (), "Q159", ("Russia",)),
    ("South Korea", (), "Q884", ("South Korea",)),
    ("Sergey Lavrov", ("Lavrov",), "Q80976", ("Sergey Lavrov",)),
    ("Donald Trump", ("Trump", "President Trump"), "Q22686", ("President Trump", "Trump")),
    ("Bruce Klingner", ("Klingner",), None, ("Bruce Klingner", "Klingner")),
]


def build_actors(folder: Path) -> Project:
    """A project with the sample articles, their actors labelled and linked to the list above."""
    import re

    from annotator.io.importing import import_paths
    from annotator.paths import sample_docs_dir

    project = Project.open(folder / "actors.db")
    import_paths(project, [sample_docs_dir()], annotator="ana")
    for name, aliases, external_id, texts in SAMPLE_ACTORS:
        actor = project.create_actor(name, aliases=aliases, external_id=external_id)
        for doc_id in project.document_ids():
            text = project.document_text(doc_id)
            taken = {(s.start, s.end) for s in project.spans(doc_id)}
            for words in texts:
                for found in re.finditer(rf"\b{re.escape(words)}\b", text):
                    inside = any(a <= found.start() and found.end() <= b for a, b in taken)
                    if not inside:
                        span = project.add_span(doc_id, found.start(), found.end(), "actor", "ana")
                        project.link_span(span.id, actor.id)
                        taken.add((found.start(), found.end()))
    return project


def shoot_actors(app: QApplication, folder: Path, out: Path) -> None:
    """The Actors panel on the sample articles, Kim Jong Un selected with his mentions."""
    from annotator.ui.main_window import MainWindow

    project = build_actors(folder)
    window = MainWindow(project, "ana", QSettings(str(folder / "actors.ini"), QSettings.Format.IniFormat))
    window.resize(1400, 820)
    window.show()
    doc_id = next(d for d in project.document_ids() if "alliance" in project.document(d).title.lower()
                  or "alliance" in project.document(d).source)
    window.open_document(doc_id)
    window.relations.dock.hide()
    window.actors.show_panel()
    window.resizeDocks([window.spans_dock, window.attributes.dock, window.actors.dock], [150, 90, 560],
                       Qt.Orientation.Vertical)
    window.resizeDocks([window.actors.dock], [520], Qt.Orientation.Horizontal)
    kim = project.actor_named("Kim Jong Un")
    window.actors.panel.select(kim.id)
    first = next(s for s in window.text_view.spans() if project.span_actor(s.id) == kim)
    window.select_span(first.id)
    shoot(app, window, out / "actors.png")
    window.close()
    project.close()


def sources_off(window) -> list:
    """Switch every suggestion source off in Suggestions > Sources, as a reader would; the actions switched."""
    actions = [action for name, action in window.suggestions.actions.items()
               if name.startswith("source_") and action.isChecked()]
    for action in actions:
        action.setChecked(False)
    return actions


def shoot(app: QApplication, window, path: Path) -> None:
    for _ in range(5):
        app.processEvents()
    window.grab().save(str(path))
    print(path)


if __name__ == "__main__":
    sys.exit(main())
