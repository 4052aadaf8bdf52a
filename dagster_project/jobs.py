"""The job and its schedule."""

import dagster as dg

nightly_refresh = dg.define_asset_job(
    name="nightly_refresh",
    selection=dg.AssetSelection.all(),
    description="Ingest raw/, build staging and marts with dbt, run the checks, publish, draw the report.",
    tags={"iw/warehouse": "build"},
)

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_refresh_schedule",
    job=nightly_refresh,
    cron_schedule="0 2 * * *",
    execution_timezone="Europe/London",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
