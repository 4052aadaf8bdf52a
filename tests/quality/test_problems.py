"""quality.problems: findings graded and grouped, one problem one row (docs/quality.md).

The expected problems come from the source documents (line numbers in the comments); the
planted changes edit a copy of the built warehouse and judge the claims again, which rewrites
the problems of the run (cheaper than another run of the job).
"""

from __future__ import annotations

import re
import shutil

import duckdb
import pytest

from warehouse.quality.claim_verdicts import evaluate_claims, write_claims
from warehouse.quality.claims import load_register
from warehouse.quality.problems import group, load_spec

CONTRACT = [
    ("problem_id", "VARCHAR"),
    ("grade", "VARCHAR"),
    ("grade_order", "INTEGER"),
    ("document", "VARCHAR"),
    ("source_lines", "INTEGER[]"),
    ("first_line", "INTEGER"),
    ("rule_ids", "VARCHAR[]"),
    ("claim_ids", "VARCHAR[]"),
    ("printed", "VARCHAR"),
    ("implied", "VARCHAR"),
    ("gap", "VARCHAR"),
    ("explanation", "VARCHAR"),
    ("subject", "VARCHAR"),
    ("findings", "INTEGER"),
]
Q26_CLAIM = "appendix.common_assessment_framework.q26_three_quarters_below_3"


def problems(db) -> dict[str, dict]:
    with duckdb.connect(str(db), read_only=True) as con:
        cursor = con.execute("select * from quality.problems")
        names = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


@pytest.fixture(scope="module")
def built(warehouse) -> dict[str, dict]:
    return problems(warehouse.published_db)


# --- the contract ----------------------------------------------------------------------------


def test_the_problems_table_keeps_to_its_contract(warehouse):
    with duckdb.connect(str(warehouse.published_db), read_only=True) as con:
        columns = con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'quality' and table_name = 'problems' order by ordinal_position"
        ).fetchall()
        rows = con.execute(
            "select count(*), count(distinct problem_id), "
            "count(*) filter (where grade not in ('material', 'minor')), "
            "count(*) filter (where grade_order <> case grade when 'material' then 1 else 2 end), "
            "count(*) filter (where first_line <> list_min(source_lines) or source_lines <> list_sort(source_lines)), "
            "count(*) filter (where explanation is null or problem_id !~ '^[a-z0-9]+(-[a-z0-9]+)*$') "
            "from quality.problems"
        ).fetchone()
    assert [c for c in columns if c in CONTRACT] == CONTRACT
    total, distinct, bad_grade, bad_order, bad_lines, bad_text = rows
    assert total == distinct > 0
    assert (bad_grade, bad_order, bad_lines, bad_text) == (0, 0, 0, 0)
    # a problem with no single figure says so
    for row in problems(warehouse.published_db).values():
        assert row["printed"] is not None or "no single figure" in row["explanation"], row["problem_id"]


def test_every_finding_has_a_grade_and_its_problem_or_is_within_precision(warehouse):
    with duckdb.connect(str(warehouse.published_db), read_only=True) as con:
        ungrouped = con.execute(
            "select rule_id, source_line from quality.latest_findings "
            "where grade is null or (grade <> 'within_precision' and problem_id is null)"
        ).fetchall()
        counts = con.execute(
            "select p.problem_id, p.findings, count(f.rule_id) from quality.problems p "
            "left join quality.latest_findings f using (problem_id) group by all"
        ).fetchall()
    assert ungrouped == []
    assert all(declared == counted for _, declared, counted in counts)


def test_no_finding_has_blank_evidence(warehouse):
    with duckdb.connect(str(warehouse.published_db), read_only=True) as con:
        blank = con.execute(
            "select rule_id, source_line from quality.latest_findings "
            "where not (printed is not null and implied is not null and gap is not null) "
            "and coalesce(length(note), 0) < 40"
        ).fetchall()
        line_351 = con.execute(
            "select printed, implied, gap from quality.latest_findings "
            "where rule_id = 'appendix.information_sharing.q15_difference_almost_negligible'"
        ).fetchall()
    assert blank == []
    # line 351, "almost negligible": leaders 2.99, front line 2.79 (line 401)
    assert line_351 == [("at most 0.1 points", "0.2 points", "0.1 points")]


# --- the problems of the two documents -------------------------------------------------------


def test_19_axs_clusters_at_three_lines_is_one_material_problem(built):
    # lines 23, 25 and 36 say 19 clusters; Fig 14 lists 17 (lines 847-863)
    problem = built["devon-axs-cluster-count"]
    assert problem["grade"] == "material"
    assert problem["source_lines"] == [23, 25, 36]
    assert problem["rule_ids"] == ["headline_axs_clusters_equal_clusters_listed"]
    assert len(problem["claim_ids"]) == 3
    assert (problem["printed"], problem["implied"], problem["gap"]) == ("19 clusters", "17 clusters", "2 clusters")


def test_95_5_per_cent_of_22_of_23_is_one_minor_problem_with_units(built):
    # line 704: 22 / 23 = 95.65 %, printed 95.5: 0.15 points off, a rounding slip
    problem = built["devon-parent-satisfaction-share"]
    assert problem["grade"] == "minor"
    assert problem["findings"] == 2
    assert (problem["printed"], problem["implied"]) == ("95.5 %", f"{100 * 22 / 23:.2f} %")
    assert "95.5 %" in problem["explanation"] and "percentage points" in problem["explanation"]


def test_the_template_totals_are_one_material_problem_at_their_five_lines(built):
    # lines 294, 300, 320, 348, 373: a printed Total that is not the number of services marking it
    problem = built["devon-template-option-totals"]
    assert (problem["grade"], problem["source_lines"]) == ("material", [294, 300, 320, 348, 373])


def test_fig_11_adding_to_108_per_cent_and_honitons_average_below_its_lowest_are_material(built):
    # lines 804-805: 49 + 59 = 108; line 944: average 85 below the lowest 89
    assert built["devon-fig11-lead-professional-shares"]["grade"] == "material"
    assert built["devon-fig11-lead-professional-shares"]["printed"] == f"{49 + 59} %"
    assert built["devon-fig17-average-outside-range"]["grade"] == "material"


def test_every_holds_only_under_claim_is_a_minor_finding(warehouse):
    with duckdb.connect(str(warehouse.published_db), read_only=True) as con:
        grades = con.execute(
            "select c.claim_id, f.grade from quality.latest_claims c "
            "left join quality.latest_findings f on f.rule_id = c.claim_id "
            "where c.verdict = 'holds_under_reading'"
        ).fetchall()
    assert grades and all(grade == "minor" for _, grade in grades)


def test_fig_10_57_per_cent_makes_no_problem(built):
    # lines 793-794: 43 + 57 = 100
    assert not any(800 > line > 790 for p in built.values() for line in p["source_lines"])


# --- planted changes on a copy of the build --------------------------------------------------


@pytest.fixture
def copy_of_build(warehouse, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse.build_db, db)
    return db


def rejudge_with_q26_trusts_above_3(db, above: int) -> dict[str, dict]:
    """Q26's trusts from 3.0 up set to ``above`` (of its 150), the claims judged again."""
    register = load_register()
    with duckdb.connect(str(db)) as con:
        con.execute("update marts.question set trusts_above_midpoint = ? where question_id = 26", [above])
        run_id = con.execute("select arg_max(run_id, checked_at) from quality.check_results").fetchone()[0]
        write_claims(con, run_id, evaluate_claims(con, register.claims))
    return problems(db)


def q26_problems(found: dict[str, dict]) -> list[dict]:
    return [p for p in found.values() if Q26_CLAIM in p["claim_ids"]]


def test_q26_three_quarters_holds_in_the_build(built):
    # line 620, Q26 bands: less than 3 for three quarters of the trusts (within 7.5 points of 75 %)
    assert q26_problems(built) == []


def test_a_material_change_makes_a_material_problem(copy_of_build, built):
    # 5 of 150 from 3.0 up: 96.67 % below, 14.17 points beyond 82.5 (three quarters + a tenth)
    found = rejudge_with_q26_trusts_above_3(copy_of_build, 5)
    assert [p["grade"] for p in q26_problems(found)] == ["material"]
    assert set(found) - set(built) == {p["problem_id"] for p in q26_problems(found)}


def test_a_change_within_printed_precision_makes_no_problem(copy_of_build, built):
    # 30 of 150 from 3.0 up: 80 % below, within 75 +/- 7.5
    found = rejudge_with_q26_trusts_above_3(copy_of_build, 30)
    assert q26_problems(found) == []
    assert set(found) == set(built)


def test_a_loose_wording_change_makes_a_minor_problem(copy_of_build, built):
    # 25 of 150 from 3.0 up: 83.33 % below, 0.83 points beyond "three quarters" (82.5): loose
    found = rejudge_with_q26_trusts_above_3(copy_of_build, 25)
    (problem,) = q26_problems(found)
    assert problem["grade"] == "minor"
    assert problem["printed"] == "around 75 %" and problem["implied"] == f"{100 * 125 / 150:.2f} %"


# --- grouping, declared in data ----------------------------------------------------------------


def finding(rule_id: str, line: int, grade: str, suite: str = "claims", **extra) -> dict:
    return {
        "rule_id": rule_id,
        "suite": suite,
        "row_key": rule_id,
        "source_document": "003_d2e0ae047b2de055.txt",
        "source_line": line,
        "grade": grade,
        "printed": extra.get("printed"),
        "implied": extra.get("implied"),
        "gap": extra.get("gap"),
        "note": extra.get("note"),
    }


CODES = {"003_d2e0ae047b2de055.txt": "devon"}


def test_findings_of_one_declared_problem_make_one_row_graded_by_the_highest():
    found = [
        finding("devon.progress_report.19_clusters_in_3_areas", 25, "minor", printed="19", implied="17", gap="2"),
        finding(
            "devon.progress_report.delivered_through_19_clusters",
            23,
            "material",
            printed="19 clusters",
            implied="17 clusters",
            gap="2 clusters",
        ),
    ]
    (row,) = group(found, load_spec(), CODES)
    assert (row["problem_id"], row["grade"], row["source_lines"], row["findings"]) == (
        "devon-axs-cluster-count",
        "material",
        [23, 25],
        2,
    )
    assert row["printed"] == "19 clusters"  # the material finding leads
    assert {f["problem_id"] for f in found} == {"devon-axs-cluster-count"}


def test_a_finding_no_declared_problem_matches_is_a_problem_of_its_own_with_a_stable_id():
    found = [
        finding(
            "devon.caf_outcomes.knowledge_85_7_pct",
            715,
            "minor",
            printed="85.7 %",
            implied="80 %",
            gap="5.7 percentage points",
        )
    ]
    (row,) = group(found, load_spec(), CODES)
    assert row["problem_id"] == "devon-line-715-caf-outcomes-knowledge-85-7-pct"
    assert row["explanation"] == (
        "The report prints 85.7 % (line 715); its own figures give 80 %, 5.7 percentage points apart."
    )


def test_a_finding_within_printed_precision_is_no_problem():
    found = [finding("devon.caf_outcomes.knowledge_85_7_pct", 715, "within_precision")]
    assert group(found, load_spec(), CODES) == []
    assert found[0]["problem_id"] is None


def test_every_declared_explanation_uses_only_the_findings_placeholders():
    for problem in load_spec().problems:
        assert problem.explanation.endswith("."), problem.id
        # no figure is written into an explanation: every number comes from the findings (what
        # remains are names: questions, figures, the score scale 1-5 and its midpoint 3)
        names = r"\{[a-z_]+\}|Q\d+(-\d+)?|Figs? \d+(-\d+)?|\b1-5\b|\b3\b"
        text = re.sub(names, "", problem.explanation)
        assert not re.search(r"\d", text), (problem.id, text)
