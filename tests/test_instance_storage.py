"""Run history over kept SQLite connections (dagster_project/instance_storage.py): every event is
stored and seen by other instances, the kept files are bounded, and wiping still works. The
first test fails if a Dagster upgrade changes the private code the module replaces."""

from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap

import dagster as dg
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from dagster_project import instance_storage

CHECKS = 40


def test_dagster_sqlite_storage_still_has_what_the_kept_connections_replace():
    assert SqliteEventLogStorage._connect is instance_storage._kept_connection
    original = inspect.getsource(instance_storage._dagster_wipe)
    assert "os.unlink" in original and "_initialized_dbs" in original
    for name in ("_db_lock", "_initialized_dbs", "conn_string_for_shard", "_initdb", "run_connection"):
        assert hasattr(SqliteEventLogStorage, name) or name in inspect.getsource(SqliteEventLogStorage.__init__), name
    assert "self._connect(" in inspect.getsource(SqliteEventLogStorage.run_connection)
    assert "self._connect(" in inspect.getsource(SqliteEventLogStorage.index_connection)


@dg.asset(check_specs=[dg.AssetCheckSpec(f"c{i}", asset="a") for i in range(CHECKS)])
def a():
    yield dg.Output(1)
    for i in range(CHECKS):
        yield dg.AssetCheckResult(check_name=f"c{i}", passed=i % 2 == 0)


READ_BACK = textwrap.dedent(
    """
    import sys, dagster as dg
    with dg.DagsterInstance.from_config(sys.argv[1]) as instance:  # Dagster's own storage code
        records = instance.event_log_storage.get_asset_check_execution_history(
            dg.AssetCheckKey(dg.AssetKey("a"), "c1"), limit=10
        )
        print(len(instance.all_logs(sys.argv[2])), len(records))
    """
)


def test_every_event_is_stored_and_seen_by_another_process_while_the_writer_keeps_its_connections(tmp_path):
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        result = dg.materialize([a], instance=instance)
        stored = instance.all_logs(result.run_id)
        assert result.success and len(instance_storage._engines(instance.event_log_storage)) >= 2
        evaluations = [
            e for e in stored if e.dagster_event and e.dagster_event.event_type_value == "ASSET_CHECK_EVALUATION"
        ]
        assert len(evaluations) == CHECKS
        seen = subprocess.run(
            [sys.executable, "-c", READ_BACK, str(tmp_path), result.run_id], capture_output=True, text=True, check=True
        )
    assert seen.stdout.split() == [str(len(stored)), "1"]


def test_at_most_the_last_few_files_keep_a_connection(tmp_path):
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        runs = [dg.materialize([a], instance=instance).run_id for _ in range(instance_storage.KEPT_FILES + 2)]
        kept = instance_storage._engines(instance.event_log_storage)
        assert len(kept) == instance_storage.KEPT_FILES
        assert runs[-1] in kept and runs[0] not in kept
        assert all(len(instance.all_logs(run)) > CHECKS for run in runs)


def test_wiping_the_history_drops_the_kept_connections_and_the_storage_still_works(tmp_path):
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        dg.materialize([a], instance=instance)
        instance.event_log_storage.wipe()
        assert set(instance_storage._engines(instance.event_log_storage)) <= {"index"}  # wipe re-creates the index
        assert not list((tmp_path / "history" / "runs").glob("*-*.db"))
        again = dg.materialize([a], instance=instance)
        assert len(instance.all_logs(again.run_id)) > CHECKS
