"""The printed lines that raw rows and claims cite, kept so the report can quote them.

The report quotes, beside every finding, the line of the source document it stands on. The
pipeline must not read the source documents at run time, so the extractor keeps those lines as
a raw table per document: every line that some raw row's `source_line` points to, and every line
a claim of the claims register (`expectations/claims/*.yml`, when there is one) is printed on,
exactly as printed (tabs between table cells included), and no other line of the document.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from extract.writer import ExtractionError
from warehouse.documents import read_lines
from warehouse.tables.printed_lines import DOCUMENTS


def claim_lines(claims_dir: str | Path) -> dict[str, set[int]]:
    """The lines the claims register's claims are printed on, per document (none without a register).

    Each register file names its `document` and lists `claims`, each with the `line` it quotes;
    the claims' verdicts become findings, whose lines the report quotes.
    """
    found: dict[str, set[int]] = {document: set() for document in DOCUMENTS}
    folder = Path(claims_dir)
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.yml")):
        with open(path, encoding="utf-8") as fh:
            register = yaml.safe_load(fh) or {}
        if not isinstance(register, dict) or register.get("document") not in found:
            continue  # not a register file of claims (e.g. the exclusions list)
        for claim in register.get("claims") or []:
            if isinstance(claim, dict) and isinstance(claim.get("line"), int):
                found[register["document"]].add(claim["line"])
    return found


def printed_line_rows(path: str | Path, lines_cited: Iterable[int]) -> list[dict[str, Any]]:
    """One row per cited line, in line order, with the line's text as printed."""
    lines = read_lines(path)
    rows = []
    for number in sorted(set(lines_cited)):
        if not 1 <= number <= len(lines):
            raise ExtractionError(
                path, number, f"a raw row cites line {number}, but the document has {len(lines)} lines"
            )
        text = lines[number - 1]
        if not text.strip():
            raise ExtractionError(path, number, "a raw row cites a blank line")
        rows.append({"line_text": text, "source_line": number})
    return rows
