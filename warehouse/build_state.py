"""What happened to the build database, so that only a checked build is ever published.

Every step that changes the build database (an ingest asset, the dbt step) first records itself
in `meta.build_log`. The consistency checks record when they ran in `quality.check_results`.
A build may be published only if its newest check run started after its last change: a run
killed after changing the build, or a run that changed it without checking, cannot publish
through a later run that only re-publishes.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def file_state(path: Path) -> str:
    """The build file's modification time and size: any write to it, by a run, a killed run
    or dbt by hand, changes them (opening it, even read-write, or a checkpoint with nothing to
    write does not)."""
    stat = os.stat(path)
    return f"{stat.st_mtime_ns}:{stat.st_size}"


def record_change(con: duckdb.DuckDBPyConnection, run_id: str, step: str) -> None:
    con.execute("create schema if not exists meta")
    con.execute(
        "create table if not exists meta.build_log "
        "(run_id varchar not null, step varchar not null, started_at timestamp not null)"
    )
    con.execute("insert into meta.build_log values (?, ?, ?)", [run_id, step, utc_now()])


def last_change(con: duckdb.DuckDBPyConnection) -> tuple[str, str, dt.datetime] | None:
    """(run id, step, when) of the newest change to the build, or None if none is recorded."""
    recorded = con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        "and schema_name = 'meta' and table_name = 'build_log'"
    ).fetchone()[0]
    if not recorded:
        return None
    return con.execute(
        "select run_id, step, started_at from meta.build_log order by started_at desc limit 1"
    ).fetchone()


def unchecked_change(con: duckdb.DuckDBPyConnection) -> str | None:
    """Why the build may not be published, or None when its last change has been checked."""
    tables = {
        name
        for (name,) in con.execute(
            "select schema_name || '.' || table_name from duckdb_tables() where database_name = current_database()"
        ).fetchall()
    }
    if "quality.check_results" not in tables:
        return "no consistency check results recorded"
    checked_at = con.execute("select max(checked_at) from quality.check_results").fetchone()[0]
    changed = last_change(con)
    if changed and (checked_at is None or checked_at < changed[2]):
        return f"changed by run {changed[0]} ({changed[1]}) at {changed[2]}, after the last checks ({checked_at})"
    return None
