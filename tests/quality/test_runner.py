"""The GX quality runner on a tiny DuckDB warehouse, and the suite-file loader."""

from __future__ import annotations

import contextlib
import io
import socket
import time
from pathlib import Path

import duckdb
import pytest

from warehouse.quality import (
    FINDING_COLUMNS,
    SuiteError,
    load_suites,
    run_suites,
    write_results,
)

EXAMPLE_SUITES = Path(__file__).parent / "example_suites"
RUN_ID = "test-run-1"


def _build_warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema staging; create schema marts")
        con.execute(
            """
            create table staging.stg_example__figures (
                question varchar, grp varchar, total double, frontline double,
                managers double, pct double, source_document varchar, source_line integer)
            """
        )
        con.executemany(
            "insert into staging.stg_example__figures values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                ("q05", "frontline", 10.0, 6, 4, 40.0, "report.pdf", 12),  # exact
                ("q05", "managers", 20.4, 12, 8, 55.5, "report.pdf", 13),  # rounding only (0.4)
                ("q06", "frontline", 33.0, 20, 10, 60.0, "report.pdf", 20),  # +3: finding
                ("q06", "managers", 8.0, 5, 5, 12.5, "appendix.pdf", 7),  # -2: finding
                ("q07", "frontline", 5.0, 2.5, 2.5, 99.9, "appendix.pdf", 9),  # exact
            ],
        )
        con.execute(
            """
            create table marts.example_totals as select * from (values
                ('q05', 30.4, 'report.pdf', 30),
                ('q06', 41.0, 'report.pdf', 31),
                ('q07', 5.3, 'report.pdf', 32)   -- 0.3 off: within tolerance 0.5
            ) v(question, grand_total, source_document, source_line)
            """
        )
    finally:
        con.close()


@contextlib.contextmanager
def _no_network():
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", refuse)
        mp.setattr(socket, "create_connection", refuse)
        yield


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("quality")
    db = tmp / "warehouse.duckdb"
    _build_warehouse(db)
    suites = load_suites(EXAMPLE_SUITES)
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with _no_network(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        results = run_suites(db, suites, tmp / "data_docs", RUN_ID)
    elapsed = time.perf_counter() - started
    print(f"\nquality: {sum(len(s.rules) for s in suites)} rules ran in {elapsed:.2f}s")
    return {
        "db": db,
        "docs": tmp / "data_docs",
        "results": results,
        "by_id": {r.rule_id: r for r in results},
        "stdout": out.getvalue(),
        "stderr": err.getvalue(),
    }


def test_every_rule_has_one_result(run):
    suites = load_suites(EXAMPLE_SUITES)
    assert [r.rule_id for r in run["results"]] == [rule.id for rule in suites[0].rules]
    assert all(r.error is None for r in run["results"]), [r.error for r in run["results"]]


def test_failing_rule_reports_exactly_the_violating_rows(run):
    result = run["by_id"]["example_total_is_sum_of_parts"]
    assert not result.passed
    assert result.severity == "warn" and not result.blocking
    assert result.unexpected_count == 2
    assert result.findings == [
        {
            "row_key": "q06/managers",
            "published_value": 8.0,
            "recomputed_value": 10.0,
            "difference": -2.0,
            "source_document": "appendix.pdf",
            "source_line": 7,
        },
        {
            "row_key": "q06/frontline",
            "published_value": 33.0,
            "recomputed_value": 30.0,
            "difference": 3.0,
            "source_document": "report.pdf",
            "source_line": 20,
        },
    ]


def test_rounding_only_difference_is_not_a_finding(run):
    keys = {f["row_key"] for r in run["results"] for f in r.findings}
    assert "q05/managers" not in keys  # 0.4 off, tolerance 0.5
    assert run["by_id"]["example_mart_total_matches_staging"].passed  # q07 0.3 off


def test_passing_rules_pass(run):
    failing = {r.rule_id for r in run["results"] if not r.passed}
    assert failing == {"example_total_is_sum_of_parts"}
    for result in run["results"]:
        if result.passed:
            assert result.unexpected_count == 0 and result.findings == []
    assert run["results"].blocking == []


def test_gx_prints_no_progress_bars(run):
    assert "Calculating Metrics" not in run["stderr"] + run["stdout"]
    assert "%|" not in run["stderr"]


def test_data_docs_index_is_built(run):
    index = run["results"].data_docs_index
    assert index == run["docs"] / "index.html"
    assert index.is_file()
    assert "example_figures" in index.read_text(encoding="utf-8")


def test_results_are_written_and_rewrite_is_idempotent(run):
    # run_suites closed its read-only connections: a read-write one can open in-process.
    con = duckdb.connect(str(run["db"]))
    try:
        write_results(con, RUN_ID, run["results"])
        write_results(con, RUN_ID, run["results"])  # same run id: replaced, not duplicated
        rows = con.execute(
            "select rule_id, asset, severity, passed, unexpected_count, error "
            "from quality.check_results order by rule_id"
        ).fetchall()
        assert len(rows) == 10
        assert ("example_total_is_sum_of_parts", "staging.stg_example__figures", "warn", False, 2, None) in rows
        assert ("example_row_count", "staging.stg_example__figures", "error", True, 0, None) in rows
        findings = con.execute(
            f"select run_id, suite, rule_id, table_name, {', '.join(FINDING_COLUMNS)} "
            "from quality.findings order by source_line"
        ).fetchall()
        assert findings == [
            (
                RUN_ID,
                "example_figures",
                "example_total_is_sum_of_parts",
                "staging.stg_example__figures",
                "q06/managers",
                8.0,
                10.0,
                -2.0,
                "appendix.pdf",
                7,
            ),
            (
                RUN_ID,
                "example_figures",
                "example_total_is_sum_of_parts",
                "staging.stg_example__figures",
                "q06/frontline",
                33.0,
                30.0,
                3.0,
                "report.pdf",
                20,
            ),
        ]
        # A second run keeps history; the latest_* views show only the newest run.
        passed = [r for r in run["results"] if r.passed]
        later = [type(r)(**{**r.__dict__, "checked_at": r.checked_at.replace(year=2100)}) for r in passed]
        write_results(con, "test-run-2", later)
        assert con.execute("select count(distinct run_id) from quality.check_results").fetchone() == (2,)
        assert con.execute("select distinct run_id from quality.latest_check_results").fetchall() == [("test-run-2",)]
        assert con.execute("select count(*) from quality.latest_findings").fetchone() == (0,)
    finally:
        con.close()


def test_broken_rules_are_reported_not_raised_and_large_results_are_complete(tmp_path):
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute(
        "create schema staging; create table staging.t as "
        "select i, 'doc.pdf' as source_document, i::integer as source_line from range(1, 251) r(i)"
    )
    con.close()
    suites_dir = tmp_path / "suites"
    suites_dir.mkdir()
    columns = "i::varchar as row_key, i as published_value, 0 as recomputed_value, i as difference, source_document, source_line"
    (suites_dir / "s.yml").write_text(
        f"""
suite: broken
rules:
  - {{id: many_rows, description: d, severity: warn, tolerance: 0, asset: staging.t,
      query: "select {columns} from {{table}} where i > {{tolerance}}"}}
  - {{id: missing_columns, description: d, severity: error, tolerance: 0, asset: staging.t,
      query: "select i as row_key from {{table}} where false"}}
  - {{id: bad_sql, description: d, severity: error, tolerance: 0, asset: staging.t,
      query: "select {columns} from {{table}} where no_such_column > 0"}}
  - {{id: missing_table, description: d, severity: warn, tolerance: 0, asset: staging.missing,
      query: "select * from {{table}}"}}
""",
        encoding="utf-8",
    )
    results = run_suites(db, load_suites(suites_dir), tmp_path / "docs", "r")
    by_id = {r.rule_id: r for r in results}
    assert by_id["many_rows"].unexpected_count == 250
    assert len(by_id["many_rows"].findings) == 250  # beyond GX's 200-row result cap
    assert "row_key" not in by_id["missing_columns"].error
    assert "published_value" in by_id["missing_columns"].error
    assert not by_id["missing_columns"].passed and by_id["missing_columns"].blocking
    assert by_id["bad_sql"].error and "no_such_column" in by_id["bad_sql"].error
    assert by_id["bad_sql"].unexpected_count is None
    missing = by_id["missing_table"]
    assert "staging.missing" in missing.error and not missing.passed and not missing.blocking
    assert [r.rule_id for r in results] == ["many_rows", "missing_columns", "bad_sql", "missing_table"]


# ------------------------------------------------------------------------ load_suites


_RULE = """
  - id: {id}
    description: A rule.
    severity: {severity}
    tolerance: 0
    asset: staging.t
    query: select * from {{table}}
"""


def _suite_file(directory: Path, name: str, *rules: str, suite: str | None = None) -> Path:
    path = directory / f"{name}.yml"
    path.write_text(f"suite: {suite or name}\nrules:" + "".join(rules), encoding="utf-8")
    return path


def test_load_suites_reads_the_example():
    (suite,) = load_suites(EXAMPLE_SUITES)
    assert suite.name == "example_figures"
    assert len(suite.rules) == 10
    rule = suite.rules[0]
    assert rule.tolerance == 0.5 and rule.severity == "warn"
    assert "{batch}" in rule.gx_query() and "> 0.5" in rule.gx_query()
    assert "from staging.stg_example__figures" in rule.sql()
    braces = next(r for r in suite.rules if r.id == "example_no_braces_in_key")
    assert "'%{{%'" in braces.gx_query() and "'%{%'" in braces.sql()


def test_duplicate_rule_id_across_files_names_both_files(tmp_path):
    _suite_file(tmp_path, "a_first", _RULE.format(id="same_rule", severity="warn"))
    second = _suite_file(tmp_path, "b_second", _RULE.format(id="same_rule", severity="warn"))
    with pytest.raises(SuiteError) as excinfo:
        load_suites(tmp_path)
    message = str(excinfo.value)
    assert str(second) in message and "a_first.yml" in message
    assert "'same_rule'" in message and "duplicate" in message


def test_bad_severity_is_rejected_naming_file_and_rule(tmp_path):
    path = _suite_file(tmp_path, "s", _RULE.format(id="my_rule", severity="fatal"))
    with pytest.raises(SuiteError) as excinfo:
        load_suites(tmp_path)
    message = str(excinfo.value)
    assert str(path) in message and "'my_rule'" in message and "'fatal'" in message


def test_missing_fields_and_bad_placeholders_are_rejected(tmp_path):
    path = tmp_path / "s.yml"
    path.write_text(
        """
suite: s
rules:
  - id: no_severity
    description: d
    tolerance: 0
    asset: staging.t
    query: select * from {table}
  - id: bad_placeholder
    description: d
    severity: warn
    tolerance: -1
    asset: t
    query: select * from {tabel}
""",
        encoding="utf-8",
    )
    with pytest.raises(SuiteError) as excinfo:
        load_suites(tmp_path)
    message = str(excinfo.value)
    assert "'no_severity': missing required field(s): severity" in message
    assert "'bad_placeholder': tolerance must be a number >= 0" in message
    assert "'bad_placeholder': asset 't'" in message
    assert "{tabel}" in message and "must select from {table}" in message
    assert message.count(str(path)) >= 4


def test_open_connection_to_the_file_gives_a_clear_error(tmp_path):
    db = tmp_path / "w.duckdb"
    _build_warehouse(db)
    con = duckdb.connect(str(db))  # e.g. a pipeline step that forgot to close its writer
    try:
        with pytest.raises(RuntimeError, match="another connection to it is open"):
            run_suites(db, load_suites(EXAMPLE_SUITES), tmp_path / "docs", "r")
    finally:
        con.close()
