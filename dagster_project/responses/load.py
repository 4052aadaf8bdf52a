"""Load checked collections into the build database: `raw.responses__answers` (one row per
answer, all collections) and `raw.responses__collections` (one row per collection)."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from dagster_project.build_state import utc_now
from dagster_project.responses.contract import SYNTHETIC_PREFIX, LoadedCollection, read_collection
from dagster_project.responses.generator import SYNTHETIC_NOTE

ANSWERS_TABLE = "raw.responses__answers"
COLLECTIONS_TABLE = "raw.responses__collections"


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists raw")
    con.execute(
        f"create table if not exists {ANSWERS_TABLE} (collection varchar not null, trust_code varchar not null, "
        "respondent_id bigint not null, audience varchar not null, question_id integer not null, "
        "answer varchar not null, source_row bigint not null)"
    )
    con.execute(
        f"create table if not exists {COLLECTIONS_TABLE} (collection varchar not null primary key, "
        "file_name varchar not null, file_sha256 varchar not null, answers bigint not null, "
        "respondents bigint not null, is_synthetic boolean not null, loaded_at timestamp not null, run_id varchar not null)"
    )


def loaded_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """sha256 of the file each loaded collection came from."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = 'responses__collections' "
        "and database_name = current_database()"
    ).fetchone()[0]
    if not exists:
        return {}
    return dict(con.execute(f"select collection, file_sha256 from {COLLECTIONS_TABLE}").fetchall())


def load_collection(con: duckdb.DuckDBPyConnection, path, run_id: str) -> LoadedCollection:
    """Check one collection file, then replace its rows; a bad file changes nothing."""
    ensure_tables(con)
    loaded = read_collection(con, path)  # raises before anything is replaced
    con.execute("begin transaction")
    try:
        con.execute(f"delete from {ANSWERS_TABLE} where collection = ?", [loaded.collection])
        con.execute(
            f"insert into {ANSWERS_TABLE} select collection, trust_code, respondent_id, audience, question_id, "
            "answer, source_row from typed order by source_row"
        )
        con.execute(f"delete from {COLLECTIONS_TABLE} where collection = ?", [loaded.collection])
        con.execute(
            f"insert into {COLLECTIONS_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?)",
            [loaded.collection, loaded.path.name, loaded.sha256, loaded.rows, loaded.respondents,
             loaded.is_synthetic, utc_now(), run_id],
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.execute("drop table if exists typed")
    return loaded


def drop_collections(con: duckdb.DuckDBPyConnection, keep: Iterable[str]) -> list[str]:
    """Remove the collections not in `keep` (their files are gone); return their ids."""
    ensure_tables(con)
    keep = set(keep)
    gone = [c for (c,) in con.execute(f"select collection from {COLLECTIONS_TABLE} order by 1").fetchall() if c not in keep]
    for collection in gone:
        con.execute(f"delete from {ANSWERS_TABLE} where collection = ?", [collection])
        con.execute(f"delete from {COLLECTIONS_TABLE} where collection = ?", [collection])
    return gone


def label_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Table comments that say which collections are synthetic (BI tools show them)."""
    synthetic = con.execute(
        f"select count(*) filter (where is_synthetic), count(*) from {COLLECTIONS_TABLE}"
    ).fetchone()
    label = (
        f"{synthetic[0]} of {synthetic[1]} collections are SYNTHETIC (ids starting '{SYNTHETIC_PREFIX}', "
        f"is_synthetic in {COLLECTIONS_TABLE}): {SYNTHETIC_NOTE}"
    ).replace("'", "''")
    con.execute(f"comment on table {ANSWERS_TABLE} is 'Respondent-level answers, one row per answer. {label}'")
    con.execute(f"comment on table {COLLECTIONS_TABLE} is 'One row per loaded collection of answers. {label}'")
