"""Validation: the entry point, the report, the rule registry and runner, the Pandera and
frictionless parts, the checks (one module per family) and the transcription checks."""
