"""Annotator: a desktop span-annotation tool for analysts."""

__version__ = "0.1.0"
