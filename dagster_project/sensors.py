"""Start the nightly job when a file under raw/ changes. Content hashes, not mtimes, decide:
touching a file or checking it out again does not start a run. The run rebuilds what the
change makes stale (dagster_project/changes.py), as the schedule and `make run` plan it."""

from __future__ import annotations

import hashlib
import json

import dagster as dg

from dagster_project.config import settings
from dagster_project.jobs import nightly_refresh, planned_run
from dagster_project.raw_files import raw_fingerprint


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
