"""A raw CSV that does not match its declaration is rejected with file, line and column."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from warehouse.raw_files import RawFileError, load_csv, validate_csv
from warehouse.tables.schema import SOURCE_LINE, Column, Table

TABLE = Table(
    document="appendix",
    name="example",
    description="A small table shaped like the raw ones.",
    columns=(
        Column("question_id", "INTEGER", "Question number.", minimum=1, maximum=59),
        Column("audience", "VARCHAR", "Who answered.", choices=("leaders_managers", "frontline", "total")),
        Column("avg_score_published", "DECIMAL(3,2)", "Printed average."),
        Column("note", "VARCHAR", "Free text.", nullable=True),
        SOURCE_LINE,
    ),
    key=("question_id", "audience"),
)
GOOD = (
    "question_id,audience,avg_score_published,note,source_line\n"
    "5,leaders_managers,2.46,,148\n"
    '5,frontline,2.68,"with, a comma",148\n'
)


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "example.csv"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_a_well_formed_file_loads_with_its_declared_types(tmp_path):
    con = duckdb.connect()
    loaded = load_csv(con, write(tmp_path, GOOD), TABLE)
    assert loaded.row_count == 2
    types = dict(
        con.execute(
            "select column_name, data_type from information_schema.columns where table_name = 'appendix__example'"
        ).fetchall()
    )
    assert types["avg_score_published"] == "DECIMAL(3,2)"
    assert types["question_id"] == "INTEGER"
    assert con.execute("select note from raw.appendix__example where audience = 'frontline'").fetchone() == (
        "with, a comma",
    )


@pytest.mark.parametrize(
    ("text", "line", "column", "says"),
    [
        (GOOD.replace("avg_score_published,", ""), 1, "avg_score_published", "missing column"),
        (GOOD.replace("note,", "note,extra,"), 1, "extra", "unexpected column"),
        (GOOD.replace("5,frontline,2.68", "5,frontline,2.6x"), 3, "avg_score_published", "2.6x"),
        (GOOD.replace("5,frontline", "x5,frontline"), 3, "question_id", "whole number"),
        (GOOD.replace("5,frontline", "60,frontline"), 3, "question_id", "at most 59"),
        (GOOD.replace("5,frontline", "-5,frontline"), 3, "question_id", "at least 1"),
        (GOOD.replace("frontline", "parents"), 3, "audience", "one of"),
        (GOOD.replace(",148\n5,", ",148\n5,leaders_managers,1.00,,1\n5,"), 3, None, "first seen on line 2"),
        (GOOD.replace('"with, a comma",148', '"with, a comma"'), 3, "source_line", "expected 5 cells"),
        (GOOD.rstrip("\n"), 3, None, "truncated"),
        (GOOD.replace("\n", "\r\n"), 1, None, "carriage return"),
        ("\ufeff" + GOOD, 1, None, "byte-order mark"),
        ("", 1, None, "empty"),
        (GOOD.splitlines(keepends=True)[0], 2, None, "no data rows"),
    ],
    ids=[
        "missing-column",
        "extra-column",
        "bad-decimal",
        "non-numeric-count",
        "above-maximum",
        "negative",
        "unknown-code",
        "duplicate-key",
        "missing-cell",
        "truncated-last-line",
        "crlf",
        "bom",
        "empty-file",
        "header-only",
    ],
)
def test_a_malformed_file_names_file_line_and_column(tmp_path, text, line, column, says):
    path = write(tmp_path, text)
    with pytest.raises(RawFileError) as caught:
        validate_csv(path, TABLE)
    error = caught.value
    assert (error.path, error.line, error.column) == (path, line, column)
    assert str(path) in str(error) and says in str(error)


def test_a_rejected_file_leaves_the_loaded_table_as_it_was(tmp_path):
    con = duckdb.connect()
    load_csv(con, write(tmp_path, GOOD), TABLE)
    with pytest.raises(RawFileError):
        load_csv(con, write(tmp_path, GOOD.replace("2.68", "oops")), TABLE)
    assert con.execute("select count(*) from raw.appendix__example").fetchone() == (2,)
