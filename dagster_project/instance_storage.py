"""Run history writes without an fsync per event.

The Dagster instance keeps its run history in SQLite (WAL mode), opening a connection per
write; with SQLite's default `synchronous=FULL` every event of a run (several hundred: a
materialisation per model, a result per dbt test and consistency rule) waits for the disk.
`synchronous=NORMAL` is SQLite's recommended setting for WAL: commits stay atomic and the
database consistent, and only the last moments of history can be lost on a power cut (never
the warehouse: publishing fsyncs the file it publishes). Set for every SQLite connection this
process opens, which is how the process that executes a run writes its events.
"""

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _no_fsync_per_commit(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
