"""Validate a raw CSV against its declaration, then load it into DuckDB with explicit types.

DuckDB's reader would reject most bad files too, but its messages speak of its own buffers; a
data engineer needs the file, the line and the column. So every file is checked here first,
strictly (no sniffing, no coercion), and only a file that passes is handed to `read_csv`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.tables.schema import Column, Table

_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
_DECIMAL_TYPE = re.compile(r"DECIMAL\((\d+),(\d+)\)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class RawFileError(ValueError):
    """A raw CSV that does not match its declaration; says where and what was expected."""

    def __init__(self, path: Path, line: int | None, column: str | None, message: str):
        self.path, self.line, self.column = Path(path), line, column
        where = str(path)
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column {column}"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class LoadedFile:
    table: Table
    path: Path
    row_count: int
    sha256: str


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def raw_fingerprint(raw_dir: Path) -> dict[str, str]:
    """sha256 of every file under raw_dir, by path relative to it."""
    return {
        path.relative_to(raw_dir).as_posix(): file_sha256(path)
        for path in sorted(Path(raw_dir).rglob("*"))
        if path.is_file()
    }


def _check_cell(path: Path, line: int, col: Column, text: str) -> None:
    def fail(expected: str) -> None:
        raise RawFileError(path, line, col.name, f"expected {expected}, found {text!r}")

    if text == "":
        if not col.nullable:
            fail(f"a {col.type} value (the column may not be empty)")
        return
    if col.type in ("INTEGER", "BIGINT"):
        if not _INTEGER.fullmatch(text):
            fail("a whole number with no thousands separator")
        value: float | int = int(text)
    elif match := _DECIMAL_TYPE.fullmatch(col.type):
        precision, scale = int(match[1]), int(match[2])
        fraction = rf"(\.[0-9]{{1,{scale}}})?" if scale else ""
        if not re.fullmatch(rf"-?[0-9]{{1,{precision - scale}}}{fraction}", text):
            fail(f"a number with at most {precision - scale} digits before and {scale} after the point")
        value = float(text)
    elif col.type == "BOOLEAN":
        if text not in ("true", "false"):
            fail("true or false")
        return
    elif col.type == "DATE":
        if not _DATE.fullmatch(text):
            fail("a date as YYYY-MM-DD")
        return
    else:  # VARCHAR
        if col.choices and text not in col.choices:
            fail(f"one of {', '.join(col.choices)}")
        return
    if col.minimum is not None and value < col.minimum:
        fail(f"a value of at least {col.minimum}")
    if col.maximum is not None and value > col.maximum:
        fail(f"a value of at most {col.maximum}")


def validate_csv(path: Path, table: Table) -> int:
    """Check a raw CSV cell by cell against its declaration; return its number of data rows."""
    path = Path(path)
    if not path.exists():
        raise RawFileError(path, None, None, f"file not found (expected the raw table {table.relpath})")
    data = path.read_bytes()
    if not data:
        raise RawFileError(path, 1, None, "the file is empty; expected a header row")
    if data.startswith(b"\xef\xbb\xbf"):
        raise RawFileError(path, 1, None, "the file starts with a byte-order mark; expected plain UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RawFileError(path, line, None, f"not valid UTF-8 ({exc.reason})") from None
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        raise RawFileError(path, line, None, "carriage return found; expected LF line endings")
    if not text.endswith("\n"):
        raise RawFileError(path, text.count("\n") + 1, None, "the last line is truncated (no final newline)")

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    expected = table.column_names
    try:
        header = next(reader)
    except csv.Error as exc:
        raise RawFileError(path, 1, None, f"unreadable header: {exc}") from None
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        if missing:
            raise RawFileError(path, 1, missing[0], f"missing column; expected header {','.join(expected)}")
        if extra:
            raise RawFileError(path, 1, extra[0], f"unexpected column; expected header {','.join(expected)}")
        raise RawFileError(path, 1, None, f"columns out of order; expected header {','.join(expected)}")

    key_index = [expected.index(k) for k in table.key]
    seen: dict[tuple[str, ...], int] = {}
    rows = 0
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise RawFileError(path, line, None, f"unreadable row: {exc}") from None
        line = reader.line_num  # a quoted cell may span lines; report where the row ends
        if len(cells) != len(expected):
            column = expected[len(cells)] if len(cells) < len(expected) else None
            raise RawFileError(path, line, column, f"expected {len(expected)} cells, found {len(cells)}")
        for col, cell in zip(table.columns, cells, strict=False):
            _check_cell(path, line, col, cell)
        key = tuple(cells[i] for i in key_index)
        if key in seen:
            named = ", ".join(f"{k}={v}" for k, v in zip(table.key, key, strict=False))
            raise RawFileError(path, line, None, f"duplicate key ({named}); first seen on line {seen[key]}")
        seen[key] = line
        rows += 1
    if rows == 0:
        raise RawFileError(path, 2, None, "no data rows after the header")
    return rows


def load_csv(con: duckdb.DuckDBPyConnection, path: Path, table: Table) -> LoadedFile:
    """Validate `path`, then replace `raw.<table>` with its rows, typed as declared."""
    rows = validate_csv(path, table)
    columns = ", ".join(f"'{c.name}': '{c.type}'" for c in table.columns)
    not_null = ", ".join(f"{c.name} {c.type}{'' if c.nullable else ' not null'}" for c in table.columns)
    con.execute("create schema if not exists raw")
    con.execute(f"create or replace table raw.{table.table_name} ({not_null})")
    con.execute(
        f"insert into raw.{table.table_name} select * from read_csv(?, header = true, "
        f"auto_detect = false, delim = ',', quote = '\"', escape = '\"', columns = {{{columns}}})",
        [str(path)],
    )
    loaded = con.execute(f"select count(*) from raw.{table.table_name}").fetchone()[0]
    if loaded != rows:
        raise RawFileError(path, None, None, f"validated {rows} rows but DuckDB loaded {loaded}")
    return LoadedFile(table=table, path=Path(path), row_count=rows, sha256=file_sha256(path))
