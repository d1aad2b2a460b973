"""Markdown table cells: the one escaping of text written into a `| ... |` row."""

from __future__ import annotations


def table_cell(value: object) -> str:
    """`value` as one cell of a Markdown table: `|` escaped, line breaks as spaces."""
    return str(value).replace("|", "\\|").replace("\n", " ")
