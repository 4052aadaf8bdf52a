"""Keep the checked collections: each collection's answer counts in the store (one Parquet file
per collection, per question, trust, audience and answer; what dbt reads) and one row per
collection in `raw.responses__collections` of the build database.

A collection's answers are read once, when its file is new or changed: the pass that checks
them counts them, and dbt sums the counts, so the nightly build never scans answers again. The
counts stay outside the warehouse: the published file BI reads holds no row per trust or
respondent, only the regenerated appendix tables.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import duckdb

from warehouse.build_state import utc_now
from warehouse.responses.contract import SYNTHETIC_PREFIX, LoadedCollection, read_collection

COLLECTIONS_TABLE = "raw.responses__collections"
SYNTHETIC_LABEL = (
    "SYNTHETIC answers generated from the published appendix tables by warehouse.responses; "
    "not real responses. Only their aggregates are meaningful, and only as a reproduction of the published tables."
)


def store_dir(build_db: Path) -> Path:
    """The collections' checked answer counts, beside the build database (dbt's source reads them)."""
    return Path(build_db).parent / "response_counts"


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists raw")
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


def load_collection(con: duckdb.DuckDBPyConnection, path: Path, run_id: str, store: Path) -> LoadedCollection:
    """Check and count one collection file, then replace its counts; a bad file changes nothing."""
    ensure_tables(con)
    store.mkdir(parents=True, exist_ok=True)
    path = Path(path)
    staged = store / f"{path.stem}.parquet.tmp"  # not matched by the store's *.parquet
    try:
        loaded = read_collection(con, path, staged)  # raises before anything is replaced
        con.execute("begin transaction")
        try:
            con.execute(f"delete from {COLLECTIONS_TABLE} where collection = ?", [loaded.collection])
            con.execute(
                f"insert into {COLLECTIONS_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    loaded.collection,
                    path.name,
                    loaded.sha256,
                    loaded.rows,
                    loaded.respondents,
                    loaded.is_synthetic,
                    utc_now(),
                    run_id,
                ],
            )
            os.replace(staged, store / f"{loaded.collection}.parquet")
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    finally:
        staged.unlink(missing_ok=True)
    return loaded


def drop_collections(con: duckdb.DuckDBPyConnection, keep: Iterable[str], store: Path) -> list[str]:
    """Remove the collections not in `keep` (their files are gone); return their ids."""
    ensure_tables(con)
    keep = set(keep)
    listed = {c for (c,) in con.execute(f"select collection from {COLLECTIONS_TABLE}").fetchall()}
    stored = {p.stem for p in store.glob("*.parquet")} if store.is_dir() else set()
    gone = sorted((listed | stored) - keep)
    for collection in gone:
        con.execute(f"delete from {COLLECTIONS_TABLE} where collection = ?", [collection])
        (store / f"{collection}.parquet").unlink(missing_ok=True)
    return gone


def label_tables(con: duckdb.DuckDBPyConnection) -> None:
    """A table comment that says which collections are synthetic (BI tools show it)."""
    synthetic, total = con.execute(
        f"select count(*) filter (where is_synthetic), count(*) from {COLLECTIONS_TABLE}"
    ).fetchone()
    label = (
        f"One row per checked collection of answers. {synthetic} of {total} collections are SYNTHETIC "
        f"(ids starting '{SYNTHETIC_PREFIX}', is_synthetic): {SYNTHETIC_LABEL}"
    ).replace("'", "''")
    con.execute(f"comment on table {COLLECTIONS_TABLE} is '{label}'")
