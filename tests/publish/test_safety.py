"""The published warehouse survives readers and concurrent runs; warn findings publish.
(Kills: test_kill.py.)

That a failing error-severity check leaves the published warehouse untouched is tested with
the corpus of bad inputs (tests/bad_inputs), on a well-formed file with an unknown key."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.conftest import run_main_command
from tests.publish.kill_harness import latest_run
from warehouse.config import settings

pytestmark = pytest.mark.story

READER = textwrap.dedent(
    """
    import duckdb, json, os, sys, time
    path, stop, mode = sys.argv[1], sys.argv[2], sys.argv[3]

    def snapshot(con):
        run = con.execute("select run_id from meta.publish_log order by published_at desc limit 1").fetchone()[0]
        questions = con.execute("select count(*) from marts.question").fetchone()[0]
        logged = con.execute("select count(*) from meta.publish_raw_files where run_id = ?", [run]).fetchone()[0]
        return run, questions, logged

    # DuckDB shares one database instance between connections to a path in a process, so
    # "hold" and "reconnect" run in separate processes
    held = duckdb.connect(path, read_only=True) if mode == "hold" else None
    seen = []
    while not os.path.exists(stop):
        if held is not None:
            seen.append(snapshot(held))
        else:
            with duckdb.connect(path, read_only=True) as fresh:
                seen.append(snapshot(fresh))
        time.sleep(0.05)
    print(json.dumps(seen))
    """
)


def start_reader(published: Path, stop: Path, mode: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", READER, str(published), str(stop), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_reader_never_errors_nor_sees_a_mix_while_the_job_republishes(site, tmp_path):
    env, published, _ = site
    old_run = latest_run(published)
    stop = tmp_path / "stop"
    holding, reconnecting = start_reader(published, stop, "hold"), start_reader(published, stop, "reconnect")
    time.sleep(1.0)
    job = run_main_command(env)
    time.sleep(0.5)
    stop.touch()
    (held_out, held_err), (fresh_out, fresh_err) = holding.communicate(timeout=60), reconnecting.communicate(timeout=60)

    assert job.returncode == 0, job.stderr[-3000:]
    assert (holding.returncode, reconnecting.returncode) == (0, 0), held_err + fresh_err
    new_run = latest_run(published)
    assert new_run != old_run
    held = {tuple(snapshot) for snapshot in json.loads(held_out)}
    assert [run for run, *_ in held] == [old_run]  # the open connection kept reading the old file
    fresh = json.loads(fresh_out)
    fresh_runs = [run for run, *_ in fresh]
    assert fresh_runs[0] == old_run and fresh_runs[-1] == new_run  # reconnecting sees the new data
    assert set(fresh_runs) == {old_run, new_run}
    assert old_run not in fresh_runs[fresh_runs.index(new_run) :]  # and never the old again
    assert all(questions == 59 and logged > 0 for _, questions, logged in fresh)  # every snapshot whole


def test_a_warn_finding_does_not_stop_publishing(site):
    env, published, _ = site
    with duckdb.connect(str(published), read_only=True) as con:
        warn_failures, error_failures = con.execute(
            "select checks_failed_warn, checks_failed_error from meta.publish_log order by published_at desc limit 1"
        ).fetchone()
    assert warn_failures > 0 and error_failures == 0


def step_window(instance: dg.DagsterInstance, run_id: str) -> tuple[float, float]:
    times = [
        record.event_log_entry.timestamp
        for record in instance.get_records_for_run(run_id, limit=100000).records
        if record.event_log_entry.dagster_event and record.event_log_entry.dagster_event.is_step_event
    ]
    return min(times), max(times)


def test_two_runs_started_at_once_do_not_overlap(site, instance_storage, tmp_path):
    # on each instance storage: a new instance of its own, over the same pipeline folder
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(Path(site[0]["DAGSTER_HOME"]) / "dagster.yaml", home)
    env = instance_storage({**site[0], "DAGSTER_HOME": str(home)})
    # the instance exists before the runs, as a deployed one does (two processes creating a new
    # SQLite instance at the same moment race in its schema migration)
    subprocess.run(
        [sys.executable, "-c", "import dagster as dg; dg.DagsterInstance.get().dispose()"], env=env, check=True
    )
    # the whole job, and at the same moment a run that only publishes: either must wait for the other
    commands = [["--full"], ["--select", "publish/warehouse"]]
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "dagster_project.materialize", *args],
            cwd=settings().project_root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in commands
    ]
    outputs = [run.communicate(timeout=900) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err[-2000:] for _, err in outputs]
    run_ids = [
        line.split("(run ")[1].rstrip(")") for out, _ in outputs for line in out.splitlines() if "succeeded" in line
    ]
    with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        first, second = sorted(step_window(instance, run_id) for run_id in run_ids)
    assert first[1] <= second[0], f"step windows overlap: {first} {second}"
