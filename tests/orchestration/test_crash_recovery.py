"""Killed runs never stop the nightly refresh: they are found dead and failed, and the next
run starts by itself. Here `make run` is killed; test_crash_recovery_daemon.py kills runs the
daemon started.

One story in one pipeline folder, with the daemon running as under `make dev` (run monitoring
polls every 3 s here instead of 15 s):
1. `make run` is killed with SIGKILL at three seeded points: in the ingest, in the dbt step and
   in the checks or publish (each `make run` fails the dead runs before it; the last is left
   to the daemon);
2. with a test process holding the build lock (a slow predecessor), a run is submitted to the
   queue the way the schedule and the sensor submit it: it starts once the dead runs are
   failed, is checked by run monitoring while it waits, is not failed, and succeeds;
3. with no daemon, `make run` itself fails a dead run at start and says who holds the build
   database.
"""

from __future__ import annotations

import os
import random
import signal
import time

import dagster as dg
import pytest

from tests.orchestration.crash_harness import (
    SEED,
    HeldBuildLock,
    Story,
    kill_make_run_in_step,
    monitoring_checks,
    run_status,
    start_daemon,
    start_make_run,
    story_folder,
    submit_run,
    wait_for,
    wait_until_finished,
)

pytestmark = pytest.mark.story(seconds=110)


@pytest.fixture(scope="module")
def story(tmp_path_factory) -> Story:
    story, log = story_folder(tmp_path_factory, "crash")
    env = story.env
    rng = random.Random(SEED)

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
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        daemon.wait(timeout=60)

    # 3. make run, with no daemon: fails a dead run itself, and says who holds the build database
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
    print("crash recovery timings (s):", {k: round(v, 1) for k, v in story.seconds.items()})
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


def test_make_run_fails_a_dead_run_at_start_and_says_so(story):
    assert story.make_run_returncode == 0, story.make_run_stderr[-2000:]
    assert f"marked run {story.make_run_killed} failed: found dead at" in story.make_run_stderr
    assert run_status(story, story.make_run_killed) == dg.DagsterRunStatus.FAILURE


def test_make_run_says_which_run_holds_the_build_database_and_waits(story):
    assert "run slow-predecessor" in story.make_run_stderr
    assert "holds the build database; this run waits until it finishes" in story.make_run_stderr
