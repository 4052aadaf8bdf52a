"""Declarations of the raw tables: every raw CSV is declared once as a `Table` (the file it
lives in, its columns with DuckDB types and meanings, and notes on how the extractor handled the
document's ragged spots). The ingest assets load each CSV with exactly these columns and types,
the extractor writes them, and `raw/README.md` (the data dictionary) is rendered from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# DuckDB types a raw column may have. DECIMAL keeps printed figures exact (3.49 stays 3.49).
ALLOWED_TYPES = ("VARCHAR", "INTEGER", "BIGINT", "BOOLEAN", "DATE") + tuple(
    f"DECIMAL({p},{s})" for p in range(1, 19) for s in range(0, p + 1)
)


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
