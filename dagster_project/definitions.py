"""The one Definitions object: it only assembles what the layer modules define."""

import dagster as dg

from dagster_project.assets.claims import claim_checks
from dagster_project.assets.dbt import dbt_models
from dagster_project.assets.ingest import raw_assets, raw_file_sources
from dagster_project.assets.publish import published_warehouse
from dagster_project.assets.quality import quality_checks
from dagster_project.assets.report import report
from dagster_project.assets.responses import response_files_changed, responses_refresh, responses_specs
from dagster_project.dagster_internals import keep_sqlite_event_log_connections
from dagster_project.jobs import nightly_refresh, nightly_schedule
from dagster_project.resources import build_resources
from dagster_project.sensors import raw_files_changed

# one person's SQLite instance: connections kept, no fsync per event (dagster_internals.py, 3.)
keep_sqlite_event_log_connections()

defs = dg.Definitions(
    assets=[*raw_file_sources, *raw_assets, *responses_specs, dbt_models, published_warehouse, report],
    asset_checks=[*quality_checks, *claim_checks],
    jobs=[nightly_refresh, responses_refresh],
    schedules=[nightly_schedule],
    sensors=[raw_files_changed, response_files_changed],
    resources=build_resources(),
    # DuckDB allows one writing process per file: run every step of a run in one process.
    executor=dg.in_process_executor,
)
