"""The responses sensor: a new collection file becomes a new partition and is loaded; a changed
file is reloaded; an unchanged folder starts nothing."""

from __future__ import annotations

import dagster as dg
import pytest

from dagster_project.assets.responses import response_collections, response_files_changed


@pytest.fixture
def responses_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("IW_RESPONSES_DIR", str(tmp_path))
    (tmp_path / "c2024.csv").write_text("collection,trust_code,respondent_id,audience,question_id,answer\n")
    return tmp_path


def tick(instance: dg.DagsterInstance, cursor: str | None):
    context = dg.build_sensor_context(instance=instance, cursor=cursor)
    return response_files_changed(context)


def test_a_new_collection_file_adds_its_partition_and_requests_its_load(responses_dir):
    with dg.instance_for_test() as instance:
        result = tick(instance, None)
    assert [r.partition_keys for r in result.dynamic_partitions_requests] == [["c2024"]]
    assert [r.partition_key for r in result.run_requests] == ["c2024"]
    assert result.dynamic_partitions_requests[0].partitions_def_name == response_collections.name


def test_a_changed_file_is_reloaded_and_an_unchanged_folder_starts_nothing(responses_dir):
    with dg.instance_for_test() as instance:
        first = tick(instance, None)
        instance.add_dynamic_partitions(response_collections.name, ["c2024"])
        assert isinstance(tick(instance, first.cursor), dg.SkipReason)
        (responses_dir / "c2024.csv").write_text("collection,trust_code,respondent_id,audience,question_id,answer\nx\n")
        again = tick(instance, first.cursor)
    assert [r.partition_key for r in again.run_requests] == ["c2024"] and not again.dynamic_partitions_requests
