"""The job and its schedule."""

import dagster as dg

from dagster_project.assets.responses import RESPONSES_KEYS

nightly_refresh = dg.define_asset_job(
    name="nightly_refresh",
    # every asset but the partitioned responses, which `responses_refresh` loads per collection
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(*RESPONSES_KEYS),
    description="Ingest raw/, build staging and marts with dbt, run the checks, publish.",
    tags={"iw/warehouse": "build"},
)

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_refresh_schedule",
    job=nightly_refresh,
    cron_schedule="0 2 * * *",
    execution_timezone="Europe/London",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
