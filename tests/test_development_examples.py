"""The worked examples of docs/development.md, followed on a copy of the project.

Every code block of the guide marked `example=<name> file=<path>` is applied to a copy (a new
file's content, or a diff through `git apply`); blocks marked `output=<path>` are what a command
must write. The outcomes checked here are read from the source documents or recomputed in the
test from the committed raw files, never taken from the pipeline's output.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from warehouse.config import settings
from warehouse.documents import read_lines
from warehouse.quality.claim_verdicts import evaluate_claims
from warehouse.quality.claims import load_register
from warehouse.quality.problems import grade_rule_finding, group, load_spec
from warehouse.quality.runner import run_suites
from warehouse.quality.suites import load_suite_file, load_suites
from warehouse.raw_files import RawFileError, load_csv

ROOT = settings().project_root
GUIDE = ROOT / "docs" / "development.md"
DEVON = "003_d2e0ae047b2de055.txt"
DBT = str(Path(sys.executable).parent / "dbt")
# what a copy of the project needs: the code, the dbt project, the checks and the raw files
COPIED = ("warehouse", "extract", "dbt", "expectations", "raw")
NOT_COPIED = shutil.ignore_patterns("target", "pipeline_target", "logs", "__pycache__", ".user.yml")

_BLOCK = re.compile(r"^```(\w+) example=([\w-]+) (file|output)=(\S+)\n(.*?)^```[ \t]*$", re.M | re.S)


@dataclass(frozen=True)
class Block:
    lang: str
    example: str
    kind: str  # file (applied to the project) or output (what a command writes)
    path: str
    text: str


def blocks(example: str, kind: str = "file") -> list[Block]:
    found = [Block(*m.groups()) for m in _BLOCK.finditer(GUIDE.read_text(encoding="utf-8"))]
    chosen = [b for b in found if b.example == example and b.kind == kind]
    assert chosen, f"{GUIDE}: no block marked example={example} {kind}=..."
    return chosen


def output(example: str, path: str) -> str:
    (block,) = [b for b in blocks(example, "output") if b.path == path]
    return block.text


def follow(example: str, root: Path) -> None:
    """Apply the example's blocks to the project copy at `root`, in the guide's order."""
    for block in blocks(example):
        target = root / block.path
        if block.lang == "diff":
            applied = subprocess.run(
                ["git", "apply", "--verbose", "-"], input=block.text, cwd=root, capture_output=True, text=True
            )
            assert applied.returncode == 0, f"{GUIDE}: the diff for {block.path} no longer applies:\n{applied.stderr}"
        else:
            assert not target.exists(), f"{GUIDE}: {block.path} is shown as a new file but exists"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.text, encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the project with all four examples followed and `make extract` run in it."""
    root = tmp_path_factory.mktemp("project")
    for part in COPIED:
        shutil.copytree(ROOT / part, root / part, ignore=NOT_COPIED)
    for example in ("raw-table", "rule", "claim", "mart"):
        follow(example, root)
    extracted = subprocess.run(
        [sys.executable, "-m", "extract", "--out", str(root / "raw")],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root), "IW_SOURCES_DIR": str(settings().sources_dir)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert extracted.returncode == 0, extracted.stderr
    return root


def declared_table(root: Path, name: str):
    """A declaration of the copy's warehouse/tables/devon.py (loaded beside the project's own)."""
    spec = importlib.util.spec_from_file_location("devon_tables_of_the_copy", root / "warehouse/tables/devon.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return next(t for t in module.TABLES if t.name == name)


def raw_rows(relpath: str) -> list[dict[str, str]]:
    with open(ROOT / "raw" / relpath, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def warehouse_copy(warehouse, tmp_path_factory) -> Path:
    """One copy of the session's build for this module's read-only checks."""
    db = tmp_path_factory.mktemp("build") / "warehouse.duckdb"
    shutil.copyfile(warehouse.build_db, db)
    return db


# --- 1. a raw table ----------------------------------------------------------------------------


def test_the_raw_table_example_extracts_the_13_roles_printed_under_fig_21(project, devon_path):
    written = (project / "raw/devon/school_staff_roles.csv").read_text(encoding="utf-8")
    assert written == output("raw-table", "raw/devon/school_staff_roles.csv")
    lines = read_lines(devon_path)
    assert lines[814].strip() == "Staff roles included in this total are :-"  # line 815
    printed = [(lines[n - 1].strip(), str(n)) for n in range(816, 829)]
    rows = list(csv.DictReader(written.splitlines()))
    assert [(r["role_name"], r["source_line"]) for r in rows] == printed
    assert [r["role_order"] for r in rows] == [str(k) for k in range(1, 14)]


def test_make_extract_changes_only_the_new_table_its_printed_lines_and_the_dictionary(project):
    changed = {
        path.relative_to(project / "raw").as_posix()
        for path in (project / "raw").rglob("*")
        if path.is_file()
        and not (
            (ROOT / "raw" / path.relative_to(project / "raw")).is_file()
            and path.read_bytes() == (ROOT / "raw" / path.relative_to(project / "raw")).read_bytes()
        )
    }
    assert changed == {"devon/school_staff_roles.csv", "devon/printed_lines.csv", "README.md"}
    assert "school_staff_roles" in (project / "raw/README.md").read_text(encoding="utf-8")


def test_the_declared_table_loads_with_its_types(project):
    table = declared_table(project, "school_staff_roles")
    with duckdb.connect() as con:
        loaded = load_csv(con, project / "raw/devon/school_staff_roles.csv", table)
        types = con.execute("select column_name, column_type from (describe raw.devon__school_staff_roles)").fetchall()
        first = con.execute("select * from raw.devon__school_staff_roles order by role_order limit 1").fetchone()
    assert loaded.row_count == 13
    assert types == [("role_order", "INTEGER"), ("role_name", "VARCHAR"), ("source_line", "INTEGER")]
    assert first == (1, "Head Teacher / Deputy Head", 816)


def test_a_malformed_copy_of_the_table_fails_naming_file_line_and_column(project, tmp_path):
    table = declared_table(project, "school_staff_roles")
    bad = tmp_path / "school_staff_roles.csv"
    text = (project / "raw/devon/school_staff_roles.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace("\n2,Head of Year,817\n", "\ntwo,Head of Year,817\n"), encoding="utf-8")
    with duckdb.connect() as con, pytest.raises(RawFileError) as raised:
        load_csv(con, bad, table)
    assert (raised.value.path, raised.value.line, raised.value.column) == (bad, 3, "role_order")
    assert str(raised.value).startswith(f"{bad}, line 3, column role_order: expected a whole number")


# --- 2. a consistency rule ---------------------------------------------------------------------


def fig20_totals_against_their_service_areas() -> list[tuple[str, int, int, int]]:
    """(organisation, printed total, sum of its service areas, line) where they differ, from
    raw/devon/training_by_service.csv (Fig 20 as printed; an empty count is none)."""
    rows = raw_rows("devon/training_by_service.csv")
    details: dict[str, int] = {}
    for row in rows:
        if row["is_total_row"] == "false":
            details[row["organisation"]] = details.get(row["organisation"], 0) + int(row["trained"] or 0)
    return [
        (row["organisation"], int(row["trained"]), details.get(row["organisation"], 0), int(row["source_line"]))
        for row in rows
        if row["is_total_row"] == "true" and row["is_grand_total"] == "false" and row["trained"]
        if int(row["trained"]) != details.get(row["organisation"], 0)
    ]


@pytest.mark.story
def test_the_rule_example_finds_the_fig_20_totals_its_service_areas_do_not_make(project, warehouse_copy, tmp_path):
    expected = fig20_totals_against_their_service_areas()
    # DCC Total 3 over Primary Schools 2 (line 999); three totals of 1 over no counts
    assert [(org, line) for org, _, _, line in expected] == [
        ("DCC", 999),
        ("DCC - CYPS IYSS", 1004),
        ("DEVON PCT", 1011),
        ("Early Years", 1018),
    ]
    load_suites(project / "expectations")  # the new suite sits with the others: no clash of ids
    suite = load_suite_file(project / "expectations/devon_training.yml")
    (result,) = run_suites(warehouse_copy, [suite], tmp_path / "data_docs", "development-examples")
    assert result.error is None and result.severity == "warn" and not result.blocking
    found = [
        (f["row_key"], f["published_value"], f["recomputed_value"], f["source_document"], f["source_line"])
        for f in result.findings
    ]
    assert found == [(f"Fig 20/{org}", float(p), float(r), DEVON, line) for org, p, r, line in expected]


@pytest.mark.story
def test_the_rules_findings_are_one_material_problem_by_its_declared_measure(project, warehouse_copy, tmp_path):
    spec = load_spec(project / "expectations/problems/problems.yml")
    suite = load_suite_file(project / "expectations/devon_training.yml")
    (result,) = run_suites(warehouse_copy, [suite], tmp_path / "data_docs", "development-examples")
    measure = spec.measures[result.rule_id]
    graded = [
        {**f, **grade_rule_finding(measure, result.tolerance, f), "rule_id": result.rule_id, "suite": result.suite}
        for f in result.findings
    ]
    assert {f["grade"] for f in graded} == {"material"}
    (problem,) = group(graded, spec, {DEVON: "devon"})
    assert problem["problem_id"] == "devon-fig20-training-totals"
    assert problem["grade"] == "material" and problem["source_lines"] == [999, 1004, 1011, 1018]
    assert problem["printed"] == "3 practitioners" and problem["implied"] == "2 practitioners"


# --- 3. a claim --------------------------------------------------------------------------------


@pytest.mark.story
def test_the_claim_example_holds_as_the_guide_says_on_the_published_averages(project, warehouse_copy, appendix_path):
    claim_id = "appendix.information_sharing.a_few_questions_markedly_lower"
    register = load_register(project / "expectations/claims")
    (claim,) = [c for c in register.claims if c.id == claim_id]
    assert claim.line == 348
    assert claim.quote in read_lines(appendix_path)[347]
    with duckdb.connect(str(warehouse_copy), read_only=True) as con:
        (result,) = evaluate_claims(con, [claim])
    assert result.error is None
    assert result.verdict == "holds"
    averages = {
        int(r["question_id"]): Decimal(r["avg_score_published"])
        for r in raw_rows("appendix/average_scores.csv")
        if r["audience"] == "total" and 14 <= int(r["question_id"]) <= 24
    }
    named = {15, 22, 23, 24}
    assert result.evidence == {
        "highest_of_the_named": float(max(v for q, v in averages.items() if q in named)),
        "lowest_of_the_others": float(min(v for q, v in averages.items() if q not in named)),
    }


# --- 4. a mart, and the raw table's staging model ------------------------------------------------


@pytest.fixture(scope="module")
def dbt_built(project, warehouse, tmp_path_factory) -> Path:
    """The copy's new raw table loaded as ingest would, then the guide's staging model and mart
    built by dbt by hand into a second copy of the session's build."""
    folder = tmp_path_factory.mktemp("dbt-build")
    db = folder / "warehouse.duckdb"
    shutil.copyfile(warehouse.build_db, db)
    with duckdb.connect(str(db)) as con:
        load_csv(con, project / "raw/devon/school_staff_roles.csv", declared_table(project, "school_staff_roles"))
    dbt = project / "dbt"
    built = subprocess.run(
        [
            DBT,
            "build",
            "--project-dir",
            str(dbt),
            "--profiles-dir",
            str(dbt),
            "--target-path",
            str(folder / "target"),
            "--select",
            "stg_devon__school_staff_roles",
            "template_option",
        ],
        cwd=project,
        env={**os.environ, "IW_BUILD_DB": str(db), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout[-3000:]
    assert re.search(r"ERROR=0 SKIP=0", built.stdout), built.stdout[-3000:]
    return db


@pytest.mark.story
def test_the_staging_model_of_the_new_table_holds_its_csv(dbt_built, project):
    with duckdb.connect(str(dbt_built), read_only=True) as con:
        staged = con.execute(
            "select role_order, role_name, source_document, source_line from staging.stg_devon__school_staff_roles"
            " order by role_order"
        ).fetchall()
    rows = list(csv.DictReader((project / "raw/devon/school_staff_roles.csv").read_text(encoding="utf-8").splitlines()))
    assert staged == [(int(r["role_order"]), r["role_name"], DEVON, int(r["source_line"])) for r in rows]


OPTIONS_FROM_STAGING = """
    select o.item_code, o.option_order, o.option_text, o.total_published,
           count(s.service_code) as services_marked,
           string_agg(s.service_name, ', ' order by s.service_order) as services_marked_names,
           o.source_line
    from staging.stg_devon__template_options as o
    left join staging.stg_devon__template_marks as m
      on m.item_code = o.item_code and m.option_order = o.option_order and m.mark = 1
    left join staging.stg_devon__services as s on s.service_code = m.service_code
    group by all
    order by o.item_code, o.option_order
"""


@pytest.mark.story
def test_the_mart_example_has_one_row_per_option_with_the_services_that_marked_it(dbt_built):
    with duckdb.connect(str(dbt_built), read_only=True) as con:
        mart = con.execute(
            "select item_code, option_order, option_text, total_published, services_marked, services_marked_names,"
            " source_line from marts.template_option order by item_code, option_order"
        ).fetchall()
        expected = con.execute(OPTIONS_FROM_STAGING).fetchall()
        contradicted = con.execute(
            "select source_line from marts.template_option where total_difference <> 0 order by source_line"
        ).fetchall()
    assert mart == expected
    assert len(mart) == len(raw_rows("devon/template_options.csv"))
    assert sum(row[4] for row in mart) == sum(r["mark"] == "1" for r in raw_rows("devon/template_marks.csv"))
    # the Totals the guide names: five contradicted by the marks, two answered in words (442, 444)
    assert [line for (line,) in contradicted] == [294, 300, 320, 348, 373, 442, 444]
