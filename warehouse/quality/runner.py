"""Run the declarative suites through Great Expectations against the DuckDB warehouse.

Design
------
* One ephemeral GX context per run (in-memory stores, nothing written into the repo); its
  only filesystem output is the Data Docs site under ``data_docs_dir``.
* One GX SQL data source (``context.data_sources.add_sql``) on the DuckDB file, so every
  rule is executed *in DuckDB*; one ``TableAsset`` + whole-table ``BatchDefinition`` per
  guarded table; one ``ExpectationSuite`` + ``ValidationDefinition`` per (suite, table).
* Every rule is a ``gx.expectations.UnexpectedRowsExpectation`` whose query returns the
  violating rows with the standard finding columns; ``result_format="COMPLETE"`` hands the
  rows back (GX caps them at 200; the rest are fetched through the same GX engine).
* DuckDB is opened read-only through a small subclass of duckdb-engine's SQLAlchemy
  dialect (``duckdb+gxquality://``). GX closes each SQLAlchemy connection *before* it
  fetches the rows; SQLAlchemy then rolls the connection back, and a DuckDB rollback
  discards the pending result set, so every metric comes back empty (GX issues #10738,
  #11579). The subclass never opens an explicit transaction (each statement autocommits,
  and a read-only run has nothing to commit), so there is nothing to roll back and the rows
  survive until GX fetches them.
* Progress bars are off through the context config (``progress_bars`` globally and for
  metric calculations); analytics are off through the config and ``GX_ANALYTICS_ENABLED``.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import decimal
import logging
import math
import os
import threading
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from warehouse.quality.problems import grade_rule_finding, load_spec, write_problems
from warehouse.quality.suites import FINDING_COLUMNS, Rule, Suite

if TYPE_CHECKING:
    import duckdb

log = logging.getLogger(__name__)

# Set before great_expectations is first imported (it is imported lazily below).
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

_preloading: threading.Thread | None = None


def preload() -> None:
    """Start importing great_expectations (some 2.5 s) in a background thread. The dbt step
    calls this: its process only waits on dbt's subprocess then, and the checks after it find
    the library loaded. `_ephemeral_context` waits for the thread before it imports."""
    global _preloading
    if _preloading is None:
        _preloading = threading.Thread(target=_import_gx, name="preload-great-expectations", daemon=True)
        _preloading.start()


def _import_gx() -> None:
    with contextlib.suppress(Exception):  # the checks import it again and report any error
        import great_expectations  # noqa: F401


# the columns of quality.findings after FINDING_COLUMNS (problem_id is set by write_problems)
GRADE_COLUMNS = ("grade", "printed", "implied", "gap", "note", "problem_id")

_DIALECT_DRIVER = "gxquality"
_DATASOURCE = "warehouse"
_SITE = "quality_site"


@dataclass
class RuleResult:
    suite: str
    rule_id: str
    asset: str
    severity: str
    description: str
    passed: bool
    unexpected_count: int | None
    findings: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None  # the rule could not be evaluated (bad SQL, missing columns...)
    checked_at: _dt.datetime | None = None  # UTC, naive
    tolerance: float | None = None  # the rule's tolerance: its printed precision, for grading

    @property
    def blocking(self) -> bool:
        """A failed ``error`` rule blocks publishing; ``warn`` rules are only recorded."""
        return self.severity == "error" and not self.passed


class RuleResults(list):
    """``list[RuleResult]`` that also carries the run id and the Data Docs index path."""

    def __init__(self, items: Iterable[RuleResult], run_id: str, data_docs_index: Path | None):
        super().__init__(items)
        self.run_id = run_id
        self.data_docs_index = data_docs_index

    @property
    def blocking(self) -> list[RuleResult]:
        return [r for r in self if r.blocking]


def run_suites(
    db_path: str | Path,
    suites: Sequence[Suite],
    data_docs_dir: str | Path,
    run_id: str,
    *,
    read_only: bool = True,
) -> RuleResults:
    """Validate every rule of ``suites`` against the DuckDB file at ``db_path``.

    Returns one ``RuleResult`` per rule (in suite/rule order). The returned list also has
    ``.data_docs_index``: the ``index.html`` of the GX Data Docs built into ``data_docs_dir``.
    No other connection to ``db_path`` may be open in this process with another
    configuration (DuckDB refuses it); every connection opened here is closed on return.
    """
    db_path = Path(db_path).resolve()
    if not db_path.is_file():
        raise FileNotFoundError(f"DuckDB warehouse {db_path} not found")
    data_docs_dir = Path(data_docs_dir).resolve()
    data_docs_dir.mkdir(parents=True, exist_ok=True)
    checked_at = _dt.datetime.now(_dt.UTC).replace(tzinfo=None)

    gx, context = _ephemeral_context(data_docs_dir)
    _register_dialect()
    from great_expectations.core.run_identifier import RunIdentifier

    try:
        datasource = context.data_sources.add_sql(
            name=_DATASOURCE,
            connection_string=f"duckdb+{_DIALECT_DRIVER}:///{db_path}",
            kwargs={"connect_args": {"read_only": read_only}},
        )
    except Exception as exc:
        if "different configuration" in str(exc) or "lock" in str(exc).lower():
            raise RuntimeError(
                f"cannot open {db_path} for the quality checks: another connection to it is "
                "open (in this process, or a writer in another one). Close it first; DuckDB "
                f"refuses a second connection with another configuration. ({_first_line(exc)})"
            ) from exc
        raise
    gx_run_id = RunIdentifier(run_name=run_id, run_time=_dt.datetime.now(_dt.UTC))
    results: list[RuleResult] = []
    try:
        engine = datasource.get_execution_engine()
        assets: dict[str, Any] = {}
        for suite in suites:
            for asset_name in suite.assets():
                rules = [r for r in suite.rules if r.asset == asset_name]
                if asset_name not in assets:
                    assets[asset_name] = _batch_definition(datasource, asset_name)
                if isinstance(assets[asset_name], str):  # the table could not be opened
                    results.extend(_unevaluated(suite, rule, assets[asset_name]) for rule in rules)
                    continue
                results.extend(_validate(gx, context, engine, suite, assets[asset_name], rules, gx_run_id))
        order = {(s.name, r.id): i for i, (s, r) in enumerate((s, r) for s in suites for r in s.rules)}
        results.sort(key=lambda r: order[(r.suite, r.rule_id)])
        for result in results:
            result.checked_at = checked_at
        index = _build_data_docs(context, data_docs_dir)
    finally:
        _close(datasource)
    return RuleResults(results, run_id=run_id, data_docs_index=index)


def write_results(con: duckdb.DuckDBPyConnection, run_id: str, results: Sequence[RuleResult]) -> None:
    """Record a run in ``quality.check_results`` and ``quality.findings``.

    Both tables keep history keyed by ``run_id``. The rows of the suites in ``results`` that
    were recorded under ``run_id`` before are replaced, so the call is idempotent and the
    suites of one run can be recorded one at a time; ``quality.latest_check_results`` and
    ``quality.latest_findings`` are views on the most recent run.
    """
    con.execute("create schema if not exists quality")
    con.execute(
        """
        create table if not exists quality.check_results (
            run_id varchar not null,
            checked_at timestamp not null,   -- UTC
            suite varchar not null,
            rule_id varchar not null,
            asset varchar not null,
            severity varchar not null,
            description varchar,
            passed boolean not null,
            unexpected_count integer,
            error varchar,
            primary key (run_id, rule_id)
        )
        """
    )
    con.execute(
        """
        create table if not exists quality.findings (
            run_id varchar not null,
            suite varchar not null,
            rule_id varchar not null,
            table_name varchar not null,
            row_key varchar,
            published_value double,
            recomputed_value double,
            difference double,
            source_document varchar,
            source_line integer
        )
        """
    )
    # the grade, the evidence in words and the problem of each finding (docs/quality.md);
    # added to a findings table written before they existed
    for column in GRADE_COLUMNS:
        con.execute(f"alter table quality.findings add column if not exists {column} varchar")
    spec = load_spec()
    checked_fallback = _dt.datetime.now(_dt.UTC).replace(tzinfo=None)
    check_rows = [
        (
            run_id,
            r.checked_at or checked_fallback,
            r.suite,
            r.rule_id,
            r.asset,
            r.severity,
            r.description,
            r.passed,
            r.unexpected_count,
            r.error,
        )
        for r in results
    ]
    finding_rows = [
        (run_id, r.suite, r.rule_id, r.asset, *(f.get(c) for c in FINDING_COLUMNS), *_graded(r, f, spec))
        for r in results
        for f in r.findings
    ]
    con.execute("begin transaction")
    try:
        for suite in sorted({r.suite for r in results}):
            con.execute("delete from quality.findings where run_id = ? and suite = ?", [run_id, suite])
            con.execute("delete from quality.check_results where run_id = ? and suite = ?", [run_id, suite])
        if check_rows:
            con.executemany(
                "insert into quality.check_results values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                check_rows,
            )
        if finding_rows:
            columns = ("run_id", "suite", "rule_id", "table_name", *FINDING_COLUMNS, *GRADE_COLUMNS[:-1])
            con.executemany(
                f"insert into quality.findings ({', '.join(columns)}) values ({', '.join('?' * len(columns))})",
                finding_rows,
            )
        write_problems(con, run_id, spec)
        con.execute(
            """
            create or replace view quality.latest_check_results as
            select * from quality.check_results
            where run_id = (select arg_max(run_id, checked_at) from quality.check_results)
            """
        )
        con.execute(
            """
            create or replace view quality.latest_findings as
            select f.* from quality.findings f
            where f.run_id = (select arg_max(run_id, checked_at) from quality.check_results)
            """
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def _graded(result: RuleResult, finding: dict[str, Any], spec) -> tuple:
    """grade, printed, implied, gap, note of one finding: a claim's finding carries its own; a
    consistency rule's is graded by the rule's declared measure and its tolerance."""
    if "grade" not in finding:
        finding = {**finding, **grade_rule_finding(spec.measures.get(result.rule_id), result.tolerance, finding)}
    return tuple(finding.get(c) for c in GRADE_COLUMNS[:-1])


# --------------------------------------------------------------------------- GX plumbing


def _ephemeral_context(data_docs_dir: Path):
    if _preloading is not None:
        _preloading.join()  # one thread imports at a time
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        data_docs_sites={
            _SITE: {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(data_docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
    )
    return gx, gx.get_context(mode="ephemeral", project_config=config)


def _batch_definition(datasource, asset_name: str):
    """A whole-table batch definition, or the error text if the table cannot be opened."""
    schema, table = asset_name.split(".", 1)
    try:
        with warnings.catch_warnings():
            # A plain SQLDatasource has no schema setting; schema_name is deprecated
            # (GX 1.14) but is still the only way to name one.
            warnings.filterwarnings("ignore", message="`schema_name` is deprecated", category=DeprecationWarning)
            asset = datasource.add_table_asset(name=asset_name, table_name=table, schema_name=schema)
    except Exception as exc:  # GX tests the table on add: a missing table lands here
        log.warning("quality asset %s cannot be validated: %s", asset_name, _first_line(exc))
        return f"table {asset_name} cannot be read: {_first_line(exc)}"
    return asset.add_batch_definition_whole_table("whole_table")


def _unevaluated(suite: Suite, rule: Rule, error: str) -> RuleResult:
    return RuleResult(
        suite=suite.name,
        rule_id=rule.id,
        asset=rule.asset,
        severity=rule.severity,
        description=rule.description,
        passed=False,
        unexpected_count=None,
        error=error,
        tolerance=rule.tolerance,
    )


def _validate(gx, context, engine, suite: Suite, batch_definition, rules: list[Rule], run_id):
    """Run one (suite, table) group as one GX ExpectationSuite; one RuleResult per rule."""
    table = rules[0].asset
    gx_suite = context.suites.add(gx.ExpectationSuite(name=f"{suite.name}.{table}"))
    preflight: dict[str, str] = {}
    for rule in rules:
        expectation = gx.expectations.UnexpectedRowsExpectation(
            unexpected_rows_query=rule.gx_query(),
            description=rule.description,
            severity="critical" if rule.severity == "error" else "warning",
            meta={"suite": suite.name, "rule_id": rule.id, "severity": rule.severity},
        )
        gx_suite.add_expectation(expectation)
        problem = _check_columns(engine, rule)
        if problem:
            preflight[rule.id] = problem

    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=gx_suite.name, data=batch_definition, suite=gx_suite)
    )
    outcome = validation.run(result_format="COMPLETE", run_id=run_id)
    by_rule = {r.expectation_config.meta.get("rule_id"): r for r in outcome.results}

    results = []
    for rule in rules:
        evr = by_rule.get(rule.id)
        error = preflight.get(rule.id) or _exception_message(evr)
        findings: list[dict[str, Any]] = []
        count: int | None = None
        if evr is not None and not error:
            count = int(evr.result.get("observed_value", 0))
            rows = evr.result.get("details", {}).get("unexpected_rows") or []
            if count > len(rows):  # GX keeps at most 200 rows in a result
                rows = _fetch_all(engine, rule)
            try:
                findings = sorted((_finding(row) for row in rows), key=_finding_order)
            except (TypeError, ValueError) as exc:
                error = f"a finding column has the wrong type: {exc}"
        results.append(
            RuleResult(
                suite=suite.name,
                rule_id=rule.id,
                asset=rule.asset,
                severity=rule.severity,
                description=rule.description,
                passed=error is None and count == 0,
                unexpected_count=None if error else count,
                findings=[] if error else findings,
                error=error,
                tolerance=rule.tolerance,
            )
        )
        if error:
            log.warning("quality rule %s (%s) could not be evaluated: %s", rule.id, rule.source_file, error)
    return results


def _check_columns(engine, rule: Rule) -> str | None:
    """The query must return the standard finding columns, even when it finds nothing."""
    import sqlalchemy as sa

    try:
        keys = list(engine.execute_query(sa.text(f"select * from ({rule.sql()}) as q limit 0")).keys())
    except Exception as exc:  # bad SQL: reported as the rule's error
        return f"query failed: {_first_line(exc)}"
    missing = [c for c in FINDING_COLUMNS if c not in keys]
    if missing:
        return f"query does not return the finding column(s): {', '.join(missing)}"
    return None


def _fetch_all(engine, rule: Rule) -> list[dict[str, Any]]:
    import sqlalchemy as sa

    return [dict(row._mapping) for row in engine.execute_query(sa.text(rule.sql())).fetchall()]


def _exception_message(evr) -> str | None:
    if evr is None:
        return "GX returned no result for this rule"
    info = evr.exception_info or {}
    if info.get("raised_exception"):
        return _first_line(info.get("exception_message"))
    for value in info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return _first_line(value.get("exception_message"))
    if not evr.success and "observed_value" not in (evr.result or {}):
        return "GX could not compute the unexpected rows"
    return None


def _first_line(message: Any) -> str:
    text = str(message or "unknown error").strip()
    return text.splitlines()[0] if text else "unknown error"


def _finding(row: dict[str, Any]) -> dict[str, Any]:
    line = row.get("source_line")
    return {
        "row_key": None if row.get("row_key") is None else str(row["row_key"]),
        "published_value": _number(row.get("published_value")),
        "recomputed_value": _number(row.get("recomputed_value")),
        "difference": _number(row.get("difference")),
        "source_document": None if row.get("source_document") is None else str(row["source_document"]),
        "source_line": None if line is None else int(line),
    }


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, (decimal.Decimal, int, float)) and not isinstance(value, bool):
        number = float(value)
        return None if math.isnan(number) else number
    raise TypeError(f"{value!r} is not a number")


def _finding_order(finding: dict[str, Any]):
    return (
        finding["source_document"] or "",
        finding["source_line"] if finding["source_line"] is not None else -1,
        finding["row_key"] or "",
    )


def _build_data_docs(context, data_docs_dir: Path) -> Path | None:
    context.build_data_docs(site_names=[_SITE])
    index = data_docs_dir / "index.html"
    return index if index.is_file() else None


def _close(datasource) -> None:
    """Dispose every SQLAlchemy engine GX made, closing all DuckDB connections."""
    try:
        datasource.get_execution_engine().close()
    except Exception:  # pragma: no cover - best effort
        log.debug("closing the GX execution engine failed", exc_info=True)
    try:
        datasource.get_engine().dispose()
    except Exception:  # pragma: no cover
        log.debug("disposing the GX data source engine failed", exc_info=True)


def _register_dialect() -> None:
    from sqlalchemy.dialects import registry

    registry.register(f"duckdb.{_DIALECT_DRIVER}", __name__, "_NoTransactionDuckDBDialect")


def __getattr__(name: str):
    # The dialect class is built on first use so importing this module stays cheap
    # (no duckdb-engine / SQLAlchemy import at Dagster definition load time).
    if name == "_NoTransactionDuckDBDialect":
        from duckdb_engine import Dialect

        class _NoTransactionDuckDBDialect(Dialect):
            """duckdb-engine without explicit transactions (see the module docstring)."""

            supports_statement_cache = False

            def do_begin(self, dbapi_connection) -> None:
                pass

            def do_commit(self, dbapi_connection) -> None:
                pass

            def do_rollback(self, dbapi_connection) -> None:
                pass

        globals()[name] = _NoTransactionDuckDBDialect
        return _NoTransactionDuckDBDialect
    raise AttributeError(name)
