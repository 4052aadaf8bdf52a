"""Killed runs never stop the nightly refresh: they are found dead and failed, and the next
run starts by itself, however the killed run was started.

One story in one pipeline folder, with the daemon running as under `make dev` (run monitoring
polls every 3 s here instead of 15 s):
1. `make run` is killed with SIGKILL at three seeded points: in the ingest, in the dbt step and
   in the checks or publish (each `make run` fails the dead runs before it; the last is left
   to the daemon);
2. with a test process holding the build lock (a slow predecessor), a run is submitted to the
   queue the way the schedule and the sensor submit it: it starts once the dead runs are
   failed, is checked by run monitoring while it waits, is not failed, and succeeds;
3. a queued run's worker is killed in the dbt step; another queued run's whole machine goes
   (the daemon, its code server and the worker killed together); after a daemon restart, a
   queued run succeeds, and then the nightly schedule and the raw-files sensor plan their
   runs from that instance (a verify run: the queued run published);
4. `make run` itself fails a dead run at start and says who holds the build database.

The story runs twice: on one person's SQLite instance and on the team's Postgres one.
"""

from __future__ import annotations

import fcntl
import json
import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import pytest
import yaml

from dagster_project.run_liveness import WORKER_TAG, Worker
from tests.conftest import pipeline_env
from tests.publish.kill_harness import start_make_run
from warehouse.config import settings

pytestmark = pytest.mark.story

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
    planned_by: dict[str, dict[str, str]] = field(default_factory=dict)
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


# the run requests the schedule's and the sensor's ticks return, from the instance at DAGSTER_HOME
# (the sensor's cursor is empty: every raw file counts as changed since its last tick)
PLANNED_BY = textwrap.dedent(
    """
    import json
    import dagster as dg
    from dagster_project.automation import nightly_schedule, raw_files_changed
    from dagster_project.definitions import defs
    with dg.DagsterInstance.get() as instance:
        context = dg.build_schedule_context(instance=instance, repository_def=defs.get_repository_def())
        schedule = nightly_schedule(context)
        sensor = raw_files_changed(dg.build_sensor_context(instance=instance, cursor="{}", definitions=defs))
    print(json.dumps({"schedule": schedule.tags, "sensor": sensor.tags}))
    """
)


@pytest.fixture(scope="module")
def story(tmp_path_factory, instance_storage) -> Story:
    folder = tmp_path_factory.mktemp("crash")
    env = instance_storage(pipeline_env(folder))
    home = Path(env["DAGSTER_HOME"])
    config = yaml.safe_load((home / "dagster.yaml").read_text())
    config["run_monitoring"]["poll_interval_seconds"] = POLL_SECONDS
    (home / "dagster.yaml").write_text(yaml.safe_dump(config))
    story = Story(env)
    rng = random.Random(SEED)
    log = folder / "daemon.log"

    # 1. make run killed at three seeded points
    for step, window in (("raw__", 1.0), ("dbt_models", 4.0), ("great_expectations_suites", 1.0)):
        story.killed_in_process.append(kill_make_run_in_step(env, step, rng.uniform(0.1, window)))

    # 2. a queued run behind the dead ones, kept waiting by a live, slow predecessor
    daemon = start_daemon(env, log)
    try:
        daemon_started = time.time()
        lock = HeldBuildLock(env)
        story.waiting_run = submit_run(story)
        submitted = time.time()
        wait_for(lambda: run_status(story, story.waiting_run) == dg.DagsterRunStatus.STARTED, "the queued run to start")
        last_failed = max(story.failed_at(r) for r in story.killed_in_process)
        story.seconds["daemon started to dead make runs failed"] = last_failed - daemon_started
        story.seconds["queued run submitted to started, behind 3 dead runs"] = (
            story.started_at(story.waiting_run) - submitted
        )
        polls = monitoring_checks(log, story.waiting_run)
        wait_for(lambda: monitoring_checks(log, story.waiting_run) >= polls + 3, "three monitoring polls", 120)
        story.polls_while_waiting = monitoring_checks(log, story.waiting_run)
        story.status_after_polls = run_status(story, story.waiting_run)
        lock.release()
        wait_until_finished(story, story.waiting_run)

        # 3a. a queued run's worker killed in the dbt step
        story.worker_killed_run = submit_run(story)
        wait_for(lambda: step_started(story, story.worker_killed_run, "dbt_models"), "the dbt step")
        time.sleep(rng.uniform(0.5, 4.0))
        os.kill(worker_pid(story, story.worker_killed_run), signal.SIGKILL)
        killed_at = time.time()
        # 3b. the next queued run's machine goes: daemon, code server and worker at once
        story.machine_killed_run = submit_run(story)
        wait_for(lambda: step_started(story, story.machine_killed_run, "dbt_models"), "the dbt step")
        story.seconds["worker killed to its run failed"] = story.failed_at(story.worker_killed_run) - killed_at
        story.seconds["worker killed to next queued run started"] = (
            story.started_at(story.machine_killed_run) - killed_at
        )
        time.sleep(rng.uniform(0.5, 4.0))
        os.killpg(daemon.pid, signal.SIGKILL)
        daemon.wait()
    finally:
        if daemon.poll() is None:
            os.killpg(daemon.pid, signal.SIGKILL)
            daemon.wait()

    daemon = start_daemon(env, log)
    try:
        restarted = time.time()
        story.after_restart_run = submit_run(story)
        wait_until_finished(story, story.after_restart_run)
        story.seconds["daemon restarted to dead run failed"] = story.failed_at(story.machine_killed_run) - restarted
        story.seconds["daemon restarted to next run started"] = story.started_at(story.after_restart_run) - restarted
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        daemon.wait(timeout=60)

    # 3c. what the schedule and the sensor would run next, the last run having published
    planned = subprocess.run(
        [sys.executable, "-c", PLANNED_BY], cwd=settings().project_root, env=env, capture_output=True, text=True
    )
    assert planned.returncode == 0, planned.stderr[-3000:]
    story.planned_by = json.loads(planned.stdout.strip().splitlines()[-1])

    # 4. make run, with no daemon: fails a dead run itself, and says who holds the build database
    story.make_run_killed = kill_make_run_in_step(env, "raw__", rng.uniform(0.1, 1.0))
    lock = HeldBuildLock(env)
    run = start_make_run(env, "--select", "raw/appendix__practices")
    stderr = []
    for line in run.stderr:  # the lock is let go once make run has said who holds it
        stderr.append(line)
        if "holds the build database" in line:
            lock.release()
            break
    else:
        lock.release()
    stderr.extend(run.stderr)
    run.wait(timeout=300)
    story.make_run_stderr, story.make_run_returncode = "".join(stderr), run.returncode
    print(
        f"crash recovery timings (s), {env.get('IW_DAGSTER_PG_URL') and 'postgres' or 'sqlite'}:",
        {k: round(v, 1) for k, v in story.seconds.items()},
    )
    return story


def test_make_runs_killed_in_ingest_dbt_and_checks_are_failed_as_found_dead(story):
    for run_id in story.killed_in_process:
        assert run_status(story, run_id) == dg.DagsterRunStatus.FAILURE
        assert "found dead at" in story.failure_message(run_id)


def test_a_killed_make_run_that_no_later_make_run_saw_is_failed_by_run_monitoring(story):
    # each make run fails the dead runs before it; the last one is left to the daemon
    message = story.failure_message(story.killed_in_process[-1])
    assert "Detected run worker status NOT_FOUND" in message and "found dead at" in message, message


def test_a_queued_run_starts_by_itself_after_killed_make_runs_and_succeeds(story):
    assert run_status(story, story.waiting_run) == dg.DagsterRunStatus.SUCCESS


def test_a_live_run_waiting_on_a_slow_predecessor_is_checked_but_never_failed(story):
    assert story.polls_while_waiting >= 3
    assert story.status_after_polls == dg.DagsterRunStatus.STARTED


def test_a_queued_runs_killed_worker_is_failed_as_killed_or_found_dead(story):
    # Dagster's code server reports the signal; on a busy machine run monitoring may find the
    # dead worker first: either way the run fails and the queue moves on
    assert run_status(story, story.worker_killed_run) == dg.DagsterRunStatus.FAILURE
    with story.instance() as instance:
        said = " ".join(
            e.message
            for e in instance.all_logs(story.worker_killed_run)
            if e.dagster_event and e.dagster_event.event_type_value in ("ENGINE_EVENT", "PIPELINE_FAILURE")
        )
    assert "SIGKILL" in said or "found dead at" in said, said


def test_a_run_whose_daemon_and_worker_died_together_is_found_dead_after_restart(story):
    assert run_status(story, story.machine_killed_run) == dg.DagsterRunStatus.FAILURE
    assert "found dead at" in story.failure_message(story.machine_killed_run)


def test_after_a_daemon_restart_the_next_queued_run_succeeds(story):
    assert run_status(story, story.after_restart_run) == dg.DagsterRunStatus.SUCCESS


def test_make_run_fails_a_dead_run_at_start_and_says_so(story):
    assert story.make_run_returncode == 0, story.make_run_stderr[-2000:]
    assert f"marked run {story.make_run_killed} failed: found dead at" in story.make_run_stderr
    assert run_status(story, story.make_run_killed) == dg.DagsterRunStatus.FAILURE


def test_make_run_says_which_run_holds_the_build_database_and_waits(story):
    assert "run slow-predecessor" in story.make_run_stderr
    assert "holds the build database; this run waits until it finishes" in story.make_run_stderr


def test_the_schedule_and_the_sensor_plan_a_verify_run_after_the_queued_run_published(story):
    for planned_by in ("schedule", "sensor"):
        assert story.planned_by[planned_by]["iw/plan"] == "verify", story.planned_by
    assert story.planned_by["sensor"]["iw/changed_files"]  # what its tick saw change
