"""A run whose process is gone is found dead and failed; a live run never is."""

from __future__ import annotations

import subprocess
import sys
import time

import dagster as dg
import pytest
from dagster._core.events import EngineEventData

from dagster_project.dagster_internals import WorkerStatus
from dagster_project.run_liveness import (
    WORKER_TAG,
    Worker,
    WorkerCheckingRunLauncher,
    fail_dead_runs,
    process_started_at,
)


@pytest.fixture
def instance(tmp_path):
    with dg.instance_for_test(
        temp_dir=str(tmp_path),
        overrides={"run_launcher": {"module": "dagster_project.run_liveness", "class": "WorkerCheckingRunLauncher"}},
    ) as instance:
        yield instance


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def started_run(instance: dg.DagsterInstance, tags: dict[str, str] | None = None) -> dg.DagsterRun:
    run = instance.add_run(dg.DagsterRun(job_name="nightly_refresh", tags=tags or {}))
    instance.handle_new_event(
        dg.EventLogEntry(
            error_info=None,
            level="INFO",
            user_message="",
            run_id=run.run_id,
            timestamp=time.time(),
            dagster_event=dg.DagsterEvent(event_type_value="PIPELINE_START", job_name="nightly_refresh"),
        )
    )
    return instance.get_run_by_id(run.run_id)


def test_this_process_is_alive():
    assert Worker.current().is_alive() is True


def test_a_process_that_exited_is_dead():
    me = Worker.current()
    assert Worker(me.host, dead_pid(), me.started_at).is_alive() is False


def test_a_live_pid_with_another_start_time_is_a_reused_pid_and_dead():
    me = Worker.current()
    assert Worker(me.host, me.pid, me.started_at - 3600).is_alive() is False


def test_a_process_on_another_host_is_not_judged():
    me = Worker.current()
    assert Worker(me.host + "-elsewhere", dead_pid(), me.started_at).is_alive() is None


def test_the_worker_tag_round_trips():
    me = Worker.current()
    assert Worker.from_tag(me.tag()[WORKER_TAG]) == me
    assert process_started_at(me.pid) == pytest.approx(me.started_at, abs=0.01)


def test_the_run_launcher_reports_a_dead_runs_worker_as_not_found(instance):
    assert isinstance(instance.run_launcher, WorkerCheckingRunLauncher)
    assert instance.run_launcher.supports_check_run_worker_health
    me = Worker.current()
    run = started_run(instance, Worker(me.host, dead_pid(), me.started_at).tag())

    result = instance.run_launcher.check_run_worker_health(run)

    assert result.status == WorkerStatus.NOT_FOUND
    assert "found dead at" in result.msg


def test_the_run_launcher_reports_a_live_runs_worker_as_running(instance):
    run = started_run(instance, Worker.current().tag())
    assert instance.run_launcher.check_run_worker_health(run).status == WorkerStatus.RUNNING


def test_a_run_launched_by_the_daemon_is_judged_by_the_pid_its_worker_logged(instance):
    run = started_run(instance)
    instance.report_engine_event(
        f"Started process for run (pid: {dead_pid()}).", run, EngineEventData.in_process(dead_pid())
    )
    assert instance.run_launcher.check_run_worker_health(run).status == WorkerStatus.NOT_FOUND


def test_a_run_with_no_recorded_worker_is_left_running(instance):
    run = started_run(instance)
    assert instance.run_launcher.check_run_worker_health(run).status == WorkerStatus.RUNNING


def test_fail_dead_runs_fails_only_the_dead_run_and_says_why(instance):
    me = Worker.current()
    dead = started_run(instance, Worker(me.host, dead_pid(), me.started_at).tag())
    live = started_run(instance, me.tag())

    failed = fail_dead_runs(instance, by="a test")

    assert [run_id for run_id, _ in failed] == [dead.run_id]
    assert instance.get_run_by_id(dead.run_id).status == dg.DagsterRunStatus.FAILURE
    assert instance.get_run_by_id(live.run_id).status == dg.DagsterRunStatus.STARTED
    failure = instance.all_logs(dead.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)[0]
    assert "found dead at" in failure.message and "(detected by a test)" in failure.message


def test_the_project_instance_runs_monitoring_with_this_launcher(monkeypatch):
    from warehouse.config import settings

    monkeypatch.setenv("DAGSTER_HOME", str(settings().project_root / ".dagster_home"))
    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.run_launcher, WorkerCheckingRunLauncher)
        assert instance.run_monitoring_enabled
        assert instance.run_monitoring_max_resume_run_attempts == 0
