"""A corrected appendix table never stops the publish: SYNTHETIC answers are made from the
printed tables, so when a table changes they are made again from it before the regenerated
tables are compared with it. Real answers that no longer match the tables still block."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import pipeline_env, run_main_command
from warehouse.config import settings
from warehouse.raw_files import raw_fingerprint

pytestmark = pytest.mark.story

# appendix line 813: Q32, answer "2": leaders and managers 399, front line 531, total 930
LINE_813 = "32,score_2,2,2,399,531,930,12,813"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def site(warehouse, tmp_path):
    """A copy of the session's built pipeline folder (its next run is a partial one), with its own raw/."""
    folder = tmp_path / "built"
    shutil.copytree(warehouse.build_db.parent.parent, folder)
    raw = folder / "raw"
    shutil.copytree(settings().raw_dir, raw)
    return {**pipeline_env(folder), "IW_RAW_DIR": str(raw)}


def edit_line_813(env: dict[str, str], new: str) -> Path:
    path = Path(env["IW_RAW_DIR"]) / "appendix" / "responses.csv"
    text = path.read_text(encoding="utf-8")
    assert LINE_813 in text
    path.write_text(text.replace(LINE_813, new), encoding="utf-8")
    return path


def printed_counts(path: Path) -> list[tuple[int, str, int, int, int]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return sorted(
            (
                int(r["question_id"]),
                r["response_code"],
                int(r["leaders_managers"]),
                int(r["frontline"]),
                int(r["total"]),
            )
            for r in csv.DictReader(handle)
        )


def published(env: dict[str, str], sql: str) -> list[tuple]:
    with duckdb.connect(env["IW_PUBLISHED_DB"], read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_consistent_correction_regenerates_the_synthetic_answers_and_publishes_them(site):
    # a count and its total both one more: 400 + 531 = 931
    path = edit_line_813(site, "32,score_2,2,2,400,531,931,12,813")

    result = run_main_command(site)

    assert result.returncode == 0, result.stderr[-3000:]
    assert "partial run: changed raw files: appendix/responses.csv" in result.stdout
    assert (
        "regenerated the SYNTHETIC collection synthetic-seed1-001 from the printed tables: "
        "raw/appendix/responses.csv changed since it was generated"
    ) in result.stdout
    regenerated = published(
        site,
        "select question_id, response_code, leaders_managers_responses, frontline_responses, total_responses "
        "from marts.answer_count_from_responses order by 1, 2",
    )
    assert regenerated == printed_counts(path)
    assert published(site, "select count(*) from quality.latest_findings where source_line = 813") == [(0,)]


def test_a_count_changed_alone_publishes_with_the_contradiction_recorded_at_its_line(site):
    edit_line_813(site, "32,score_2,2,2,400,531,930,12,813")

    result = run_main_command(site)

    assert result.returncode == 0, result.stderr[-3000:]
    assert "responses_total_is_leaders_plus_frontline" in result.stdout
    # printed total 930; its parts now give 400 + 531 = 931
    assert published(
        site,
        "select rule_id, published_value, recomputed_value from quality.latest_findings where source_line = 813",
    ) == [("responses_total_is_leaders_plus_frontline", 930.0, 931.0)]
    assert published(
        site,
        "select count(*) from quality.latest_check_results where severity = 'error' and not passed",
    ) == [(0,)]


def test_a_band_raised_past_the_150_trusts_publishes_with_the_contradiction_recorded_at_its_line(site):
    # appendix line 508: Q20's bands hold all 150 trusts (45 at "3.5 and above", none missing)
    path = Path(site["IW_RAW_DIR"]) / "appendix" / "mean_score_bands.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        q20 = {r["cell_code"]: int(r["trusts"]) for r in csv.DictReader(handle) if r["question_id"] == "20"}
    assert q20["from_3_5"] == 45 and q20["missing_responses"] == 0
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("20,from_3_5,6,45,30,508", "20,from_3_5,6,46,30,508"), encoding="utf-8")

    result = run_main_command(site)

    assert result.returncode == 0, result.stderr[-3000:]
    assert published(
        site,
        "select published_value, recomputed_value from quality.latest_findings "
        "where source_line = 508 and rule_id = 'bands_plus_missing_equal_150'",
    ) == [(150.0, 151.0)]


def test_a_real_collection_that_no_longer_matches_the_tables_blocks_the_publish(site):
    before = sha(Path(site["IW_PUBLISHED_DB"]))
    responses = Path(site["IW_RESPONSES_DIR"])
    synthetic = responses / "synthetic-seed1-001.parquet"
    real = responses / "c2009.parquet"
    with duckdb.connect() as con:
        # the synthetic answers as a real collection, one leader's "2" on Q32 turned into a "3"
        con.execute(
            f"create table answers as select * replace ('c2009' as collection) from read_parquet('{synthetic}')"
        )
        con.execute(
            "update answers set answer = 'score_3' where rowid = (select min(rowid) from answers "
            "where question_id = 32 and audience = 'leaders_managers' and answer = 'score_2')"
        )
        con.execute(f"copy answers to '{real}' (format parquet)")

    result = run_main_command(site)

    assert result.returncode == 1
    assert "check regenerated_cells_equal_published_collected failed" in result.stderr
    # printed 399 leaders' "2" on Q32 at line 813; the collection holds 398
    assert "c2009 q32 answer score_2 leaders_managers (line 813)" in result.stderr
    assert sha(Path(site["IW_PUBLISHED_DB"])) == before


SENSOR_RUN = """
import json, sys
import dagster as dg
from dagster_project.definitions import defs
from dagster_project.automation import raw_files_changed

with dg.DagsterInstance.get() as instance:
    request = raw_files_changed(dg.build_sensor_context(instance=instance, cursor=sys.argv[1], definitions=defs))
    job = defs.resolve_job_def("nightly_refresh").get_subset(
        asset_selection=set(request.asset_selection), asset_check_selection=set(request.asset_check_keys)
    )
    result = job.execute_in_process(instance=instance, tags=request.tags, raise_on_error=False)
    built = sorted(e.asset_key.to_user_string() for e in result.get_asset_materialization_events())
    print(json.dumps({"success": result.success, "built": built}))
"""


def test_the_sensors_run_after_a_raw_change_regenerates_as_the_main_command_does(site):
    cursor = json.dumps(raw_fingerprint(Path(site["IW_RAW_DIR"])), sort_keys=True)
    path = edit_line_813(site, "32,score_2,2,2,400,531,931,12,813")

    result = subprocess.run(
        [sys.executable, "-c", SENSOR_RUN, cursor],
        cwd=settings().project_root,
        env=site,
        capture_output=True,
        text=True,
        timeout=900,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    run = json.loads(result.stdout.strip().splitlines()[-1])
    assert run["success"]
    assert {"raw/responses__synthetic_collections", "marts/answer_count_from_responses", "publish/warehouse"} <= set(
        run["built"]
    )
    assert "marts/cluster" not in run["built"]
    assert published(
        site,
        "select question_id, response_code, leaders_managers_responses, frontline_responses, total_responses "
        "from marts.answer_count_from_responses order by 1, 2",
    ) == printed_counts(path)
