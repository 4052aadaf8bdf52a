"""The extractor's errors and its atomic writer: the CSV text of a declared table, and every
file put in place together or not at all."""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from warehouse.tables.schema import Table


class ExtractionError(Exception):
    """A source document does not hold what the extractor expects at a given line."""

    def __init__(self, document: str | Path, line: int | None, message: str):
        self.document = str(document)
        self.line = line
        where = f"{self.document}:{line}" if line is not None else self.document
        super().__init__(f"{where}: {message}")


def format_cell(value: Any) -> str:
    """The CSV text of one value: None is empty, booleans are true/false, numbers as printed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        raise TypeError("raw values are int, Decimal or str; a float would lose the printed digits")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def render_csv(table: Table, rows: Iterable[Mapping[str, Any]]) -> str:
    """The CSV text of a table: header, then one line per row in the given order, LF endings."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(table.column_names)
    for i, row in enumerate(rows):
        extra = set(row) - set(table.column_names)
        if extra:
            raise ValueError(f"{table.relpath} row {i}: unknown columns {sorted(extra)}")
        cells = []
        for col in table.columns:
            value = row.get(col.name)
            if value is None and not col.nullable:
                raise ValueError(f"{table.relpath} row {i}: column {col.name} is empty but not nullable")
            cells.append(format_cell(value))
        writer.writerow(cells)
    return buf.getvalue()


def write_tables(out_dir: Path, rendered: Mapping[str, str]) -> None:
    """Write every file into a temporary folder beside `out_dir`, then move them into place.

    `rendered` maps a path relative to `out_dir` to its text. Nothing in `out_dir` changes
    unless every file was rendered; files not named in `rendered` are left alone.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".extract-", dir=out_dir))
    try:
        for relpath, text in rendered.items():
            target = staging / relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        for relpath in rendered:
            final = out_dir / relpath
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / relpath, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
