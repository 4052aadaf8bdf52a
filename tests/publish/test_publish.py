"""publish() swaps a stamped copy of the build in atomically and keeps the previous one."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb
import pytest

from warehouse.publish import (
    TMP_MARKER,
    Provenance,
    integrity_check,
    previous_path,
    publish,
    rollback,
)


def provenance(run_id: str) -> Provenance:
    return Provenance(
        run_id=run_id,
        code_version="abc123",
        raw_files={"appendix/questions.csv": "f" * 64},
        checks_total=3,
        checks_failed_error=0,
        checks_failed_warn=1,
        findings=2,
    )


def build(path: Path, value: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.execute("create or replace table marts.figure as select ? as value", [value])
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read(path: Path, sql: str):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture
def paths(tmp_path):
    return tmp_path / "build" / "warehouse.duckdb", tmp_path / "published" / "warehouse.duckdb"


def test_the_published_file_holds_the_build_and_its_publish_log(paths):
    build_db, published_db = paths
    publish(build(build_db, 1), published_db, provenance("run-1"))
    assert read(published_db, "select value from marts.figure") == [(1,)]
    assert read(published_db, "select run_id, code_version, checks_failed_warn, findings from meta.publish_log") == [
        ("run-1", "abc123", 1, 2)
    ]
    assert read(published_db, "select raw_file from meta.publish_raw_files") == [("appendix/questions.csv",)]


def test_the_publish_log_keeps_the_history_of_earlier_publishes(paths):
    build_db, published_db = paths
    publish(build(build_db, 1), published_db, provenance("run-1"))
    publish(build(build_db, 2), published_db, provenance("run-2"))
    assert read(published_db, "select run_id from meta.publish_log order by published_at") == [("run-1",), ("run-2",)]


def test_the_build_database_is_not_changed_by_a_publish(paths):
    build_db, published_db = paths
    build(build_db, 1)
    with duckdb.connect(str(build_db)) as con:
        con.execute("checkpoint")
    before = sha(build_db)
    publish(build_db, published_db, provenance("run-1"))
    assert sha(build_db) == before
    assert read(build_db, "select count(*) from information_schema.schemata where schema_name = 'meta'") == [(0,)]


def test_the_replaced_file_is_kept_as_the_previous_warehouse(paths):
    build_db, published_db = paths
    publish(build(build_db, 1), published_db, provenance("run-1"))
    first = sha(published_db)
    publish(build(build_db, 2), published_db, provenance("run-2"))
    assert sha(previous_path(published_db)) == first


def test_rollback_restores_the_previous_warehouse_and_running_it_again_undoes_it(paths):
    build_db, published_db = paths
    publish(build(build_db, 1), published_db, provenance("run-1"))
    publish(build(build_db, 2), published_db, provenance("run-2"))
    rollback(published_db)
    assert read(published_db, "select value from marts.figure") == [(1,)]
    rollback(published_db)
    assert read(published_db, "select value from marts.figure") == [(2,)]


def test_rollback_without_a_previous_warehouse_says_so(paths):
    build_db, published_db = paths
    publish(build(build_db, 1), published_db, provenance("run-1"))
    with pytest.raises(FileNotFoundError, match="no previous warehouse"):
        rollback(published_db)


def test_a_reader_holding_the_old_file_keeps_reading_it_after_a_publish(paths):
    build_db, published_db = paths
    publish(build(build_db, 1), published_db, provenance("run-1"))
    reader = duckdb.connect(str(published_db), read_only=True)
    publish(build(build_db, 2), published_db, provenance("run-2"))
    assert reader.execute("select value from marts.figure").fetchall() == [(1,)]
    reader.close()
    assert read(published_db, "select value from marts.figure") == [(2,)]


def test_a_leftover_temporary_file_from_a_killed_publish_is_removed(paths):
    build_db, published_db = paths
    published_db.parent.mkdir(parents=True)
    leftover = published_db.parent / f"{TMP_MARKER}deadbeef.duckdb"
    leftover.write_bytes(b"half a copy")
    publish(build(build_db, 1), published_db, provenance("run-1"))
    assert not leftover.exists()
    assert sorted(p.name for p in published_db.parent.iterdir()) == ["warehouse.duckdb"]


def test_the_integrity_check_rejects_a_file_that_was_never_published(paths):
    build_db, _ = paths
    with pytest.raises(RuntimeError, match="not a published warehouse"):
        integrity_check(build(build_db, 1))


def test_a_build_changed_after_its_last_checks_is_not_publishable(tmp_path):
    from warehouse.build_state import record_change, unchecked_change

    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    assert unchecked_change(con) == "no consistency check results recorded"
    record_change(con, "run-1", "dbt build")
    con.execute("create schema quality")
    con.execute("create table quality.check_results as select now()::timestamp as checked_at")
    con.execute(
        "update quality.check_results set checked_at = (select max(started_at) from meta.build_log) + interval 1 second"
    )
    assert unchecked_change(con) is None
    record_change(con, "run-2", "ingest appendix/questions.csv")
    con.execute("update meta.build_log set started_at = started_at + interval 1 hour where run_id = 'run-2'")
    assert "changed by run run-2" in unchecked_change(con)


def test_a_publish_after_one_killed_between_its_two_renames_leaves_no_temporary_file(paths):
    build_db, published_db = paths
    publish(build(build_db, 1), published_db, provenance("run-1"))
    # killed after the published file was linked as previous, before the new copy replaced it
    os.link(published_db, previous_path(published_db))
    publish(build(build_db, 2), published_db, provenance("run-2"))
    assert sorted(p.name for p in published_db.parent.iterdir()) == ["warehouse.duckdb", "warehouse.previous.duckdb"]
    assert read(published_db, "select value from marts.figure") == [(2,)]
    assert read(previous_path(published_db), "select value from marts.figure") == [(1,)]
