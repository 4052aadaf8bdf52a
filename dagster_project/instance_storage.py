"""Run history writes: no fsync per event, and kept connections instead of one per event.

The Dagster instance keeps its run history in SQLite (WAL mode): a file per run and an index
file. A run of the nightly job writes some 1,400 events (a materialisation per model, a result
and a planned event per dbt test and consistency rule), and Dagster's SQLite storage creates an
engine, opens a connection, writes and closes it again for each, twice for asset events (run
file and index). Closing the last connection to a WAL file also checkpoints it. Two changes, for
every process that imports the project's definitions (`make run`, the run workers the daemon
and the UI start), which is where runs write their events:

- `synchronous=NORMAL`, SQLite's recommended setting for WAL: commits stay atomic and the
  database consistent; only the last moments of history can be lost on a power cut (never the
  warehouse: publishing fsyncs the file it publishes).
- The event log storage keeps an engine, with its open connection, per file for the last
  `KEPT_FILES` files it wrote, instead of one per write. Its own lock still serialises every
  use, as before; other processes see each write once it commits, as before.

Both touch Dagster's private storage code: tests/test_instance_storage.py fails if an upgrade
changes what they rely on.
"""

import contextlib
import sqlite3
from collections import OrderedDict
from collections.abc import Iterator

from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine

KEPT_FILES = 8


@event.listens_for(Engine, "connect")
def _no_fsync_per_commit(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _engines(storage: SqliteEventLogStorage) -> "OrderedDict[str, Engine]":
    return storage.__dict__.setdefault("_kept_engines", OrderedDict())


@contextlib.contextmanager
def _kept_connection(self: SqliteEventLogStorage, shard: str) -> Iterator[Connection]:
    """SqliteEventLogStorage._connect, over an engine kept per file (least recently used dropped)."""
    with self._db_lock:  # held until the caller is done: no other use of any kept engine meanwhile
        engines = _engines(self)
        engine = engines.pop(shard, None) or create_engine(
            self.conn_string_for_shard(shard),
            # used under the storage's lock only, from whichever thread holds it
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
        engines[shard] = engine
        while len(engines) > KEPT_FILES:
            engines.popitem(last=False)[1].dispose()
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        with engine.connect() as conn, conn.begin():
            yield conn


def _drop_kept_engines(storage: SqliteEventLogStorage) -> None:
    with storage._db_lock:
        engines = _engines(storage)
        while engines:
            engines.popitem()[1].dispose()


_dagster_wipe = SqliteEventLogStorage.wipe
_dagster_dispose = SqliteEventLogStorage.dispose


def _wipe(self: SqliteEventLogStorage) -> None:
    _drop_kept_engines(self)  # before the files go: no write may land in a deleted file
    _dagster_wipe(self)


def _dispose(self: SqliteEventLogStorage) -> None:
    _drop_kept_engines(self)
    _dagster_dispose(self)


SqliteEventLogStorage._connect = _kept_connection
SqliteEventLogStorage.wipe = _wipe
SqliteEventLogStorage.dispose = _dispose
