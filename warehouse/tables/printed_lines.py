"""The printed lines of each document that the raw rows and the claims cite: the report quotes them."""

from __future__ import annotations

from warehouse.tables.schema import SOURCE_LINE, Column, Table

TABLE_NAME = "printed_lines"
DOCUMENTS = ("appendix", "devon")


def printed_lines_table(document: str) -> Table:
    return Table(
        document=document,
        name=TABLE_NAME,
        description=(
            "Every line of the document that a row of another raw table cites in its `source_line`, or "
            "that a claim of the claims register is printed on, exactly as printed; the report quotes "
            "them beside the findings."
        ),
        columns=(
            Column(
                "line_text",
                "VARCHAR",
                "The line exactly as printed in the text extraction (table cells separated by tabs).",
            ),
            SOURCE_LINE,
        ),
        key=("source_line",),
        notes=(
            "Only lines cited by another raw table of the same document, or by a claim in "
            "`expectations/claims/*.yml`, are kept, in line order; the rest of the document is not copied.",
            "Line endings are removed; nothing else is changed (no trimming, no repair of broken words).",
        ),
    )


TABLES: tuple[Table, ...] = tuple(printed_lines_table(document) for document in DOCUMENTS)
