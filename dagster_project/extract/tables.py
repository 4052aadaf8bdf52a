"""Declarations of the raw tables, and the atomic writer that puts them on disk.

Every raw CSV is declared once here-by its extractor module-as a `Table`: the file it
lives in, its columns with DuckDB types and meanings, and notes on how the extractor handled
the document's ragged spots. The ingest assets load each CSV with exactly these columns and
types, and `raw/README.md` (the data dictionary) is rendered from the same declarations.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

# DuckDB types a raw column may have. DECIMAL keeps printed figures exact (3.49 stays 3.49).
ALLOWED_TYPES = ("VARCHAR", "INTEGER", "BIGINT", "BOOLEAN", "DATE") + tuple(
    f"DECIMAL({p},{s})" for p in range(1, 19) for s in range(0, p + 1)
)


class ExtractionError(Exception):
    """A source document does not hold what the extractor expects at a given line."""

    def __init__(self, document: str | Path, line: int | None, message: str):
        self.document = str(document)
        self.line = line
        where = f"{self.document}:{line}" if line is not None else self.document
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    unit: str = ""
    nullable: bool = False
    # Domain checks applied when raw/ is ingested (a bad CSV names file, line and column).
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.type not in ALLOWED_TYPES:
            raise ValueError(f"column {self.name}: type {self.type!r} is not one of the raw types")


SOURCE_LINE = Column("source_line", "INTEGER", "1-based line in the source document that printed this row.")


@dataclass(frozen=True)
class Table:
    """One raw CSV: `raw/<document>/<name>.csv`, loaded as DuckDB table `raw.<document>__<name>`."""

    document: str  # 'appendix' or 'devon'
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if names[-1] != "source_line":
            raise ValueError(f"{self.relpath}: the last column must be source_line")
        if len(set(names)) != len(names):
            raise ValueError(f"{self.relpath}: duplicate column names")
        missing = set(self.key) - set(names)
        if missing:
            raise ValueError(f"{self.relpath}: key columns {sorted(missing)} are not columns")

    @property
    def relpath(self) -> str:
        return f"{self.document}/{self.name}.csv"

    @property
    def table_name(self) -> str:
        return f"{self.document}__{self.name}"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


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
