"""Command line: click commands over core/store/io. Qt is imported only by `gui`."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any, Callable

import click

from annotator import __version__
from annotator.store import Project, ProjectError


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
        except ProjectError as exc:
            raise Failed(str(exc)) from exc
        except (OSError, ValueError, KeyError) as exc:
            raise Failed(str(exc)) from exc

    return wrapper


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
    """Documents, documents per status, spans per label and per annotator."""
    with open_project(project) as proj:
        data = proj.stats()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"Project    {data['project']}")
    click.echo(f"Documents  {data['documents']}")
    click.echo(f"Spans      {data['spans']}")
    for annotator, counts in sorted(data["status_by_annotator"].items()):
        shown = ", ".join(f"{status} {n}" for status, n in sorted(counts.items()))
        click.echo(f"Status     {annotator}: {shown}")
    for name, count in data["spans_by_label"].items():
        click.echo(f"Label      {name}: {count}")
    for name, count in data["spans_by_annotator"].items():
        click.echo(f"Annotator  {name}: {count}")


if __name__ == "__main__":
    main()
