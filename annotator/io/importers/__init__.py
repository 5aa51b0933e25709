"""Importers: one module per source format, each registered with register_importer."""
