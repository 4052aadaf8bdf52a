"""Extract both documents and render every raw file, in memory, before anything is written."""

from __future__ import annotations

from pathlib import Path

from extract import appendix, devon, printed_lines
from extract.dictionary import render_dictionary
from extract.writer import render_csv
from warehouse.config import settings
from warehouse.tables import TABLES
from warehouse.tables.printed_lines import TABLE_NAME as PRINTED_LINES


def extract_all(
    appendix_path: str | Path, devon_path: str | Path, claims_dir: str | Path | None = None
) -> dict[str, str]:
    """Map each raw file's path relative to raw/ to its full text (the CSVs and README.md).
    `claims_dir`: the claims register whose lines are kept too (default expectations/claims)."""
    paths = {"appendix": appendix_path, "devon": devon_path}
    rows_by_document = {"appendix": appendix.extract(appendix_path), "devon": devon.extract(devon_path)}
    claimed = printed_lines.claim_lines(claims_dir if claims_dir is not None else default_claims_dir())
    for document, tables in rows_by_document.items():
        cited = [row["source_line"] for rows in tables.values() for row in rows] + sorted(claimed[document])
        tables[PRINTED_LINES] = printed_lines.printed_line_rows(paths[document], cited)
    rendered: dict[str, str] = {}
    row_counts: dict[str, int] = {}
    for table in TABLES:
        rows = rows_by_document[table.document][table.name]
        rendered[table.relpath] = render_csv(table, rows)
        row_counts[table.relpath] = len(rows)
    rendered["README.md"] = render_dictionary(TABLES, row_counts)
    return rendered


def default_claims_dir() -> Path:
    return settings().expectations_dir / "claims"
