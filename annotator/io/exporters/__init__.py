"""Exporters: one module per target format, each registered with register_exporter."""
