"""One run at a time on the build database, whichever way the run was started.

The instance's run queue (.dagster_home/dagster.yaml) holds back UI, schedule and sensor runs
while one is in progress; `make run` executes in process and does not pass through that queue.
This lock covers both: every step that touches the build database requires the resource, and
with the in-process executor a resource lives for the whole run. It is an flock, so a killed
run releases it with its process.
"""

import fcntl
import os
import time
from pathlib import Path

import dagster as dg
from pydantic import PrivateAttr


class BuildLock(dg.ConfigurableResource):
    path: str

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

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
