"""Which runs are still alive, so that a killed run never holds the run queue.

The instance lets one run tagged `iw/warehouse` run at a time. A run whose process is killed
(SIGKILL, out of memory, a reboot) stays `STARTED` in the instance for ever, and every queued
run waits behind it. Dagster's run monitoring can fail such runs, but only through the run
launcher's health check, which the default launcher does not have, and it never sees an
in-process run (`make run`) at all. So every run records which process executes it, and:

- `WorkerCheckingRunLauncher` (the instance's run launcher, in `.dagster_home/dagster.yaml` and
  `deploy/postgres/dagster.yaml`) answers run monitoring's health check from that record, for
  every `STARTED` run whoever started it: the daemon fails a run whose process is gone within
  one poll interval;
- `fail_dead_runs` does the same from `make run`, before it starts, for when no daemon runs.

A process is identified by host, pid and the time the kernel started it, so a pid reused by
another process after a reboot or a wrap-around does not pass for the run's.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from dagster_project.dagster_internals import CheckRunHealthResult, WorkerStatus

WORKER_TAG = "iw/worker"
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _boot_time() -> float:
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("btime "):
            return float(line.split()[1])
    raise RuntimeError("/proc/stat has no btime")


def process_started_at(pid: int) -> float | None:
    """When the kernel started process `pid` (epoch seconds), or None if there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # the command name (field 2) may hold spaces and parentheses: fields after it follow the last ')'
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] == "Z":  # a zombie has exited; only its parent has not reaped it yet
        return None
    return _boot_time() + int(fields[19]) / _CLOCK_TICKS


@dataclass(frozen=True)
class Worker:
    """The process that executes a run."""

    host: str
    pid: int
    started_at: float  # epoch seconds, as the kernel tells it (to 1/CLK_TCK)

    @classmethod
    def current(cls) -> Worker:
        pid = os.getpid()
        return cls(socket.gethostname(), pid, process_started_at(pid) or 0.0)

    @classmethod
    def from_tag(cls, value: str) -> Worker:
        host, pid, started_at = value.rsplit(":", 2)
        return cls(host, int(pid), float(started_at))

    def tag(self) -> dict[str, str]:
        return {WORKER_TAG: f"{self.host}:{self.pid}:{self.started_at:.2f}"}

    def describe(self) -> str:
        started = dt.datetime.fromtimestamp(self.started_at, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        return f"process {self.pid} on {self.host} (started {started})"

    def is_alive(self) -> bool | None:
        """True or False on this host; None on another host, where we cannot look."""
        if self.host != socket.gethostname():
            return None
        started = process_started_at(self.pid)
        # a different start time is another process that was given the same pid
        return started is not None and abs(started - self.started_at) < 1.0


def worker_of(instance: dg.DagsterInstance, run: dg.DagsterRun) -> Worker | None:
    """The run's process: from its tag (set when it starts, see `stamp_run`), else from the
    engine event a run worker launched by the daemon or the UI logs first ("Started process
    for run (pid: N)"), which covers the seconds before the run stamps itself."""
    if WORKER_TAG in run.tags:
        return Worker.from_tag(run.tags[WORKER_TAG])
    for record in instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT).records:
        event = record.event_log_entry.dagster_event
        pid = event.engine_event_data.metadata.get("pid") if event and event.engine_event_data else None
        if pid is not None and event.message.startswith("Started process for run"):
            # the worker was started before it logged this; a later start time is a reused pid
            started = process_started_at(int(pid.value))
            logged = record.event_log_entry.timestamp
            return Worker(socket.gethostname(), int(pid.value), started if started and started <= logged else logged)
    return None


def stamp_run(instance: dg.DagsterInstance, run_id: str) -> None:
    """Record that this process executes the run."""
    instance.add_run_tags(run_id, Worker.current().tag())


def health(instance: dg.DagsterInstance, run: dg.DagsterRun) -> CheckRunHealthResult:
    worker = worker_of(instance, run)
    if worker is None:
        return CheckRunHealthResult(WorkerStatus.RUNNING, "no worker process recorded yet; left to max_runtime_seconds")
    alive = worker.is_alive()
    if alive is None:
        return CheckRunHealthResult(WorkerStatus.RUNNING, f"{worker.describe()} is on another host; not judged")
    if alive:
        return CheckRunHealthResult(WorkerStatus.RUNNING, f"{worker.describe()} is alive")
    found = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return CheckRunHealthResult(
        WorkerStatus.NOT_FOUND,
        f"found dead at {found}: {worker.describe()} is gone (killed, out of memory, or the machine "
        "restarted); the run is marked failed so that queued runs can start",
    )


class WorkerCheckingRunLauncher(dg.DefaultRunLauncher):
    """The default launcher, plus a run-worker health check that run monitoring calls."""

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: dg.DagsterRun) -> CheckRunHealthResult:
        return health(self._instance, run)


def fail_dead_runs(instance: dg.DagsterInstance, by: str) -> list[tuple[str, str]]:
    """Mark every in-progress run whose process is gone as failed; (run id, reason) of each."""
    failed = []
    # NOT_STARTED: an in-process run killed while Dagster was still planning it (it holds no
    # queue slot, but would otherwise wait for run monitoring's start timeout)
    statuses = [dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]
    runs = instance.get_runs(dg.RunsFilter(statuses=statuses))
    for run in runs:
        result = health(instance, run)
        if result.status == WorkerStatus.NOT_FOUND:
            instance.report_run_failed(run, f"{result.msg} (detected by {by})")
            failed.append((run.run_id, result.msg))
    return failed
