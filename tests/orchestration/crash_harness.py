"""What the crash-recovery stories share: a pipeline folder with the daemon's run monitoring
polling every 3 s (instead of 15 s), ways to start, kill and submit runs, and to wait."""

from __future__ import annotations

import fcntl
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import yaml

from dagster_project.config import settings
from dagster_project.run_liveness import WORKER_TAG, Worker
from tests.conftest import pipeline_env
from tests.publish.kill_harness import start_make_run

SEED = 2009
POLL_SECONDS = 3
RUN_TIMEOUT = 420
STEP_LOGS = re.compile(r" - nightly_refresh - ([0-9a-f-]{36}) - (\S+) - ")


@dataclass
class Story:
    env: dict[str, str]
    killed_in_process: list[str] = field(default_factory=list)
    waiting_run: str = ""
    polls_while_waiting: int = 0
    status_after_polls: dg.DagsterRunStatus | None = None
    worker_killed_run: str = ""
    machine_killed_run: str = ""
    after_restart_run: str = ""
    make_run_stderr: str = ""
    make_run_killed: str = ""
    make_run_returncode: int | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    def instance(self) -> dg.DagsterInstance:
        return dg.DagsterInstance.from_config(self.env["DAGSTER_HOME"])

    def run(self, run_id: str) -> dg.DagsterRun:
        with self.instance() as instance:
            return instance.get_run_by_id(run_id)

    def started_at(self, run_id: str) -> float:
        with self.instance() as instance:
            return instance.get_run_record_by_id(run_id).start_time

    def failed_at(self, run_id: str) -> float:
        with self.instance() as instance:
            return max(e.timestamp for e in instance.all_logs(run_id, of_type=dg.DagsterEventType.RUN_FAILURE))

    def failure_message(self, run_id: str) -> str:
        with self.instance() as instance:
            return " ".join(e.message for e in instance.all_logs(run_id, of_type=dg.DagsterEventType.RUN_FAILURE))


def kill_make_run_in_step(env: dict[str, str], step_prefix: str, delay: float) -> str:
    """Start `make run`, SIGKILL it `delay` s after a step whose key starts with `step_prefix`
    first logs; the killed run's id."""
    job = start_make_run(env, "--full")
    for line in job.stderr:
        match = STEP_LOGS.search(line)
        if match and match.group(2).startswith(step_prefix):
            time.sleep(delay)
            job.send_signal(signal.SIGKILL)
            job.wait()
            return match.group(1)
    raise AssertionError(f"make run ended (exit {job.wait()}) before a step {step_prefix}* started")


def start_daemon(env: dict[str, str], log: Path) -> subprocess.Popen:
    # its own session: killing the group takes the daemon, its code server and run workers, as a reboot would
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster-daemon"), "run", "-m", "dagster_project.definitions"],
        cwd=settings().project_root,
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def submit_run(story: Story) -> str:
    """Submit nightly_refresh to the run queue, as the schedule and the sensor do."""
    marker = {"iw/test_submission": uuid.uuid4().hex}
    subprocess.run(
        [
            str(Path(sys.executable).parent / "dagster"),
            "job",
            "launch",
            "-m",
            "dagster_project.definitions",
            "-j",
            "nightly_refresh",
            "--tags",
            json.dumps(marker),
        ],
        cwd=settings().project_root,
        env=story.env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    with story.instance() as instance:
        (run,) = instance.get_runs(dg.RunsFilter(tags=marker))
    return run.run_id


def wait_for(predicate, what: str, timeout: float = RUN_TIMEOUT, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def run_status(story: Story, run_id: str) -> dg.DagsterRunStatus:
    return story.run(run_id).status


def wait_until_finished(story: Story, run_id: str) -> dg.DagsterRunStatus:
    return wait_for(
        lambda: (
            run_status(story, run_id) if run_status(story, run_id).name in {"SUCCESS", "FAILURE", "CANCELED"} else None
        ),
        f"run {run_id} to finish",
    )


def step_started(story: Story, run_id: str, step_prefix: str) -> bool:
    with story.instance() as instance:
        return any(
            e.dagster_event.step_key.startswith(step_prefix)
            for e in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_START)
        )


def worker_pid(story: Story, run_id: str) -> int:
    return Worker.from_tag(story.run(run_id).tags[WORKER_TAG]).pid


class HeldBuildLock:
    """The build lock held from the test process, as a slow run before ours would hold it."""

    def __init__(self, env: dict[str, str]):
        self.path = Path(env["IW_BUILD_DB"]).with_suffix(".lock")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        os.ftruncate(self.fd, 0)
        os.write(self.fd, f"run slow-predecessor (pid {os.getpid()}) since 2009-09-01 02:00:00 UTC".encode())

    def release(self) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def monitoring_checks(log: Path, run_id: str) -> int:
    return log.read_text(errors="replace").count(f"Checking run {run_id}")


def story_folder(tmp_path_factory, name: str) -> tuple[Story, Path]:
    """A new pipeline folder whose instance polls run monitoring every POLL_SECONDS; the story
    and the daemon's log file."""
    folder = tmp_path_factory.mktemp(name)
    env = pipeline_env(folder)
    home = Path(env["DAGSTER_HOME"])
    config = yaml.safe_load((home / "dagster.yaml").read_text())
    config["run_monitoring"]["poll_interval_seconds"] = POLL_SECONDS
    (home / "dagster.yaml").write_text(yaml.safe_dump(config))
    return Story(env), folder / "daemon.log"
