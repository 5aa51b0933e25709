"""Importers and exporters, one module per format, found through ``registry``. No Qt."""
