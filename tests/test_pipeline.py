"""End to end: the main command materialises raw and staging; a bad raw file stops it."""

from __future__ import annotations

import shutil

import duckdb

from tests.conftest import pipeline_env, run_main_command
from warehouse.config import settings
from warehouse.tables import TABLES


def csv_rows(relpath: str) -> int:
    return (settings().raw_dir / relpath).read_text(encoding="utf-8").count("\n") - 1


def test_every_raw_table_holds_the_rows_of_its_csv(warehouse):
    for table in TABLES:
        assert warehouse.query(f"select count(*) from raw.{table.table_name}") == [(csv_rows(table.relpath),)]


def test_every_staging_model_holds_the_rows_of_its_csv(warehouse):
    for table in TABLES:
        model = f"staging.stg_{table.table_name}"
        assert warehouse.query(f"select count(*) from {model}") == [(csv_rows(table.relpath),)], model


def test_the_main_command_says_where_the_warehouse_is(warehouse):
    assert str(warehouse.build_db) in warehouse.stdout
    assert "nightly_refresh succeeded" in warehouse.stdout


def test_a_malformed_raw_csv_fails_with_file_line_and_column_and_nothing_downstream_runs(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(settings().raw_dir, raw)
    bad = raw / "appendix" / "responses.csv"
    lines = bad.read_text(encoding="utf-8").split("\n")
    cells = lines[5].split(",")
    cells[4] = "98x"  # leaders_managers, data row 5 = file line 6
    lines[5] = ",".join(cells)
    bad.write_text("\n".join(lines), encoding="utf-8")
    env = {**pipeline_env(tmp_path), "IW_RAW_DIR": str(raw)}

    result = run_main_command(env)

    assert result.returncode == 1
    assert f"{bad}, line 6, column leaders_managers" in result.stderr
    # dbt never ran: the staging schema was not created
    with duckdb.connect(env["IW_BUILD_DB"], read_only=True) as con:
        schemas = {s for (s,) in con.execute("select distinct table_schema from information_schema.tables").fetchall()}
    assert "staging" not in schemas
