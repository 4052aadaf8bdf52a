"""Canaries for the project's three uses of Dagster's private API (dagster_project/dagster_internals.py):
each fails on the Dagster upgrade that breaks the use it names. Also the documented tag names the
project reads and writes without an exported constant."""

from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap
import warnings

import dagster as dg
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from dagster_project import changes, dagster_internals
from dagster_project.dagster_internals import (
    CheckRunHealthResult,
    WorkerStatus,
    keep_sqlite_event_log_connections,
    stale_or_missing,
)
from dagster_project.responses_refresh import run_tags

# 1. stale or missing


def definitions(version_of_a: str) -> dg.Definitions:
    @dg.asset(code_version=version_of_a)
    def a() -> int:
        return 1

    @dg.asset(code_version="1")
    def b(a: int) -> int:
        return a + 1

    @dg.asset(code_version="1")
    def never_built() -> int:
        return 0

    return dg.Definitions(assets=[a, b, never_built])


KEYS = [dg.AssetKey("a"), dg.AssetKey("b"), dg.AssetKey("never_built")]


def test_stale_or_missing_says_what_was_never_built_and_what_changed_code_since_it_was_built():
    with dg.instance_for_test() as instance:
        defs = definitions("1")
        defs.resolve_implicit_global_asset_job_def().execute_in_process(instance=instance, asset_selection=KEYS[:2])
        assert stale_or_missing(instance, defs.resolve_asset_graph(), KEYS) == [dg.AssetKey("never_built")]
        assert stale_or_missing(instance, definitions("2").resolve_asset_graph(), KEYS) == [
            dg.AssetKey("a"),
            dg.AssetKey("never_built"),
        ]


def test_stale_or_missing_follows_a_source_observation_with_a_new_data_version():
    # as ingest.py declares each raw file, and changes.py observes it
    with warnings.catch_warnings():  # beta in Dagster 1.13
        warnings.simplefilter("ignore", dg.BetaWarning)

        @dg.observable_source_asset
        def source() -> dg.DataVersion:
            return dg.DataVersion("v1")

    @dg.asset(deps=[source], code_version="1")
    def fed() -> None:
        return None

    defs = dg.Definitions(assets=[source, fed])
    with dg.instance_for_test() as instance:
        observe = dg.AssetObservation(asset_key="source", tags={changes.DATA_VERSION_TAG: "v1"})
        instance.report_runless_asset_event(observe)
        dg.materialize([fed], instance=instance)
        assert stale_or_missing(instance, defs.resolve_asset_graph(), [fed.key]) == []
        changed = dg.AssetObservation(asset_key="source", tags={changes.DATA_VERSION_TAG: "v2"})
        instance.report_runless_asset_event(changed)
        assert stale_or_missing(instance, defs.resolve_asset_graph(), [fed.key]) == [fed.key]


# 2. run monitoring's health check


def test_run_monitoring_still_asks_a_launcher_for_the_health_result_we_return():
    assert dg.DefaultRunLauncher().supports_check_run_worker_health is False  # else ours could go
    annotation = inspect.signature(dg.DefaultRunLauncher.check_run_worker_health).return_annotation
    assert annotation in (CheckRunHealthResult, "CheckRunHealthResult")
    assert {"RUNNING", "NOT_FOUND"} <= {status.name for status in WorkerStatus}
    assert CheckRunHealthResult(WorkerStatus.NOT_FOUND, "gone").msg == "gone"


# 3. kept SQLite connections


def test_dagster_sqlite_storage_still_has_what_the_kept_connections_replace():
    keep_sqlite_event_log_connections()
    assert SqliteEventLogStorage._connect is dagster_internals._kept_connection
    original = inspect.getsource(dagster_internals._dagster_connect)
    assert "create_engine(" in original and "_initdb(" in original and "_initialized_dbs" in original
    assert "os.unlink" in inspect.getsource(dagster_internals._dagster_wipe)
    for name in ("_db_lock", "_initialized_dbs"):
        assert name in inspect.getsource(SqliteEventLogStorage.__init__), name
    for name in ("conn_string_for_shard", "_initdb", "run_connection", "index_connection", "wipe", "dispose"):
        assert hasattr(SqliteEventLogStorage, name), name
    assert "self._connect(" in inspect.getsource(SqliteEventLogStorage.run_connection)
    assert "self._connect(" in inspect.getsource(SqliteEventLogStorage.index_connection)


CHECKS = 40


@dg.asset(check_specs=[dg.AssetCheckSpec(f"c{i}", asset="with_checks") for i in range(CHECKS)])
def with_checks():
    yield dg.Output(1)
    for i in range(CHECKS):
        yield dg.AssetCheckResult(check_name=f"c{i}", passed=i % 2 == 0)


READ_BACK = textwrap.dedent(
    """
    import sys, dagster as dg
    with dg.DagsterInstance.from_config(sys.argv[1]) as instance:  # Dagster's own storage code
        records = instance.event_log_storage.get_asset_check_execution_history(
            dg.AssetCheckKey(dg.AssetKey("with_checks"), "c1"), limit=10
        )
        print(len(instance.all_logs(sys.argv[2])), len(records))
    """
)


def test_every_event_is_stored_and_seen_by_another_process_while_the_writer_keeps_its_connections(tmp_path):
    keep_sqlite_event_log_connections()
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        result = dg.materialize([with_checks], instance=instance)
        stored = instance.all_logs(result.run_id)
        assert result.success and len(dagster_internals._engines(instance.event_log_storage)) >= 2
        evaluations = [
            e for e in stored if e.dagster_event and e.dagster_event.event_type_value == "ASSET_CHECK_EVALUATION"
        ]
        assert len(evaluations) == CHECKS
        seen = subprocess.run(
            [sys.executable, "-c", READ_BACK, str(tmp_path), result.run_id], capture_output=True, text=True, check=True
        )
    assert seen.stdout.split() == [str(len(stored)), "1"]


def test_the_kept_connections_commit_without_waiting_for_the_disk(tmp_path):
    keep_sqlite_event_log_connections()
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        dg.materialize([with_checks], instance=instance)
        for engine in dagster_internals._engines(instance.event_log_storage).values():
            with engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_at_most_the_last_few_files_keep_a_connection(tmp_path):
    keep_sqlite_event_log_connections()
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        runs = [
            dg.materialize([with_checks], instance=instance).run_id for _ in range(dagster_internals.KEPT_FILES + 2)
        ]
        kept = dagster_internals._engines(instance.event_log_storage)
        assert len(kept) == dagster_internals.KEPT_FILES
        assert runs[-1] in kept and runs[0] not in kept
        assert all(len(instance.all_logs(run)) > CHECKS for run in runs)


def test_wiping_the_history_drops_the_kept_connections_and_the_storage_still_works(tmp_path):
    keep_sqlite_event_log_connections()
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        dg.materialize([with_checks], instance=instance)
        instance.event_log_storage.wipe()
        assert set(dagster_internals._engines(instance.event_log_storage)) <= {"index"}  # wipe re-creates the index
        assert not list((tmp_path / "history" / "runs").glob("*-*.db"))
        again = dg.materialize([with_checks], instance=instance)
        assert len(instance.all_logs(again.run_id)) > CHECKS


# the documented tags the project reads and writes by name (no constant is exported)


def test_a_materialisation_records_its_code_version_under_the_tag_the_planner_reads():
    with dg.instance_for_test() as instance:
        defs = definitions("7")
        defs.resolve_implicit_global_asset_job_def().execute_in_process(instance=instance, asset_selection=KEYS[:1])
        record = instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=KEYS[0]), limit=1).records[0]
        assert record.asset_materialization.tags[changes.CODE_VERSION_TAG] == "7"


def test_a_run_over_several_collections_is_tagged_with_the_partition_range_dagster_reads():
    request = dg.RunRequest(tags=run_tags(["first", "second", "last"]))
    assert request.partition_key_range == dg.PartitionKeyRange("first", "last")
