"""What starts runs: the two jobs, the nightly schedule and the sensors.

- `nightly_refresh` materialises everything but the partitioned answers; the schedule (02:00
  Europe/London) and the raw-files sensor plan its run as `make run` does (changes.py): what a
  changed file or changed code makes stale, or a verify run that re-publishes the unchanged build.
- `responses_refresh` checks and loads collections of respondent-level answers, one partition per
  collection file; its sensor starts it for new or changed files.
"""

from __future__ import annotations

import hashlib
import json

import dagster as dg

from dagster_project.assets.response_collections import (
    RESPONSES_KEY,
    RESPONSES_KEYS,
    load_collections,
    response_collections,
)
from dagster_project.changes import plan_run
from warehouse.config import settings
from warehouse.raw_files import raw_fingerprint
from warehouse.responses.contract import collection_files, file_sha256

nightly_refresh = dg.define_asset_job(
    name="nightly_refresh",
    # every asset but the partitioned responses, which `responses_refresh` loads per collection
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(*RESPONSES_KEYS),
    description="Ingest raw/, build staging and marts with dbt, run the checks, publish, draw the report.",
    tags={"iw/warehouse": "build"},
)


def planned_run(context: dg.ScheduleEvaluationContext | dg.SensorEvaluationContext, **tags: str) -> dg.RunRequest:
    """A run of what changed (dagster_project/changes.py), as `make run` plans it."""
    plan = plan_run(context.instance, context.repository_def)
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


@dg.sensor(
    job=nightly_refresh,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Runs nightly_refresh when the content of any file under raw/ changes.",
)
def raw_files_changed(context: dg.SensorEvaluationContext):
    current = raw_fingerprint(settings().raw_dir)
    if context.cursor is None:
        context.update_cursor(json.dumps(current, sort_keys=True))
        return dg.SkipReason(f"recorded the content hashes of {len(current)} raw files")
    previous = json.loads(context.cursor)
    changed = sorted(p for p in current.keys() | previous.keys() if current.get(p) != previous.get(p))
    if not changed:
        return dg.SkipReason("no raw file changed")
    context.update_cursor(json.dumps(current, sort_keys=True))
    digest = hashlib.sha256(json.dumps(current, sort_keys=True).encode()).hexdigest()[:16]
    request = planned_run(context, **{"iw/changed_files": ",".join(changed)[:200]})
    return request.with_replaced_attrs(run_key=f"raw-{digest}")


@dg.job(
    name="responses_refresh",
    partitions_def=response_collections,
    description="Check and load collections of respondent-level answers (one partition per collection).",
    tags={"iw/warehouse": "build"},
)
def responses_refresh():
    load_collections()


@dg.sensor(
    jobs=[responses_refresh],
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Registers a partition for each new collection file in IW_RESPONSES_DIR and loads new or "
        "changed collections; the nightly job (or raw_files_changed) then rebuilds and checks."
    ),
)
def response_files_changed(context: dg.SensorEvaluationContext):
    files = collection_files(settings().responses_dir)
    current = {key: file_sha256(path) for key, path in files.items()}
    registered = set(context.instance.get_dynamic_partitions(response_collections.name))
    new = sorted(set(current) - registered)
    # against what was loaded (by any run: this sensor's, `make run`'s, a backfill), not against
    # what this sensor saw last: a restarted daemon must not reload what is already loaded
    loaded = loaded_file_hashes(context.instance, sorted(set(current) & registered))
    changed = sorted(k for k in current if current[k] != loaded.get(k))
    if not new and not changed:
        return dg.SkipReason("every collection file is loaded as it is")
    return dg.SensorResult(
        # one run per file version: a file that fails its checks is not retried every tick
        run_requests=[dg.RunRequest(partition_key=k, run_key=f"{k}-{current[k][:16]}") for k in changed],
        dynamic_partitions_requests=[response_collections.build_add_request(new)] if new else [],
    )


def loaded_file_hashes(instance: dg.DagsterInstance, keys: list[str]) -> dict[str, str]:
    """The SHA-256 of the file each collection's latest load read (its materialisation's metadata)."""
    hashes = {}
    for key in keys:
        records = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=RESPONSES_KEY, asset_partitions=[key]), limit=1
        ).records
        if records and "file_sha256" in records[0].asset_materialization.metadata:
            hashes[key] = records[0].asset_materialization.metadata["file_sha256"].value
    return hashes
