"""Errors a user can be shown as they are: each names the file and the reason."""

from __future__ import annotations

from pathlib import Path


class ProjectError(Exception):
    """A project file that cannot be used; the message is meant for the user."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class NotAProjectError(ProjectError):
    pass


class CorruptProjectError(ProjectError):
    pass


class NewerSchemaError(ProjectError):
    pass


class ProjectBusyError(ProjectError):
    pass
