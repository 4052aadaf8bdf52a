"""One run at a time on the build database, whichever way the run was started.

The instance's run queue (.dagster_home/dagster.yaml) holds back UI, schedule and sensor runs
while one is in progress; `make run` executes in process and does not pass through that queue.
This lock covers both: every step that touches the build database requires the resource, and
with the in-process executor a resource lives for the whole run. It is an flock, so a killed
run releases it with its process. A killed run's dbt subprocess can outlive it and still hold
DuckDB's own lock on the file, so the lock also waits until DuckDB lets a writer in.
"""

import fcntl
import os
import time
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import PrivateAttr


DUCKDB_WAIT_SECONDS = 30 * 60


class BuildLock(dg.ConfigurableResource):
    path: str
    database: str

    _fd: int | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = Path(self.path).read_text().strip() or "another run"
            context.log.info(f"build database busy ({holder}); waiting for it to finish")
            started = time.monotonic()
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            context.log.info(f"build database free after {time.monotonic() - started:.1f} s")
        os.ftruncate(self._fd, 0)
        os.write(self._fd, f"run {context.run_id} (pid {os.getpid()})".encode())
        self._wait_for_duckdb(context)

    def _wait_for_duckdb(self, context: dg.InitResourceContext) -> None:
        started = time.monotonic()
        while True:
            try:
                duckdb.connect(self.database).close()
                return
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower() or time.monotonic() - started > DUCKDB_WAIT_SECONDS:
                    raise
                if time.monotonic() - started < 1:
                    context.log.info(f"waiting for another process to release the build database: {exc}")
                time.sleep(1)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
