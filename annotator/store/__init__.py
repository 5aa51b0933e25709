"""The project file: one SQLite database per project, reached only through this package."""

from annotator.store.errors import (
    CorruptProjectError,
    NewerSchemaError,
    NotAProjectError,
    ProjectBusyError,
    ProjectError,
)
from annotator.store.project import Project

__all__ = [
    "CorruptProjectError",
    "NewerSchemaError",
    "NotAProjectError",
    "Project",
    "ProjectBusyError",
    "ProjectError",
]
