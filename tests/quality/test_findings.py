"""The consistency suites in expectations/ on the committed raw data: exactly the known findings.

The staging layer is built WITHOUT the full pipeline, for speed: the raw CSVs are loaded with
the ingest code (``warehouse.raw_files.load_csv``) into a temporary DuckDB file and
``dbt seed`` and ``dbt run --select staging`` build the lookup seeds and staging views on it
(IW_BUILD_DB points dbt there; the target and log paths are temporary so nothing collides with
other dbt runs). ``dbt run``, not ``dbt build``: the staging models' dbt tests (the tables'
structure, which is dbt's to check, docs/checks.md) run on their own, ``dbt_test_staging``.

Every expected finding below was checked by reading the source document at its line; the
comment says what the page prints and why it contradicts the report itself.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from warehouse.config import settings
from warehouse.quality import load_suites, run_suites
from warehouse.raw_files import load_csv
from warehouse.tables import TABLES

EXPECTATIONS = settings().expectations_dir
DBT = Path(sys.executable).parent / "dbt"
DB_NAME = "warehouse.duckdb"  # the same file name everywhere (DuckDB names the catalog after it)

# (rule id, row key, source line) of EVERY finding the suites report on the committed data.
# Appendix (000_acb803c9a0cac694.txt): no finding - bands, responses, proportions and averages
# are all consistent within the printed precision once the right denominators are used
# (bands: 150 - missing; proportions: all seven response rows).
EXPECTED_FINDINGS = {
    # line 23: "The AXS Pathway in Devon is being delivered through 19 AXS clusters" - but every
    # cluster table lists 17 (Fig 14 lines 847-863, Figs 15/16, Fig 17).
    ("headline_axs_clusters_equal_clusters_listed", "axs_clusters", 23),
    # line 294: "None" row of Section Three Q3 - no service column is marked, Total prints 1.
    ("template_option_total_is_sum_of_marks", "s3_q03/1", 294),
    # line 300: "All" row of the same table - no mark, Total prints 1.
    ("template_option_total_is_sum_of_marks", "s3_q03/6", 300),
    # line 320: Section Three Q6 "No" - one mark (Police), Total prints 2.
    ("template_option_total_is_sum_of_marks", "s3_q06/2", 320),
    # line 348: Q7 "Creates more trusting relationships", "We have strong evidence" - no mark,
    # Total prints 1.
    ("template_option_total_is_sum_of_marks", "s3_q07_c/1", 348),
    # line 373: Q7 "Creates less duplication ...", "We have strong evidence" - no mark, Total 1.
    ("template_option_total_is_sum_of_marks", "s3_q07_f/1", 373),
    # line 704: "95.5% (22/23) of parents report that they are satisfied or very satisfied";
    # 22/23 = 95.65 %, which rounds to 95.7 (0.15 off at one decimal).
    ("parent_feedback_pct_matches_ratio", "satisfied", 704),
    # lines 804-805 (Fig 11 comment): "49% more than once" + "59% just once so far" = 108 %,
    # though the two buckets partition all practitioners (Fig 10's 43% + 57% = 100 %).
    ("practitioner_activity_parts_sum_to_100", "Fig 11/more_than_1+exactly_1", 804),
    # line 944: "Honiton/Axe Valley  89%  97%  85%" - lowest 89 % is above the average 85 %.
    ("qa_lowest_le_average_le_highest", "Fig 17/Honiton/Axe Valley", 944),
}

# What the source document prints at each expected finding's line (checked verbatim below).
DOCUMENT_SAYS = {
    23: "delivered through 19 AXS clusters",
    294: "None\t\t\t\t\t\t\t\t1",
    300: "All\t\t\t\t\t\t\t\t1",
    320: "No\t1\t\t\t\t\t\t\t2",
    348: "We have strong evidence\t\t\t\t\t\t\t\t1",
    373: "We have strong evidence\t\t\t\t\t\t\t\t1",
    704: "95.5% (22/23) of parents report that they are satisfied",
    804: "49% more than once",
    944: "Honiton/Axe Valley\t89%\t97%\t85%",
}


# --------------------------------------------------------------------------- building staging


def load_raw(con: duckdb.DuckDBPyConnection, raw_dir: Path, relpaths: set[str] | None = None) -> None:
    """Load the raw CSVs (all, or only ``relpaths``) into schema raw, as the ingest assets do."""
    for table in TABLES:
        if relpaths is None or table.relpath in relpaths:
            load_csv(con, raw_dir / table.relpath, table)


def dbt(db: Path, work_dir: Path, *command: str) -> subprocess.CompletedProcess:
    """``dbt <command>`` against ``db``, target and logs under ``work_dir``."""
    dbt_dir = settings().dbt_project_dir
    return subprocess.run(
        [
            str(DBT),
            *command,
            "--project-dir",
            str(dbt_dir),
            "--profiles-dir",
            str(dbt_dir),
            "--target-path",
            str(work_dir / "dbt_target"),
            "--log-path",
            str(work_dir / "dbt_logs"),
        ],
        env={**os.environ, "IW_BUILD_DB": str(db)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def dbt_run_staging(db: Path, work_dir: Path) -> None:
    """The seeds and ``dbt run --select staging`` against ``db``, target and logs under ``work_dir``."""
    for command in (["seed"], ["run", "--select", "staging"]):
        result = dbt(db, work_dir, *command)
        if result.returncode != 0:
            pytest.fail(f"dbt {' '.join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-2000:]}")


def dbt_test_staging(db: Path, work_dir: Path) -> dict[str, str]:
    """``dbt test`` of the staging models against ``db``: each test's name and status (pass, fail,
    error). The tests of the marts and intermediate models are left out: this warehouse has none
    of those tables (a seed's test on a staging model is in)."""
    results = work_dir / "dbt_target" / "run_results.json"
    results.unlink(missing_ok=True)
    run = dbt(db, work_dir, "test", "--select", "staging", "--exclude", "marts", "intermediate")
    if not results.exists():
        pytest.fail(f"dbt test did not run:\n{run.stdout[-3000:]}\n{run.stderr[-2000:]}")
    # a test's unique_id is test.<project>.<name>.<hash>
    return {r["unique_id"].split(".")[2]: r["status"] for r in json.loads(results.read_text())["results"]}


def build_staging(raw_dir: Path, work_dir: Path) -> Path:
    """A DuckDB file with raw.* loaded from ``raw_dir`` and staging.* built by dbt."""
    work_dir.mkdir(parents=True, exist_ok=True)
    db = work_dir / DB_NAME
    with duckdb.connect(str(db)) as con:
        load_raw(con, raw_dir)
    dbt_run_staging(db, work_dir)
    return db


def staging_is_views(db: Path) -> bool:
    with duckdb.connect(str(db), read_only=True) as con:
        types = {
            t
            for (t,) in con.execute(
                "select distinct table_type from information_schema.tables where table_schema = 'staging'"
            ).fetchall()
        }
    return types == {"VIEW"}


def rebuild_staging(base_db: Path, raw_dir: Path, changed: set[str], work_dir: Path) -> Path:
    """Staging rebuilt on the raw CSVs of ``raw_dir`` where ``changed`` (relpaths) differ.

    The staging models are views on raw.*, so a copy of the base warehouse with only the
    changed raw tables reloaded IS the rebuilt staging layer (and takes a fraction of a
    second); should staging ever be materialised as tables, dbt rebuilds it.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    db = work_dir / DB_NAME
    shutil.copyfile(base_db, db)
    with duckdb.connect(str(db)) as con:
        load_raw(con, raw_dir, changed)
    if not staging_is_views(db):
        dbt_run_staging(db, work_dir)
    return db


_BASE: dict[str, Path] = {}


def base_warehouse(tmp_path_factory) -> Path:
    """The staging warehouse of the committed raw data, built once per test session."""
    if "db" not in _BASE:
        started = time.perf_counter()
        _BASE["db"] = build_staging(settings().raw_dir, tmp_path_factory.mktemp("staging_base"))
        print(f"\nstaging built (raw load + dbt run) in {time.perf_counter() - started:.1f} s")
    return _BASE["db"]


# the suite over the respondent-level path reads tables this staging-only warehouse does not
# build (the regenerated appendix tables); tests/responses runs it through the pipeline
RESPONSES_SUITE = "responses_regenerated"


def staging_suites():
    return [s for s in load_suites(EXPECTATIONS) if s.name != RESPONSES_SUITE]


def run_all_suites(db: Path, docs_dir: Path, run_id: str):
    suites = staging_suites()
    started = time.perf_counter()
    results = run_suites(db, suites, docs_dir, run_id)
    print(
        f"\n{sum(len(s.rules) for s in suites)} rules in {len(suites)} suites ran in "
        f"{time.perf_counter() - started:.1f} s"
    )
    return results


def finding_keys(results) -> set[tuple[str, str, int]]:
    return {(r.rule_id, f["row_key"], f["source_line"]) for r in results for f in r.findings}


# --------------------------------------------------------------------------- the tests


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    db = base_warehouse(tmp_path_factory)
    docs = tmp_path_factory.mktemp("data_docs")
    return run_all_suites(db, docs, "test-findings")


def test_every_rule_was_evaluated(real):
    suites = staging_suites()
    assert [r.rule_id for r in real] == [rule.id for s in suites for rule in s.rules]
    assert [(r.rule_id, r.error) for r in real if r.error] == []


def test_the_suites_and_their_rules_are_as_designed():
    suites = {s.name: s for s in load_suites(EXPECTATIONS)}
    assert set(suites) == {
        "appendix_bands",
        "appendix_responses",
        "devon_clusters",
        "devon_idaci",
        "devon_quality_assurance",
        "devon_service_template",
        "devon_outcomes",
        "devon_headline_figures",
        RESPONSES_SUITE,
    }
    for suite in suites.values():
        severities = {r.severity for r in suite.rules}
        # a table's structure is its dbt model's contract (docs/checks.md); a suite compares the
        # report's figures with each other, and a contradiction is recorded, never blocks. The
        # regenerated tables hold no report's figures of their own: a difference is the
        # generator's fault or real answers that no longer match the publication, and both block
        expected = {"error"} if suite.name == RESPONSES_SUITE else {"warn"}
        assert severities == expected, (
            f"{suite.name}: only the regenerated tables' rules block (error); the report against "
            "itself is warn, and a table's structure a dbt test on its staging model"
        )
        for rule in suite.rules:
            assert rule.asset.startswith(("staging.", "marts.", "intermediate.")), rule.id
            assert len(rule.description) > 30, rule.id


def test_the_findings_are_exactly_the_known_contradictions(real):
    found = finding_keys(real)
    unexpected = found - EXPECTED_FINDINGS
    missing = EXPECTED_FINDINGS - found
    assert not unexpected, f"findings nobody verified against the document: {sorted(unexpected)}"
    assert not missing, f"known contradictions no longer found: {sorted(missing)}"


def test_every_finding_names_its_document_and_numbers(real):
    devon = "003_d2e0ae047b2de055.txt"
    for result in real:
        for f in result.findings:
            assert f["source_document"] == devon, (result.rule_id, f)
            assert f["published_value"] is not None and f["recomputed_value"] is not None, f
            assert f["difference"] == pytest.approx(f["published_value"] - f["recomputed_value"], abs=1e-6)


def test_the_source_lines_point_at_what_the_findings_say(devon_path):
    lines = devon_path.read_text(encoding="utf-8").split("\n")
    for _, _, line in EXPECTED_FINDINGS:
        assert DOCUMENT_SAYS[line] in lines[line - 1], (line, lines[line - 1])
    # the Fig 11 pair (lines 804-805) and the Fig 10 pair that does add up (793-794)
    assert "59% just once so far" in lines[805 - 1]
    assert "43% more than 1" in lines[793 - 1] and "57% having completed one so far" in lines[794 - 1]


def test_the_staging_models_dbt_tests_pass_on_the_real_data(tmp_path_factory):
    work = tmp_path_factory.mktemp("dbt_test_real")
    db = work / DB_NAME
    shutil.copyfile(base_warehouse(tmp_path_factory), db)  # dbt test writes its failures into the file
    statuses = dbt_test_staging(db, work)
    assert statuses, "no dbt test ran"
    assert {name: status for name, status in statuses.items() if status != "pass"} == {}


def test_only_the_rules_with_known_findings_fail_and_none_blocks(real):
    assert {r.rule_id for r in real if not r.passed} == {rule for rule, _, _ in EXPECTED_FINDINGS}
    assert real.blocking == []


def test_results_of_two_suites_share_one_run_id(real, tmp_path):
    """The Dagster checks record each suite separately under the run's id; nothing is lost."""
    from dagster_project.assets.rule_checks import record_results

    db = tmp_path / DB_NAME
    shutil.copyfile(_BASE["db"], db)
    by_suite: dict[str, list] = {}
    for r in real:
        by_suite.setdefault(r.suite, []).append(r)
    for results in by_suite.values():
        record_results(db, "dagster-run-1", results)
    record_results(db, "dagster-run-1", by_suite["devon_outcomes"])  # re-run
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*), count(distinct run_id) from quality.check_results").fetchone() == (
            len(real),
            1,
        )
        rows = set(con.execute("select rule_id, row_key, source_line from quality.findings").fetchall())
    assert rows == EXPECTED_FINDINGS


def test_the_dagster_checks_mirror_the_rules():
    import dagster as dg

    from dagster_project.assets.rule_checks import build_quality_checks

    checks = build_quality_checks(EXPECTATIONS)
    suites = load_suites(EXPECTATIONS)
    specs = {spec.name: spec for spec in checks.check_specs}
    rules = {rule.id: rule for s in suites for rule in s.rules}
    assert set(specs) == set(rules)
    for rule_id, spec in specs.items():
        rule = rules[rule_id]
        assert spec.asset_key == dg.AssetKey(rule.asset.split("."))
        assert spec.blocking == (rule.severity == "error"), rule_id


def test_rounding_only_differences_are_not_findings(real):
    """Differences the printed precision explains exist in the data but are not findings."""
    with duckdb.connect(str(_BASE["db"]), read_only=True) as con:
        # Fig 16 (line 914) prints the predicted total "5000"; its rows (each to 2 dp) sum to 5000.01
        (rows_sum,) = con.execute(
            "select sum(predicted_cafs_published) from staging.stg_devon__idaci_predictions "
            "where scenario_total = 5000 and not is_total"
        ).fetchone()
        # line 905: Ilfracombe 4.48 % of 5000 = 224.00, printed 224.22 - the share was rounded
        # to 2 dp, which at 5000 CAFs moves the prediction by up to 0.25
        (ilfracombe,) = con.execute(
            "select predicted_cafs_published - idaci_share_pct_published * 50 "
            "from staging.stg_devon__idaci_predictions where source_line = 905"
        ).fetchone()
        # line 41: question 1, "84 (57%)" of the 148 responding trusts = 56.76 %
        (q1,) = con.execute(
            "select trusts_pct_published - trusts * 100.0 / 148 from staging.stg_appendix__mean_score_bands "
            "where question_id = 1 and cell_code = 'from_3_5'"
        ).fetchone()
    assert rows_sum == Decimal("5000.01") and abs(ilfracombe) > Decimal("0.2") and 0 < abs(q1) <= 0.5
    found = finding_keys(real)
    assert not any(line in (41, 905, 914) for _, _, line in found)
