"""The project's only uses of Dagster's private API: three, each because no public feature does it.

Dagster ships weekly and keeps no promise about `dagster._…`; tests/test_dagster_internals.py
fails on the upgrade that breaks one of these, naming which. Nothing else in the project
imports `dagster._…` or touches a private member of a Dagster class.

1. Which assets are stale or missing. The planner (changes.py) must know it before a run,
   from `make run` as from the schedule and the sensor. Dagster's public form of it,
   `RunRequest(stale_assets_only=True)`, is resolved by the daemon after the tick, so a tick
   cannot tell a verify run from a partial one, and `make run`, which runs in process, never
   sees it resolved; the UI reads the same resolver through GraphQL. So we ask that resolver.
2. Run monitoring's health check. A run launcher that can tell whether a run's process is alive
   answers `check_run_worker_health` with a `CheckRunHealthResult`; run launchers are public
   and pluggable (dagster.yaml's `run_launcher`: run_liveness.py), the result's type is not
   exported.
3. One person's SQLite instance, written to without a new connection and an fsync per event.
   Dagster's SQLite event log opens an engine and a connection, writes, and closes them again
   for every event and every read (twice for asset events: the run's file and the index), and
   SQLite waits for the disk at each commit. A nightly run writes some 1,400 events and its
   planning reads some hundreds of records. Kept connections (the last `KEPT_FILES` files
   written, under the storage's own lock, as before) with `synchronous=NORMAL` (SQLite's
   recommended setting for WAL: atomic, consistent commits; only the last moments of history
   can be lost on a power cut, never the warehouse, whose publish fsyncs). Measured on the
   shared 2-core machine: a partial run's planning 3.5-4.4 s without, 0.6-0.8 s with; a run
   writing 300 check results 27-72 s without, 4-6 s with (synchronous=NORMAL alone: 10-37 s).
   No Dagster setting does it; the team's Postgres instance (deploy/postgres) pools its
   connections and needs none of it.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Iterator

import dagster as dg
from dagster._core.definitions.data_version import CachingStaleStatusResolver, LoadingContext, StaleStatus
from dagster._core.launcher import CheckRunHealthResult, WorkerStatus
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SQLITE_BUSY_TIMEOUT_SECONDS, SqliteEventLogStorage
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine

__all__ = ["CheckRunHealthResult", "WorkerStatus", "keep_sqlite_event_log_connections", "stale_or_missing"]


# 1. stale or missing


class _InstanceLoading(LoadingContext):
    """The resolver's batch loaders over one instance, for one planning."""

    def __init__(self, instance: dg.DagsterInstance):
        self._instance = instance
        self._loaders: dict = {}

    @property
    def instance(self) -> dg.DagsterInstance:
        return self._instance

    @property
    def loaders(self) -> dict:
        return self._loaders


def stale_or_missing(instance: dg.DagsterInstance, graph, keys: list[dg.AssetKey]) -> list[dg.AssetKey]:
    """The `keys` that `graph` (a Definitions' or a repository's asset graph) marks stale (their
    code, or an input's data version, changed since they were built) or missing (never built),
    as the UI shows them."""
    resolver = CachingStaleStatusResolver(
        instance=instance, asset_graph=graph, loading_context=_InstanceLoading(instance)
    )
    return [k for k in keys if resolver.get_status(k) in (StaleStatus.STALE, StaleStatus.MISSING)]


# 3. kept SQLite connections

KEPT_FILES = 8
_installed = threading.Lock()


def _no_fsync_per_commit(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _engines(storage: SqliteEventLogStorage) -> OrderedDict[str, Engine]:
    return storage.__dict__.setdefault("_kept_engines", OrderedDict())


@contextlib.contextmanager
def _kept_connection(self: SqliteEventLogStorage, shard: str) -> Iterator[Connection]:
    """SqliteEventLogStorage._connect, over an engine kept per file (least recently used dropped)."""
    with self._db_lock:  # held until the caller is done: no other use of any kept engine meanwhile
        engines = _engines(self)
        engine = engines.pop(shard, None)
        if engine is None:
            engine = create_engine(
                self.conn_string_for_shard(shard),
                # used under the storage's lock only, from whichever thread holds it
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            event.listen(engine, "connect", _no_fsync_per_commit)  # this engine's connections only
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


_dagster_connect = SqliteEventLogStorage._connect
_dagster_wipe = SqliteEventLogStorage.wipe
_dagster_dispose = SqliteEventLogStorage.dispose


def _wipe(self: SqliteEventLogStorage) -> None:
    _drop_kept_engines(self)  # before the files go: no write may land in a deleted file
    _dagster_wipe(self)


def _dispose(self: SqliteEventLogStorage) -> None:
    _drop_kept_engines(self)
    _dagster_dispose(self)


def keep_sqlite_event_log_connections() -> None:
    """Make Dagster's SQLite event log storage keep its connections (3. above), in this process;
    called where runs write their events: by the definitions, which `make run` and every run
    worker the daemon or the UI starts load. Idempotent."""
    with _installed:
        SqliteEventLogStorage._connect = _kept_connection
        SqliteEventLogStorage.wipe = _wipe
        SqliteEventLogStorage.dispose = _dispose
