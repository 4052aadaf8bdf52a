"""End to end: the main command re-publishes an unchanged build without rebuilding it, and
rebuilds only what a changed raw file or a new collection of answers feeds; BI can tell which
run built the data."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.conftest import pipeline_env, run_main_command
from warehouse.build_state import file_state
from warehouse.config import settings
from warehouse.responses.generator import generate_collections

pytestmark = pytest.mark.story


def newest_publish(published: Path) -> tuple[str, str]:
    with duckdb.connect(str(published), read_only=True) as con:
        return con.execute(
            "select run_id, built_by_run_id from meta.publish_log order by published_at desc limit 1"
        ).fetchone()


def run_id_of(stdout: str) -> str:
    return next(line.split("(run ")[1].rstrip(")") for line in stdout.splitlines() if "succeeded" in line)


@pytest.fixture(scope="module")
def site(warehouse, tmp_path_factory):
    """A copy of the session's pipeline folder (instance, build, published file, answers), with
    modification times kept, and its own raw files."""
    folder = tmp_path_factory.mktemp("incremental") / "site"
    shutil.copytree(warehouse.build_db.parent.parent, folder)
    env = pipeline_env(folder)
    raw = folder / "raw"
    shutil.copytree(settings().raw_dir, raw)
    return {**env, "IW_RAW_DIR": str(raw)}, run_id_of(warehouse.stdout)


def test_an_unchanged_build_is_republished_naming_the_run_that_built_it_and_not_rebuilt(site):
    env, built_by = site
    build = Path(env["IW_BUILD_DB"])
    before = file_state(build)

    result = run_main_command(env)

    assert result.returncode == 0, result.stderr[-3000:]
    assert "verify run: no raw file and no code changed since the last build" in result.stdout
    assert newest_publish(Path(env["IW_PUBLISHED_DB"])) == (run_id_of(result.stdout), built_by)
    assert file_state(build) == before


def test_a_changed_devon_file_rebuilds_only_what_it_feeds_and_publishes_it(site):
    env, _ = site
    path = Path(env["IW_RAW_DIR"]) / "devon" / "review_comments.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("want to carry on", "want to carry on!", 1), encoding="utf-8"
    )

    result = run_main_command(env)

    assert result.returncode == 0, result.stderr[-3000:]
    assert "partial run: changed raw files: devon/review_comments.csv" in result.stdout
    run_id = run_id_of(result.stdout)
    published = Path(env["IW_PUBLISHED_DB"])
    assert newest_publish(published) == (run_id, run_id)
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute(
            "select count(*) from staging.stg_devon__review_comments where comment_text like '%want to carry on!%'"
        ).fetchone() == (1,)
    with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records
        built = {record.event_log_entry.dagster_event.asset_key for record in records}
    assert dg.AssetKey(["raw", "devon__review_comments"]) in built
    assert dg.AssetKey(["marts", "question"]) not in built and dg.AssetKey(["raw", "appendix__questions"]) not in built


def test_in_a_partial_run_the_consistency_rules_and_claims_run_after_the_build_changed(site):
    env, _ = site
    path = Path(env["IW_RAW_DIR"]) / "appendix" / "descriptors.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("reactive way", "reactive manner", 1), encoding="utf-8")

    result = run_main_command(env)

    assert result.returncode == 0, result.stderr[-3000:]
    with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        steps = [
            r.event_log_entry.dagster_event.step_key
            for r in instance.get_records_for_run(
                run_id_of(result.stdout), of_type=dg.DagsterEventType.STEP_START
            ).records
        ]
    assert steps.index("great_expectations_suites") > steps.index("dbt_models")
    assert steps.index("claims_register") > steps.index("dbt_models")


def test_a_new_collection_of_answers_rebuilds_only_what_the_answers_feed_and_publishes_it(site):
    env, _ = site
    (collection,) = generate_collections(settings().raw_dir, Path(env["IW_RESPONSES_DIR"]), 1, seed=2)

    result = run_main_command(env)

    assert result.returncode == 0, result.stderr[-3000:]
    assert f"partial run: answers loaded: {collection.collection}" in result.stdout
    with duckdb.connect(env["IW_PUBLISHED_DB"], read_only=True) as con:
        cells = con.execute(
            "select collection, count(*), count(*) filter (where trusts = trusts_published) "
            "from marts.band_from_responses group by all order by all"
        ).fetchall()
    assert cells == [("synthetic-seed1-001", 472, 472), (collection.collection, 472, 472)]
    with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        records = instance.get_records_for_run(
            run_id_of(result.stdout), of_type=dg.DagsterEventType.ASSET_MATERIALIZATION
        ).records
        built = {record.event_log_entry.dagster_event.asset_key for record in records}
    assert dg.AssetKey(["marts", "band_from_responses"]) in built
    assert dg.AssetKey(["marts", "question"]) not in built and not [k for k in built if k.path[0] == "raw"]
