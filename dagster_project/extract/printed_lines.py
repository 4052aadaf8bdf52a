"""The printed lines that raw rows cite, kept so the report can quote them without the documents.

The report quotes, beside every finding, the line of the source document it stands on. The
pipeline must not read the source documents at run time, so the extractor keeps those lines as
a raw table per document: every line that some raw row's `source_line` points to, exactly as
printed (tabs between table cells included), and no other line of the document.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from dagster_project.extract.documents import read_lines
from dagster_project.extract.tables import SOURCE_LINE, Column, ExtractionError, Table

TABLE_NAME = "printed_lines"
DOCUMENTS = ("appendix", "devon")


def printed_lines_table(document: str) -> Table:
    return Table(
        document=document,
        name=TABLE_NAME,
        description=(
            "Every line of the document that a row of another raw table cites in its `source_line`, "
            "exactly as printed; the report quotes them beside the figures and findings."
        ),
        columns=(
            Column("line_text", "VARCHAR", "The line exactly as printed in the text extraction (table cells separated by tabs)."),
            SOURCE_LINE,
        ),
        key=("source_line",),
        notes=(
            "Only lines cited by another raw table of the same document are kept, in line order; the rest "
            "of the document (its prose) is not copied.",
            "Line endings are removed; nothing else is changed (no trimming, no repair of broken words).",
        ),
    )


TABLES: tuple[Table, ...] = tuple(printed_lines_table(document) for document in DOCUMENTS)


def printed_line_rows(path: str | Path, lines_cited: Iterable[int]) -> list[dict[str, Any]]:
    """One row per cited line, in line order, with the line's text as printed."""
    lines = read_lines(path)
    rows = []
    for number in sorted(set(lines_cited)):
        if not 1 <= number <= len(lines):
            raise ExtractionError(path, number, f"a raw row cites line {number}, but the document has {len(lines)} lines")
        text = lines[number - 1]
        if not text.strip():
            raise ExtractionError(path, number, "a raw row cites a blank line")
        rows.append({"line_text": text, "source_line": number})
    return rows
