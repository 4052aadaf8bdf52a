"""A run rebuilds what changed: nothing (re-publish only), one raw file and what is downstream
of it, or everything when the build or the pipeline's code changed outside that record."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import dagster as dg
import pytest

from dagster_project import changes
from dagster_project.assets.response_collections import COLLECTIONS_KEY, RESPONSES_KEYS, response_collections
from dagster_project.changes import PUBLISH_KEY, plan_run
from dagster_project.definitions import defs
from warehouse.build_state import file_state

REVIEW_COMMENTS = dg.AssetKey(["raw", "devon__review_comments"])


@pytest.fixture
def site(warehouse, tmp_path, monkeypatch):
    """A copy of the session's built and published pipeline: its instance, build and raw files."""
    home = tmp_path / "home"
    shutil.copytree(warehouse.env["DAGSTER_HOME"], home)
    build = tmp_path / "build" / "warehouse.duckdb"
    build.parent.mkdir()
    shutil.copy2(warehouse.build_db, build)  # keeps the modification time the publish recorded
    raw = tmp_path / "raw"
    shutil.copytree(changes.settings().raw_dir, raw)
    monkeypatch.setenv("IW_BUILD_DB", str(build))
    monkeypatch.setenv("IW_RAW_DIR", str(raw))
    with dg.DagsterInstance.from_config(str(home)) as instance:
        yield instance, build, raw


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def published_and_after() -> set[dg.AssetKey]:
    return dg.AssetSelection.assets(PUBLISH_KEY).downstream().resolve(defs.resolve_asset_graph())


def test_with_nothing_changed_only_publish_and_what_reads_it_run(site):
    instance, _, _ = site
    plan = plan_run(instance, defs.get_repository_def())
    assert (plan.kind, set(plan.selection), plan.checks) == ("verify", published_and_after(), [])
    job_keys = defs.resolve_job_def("nightly_refresh").asset_layer.executable_asset_keys
    assert len(plan.skipped) == len(job_keys) - len(published_and_after())


def test_a_changed_devon_file_rebuilds_its_ingest_what_is_downstream_and_publish(site):
    instance, _, raw = site
    edit(raw / "devon" / "review_comments.csv", "want to carry on", "want to carry on (edited)")

    plan = plan_run(instance, defs.get_repository_def())

    assert plan.kind == "partial" and plan.changed_files == ["devon/review_comments.csv"]
    downstream = dg.AssetSelection.assets(REVIEW_COMMENTS).downstream().resolve(defs.resolve_asset_graph())
    assert set(plan.selection) == (downstream & set(plan.selection)) | published_and_after()
    assert {REVIEW_COMMENTS, dg.AssetKey(["staging", "stg_devon__review_comments"]), PUBLISH_KEY} <= set(plan.selection)
    assert not [k for k in plan.selection if k.path[0] == "raw" and k != REVIEW_COMMENTS]
    assert dg.AssetKey(["marts", "question"]) in plan.skipped


def test_a_partial_run_still_runs_every_consistency_rule_and_claim(site):
    instance, _, raw = site
    edit(raw / "devon" / "review_comments.csv", "want to carry on", "want to carry on (edited)")
    plan = plan_run(instance, defs.get_repository_def())
    assert changes.whole_build_check_keys() <= set(plan.checks)


def test_a_file_changed_back_is_not_a_change(site):
    instance, _, raw = site
    path = raw / "devon" / "review_comments.csv"
    original = path.read_text(encoding="utf-8")
    edit(path, "want to carry on", "want to carry on (edited)")
    assert plan_run(instance, defs.get_repository_def()).kind == "partial"
    path.write_text(original, encoding="utf-8")
    assert plan_run(instance, defs.get_repository_def()).kind == "verify"


def test_a_build_written_outside_the_pipeline_is_rebuilt_in_full(site):
    instance, build, _ = site
    stat = build.stat()
    os.utime(build, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # as dbt by hand or a killed run would
    plan = plan_run(instance, defs.get_repository_def())
    assert plan.kind == "full" and "changed since it was last published" in plan.reason


def test_a_change_in_the_pipelines_code_is_rebuilt_in_full(site, monkeypatch):
    instance, _, _ = site
    monkeypatch.setattr(changes, "pipeline_code_version", lambda: "another version")
    assert plan_run(instance, defs.get_repository_def()).kind == "full"


def test_a_missing_build_is_rebuilt_in_full(site):
    instance, build, _ = site
    build.unlink()
    assert plan_run(instance, defs.get_repository_def()).kind == "full"


def test_a_full_rebuild_can_be_asked_for(site):
    instance, _, _ = site
    plan = plan_run(instance, defs.get_repository_def(), full=True)
    assert (plan.kind, plan.selection) == ("full", None)


def test_a_dbt_models_code_version_covers_the_project_wide_dbt_files(monkeypatch):
    from dagster_project.assets import dbt as dbt_assets

    manifest = json.loads(dbt_assets.dbt_project.manifest_path.read_text())
    node = next(n for n in manifest["nodes"].values() if n["name"] == "question")
    before = dbt_assets.Translator().get_code_version(node)
    monkeypatch.setattr(dbt_assets, "dbt_project_wide_version", lambda: "a macro changed")
    assert dbt_assets.Translator().get_code_version(node) != before


def test_the_nightly_schedule_plans_its_run_the_same_way(site):
    from dagster_project.automation import nightly_schedule

    instance, _, _ = site
    request = nightly_schedule(dg.build_schedule_context(instance=instance, repository_def=defs.get_repository_def()))
    assert set(request.asset_selection) == published_and_after() and request.tags[changes.PLAN_TAG] == "verify"


def report_load(instance: dg.DagsterInstance, collection: str, before: str, after: str) -> None:
    """A load of a collection as `responses_refresh` records it: the build file before and after."""
    instance.add_dynamic_partitions(response_collections.name, [collection])
    instance.report_runless_asset_event(
        dg.AssetMaterialization(
            asset_key=COLLECTIONS_KEY,
            partition=collection,
            metadata={"build_file_state_before": before, "build_file_state": after},
        )
    )


def written(build: Path) -> str:
    """Move the build file's modification time on, as a write would; its new state."""
    stat = build.stat()
    os.utime(build, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    return file_state(build)


def test_answers_loaded_since_the_publish_rebuild_only_what_they_feed(site):
    instance, build, _ = site
    report_load(instance, "synthetic-seed2-001", file_state(build), written(build))

    plan = plan_run(instance, defs.get_repository_def())

    assert plan.kind == "partial" and plan.reason == "answers loaded: synthetic-seed2-001"
    graph = defs.resolve_asset_graph()
    fed = dg.AssetSelection.assets(*RESPONSES_KEYS).downstream().resolve(graph) - set(RESPONSES_KEYS)
    assert dg.AssetKey(["marts", "band_from_responses"]) in fed
    assert set(plan.selection) == fed | published_and_after()
    assert dg.AssetKey(["marts", "question"]) in plan.skipped


def test_a_write_after_the_answers_were_loaded_rebuilds_in_full(site):
    instance, build, _ = site
    report_load(instance, "synthetic-seed2-001", file_state(build), written(build))
    written(build)  # then dbt by hand, or a killed run

    plan = plan_run(instance, defs.get_repository_def())

    assert plan.kind == "full" and "changed since it was last published" in plan.reason
