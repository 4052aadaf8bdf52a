"""The definitions load and wire raw -> staging -> marts, with the job, schedule and sensor."""

from __future__ import annotations

import json

import dagster as dg
import pytest

from dagster_project.project import dbt_project
from warehouse.tables import TABLES


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    from dagster_project.definitions import defs

    return defs


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(dbt_project.manifest_path.read_text())


def test_the_definitions_load(defs):
    dg.Definitions.validate_loadable(defs)


def test_every_raw_csv_has_an_ingest_asset(defs):
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {f"raw/{t.table_name}" for t in TABLES} <= keys


RESPONSES_SOURCES = {("raw", "responses__trust_answer_counts"), ("raw", "responses__collections")}


def test_every_dbt_source_is_a_raw_csv_or_the_responses(manifest):
    sources = {(s["source_name"], s["name"]) for s in manifest["sources"].values()}
    assert sources == {("raw", t.table_name) for t in TABLES} | RESPONSES_SOURCES


def test_every_staging_model_hangs_off_its_raw_asset(defs, manifest):
    graph = defs.resolve_asset_graph()
    staging = [
        n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["schema"] == "staging" and not n["name"].startswith("stg_responses__")
    ]
    assert len(staging) == len(TABLES)
    for node in staging:
        parents = {k.to_user_string() for k in graph.get(dg.AssetKey(["staging", node["name"]])).parent_keys}
        raw_name = node["name"].removeprefix("stg_")
        assert parents == {f"raw/{raw_name}"}, node["name"]


def test_every_dbt_test_is_an_asset_check(defs, manifest):
    tests = [n for n in manifest["nodes"].values() if n["resource_type"] == "test"]
    checks = defs.resolve_asset_graph().asset_check_keys
    assert tests and len(checks) >= len(tests)


def test_the_nightly_schedule_runs_at_two_in_london(defs):
    schedule = defs.resolve_schedule_def("nightly_refresh_schedule")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 2 * * *", "Europe/London")
    assert schedule.job_name == "nightly_refresh"


def test_the_raw_files_sensor_targets_the_nightly_job(defs):
    sensor = defs.resolve_sensor_def("raw_files_changed")
    assert sensor.job_name == "nightly_refresh"


def test_the_responses_are_partitioned_by_collection_and_loaded_by_their_own_job(defs):
    from dagster_project.assets.response_collections import RESPONSES_KEYS

    graph = defs.resolve_asset_graph()
    for key in RESPONSES_KEYS:
        assert isinstance(graph.get(key).partitions_def, dg.DynamicPartitionsDefinition)
    assert isinstance(defs.resolve_job_def("responses_refresh").partitions_def, dg.DynamicPartitionsDefinition)


def test_materialize_all_in_the_ui_asks_for_no_collections(defs):
    # the UI's "Materialize all" takes the materializable assets: were a partitioned one among
    # them, it would open a backfill dialog instead of launching the warehouse's run
    graph = defs.resolve_asset_graph()
    assert not [key for key in graph.materializable_asset_keys if graph.get(key).partitions_def is not None]


def test_the_nightly_job_builds_everything_but_the_partitioned_responses(defs):
    from dagster_project.assets.response_collections import RESPONSES_KEY, RESPONSES_KEYS

    graph = defs.resolve_asset_graph()
    nightly = defs.resolve_job_def("nightly_refresh").asset_layer.executable_asset_keys
    assert nightly == graph.materializable_asset_keys - set(RESPONSES_KEYS)
    assert RESPONSES_KEY in graph.get(dg.AssetKey(["intermediate", "int_responses__trust_scores"])).parent_keys
