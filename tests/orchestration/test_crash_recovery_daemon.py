"""Runs the daemon started are found dead when their worker, or their whole machine, is killed,
and the queue moves on (test_crash_recovery.py: `make run` killed).

One story in one pipeline folder, with the daemon running as under `make dev` (run monitoring
polls every 3 s here instead of 15 s): a queued run's worker is killed in the dbt step; another
queued run's whole machine goes (the daemon, its code server and the worker killed together);
after a daemon restart, a queued run succeeds.
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
    Story,
    run_status,
    start_daemon,
    step_started,
    story_folder,
    submit_run,
    wait_for,
    wait_until_finished,
    worker_pid,
)

pytestmark = pytest.mark.story(seconds=90)


@pytest.fixture(scope="module")
def story(tmp_path_factory) -> Story:
    story, log = story_folder(tmp_path_factory, "crash_daemon")
    env = story.env
    rng = random.Random(SEED + 1)
    daemon = start_daemon(env, log)
    try:
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
    print("crash recovery timings (s):", {k: round(v, 1) for k, v in story.seconds.items()})
    return story


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
