"""Command line: click commands over core/store/io. Qt is imported only by `gui`."""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any, Callable

import click

from annotator import __version__
from annotator.core.wording import counted
from annotator.store import Project, ProjectError
from annotator.store.errors import project_error


class Failed(click.ClickException):
    """Expected failure of the work itself: message on stderr, exit status 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(f"annotator: {self.format_message()}", err=True)


def reports_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn expected errors into one clear line on stderr and exit status 1, no traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except sqlite3.DatabaseError as exc:  # damage met while reading: name the project, not only SQLite's words
            if kwargs.get("project") is None:
                raise Failed(f"database error: {exc}") from exc
            raise Failed(str(project_error(kwargs["project"], exc))) from exc
        except ProjectError as exc:
            raise Failed(str(exc)) from exc
        except BrokenPipeError:
            _quiet_stdout()  # the reader (e.g. `| head`) has gone: stop without a word
            sys.exit(1)
        except (OSError, ValueError, KeyError) as exc:
            raise Failed(str(exc)) from exc
        except sqlite3.Error as exc:  # disk full, I/O error: the transaction was rolled back
            raise Failed(f"database error: {exc}") from exc

    return wrapper


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush cannot fail on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (e.g. captured by a test runner)
        pass


def open_project(path: Path, *, create: bool = False) -> Project:
    return Project.open(path, create=create)


project_argument = click.argument("project", type=click.Path(dir_okay=False, path_type=Path))


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="annotator")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Annotator: label spans in documents, review colleagues' labels, export training data.

    With no command, opens the window on your default project (seeded with the
    sample documents on first run).
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(gui)


@main.command()
@click.argument("project", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.argument("files", nargs=-1, type=click.Path(exists=True, path_type=Path))
def gui(project: Path | None, files: tuple[Path, ...]) -> None:
    """Open the window on PROJECT (created if missing), importing FILES first."""
    from annotator.app import run

    sys.exit(run(project, list(files)))


@main.command()
@project_argument
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@reports_errors
def stats(project: Path, as_json: bool) -> None:
    """Documents, each annotator's documents per status (new: not started), spans per label and per annotator,
    spans per attribute value, and the actor list (how many entries; --json: each with its mentions,
    as `annotator actors` lists them)."""
    with open_project(project) as proj:
        data = proj.stats()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"Project    {data['project']}")
    click.echo(f"Documents  {data['documents']}")
    click.echo(f"Spans      {data['spans']}")
    for annotator, counts in sorted(data["status_by_annotator"].items()):
        shown = ", ".join(f"{status} {n}" for status, n in counts.items())
        click.echo(f"Status     {annotator}: {shown}")
    for name, count in data["spans_by_label"].items():
        click.echo(f"Label      {name}: {count}")
    for name, count in data["spans_by_annotator"].items():
        click.echo(f"Annotator  {name}: {count}")
    for label, attributes in data["attributes_by_label"].items():
        for name, values in attributes.items():
            click.echo(f"Attribute  {label} {name}: " + ", ".join(f"{value} {n}" for value, n in values.items()))
    click.echo(f"Actors     {len(data['actors'])} (`annotator actors` lists them)")


@main.command()
@project_argument
@click.option("--json", "as_json", is_flag=True, help="Print one JSON list instead of a table.")
@reports_errors
def actors(project: Path, as_json: bool) -> None:
    """The actor list: each entry's name, kb_id (external id, else project id), aliases, and how many spans
    and documents mention it, most mentioned first."""
    from annotator.core.actors import actor_summary

    with open_project(project) as proj:
        listed = sorted((actor_summary(count) for count in proj.actor_counts()),
                        key=lambda a: (-a["spans"], a["name"].casefold()))
    if as_json:
        click.echo(json.dumps(listed, ensure_ascii=False, indent=2))
        return
    if not listed:
        click.echo("No actors yet (link actor spans in the window, or import files with kb_id)")
        return
    width = max(len(a["name"]) for a in listed)
    for actor in listed:
        aliases = f"  aka {'; '.join(actor['aliases'])}" if actor["aliases"] else ""
        click.echo(f"{actor['name']:<{width}}  {actor['kb_id']:<22}  {counted(actor['spans'], 'span')} in "
                   f"{counted(actor['documents'], 'document')}{aliases}")


class _CheckProgress:
    """'Checking FILE (SIZE)...' on stderr, with the seconds so far on a terminal."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tty = sys.stderr.isatty()
        self.shown = -1
        click.echo(f"Checking {path} ({path.stat().st_size / 1e6:.1f} MB)...", err=True, nl=not self.tty)

    def __call__(self, seconds: float) -> None:
        if self.tty and int(seconds) != self.shown:
            self.shown = int(seconds)
            click.echo(f"\rChecking {self.path} ({self.path.stat().st_size / 1e6:.1f} MB)... {self.shown} s", err=True,
                       nl=False)

    def close(self) -> None:
        if self.tty:
            click.echo("", err=True)


@main.command()
@project_argument
@reports_errors
def check(project: Path) -> None:
    """Run SQLite's full integrity check on PROJECT (read-only) and say whether it is damaged.

    Opening a project does not read all of it; this reads every page. Its time
    grows with the file (seconds for a few hundred MB).
    """
    import time

    from annotator.store.schema import full_check

    if not project.is_file():
        raise Failed(f"{project}: no such project file")
    progress = _CheckProgress(project)
    started = time.monotonic()
    try:
        problems = full_check(project, progress)
    finally:
        progress.close()
    took = time.monotonic() - started
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise Failed(f"{project}: damaged: SQLite's integrity check found {counted(len(problems), 'problem')} "
                     f"({shown}). Open a backup, or export what can still be read.")
    click.echo(f"{project}: no damage found (SQLite's full integrity check, {took:.1f} s)")


@main.command("import")
@project_argument
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--annotator", help="Owner of imported spans whose record names none (default: your login name).")
@click.option(
    "--offsets",
    type=click.Choice(["codepoints", "utf16"]),
    help="Unit of span offsets (utf16: counted by doccano or Label Studio before 1.6; codepoints: Python tools,"
         " Label Studio 1.6 and later). Without it, code points are read and checked against span texts, and a span"
         " with no text after an emoji is refused as ambiguous.",
)
@reports_errors
def import_(project: Path, paths: tuple[Path, ...], annotator: str | None, offsets: str | None) -> None:
    """Import documents and annotations from files or folders (recursively) into PROJECT.

    PROJECT is created if missing. Reads .txt, .md/.markdown, .html/.htm, .jsonl/.json
    (plain, native, Prodigy, doccano, spaCy, Label Studio) and brat (.txt + .ann).
    """
    from annotator.core.model import annotator_name_problem
    from annotator.io.importing import import_paths

    problem = annotator_name_problem(annotator) if annotator is not None else None
    if problem:
        raise click.BadParameter(problem, param_hint="--annotator")
    with open_project(project, create=True) as proj:
        report = import_paths(proj, list(paths), annotator=annotator, offsets=offsets or "auto")
    parts = [f"Imported {counted(report.documents_added, 'document')} ({counted(report.spans_added, 'span')})"
             f" from {counted(len(report.imported), 'file')}"]
    if report.actors_added:
        parts.append(f"{counted(report.actors_added, 'new actor')} for unknown kb_ids")
    if report.duplicates:
        parts.append(counted(len(report.duplicates), "duplicate"))
    if report.failed:
        parts.append(f"{counted(len(report.failed_files), 'file')} failed")
    if report.skipped:
        parts.append(f"{counted(report.skipped, 'file')} of unknown type skipped")
    click.echo("; ".join(parts))
    for duplicate in report.duplicates:
        click.echo(f"Duplicate: {duplicate}")
    for line in report.left_out_lines():
        click.echo(f"Left out: {line}")
    for problem in report.failed:
        click.echo(f"annotator: {problem}", err=True)
    if not report.ok:
        sys.exit(1)


@main.command()
@project_argument
@click.argument("sources", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--rename", "renames", multiple=True, metavar="OLD=NEW",
              help="Bring annotator OLD in as NEW (repeatable), e.g. when two colleagues share a name.")
@click.option("--annotator", metavar="NAME",
              help="Owner of the spans in an import file whose records name no annotator.")
@reports_errors
def merge(project: Path, sources: tuple[Path, ...], renames: tuple[str, ...], annotator: str | None) -> None:
    """Bring colleagues' work in from SOURCES: their project files or native JSONL exports.

    PROJECT is created if missing (e.g. a reviewer's fresh project). Documents are matched by their text;
    spans, relations, attribute values, notes, timestamps and statuses come along (a relation or value
    that cannot come is counted with the reason). A project file's actor list comes too: entries
    matched by external id, then project id, then name; span links follow; clashes are reported as
    conflicts. Merging the same source twice changes nothing. A colleague's
    project file is only read, never changed. Each source is merged whole or
    not at all. The gold layer cannot be renamed, nor anyone renamed to gold.
    """
    from annotator.core.model import annotator_name_problem
    from annotator.io.merge import MergeError, format_summary, merge_source, parse_renames

    try:
        mapping = parse_renames(renames)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--rename") from exc
    problem = annotator_name_problem(annotator) if annotator is not None else None
    if problem:
        raise click.BadParameter(problem, param_hint="--annotator")
    failed = []
    with open_project(project, create=True) as proj:
        for source in sources:
            reading, merging = _Progress(f"Reading {source.name}"), _Progress(f"Merging {source.name}")
            try:
                summary = merge_source(proj, source, mapping, annotator, progress=merging, reading=reading)
            except (MergeError, ProjectError) as exc:
                click.echo(f"annotator: {exc} (nothing merged from it)", err=True)
                failed.append(source)
                continue
            except sqlite3.Error as exc:  # the project could not take it (a full disk): rolled back whole
                click.echo(f"annotator: {source}: not merged: {project_error(project, exc)} (nothing merged from it)",
                           err=True)
                failed.append(source)
                continue
            finally:
                reading.close()
                merging.close()
            for line in format_summary(summary):
                click.echo(line)
    if failed and len(sources) > 1:
        click.echo(f"annotator: merged {len(sources) - len(failed):,} of {counted(len(sources), 'source')};"
                   f" not merged: {', '.join(map(str, failed))}", err=True)
    if failed:
        sys.exit(1)


@main.command()
@project_argument
@click.option("--annotators", help="Comma-separated annotators to compare (default: all who marked documents done).")
@click.option("--label", help="Compare only this label.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@reports_errors
def agreement(project: Path, annotators: str | None, label: str | None, as_json: bool) -> None:
    """Inter-annotator agreement on the documents annotators marked done.

    Span precision/recall/F1 per pair (strict and lenient), Cohen's kappa per
    pair and Krippendorff's alpha on tokens, per label and per document; relation
    precision/recall/F1 per pair and per relation label (strict and lenient ends);
    Cohen's kappa per span attribute (e.g. claim.certainty) over matched spans, per pair.
    """
    from annotator.core.agreement import agreement_table
    from annotator.core.attribute_agreement import attribute_table
    from annotator.core.relation_agreement import relation_table
    from annotator.store.review import project_agreement

    names = [a for a in annotators.split(",") if a.strip()] if annotators is not None else None
    with open_project(project) as proj:
        report = project_agreement(proj, names, label)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    for line in agreement_table(report) + relation_table(report["relations"]) + attribute_table(report["attributes"]):
        click.echo(line)


@main.command()
@project_argument
@click.option("--rules", "rules_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Rules file to use (default: PROJECT's NAME.rules.jsonl beside it, written with the defaults"
                   " the first time).")
@click.option("--source", "sources", metavar="rules,dictionary,model",
              help="Sources to use (default: those switched on for the project, at first all).")
@click.option("--as", "layer", default="suggester", show_default=True, metavar="NAME",
              help="Annotator layer the suggestions are written to, reviewed like a colleague's work.")
@click.option("--documents", type=click.Choice(["new", "all"]), default="new", show_default=True,
              help="new: documents the layer has no suggestions for yet; all: every document (replacing them).")
@click.option("--evaluate", is_flag=True, help="Write no suggestions: print each source's precision, recall and F1"
                                                " against the documents marked done, per label (the model is"
                                                " trained first when due).")
@click.option("--json", "as_json", is_flag=True, help="With --evaluate: print one JSON object.")
@reports_errors
def suggest(project: Path, rules_file: Path | None, sources: str | None, layer: str, documents: str,
            evaluate: bool, as_json: bool) -> None:
    """Suggest spans for many documents into an annotator layer, or --evaluate the sources.

    Rules (regular expressions, phrases, spaCy token patterns), the project's
    dictionary (every labelled text, where it appears again) and the model trained
    on finished documents. A rule or rules-file line that cannot be used is named on
    stderr (exit status 1); the others still work. Nothing is written half.
    """
    from annotator.core.suggest.evaluate import evaluation_table
    from annotator.io.model_training import latest_report
    from annotator.io.suggesting import evaluate_sources, load_rules, ready_model, reference_records, suggest_into_layer
    from annotator.store.suggestions import enabled_sources, parse_sources

    with open_project(project) as proj:
        chosen = parse_sources(sources.split(",")) if sources is not None else enabled_sources(proj)
        if not chosen:
            raise click.BadParameter("no source chosen", param_hint="--source")
        rules = load_rules(proj, rules_file, write_defaults=not evaluate) if "rules" in chosen else None
        if rules is not None and rules.created:
            click.echo(f"Wrote the default rules to {rules.path}: edit it to change them", err=True)
        compiled = rules.compiled if rules is not None else None
        problems = list(rules.problems) if rules is not None else []
        model = None
        if "model" in chosen:
            model, problem = ready_model(proj, _progress_bar)
            if problem and sources is None:  # on by default, not asked for: say why it is left out, do not fail
                click.echo(f"Not using the model: {problem}", err=True)
            elif problem:
                problems.append(f"model: {problem}")
        if evaluate:
            with _progress_bar(len(reference_records(proj)), "Evaluating") as bar:
                report = evaluate_sources(proj, chosen, compiled, bar.update,
                                          latest_report(proj) if model is not None else None)
            lines = [json.dumps(report, ensure_ascii=False, indent=2)] if as_json else evaluation_table(report)
        else:
            lines = [suggest_into_layer(proj, layer, documents, chosen, compiled, _progress_bar, model)]
    for line in lines:
        click.echo(line)
    for problem in problems:
        click.echo(f"annotator: {problem}", err=True)
    if problems:
        sys.exit(1)


def _progress_bar(total: int, label: str) -> Any:
    """A click progress bar on stderr (drawn only on a terminal): a context manager with ``update(n)``."""
    return click.progressbar(length=total, label=label, file=sys.stderr)


PROGRESS_AFTER_SECONDS = 1.0  # work still going after this long draws a progress bar (on a terminal)


class _Progress:
    """A click progress bar on stderr, shown only on a terminal and once the work took
    ``PROGRESS_AFTER_SECONDS`` (a quick command, or one whose stderr goes to a file or a
    program, prints nothing but its summary)."""

    def __init__(self, label: str) -> None:
        import time

        self._label = label
        self._clock = time.monotonic
        self._started = self._clock()
        self._bar: Any = None
        self._shown = 0

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if not sys.stderr.isatty() or self._clock() - self._started < PROGRESS_AFTER_SECONDS or done >= total:
                return
            self._bar = click.progressbar(length=total, label=self._label, file=sys.stderr)
            self._bar.__enter__()
        self._bar.update(done - self._shown)
        self._shown = done
        if done >= total:  # finished: the line is ended before anything else is written
            self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


@main.command()
@project_argument
@click.option("--format", "-f", "format_", default="jsonl", show_default=True, metavar="FORMAT",
              help="jsonl (native), spacy, conll, hf, doccano, brat or labelstudio.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Output file; for brat and spacy a folder (-o required for them, and with --split). '-' or "
                   "no -o: the line formats (jsonl, conll, hf, doccano, labelstudio) go to stdout.")
@click.option("--annotator", "annotators", multiple=True, metavar="NAME", help="Only this annotator (repeatable).")
@click.option("--status", "statuses", multiple=True, type=click.Choice(["new", "in_progress", "done", "skipped"]),
              help="Only records with this status (repeatable).")
@click.option("--label", "labels", multiple=True, metavar="LABEL", help="Only spans with this label (repeatable).")
@click.option("--gold", is_flag=True, help="Only the reviewed layer (the spans of annotator 'gold').")
@click.option("--split", metavar="NAME=RATIO,...",
              help="Split by document, e.g. train=0.8,dev=0.1,test=0.1; a document's split depends only on "
                   "its uid and --seed (ratios hold on average).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the split.")
@click.option("--lang", default="en", show_default=True,
              help="spacy: language of the vocabulary the Docs belong to (tokens are Annotator's).")
@click.option("--spans-key", default="annotator", show_default=True, help="spacy: doc.spans key holding every span.")
@click.option("--strict", is_flag=True,
              help="conll/hf/spacy: fail on any span that cannot be written exactly as stored (nothing is written).")
@click.option("--report", "report", type=click.Path(path_type=Path), metavar="FILE",
              help="conll/hf/spacy: write one tab-separated line per span not written exactly (document, "
                   "annotator, start, end, label, text, why).")
@click.option("--sentences", is_flag=True, help="conll: a blank line after each sentence too.")
@click.option("--offsets", type=click.Choice(["codepoints", "utf16"]), default="codepoints", show_default=True,
              help="doccano/labelstudio: offset unit (codepoints: Label Studio 1.6 and later; utf16: doccano's"
                   " browser front end and Label Studio before 1.6).")
@click.option("--no-tokens", "no_tokens", is_flag=True,
              help="jsonl: spans only, without each document's tokens and the spans' token_start/token_end.")
@click.option("--untouched", type=click.Choice(["leave-out", "include", "negative"]),
              help="Records with no span that nobody marked done: leave-out (default for spacy, conll, hf), "
                   "include (default for the others; spacy: entities missing, not O) or negative "
                   "(written as documents without entities).")
@reports_errors
def export(project: Path, format_: str, output: Path | None, annotators: tuple[str, ...], statuses: tuple[str, ...],
           labels: tuple[str, ...], gold: bool, split: str | None, seed: int, lang: str, spans_key: str,
           strict: bool, report: Path | None, sentences: bool, offsets: str, no_tokens: bool,
           untouched: str | None) -> None:
    """Export PROJECT's annotations as training data (one record per document and annotator).

    A summary (documents, records, spans written, spans adjusted or left out and
    why) goes to stderr. Nothing half-written is ever left behind.
    """
    from annotator.io.exporters._base import write_report
    from annotator.io.exporting import ExportError, ExportOptions, export_project, get_exporter, parse_split

    try:
        exporter = get_exporter(format_)
    except ExportError as exc:
        raise click.BadParameter(str(exc), param_hint="--format") from exc
    to_stdout = output == Path("-")
    if to_stdout and (exporter.layout == "folder" or split):
        raise click.UsageError(f"-o - (stdout) takes one file: not the {format_} folder, nor --split")
    if to_stdout:
        output = None
    elif output is None and exporter.layout != "lines":
        raise click.UsageError(f"the {format_} format writes a {exporter.layout}: give it with -o")
    if output is None and split:
        raise click.UsageError("--split writes one file per split: give the output with -o")
    try:
        ratios = parse_split(split) if split else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--split") from exc
    options = ExportOptions(format_, annotators, statuses, labels, gold, ratios, seed, lang, spans_key, strict,
                            sentences, offsets, untouched, tokens=not no_tokens)
    progress = _Progress("Exporting")
    with open_project(project) as proj:
        try:
            summary = export_project(proj, options, output, stdout=sys.stdout.buffer, progress=progress)
        finally:
            progress.close()
    if report is not None and not summary.cancelled:
        write_report(report, summary.report)
        summary.notes.append(f"report of {counted(len(summary.report), 'span')}: {report}")
    elif summary.report:
        summary.notes.append("--report FILE names each span not written exactly, and why")
    for line in summary.lines():
        click.echo(line, err=True)


if __name__ == "__main__":
    main()
