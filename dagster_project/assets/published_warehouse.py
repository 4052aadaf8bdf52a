"""The last asset of the nightly job: publish the checked build warehouse to BI."""

import time

import dagster as dg
import duckdb

from dagster_project.assets.dbt import dbt_models
from dagster_project.build_lock import BuildLock
from warehouse.build_state import file_state, last_change, unchecked_change
from warehouse.code_versions import pipeline_code_version
from warehouse.config import settings
from warehouse.publish import Provenance, code_version, publish
from warehouse.raw_files import raw_fingerprint


def check_summary(build_db) -> dict[str, int | str]:
    """Counts of the newest check run on the build database; fails unless it checked the build
    as it is now (see warehouse/build_state.py)."""
    with duckdb.connect(str(build_db), read_only=True) as con:
        reason = unchecked_change(con)
        if reason:
            raise dg.Failure(f"{build_db}: {reason}; not publishing unchecked data")
        latest = con.execute("select arg_max(run_id, checked_at) from quality.check_results").fetchone()[0]
        total, failed_error, failed_warn = con.execute(
            "select count(*), "
            "count(*) filter (where not passed and severity = 'error'), "
            "count(*) filter (where not passed and severity = 'warn') "
            "from quality.check_results where run_id = ?",
            [latest],
        ).fetchone()
        findings = con.execute("select count(*) from quality.findings where run_id = ?", [latest]).fetchone()[0]
        changed = last_change(con)
    return {
        "checks_run_id": latest,
        "checks_total": total,
        "checks_failed_error": failed_error,
        "checks_failed_warn": failed_warn,
        "findings": findings,
        "built_by_run_id": changed[0] if changed else latest,
    }


@dg.asset(
    key=dg.AssetKey(["publish", "warehouse"]),
    group_name="publish",
    # every model: a blocking check that fails on any of them stops the publish
    deps=list(dbt_models.keys),
    kinds={"duckdb"},
    description="Atomically replaces the published warehouse (the file BI reads) with the checked build.",
    # the pipeline's own code (checks, publishing): when it changes, the next run is a full one
    code_version=pipeline_code_version(),
)
def published_warehouse(context: dg.AssetExecutionContext, build_lock: BuildLock) -> dg.MaterializeResult:
    cfg = settings()
    # blocking checks already stop this step in the run that failed them; this also guards a
    # run that only re-publishes
    summary = check_summary(cfg.build_db)
    if summary["checks_failed_error"]:
        raise dg.Failure(f"{summary['checks_failed_error']} error-severity checks failed; not publishing")
    provenance = Provenance(
        run_id=context.run_id,
        code_version=code_version(cfg.project_root),
        raw_files=raw_fingerprint(cfg.raw_dir),
        **{k: v for k, v in summary.items() if k != "checks_run_id"},
    )
    context.log.info(f"publishing {cfg.build_db} to {cfg.published_db}")
    started = time.perf_counter()
    result = publish(cfg.build_db, cfg.published_db, provenance)
    seconds = time.perf_counter() - started
    context.log.info(f"published {result.published_db} ({result.size_bytes} bytes) in {seconds:.2f} s")
    metadata = {
        "published_path": dg.MetadataValue.path(str(result.published_db)),
        "size_bytes": result.size_bytes,
        "tables": result.tables,
        "publish_seconds": round(seconds, 3),
        # the build file as published: a later write outside the pipeline makes the next run a full one
        "build_file_state": file_state(cfg.build_db),
        "code_version": provenance.code_version,
        **summary,
    }
    if result.previous_db:
        metadata["previous_path"] = dg.MetadataValue.path(str(result.previous_db))
    return dg.MaterializeResult(metadata=metadata)
