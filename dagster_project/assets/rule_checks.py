"""Great Expectations suites (``expectations/*.yml``) as Dagster asset checks.

One ``@dg.multi_asset_check`` runs every suite file in one Great Expectations context (one
context per suite cost about 0.8 s each; one for all, about 1 s in total). Each rule of each
suite is one asset check, named by the rule id, on the asset the rule guards
(``staging.stg_x`` -> asset key ``["staging", "stg_x"]``, ``marts.x`` -> ``["marts", "x"]``,
the keys of ``dagster_project.assets.dbt.Translator``). Other tables a rule's query reads are
declared as the check's additional dependencies.

* ``error`` rules (the tables regenerated from answers against the printed ones; a table's
  structure is its dbt model's tests, docs/checks.md) are ``blocking=True`` checks reported
  with ``AssetCheckSeverity.ERROR``: when one fails, nothing downstream of its asset (publish)
  runs in that run. Being blocking, they also make publish wait for this step in every run
  (every rule is selected in every run, see ``dagster_project.changes``), as the claims' checks do.
* ``warn`` rules (a contradiction inside the published report) are non-blocking checks
  reported with ``AssetCheckSeverity.WARN``.

Every check result carries: rule id, description, severity, tolerance, unexpected count, a
markdown preview of the first findings (row key, published, recomputed, difference, source
line) and a link to the Great Expectations Data Docs.

Where things are written
------------------------
* Results: ``quality.check_results`` and ``quality.findings`` of the build database
  (``settings().build_db``, env ``IW_BUILD_DB``), keyed by the Dagster run id, so all suites
  of one run share one ``run_id``; ``quality.latest_*`` views show the newest run.
* Data Docs: each suite builds its own GX Data Docs site in
  ``settings().data_docs_dir / <suite>/index.html`` (default
  ``.data/build/data_docs/``, env ``IW_DATA_DOCS_DIR`` moves it): one site whose
  ``index.html`` lists the validations of every suite of the run.

DuckDB connections: GX opens the build database read-only, and DuckDB refuses that while
another connection with a different configuration (e.g. a writer) is open in the same
process. The checks therefore hold no connection while GX runs, and open the read-write one
that records the results only after ``run_suites`` has closed its own. The job runs on the
in-process executor, whose other steps close their connections when they finish.
"""

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import dagster as dg
import duckdb

from dagster_project.assets.keys import asset_key_for
from warehouse.config import settings
from warehouse.quality import (
    RuleResult,
    load_suites,
    run_suites,
    write_results,
)
from warehouse.quality.problems import grade_rule_finding, load_spec

PREVIEW_FINDINGS = 10
_TABLE_REF = re.compile(r"\b(staging|marts|seeds)\.([A-Za-z_][A-Za-z0-9_]*)\b")


def _other_tables(query: str, own: str) -> list[str]:
    """Tables a rule's query reads besides its own asset.

    Listed in the check's metadata, not declared as `additional_deps`: every table a rule reads
    is built by the one dbt step before any check runs, and blocking checks with cross-table
    dependencies would make Dagster order the suites' check steps in a cycle.
    """
    return [t for t in dict.fromkeys(f"{s}.{t}" for s, t in _TABLE_REF.findall(query)) if t != own]


def _severity(rule_severity: str) -> dg.AssetCheckSeverity:
    return dg.AssetCheckSeverity.ERROR if rule_severity == "error" else dg.AssetCheckSeverity.WARN


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:g}" if isinstance(value, float) else str(value)


def findings_markdown(result: RuleResult, limit: int = PREVIEW_FINDINGS) -> str:
    """A markdown table of the first ``limit`` findings of a rule."""
    if result.error:
        return f"**The rule could not be evaluated:** {result.error}"
    if not result.findings:
        return "No findings."
    lines = [
        "| row key | published | recomputed | difference | grade | source line |",
        "|---|---:|---:|---:|---|---:|",
    ]
    measure = load_spec().measures.get(result.rule_id)
    for f in result.findings[:limit]:
        key = (f["row_key"] or "").replace("|", "\\|")
        grade = f.get("grade") or grade_rule_finding(measure, result.tolerance, f)["grade"]
        lines.append(
            f"| {key} | {_fmt(f['published_value'])} | {_fmt(f['recomputed_value'])} "
            f"| {_fmt(f['difference'])} | {grade} | {_fmt(f['source_line'])} |"
        )
    more = len(result.findings) - limit
    if more > 0:
        lines.append(f"\n… and {more} more (all in quality.findings).")
    document = next((f["source_document"] for f in result.findings if f["source_document"]), None)
    if document:
        lines.append(f"\nSource document: `{document}`")
    return "\n".join(lines)


def record_results(db_path: Path, run_id: str, results: Sequence[RuleResult]) -> None:
    """Write the suites' results under ``run_id`` into the build database."""
    with duckdb.connect(str(db_path)) as con:
        write_results(con, run_id, results)


def _check_result(result: RuleResult, tolerance: float, docs: Path | None) -> dg.AssetCheckResult:
    metadata: dict[str, object] = {
        "rule_id": result.rule_id,
        "suite": result.suite,
        "description": result.description,
        "severity": result.severity,
        "tolerance": float(tolerance),
        "findings_preview": dg.MetadataValue.md(findings_markdown(result)),
    }
    if result.unexpected_count is not None:
        metadata["unexpected_count"] = result.unexpected_count
    if result.error:  # the rule could not be evaluated: the check fails and says why
        metadata["error"] = result.error
    if docs is not None:
        metadata["data_docs"] = dg.MetadataValue.path(str(docs))
    return dg.AssetCheckResult(
        asset_key=asset_key_for(result.asset),
        check_name=result.rule_id,
        passed=bool(result.passed),
        severity=_severity(result.severity),
        metadata=metadata,
        description=result.description,
    )


def build_quality_checks(expectations_dir: str | Path | None = None) -> dg.AssetChecksDefinition:
    """One multi-asset check running every suite in ``expectations_dir`` (default: settings)."""
    directory = Path(expectations_dir) if expectations_dir else settings().expectations_dir
    suites = load_suites(directory)
    rules = [(suite, rule) for suite in suites for rule in suite.rules]
    specs = [
        dg.AssetCheckSpec(
            name=rule.id,
            asset=asset_key_for(rule.asset),
            description=rule.description,
            blocking=rule.severity == "error",
            metadata={
                "rule_id": rule.id,
                "severity": rule.severity,
                "tolerance": float(rule.tolerance),
                "suite_file": str(suite.path.name),
                "also_reads": ", ".join(_other_tables(rule.query, rule.asset)) or "-",
            },
        )
        for suite, rule in rules
    ]
    tolerances = {rule.id: rule.tolerance for _, rule in rules}

    @dg.multi_asset_check(
        name="great_expectations_suites",
        specs=specs,
        description=f"Great Expectations: the {len(suites)} suites in expectations/ ({len(rules)} rules)",
        compute_kind="great_expectations",
        # the run-wide lock on the build database (dagster_project/build_lock.py)
        required_resource_keys={"build_lock"},
        # a run that rebuilds part of the graph (dagster_project/changes.py) selects the checks
        # of that part and every rule; all are evaluated and recorded (publish reads them all)
        can_subset=True,
        # In such a run the selected rules may guard no asset the run rebuilds, and then nothing
        # orders this step after the dbt step. The in-process executor runs one ready step at a
        # time, highest priority first: this step waits until nothing else can run.
        op_tags={"dagster/priority": "-1"},
    )
    def _suites_check(context: dg.AssetCheckExecutionContext) -> Iterator[dg.AssetCheckResult]:
        cfg = settings()
        run_id = context.run.run_id
        # No DuckDB connection is held here while GX reads the file (see the module docstring).
        results = run_suites(cfg.build_db, suites, cfg.data_docs_dir, run_id)
        record_results(cfg.build_db, run_id, results)
        for suite in suites:
            failed = [r.rule_id for r in results if r.suite == suite.name and not r.passed]
            context.log.info(
                f"suite {suite.name}: {len(suite.rules)} rule{'s' if len(suite.rules) != 1 else ''}, {len(failed)} failing"
                + (f" ({', '.join(failed)})" if failed else "")
            )
        context.log.info(f"data docs: {results.data_docs_index}")
        selected = context.selected_asset_check_keys
        for result in results:
            if dg.AssetCheckKey(asset_key_for(result.asset), result.rule_id) in selected:
                yield _check_result(result, tolerances[result.rule_id], results.data_docs_index)

    return _suites_check


quality_checks = [build_quality_checks()]
