"""`make run`: materialise every asset (the nightly job) and say what the warehouse holds.

The run is recorded in the Dagster instance at $DAGSTER_HOME, so it shows in the UI's history.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
import warnings

import dagster as dg
import duckdb

from dagster_project.build_lock import lock_holder, lock_path, reading
from dagster_project.run_liveness import Worker, fail_dead_runs
from warehouse.config import settings


def warehouse_summary(db_path) -> list[tuple[str, str, int]]:
    """(schema, table, rows) for every table and view in the database."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = current_database() order by 1, 2"
        ).fetchall()
        return [
            (schema, name, con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0])
            for schema, name in tables
        ]


def check_evaluations(result: dg.ExecuteInProcessResult) -> list[tuple[str, str, str, bool]]:
    """(check name, asset, severity, passed) of every asset check evaluated in the run."""
    return [
        (e.check_name, e.asset_key.to_user_string(), e.severity.value.lower(), e.passed)
        for e in (
            event.event_specific_data
            for event in result.all_events
            if event.event_type_value == "ASSET_CHECK_EVALUATION"
        )
    ]


def failing_rows(db_path, run_id: str, check_name: str, limit: int = 5) -> list[str]:
    """What a failed check found: a GX rule's findings (`row key (line N)`, quality.findings),
    or the rows a dbt test stored (schema test_failures, for tests with store_failures)."""
    try:
        # detail only: a failed run's report must not wait for the next run to finish
        with reading(db_path, wait=False), duckdb.connect(str(db_path), read_only=True) as con:
            rows = (
                con.execute(
                    "select row_key, source_line from quality.findings where run_id = ? and rule_id = ? "
                    "order by source_line limit ?",
                    [run_id, check_name, limit],
                ).fetchall()
                if _has_table(con, "quality", "findings")
                else []
            )
            if rows:
                return [f"{key} (line {line})" for key, line in rows]
            if _has_table(con, "test_failures", check_name):
                stored = con.execute(f'select * from test_failures."{check_name}" limit {limit}')
                names = [d[0] for d in stored.description]
                return [", ".join(f"{n}={v}" for n, v in zip(names, row, strict=False)) for row in stored.fetchall()]
    except (duckdb.Error, BlockingIOError):
        pass
    return []


def claims_tally(db_path) -> str:
    """The newest run's verdicts on the reports' prose, e.g. `52 holds, 12 contradicted, ...`."""
    try:
        with duckdb.connect(str(db_path), read_only=True) as con:
            if not _has_table(con, "quality", "latest_claims"):
                return ""
            rows = con.execute(
                "select verdict, count(*) from quality.latest_claims group by verdict order by count(*) desc"
            ).fetchall()
    except duckdb.Error:
        return ""
    return ", ".join(f"{n} {verdict}" for verdict, n in rows)


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return (
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
        ).fetchone()[0]
        > 0
    )


def regenerated_collections(result: dg.ExecuteInProcessResult) -> dict[str, str]:
    """The SYNTHETIC collections the run generated again, and why (the synthetic asset's metadata)."""
    from dagster_project.assets.response_collections import SYNTHETIC_KEY

    for event in result.get_asset_materialization_events():
        if event.asset_key == SYNTHETIC_KEY:
            return event.materialization.metadata["regenerated"].value
    return {}


def root_cause(error: dg.SerializableErrorInfo) -> str:
    """The innermost error's message: the one that names the file, line and column."""
    while error.cause is not None:
        error = error.cause
    return error.message.strip()


def say_who_went_before(instance: dg.DagsterInstance, lock_path) -> None:
    """Fail the runs whose process is gone (else they hold the run queue), and say if a live
    run holds the build database (this run waits for it)."""
    for run_id, reason in fail_dead_runs(instance, by="make run"):
        print(f"marked run {run_id} failed: {reason}", file=sys.stderr)
    holder = lock_holder(lock_path)
    if holder:
        print(f"{holder} holds the build database; this run waits until it finishes", file=sys.stderr)


def load_responses(instance: dg.DagsterInstance, defs: dg.Definitions, cfg, log) -> int:
    """Run `responses_refresh` over the collections to (re)load; 1 if it failed, else 0."""
    from dagster_project.responses_refresh import plan, run_tags

    try:
        todo = plan(instance, cfg.raw_dir, cfg.responses_dir, cfg.build_db)
    except (ValueError, RuntimeError) as exc:
        # e.g. a malformed raw CSV, which the synthetic generator reads: the nightly job's ingest
        # reports every bad raw file with its line and column
        print(f"responses not loaded: {exc}", file=sys.stderr)
        return 0
    for collection in todo.generated:
        print(f"generated the default SYNTHETIC collection {collection} in {cfg.responses_dir}")
    if not todo.to_load:
        return 0
    started = time.perf_counter()
    with contextlib.redirect_stdout(log):
        result = defs.resolve_job_def("responses_refresh").execute_in_process(
            instance=instance,
            raise_on_error=False,
            tags={**run_tags(todo.to_load), **Worker.current().tag()},
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
        )
    if not result.success:
        for event in result.all_events:
            if event.is_step_failure:
                print(f"FAILED {event.step_key}: {root_cause(event.step_failure_data.error)}", file=sys.stderr)
        print(f"responses_refresh failed (run {result.run_id}); nothing was published", file=sys.stderr)
        return 1
    print(
        f"responses_refresh loaded {len(todo.to_load)} collections in {time.perf_counter() - started:.1f} s "
        f"(run {result.run_id})"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dagster_project.materialize", description=__doc__)
    how = parser.add_mutually_exclusive_group()
    how.add_argument(
        "--select",
        metavar="KEYS",
        help="comma-separated asset keys to run (e.g. publish/warehouse); default: what changed",
    )
    how.add_argument("--full", action="store_true", help="rebuild everything, whether it changed or not")
    args = parser.parse_args(argv)

    from dagster_project.changes import plan_run
    from dagster_project.definitions import defs

    # resolving the definitions, Dagster copies every sensor with an `owners` parameter it marks
    # beta and warns on every run; the project sets no owners
    warnings.filterwarnings("ignore", message="Parameter `owners` of initializer", category=dg.BetaWarning)

    cfg = settings()
    # dbt echoes a line per node to stdout; keep it in a file so this command's output stays short
    stdout_log = cfg.build_db.parent / "last_run_stdout.log"
    stdout_log.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with dg.DagsterInstance.get() as instance, open(stdout_log, "w", encoding="utf-8") as log:
        say_who_went_before(instance, lock_path(cfg.build_db))
        job = defs.resolve_job_def("nightly_refresh")
        tags = Worker.current().tag()  # run monitoring and later runs can tell if this process dies
        if args.select:
            job = job.get_subset(
                asset_selection={dg.AssetKey.from_user_string(k.strip()) for k in args.select.split(",")}
            )
        else:
            # first load new or changed collections of answers, then plan what the job rebuilds
            failed = load_responses(instance, defs, cfg, log)
            if failed:
                return failed
            plan = plan_run(instance, defs.get_repository_def(), full=args.full)
            print(plan.describe(), flush=True)
            tags.update(plan.tags())
            if plan.selection is not None:
                job = job.get_subset(asset_selection=set(plan.selection), asset_check_selection=set(plan.checks))
        with contextlib.redirect_stdout(log):
            result = job.execute_in_process(
                instance=instance,
                raise_on_error=False,
                run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
                tags=tags,
            )
    elapsed = time.perf_counter() - started
    checks = check_evaluations(result)
    for collection, reason in regenerated_collections(result).items():
        print(f"regenerated the SYNTHETIC collection {collection} from the printed tables: {reason}")
    if not result.success:
        for event in result.all_events:
            if event.is_step_failure:
                print(f"FAILED {event.step_key}: {root_cause(event.step_failure_data.error)}", file=sys.stderr)
        for name, asset, severity, passed in checks:
            if severity == "error" and not passed:
                found = failing_rows(cfg.build_db, result.run_id, name)
                print(f"check {name} failed on {asset}" + (f": {', '.join(found)}" if found else ""), file=sys.stderr)
        print(
            f"nightly_refresh failed after {elapsed:.1f} s (run {result.run_id}); dbt output: {stdout_log}",
            file=sys.stderr,
        )
        return 1
    print(f"nightly_refresh succeeded in {elapsed:.1f} s (run {result.run_id})")
    print(f"published warehouse (point BI here, read-only): {cfg.published_db}")
    print(f"build warehouse: {cfg.build_db}")
    print(f"report (open in a browser): {cfg.report_dir / 'index.html'}")
    warned = sorted({name for name, _, _, passed in checks if not passed})
    if checks:
        print(
            f"checks: {sum(passed for *_, passed in checks)} of {len(checks)} passed"
            + (f"; contradictions in the reports, recorded in quality.findings: {', '.join(warned)}" if warned else "")
        )
    else:
        print("checks: none ran (nothing they guard was rebuilt); the published build passed them when it was built")
    tally = claims_tally(cfg.published_db)
    if tally:
        print(f"claims in the reports' prose (quality.latest_claims): {tally}")
    for schema, name, rows in warehouse_summary(cfg.published_db):
        print(f"  {schema + '.' + name:<60} {rows:>6} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
