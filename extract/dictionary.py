"""Render raw/README.md, the data dictionary, from the table declarations."""

from __future__ import annotations

from warehouse.documents import DOCUMENTS
from warehouse.responses.contract import dictionary_section
from warehouse.tables.schema import Column, Table

PREAMBLE = """\
# raw/ — data dictionary

Every CSV here is written by the extractor (`python -m extract`) from the two
source documents, and committed. Do not edit them by hand: change the extractor and re-run it.
This file is generated from the same table declarations the ingest assets load with.

- The figures are exactly as printed, never corrected. Where a document contradicts itself
  (a total that is not the sum of its parts, a percentage that does not match its ratio) the CSV
  holds what is printed; the consistency checks find the contradiction.
- Every row carries `source_line`: the 1-based line of the source document it was read from.
- CSVs are UTF-8, comma-separated, LF line endings, with a header row; an empty cell is NULL.
- Printed percentages are stored as 0–100 numbers in `*_pct_published` columns.

| document code | source file |
|---|---|
""" + "".join(f"| `{code}` | `{name}` |\n" for code, name in DOCUMENTS.items())


def allowed_values(col: Column) -> str:
    if col.choices:
        return "one of " + ", ".join(f"`{c}`" for c in col.choices)
    if col.minimum is not None and col.maximum is not None:
        return f"{col.minimum} to {col.maximum}"
    if col.minimum is not None:
        return f"at least {col.minimum}"
    if col.maximum is not None:
        return f"at most {col.maximum}"
    return "—"


def render_dictionary(tables: tuple[Table, ...], row_counts: dict[str, int]) -> str:
    parts = [PREAMBLE]
    for table in tables:
        parts.append(f"\n## `{table.relpath}`\n\n")
        parts.append(f"{table.description}\n\n")
        parts.append(
            f"DuckDB table `raw.{table.table_name}`; {row_counts[table.relpath]} rows; "
            f"key: {', '.join(f'`{k}`' for k in table.key)}; source `{DOCUMENTS[table.document]}`.\n\n"
        )
        parts.append("| column | type | unit | null allowed | values checked on ingest | meaning |\n")
        parts.append("|---|---|---|---|---|---|\n")
        for col in table.columns:
            meaning = col.description.replace("|", "\\|")
            parts.append(
                f"| `{col.name}` | {col.type} | {col.unit or '—'} | {'yes' if col.nullable else 'no'} "
                f"| {allowed_values(col)} | {meaning} |\n"
            )
        if table.notes:
            parts.append("\nHow the extractor handled the document here:\n\n")
            parts.extend(f"- {note}\n" for note in table.notes)
    parts.append(dictionary_section())
    return "".join(parts)
