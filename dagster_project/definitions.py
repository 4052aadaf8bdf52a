"""The one Definitions object: it only assembles what the layer modules define."""

import dagster as dg

from dagster_project.assets.claim_checks import claim_checks
from dagster_project.assets.dbt import dbt_models
from dagster_project.assets.ingest import raw_assets, raw_file_sources
from dagster_project.assets.published_warehouse import published_warehouse
from dagster_project.assets.report_site import report
from dagster_project.assets.response_collections import responses_specs, synthetic_collections
from dagster_project.assets.rule_checks import quality_checks
from dagster_project.automation import (
    nightly_refresh,
    nightly_schedule,
    raw_files_changed,
    response_files_changed,
    responses_refresh,
)
from dagster_project.dagster_internals import keep_sqlite_event_log_connections
from dagster_project.resources import build_resources

# one person's SQLite instance: connections kept, no fsync per event (dagster_internals.py, 3.)
keep_sqlite_event_log_connections()

defs = dg.Definitions(
    assets=[
        *raw_file_sources,
        *raw_assets,
        *responses_specs,
        synthetic_collections,
        dbt_models,
        published_warehouse,
        report,
    ],
    asset_checks=[*quality_checks, *claim_checks],
    jobs=[nightly_refresh, responses_refresh],
    schedules=[nightly_schedule],
    sensors=[raw_files_changed, response_files_changed],
    resources=build_resources(),
    # DuckDB allows one writing process per file: run every step of a run in one process.
    executor=dg.in_process_executor,
)
