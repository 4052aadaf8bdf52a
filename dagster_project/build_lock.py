"""One run at a time on the build database, whichever way the run was started.

The instance's run queue (.dagster_home/dagster.yaml) holds back UI, schedule and sensor runs
while one is in progress; `make run` executes in process and does not pass through that queue.
This lock covers both: every step that touches the build database requires the resource, and
with the in-process executor a resource lives for the whole run. It is an flock, so a killed
run releases it with its process. A killed run's dbt subprocess can outlive it and still hold
DuckDB's own lock on the file, so the lock also waits until DuckDB lets a writer in, for a
bounded time. Taking the lock stamps the run with its process (see run_liveness.py), so a run
killed later is found dead.
"""

import contextlib
import datetime as dt
import fcntl
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from dagster_project.run_liveness import stamp_run

# a killed run's dbt finishes its current statement and exits well within this
DUCKDB_WAIT_SECONDS = 10 * 60
_DUCKDB_HOLDER = re.compile(r"\(PID (\d+)\)")


def lock_holder(path: str | Path) -> str | None:
    """Who holds the build lock ("run … (pid …) since …"), or None when it is free."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return Path(path).read_text().strip() or "another run"
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def lock_path(database: str | Path) -> Path:
    return Path(database).with_suffix(".lock")


@contextlib.contextmanager
def reading(database: str | Path, *, wait: bool = True) -> Iterator[None]:
    """Hold the build lock shared while this process reads the build database outside a run.
    DuckDB lets no process write a file another has open, even read-only: a run (which holds
    the lock exclusively) waits for the read to end instead of failing on it, and the read
    waits for a run in progress (with `wait=False` it raises BlockingIOError instead)."""
    path = lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH if wait else fcntl.LOCK_SH | fcntl.LOCK_NB)
        yield
    finally:
        os.close(fd)  # releases the flock


def _command_line(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()[:200]
    except OSError:
        return "?"


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
        since = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        os.ftruncate(self._fd, 0)
        os.write(self._fd, f"run {context.run_id} (pid {os.getpid()}) since {since}".encode())
        if context.instance is not None and context.run_id:
            stamp_run(context.instance, context.run_id)
        self._wait_for_duckdb(context)

    def _wait_for_duckdb(self, context: dg.InitResourceContext) -> None:
        """Wait, bounded, for a process outside every run (a killed run's dbt) to let go of the file."""
        started = time.monotonic()
        told = False
        while True:
            try:
                duckdb.connect(self.database).close()
                if told:
                    context.log.info(f"build database free after {time.monotonic() - started:.1f} s")
                return
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise
                match = _DUCKDB_HOLDER.search(str(exc))
                holder = f"process {match.group(1)} ({_command_line(match.group(1))})" if match else "another process"
                if time.monotonic() - started > DUCKDB_WAIT_SECONDS:
                    raise dg.Failure(
                        f"{self.database} is still held by {holder} after {DUCKDB_WAIT_SECONDS} s, though no run "
                        "holds the build lock: most likely the dbt of a killed run that hangs. Stop that "
                        "process and start the run again."
                    ) from exc
                if not told:
                    context.log.info(
                        f"{self.database} is held by {holder} outside any run, most likely the dbt of a killed "
                        f"run finishing its statement; waiting up to {DUCKDB_WAIT_SECONDS} s"
                    )
                    told = True
                time.sleep(1)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
