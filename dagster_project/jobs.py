"""The job and its schedule."""

import dagster as dg

from dagster_project.assets.responses import RESPONSES_KEYS

nightly_refresh = dg.define_asset_job(
    name="nightly_refresh",
    # every asset but the partitioned responses, which `responses_refresh` loads per collection
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(*RESPONSES_KEYS),
    description="Ingest raw/, build staging and marts with dbt, run the checks, publish, draw the report.",
    tags={"iw/warehouse": "build"},
)


def planned_run(context: dg.ScheduleEvaluationContext | dg.SensorEvaluationContext, **tags: str) -> dg.RunRequest:
    """A run of what changed (dagster_project/changes.py), as `make run` plans it."""
    from dagster_project.changes import plan_run
    from dagster_project.definitions import defs  # the one Definitions; imported late (it holds this module)

    plan = plan_run(context.instance, defs)
    context.log.info(plan.describe())
    if plan.selection is None:
        return dg.RunRequest(tags={**plan.tags(), **tags})
    return dg.RunRequest(asset_selection=plan.selection, asset_check_keys=plan.checks, tags={**plan.tags(), **tags})


@dg.schedule(
    name="nightly_refresh_schedule",
    job=nightly_refresh,
    cron_schedule="0 2 * * *",
    execution_timezone="Europe/London",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every night: rebuild what changed, or re-publish the unchanged build to record that "
    "it was confirmed current.",
)
def nightly_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    return planned_run(context)
