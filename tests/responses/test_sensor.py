"""The responses sensor: a new collection file becomes a new partition and is loaded; a file
that differs from what was last loaded is reloaded; a loaded folder starts nothing, also on a
restarted daemon's first tick."""

from __future__ import annotations

import dagster as dg
import pytest

from dagster_project.assets.response_collections import RESPONSES_KEY, response_collections
from dagster_project.automation import response_files_changed
from warehouse.responses.contract import file_sha256

HEADER = "collection,trust_code,respondent_id,audience,question_id,answer\n"


@pytest.fixture
def responses_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("IW_RESPONSES_DIR", str(tmp_path))
    (tmp_path / "c2024.csv").write_text(HEADER)
    return tmp_path


def tick(instance: dg.DagsterInstance):
    return response_files_changed(dg.build_sensor_context(instance=instance))


def record_load(instance: dg.DagsterInstance, key: str, sha256: str) -> None:
    """What responses_refresh records when it loads a collection."""
    instance.report_runless_asset_event(
        dg.AssetMaterialization(asset_key=RESPONSES_KEY, partition=key, metadata={"file_sha256": sha256})
    )


def test_a_new_collection_file_adds_its_partition_and_requests_its_load(responses_dir):
    with dg.instance_for_test() as instance:
        result = tick(instance)
    assert [r.partition_keys for r in result.dynamic_partitions_requests] == [["c2024"]]
    assert [r.partition_key for r in result.run_requests] == ["c2024"]
    assert result.dynamic_partitions_requests[0].partitions_def_name == response_collections.name


def test_a_loaded_collection_starts_nothing_even_on_a_first_tick(responses_dir):
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(response_collections.name, ["c2024"])
        record_load(instance, "c2024", file_sha256(responses_dir / "c2024.csv"))
        assert isinstance(tick(instance), dg.SkipReason)


def test_a_file_changed_since_its_load_is_reloaded(responses_dir):
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(response_collections.name, ["c2024"])
        record_load(instance, "c2024", file_sha256(responses_dir / "c2024.csv"))
        (responses_dir / "c2024.csv").write_text(HEADER + "x\n")
        again = tick(instance)
    assert [r.partition_key for r in again.run_requests] == ["c2024"] and not again.dynamic_partitions_requests
    assert again.run_requests[0].run_key == f"c2024-{file_sha256(responses_dir / 'c2024.csv')[:16]}"
