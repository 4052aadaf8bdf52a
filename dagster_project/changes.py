"""What changed since the warehouse was last built, and so what a run must rebuild.

The main command, the nightly schedule and the raw-files sensor all plan a run here, the same
way, through Dagster's own record of versions, so that the UI shows the same truth ("unsynced",
with the cause, and "Materialize unsynced" to rebuild just that):

1. every raw CSV is observed: a file whose SHA-256 differs from its last observation gets a
   new observation of its source asset (`raw_files/<table>`), which makes its ingest asset and
   everything downstream unsynced;
2. code versions do the same for code: each ingest asset's declaration and loader, each dbt
   model's SQL, config, YAML file and the project-wide dbt files (macros, generic tests,
   `dbt_project.yml`), and, on the publish asset, the rest of the pipeline's code (Python,
   the check suites, the pinned dependencies);
3. Dagster's stale-status resolver then says which assets are stale or missing, and those and
   everything downstream of them are rebuilt (dagster_internals.py: no public API says it
   before a run).

The plan is then one of:
- **full**: the build database is missing, nothing was ever published, the build file changed
  since it was published (a failed or killed run, dbt by hand: the instance's record no longer
  describes it), the pipeline's own code changed (its checks may have changed, and they guard
  everything), or a full run was asked for;
- **partial**: the stale and missing assets (with their checks) and publish; collections of
  answers loaded since the last publish (`responses_refresh`, which records the build file's
  state before and after it wrote) count as a change of what they feed, not of the whole build;
- **verify**: nothing is stale: only publish runs, which re-publishes the unchanged build with
  a new `meta.publish_log` row whose `built_by_run_id` names the run that built the data, so BI
  can tell when the data were last confirmed current and when they were last rebuilt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import dagster as dg

from dagster_project.assets.claim_checks import claim_checks
from dagster_project.assets.ingest import raw_file_key
from dagster_project.assets.response_collections import COLLECTIONS_KEY, RESPONSES_KEYS
from dagster_project.assets.rule_checks import quality_checks
from dagster_project.dagster_internals import stale_or_missing
from warehouse.build_state import file_state
from warehouse.code_versions import pipeline_code_version
from warehouse.config import settings
from warehouse.raw_files import file_sha256
from warehouse.tables import TABLES

PUBLISH_KEY = dg.AssetKey(["publish", "warehouse"])
PLAN_TAG = "iw/plan"
# The event tags in which Dagster records an asset's data version and the code version that
# built it: documented (asset versioning and caching) and part of every stored event, and what
# the REST API's `report_asset_observation` with a `data_version` writes; no name is exported.
DATA_VERSION_TAG = "dagster/data_version"
CODE_VERSION_TAG = "dagster/code_version"


def observe_raw_files(instance: dg.DagsterInstance) -> list[str]:
    """Record a new observation for every raw CSV whose content changed; the changed files."""
    changed = []
    for table in TABLES:
        path = settings().raw_dir / table.relpath
        version = file_sha256(path) if path.exists() else "missing"
        key = raw_file_key(table)
        latest = instance.fetch_observations(dg.AssetRecordsFilter(asset_key=key), limit=1).records
        observed = latest[0].asset_observation.tags.get(DATA_VERSION_TAG) if latest else None
        if observed != version:
            instance.report_runless_asset_event(
                dg.AssetObservation(asset_key=key, tags={DATA_VERSION_TAG: version}, metadata={"path": str(path)})
            )
            changed.append(table.relpath)
    return changed


@dataclass(frozen=True)
class Plan:
    kind: str  # full | partial | verify
    reason: str
    selection: list[dg.AssetKey] | None  # None: the whole job
    checks: list[dg.AssetCheckKey] | None = None  # with a selection: the checks that run
    skipped: list[dg.AssetKey] = field(default_factory=list)
    changed_files: list[str] = field(default_factory=list)

    def tags(self) -> dict[str, str]:
        return {PLAN_TAG: self.kind, "iw/plan_reason": self.reason[:200]}

    def describe(self) -> str:
        if self.kind == "full":
            return f"full run: {self.reason}"
        if self.kind == "verify":
            return (
                f"verify run: {self.reason}; re-publishing the unchanged build, {len(self.skipped)} assets up to date"
            )
        return (
            f"partial run: {self.reason}; running {len(self.selection)} assets (publishing included), "
            f"{len(self.skipped)} up to date"
        )


def plan_run(instance: dg.DagsterInstance, repository: dg.RepositoryDefinition, full: bool = False) -> Plan:
    """What the nightly job must run; `repository` is the code location's (`defs.get_repository_def()`,
    or a schedule's or sensor's `context.repository_def`)."""
    changed = observe_raw_files(instance)
    job_keys = sorted(repository.get_job("nightly_refresh").asset_layer.executable_asset_keys)

    def whole(reason: str) -> Plan:
        return Plan("full", reason, None, changed_files=changed)

    if full:
        return whole("a full rebuild was asked for")
    if not settings().build_db.exists():
        return whole(f"no build database at {settings().build_db}")
    publishes = instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=PUBLISH_KEY), limit=1).records
    if not publishes:
        return whole("nothing was published from this Dagster instance yet")
    last_publish = publishes[0]
    published_code = last_publish.asset_materialization.tags.get(CODE_VERSION_TAG)
    if published_code != pipeline_code_version():
        return whole(f"the pipeline's code changed ({published_code} -> {pipeline_code_version()})")
    published_state = last_publish.asset_materialization.metadata.get("build_file_state")
    current_state = file_state(settings().build_db)
    answers: list[str] = []
    if published_state is None or published_state.value != current_state:
        answers = [] if published_state is None else answers_loaded_since(instance, last_publish, current_state)
        if not answers:
            return whole("the build database changed since it was last published (a failed or killed run, dbt by hand)")

    graph = repository.asset_graph
    # publishing, and what reads the published file, run in every run
    published = dg.AssetSelection.assets(PUBLISH_KEY).downstream().resolve(graph) & set(job_keys)
    stale = stale_or_missing(instance, graph, job_keys)
    if answers:  # what the loaded answers feed (the loads themselves are done)
        stale += sorted(dg.AssetSelection.assets(*RESPONSES_KEYS).downstream().resolve(graph) & set(job_keys))
    if not stale:
        selection = sorted(published)
        return Plan(
            "verify",
            "no raw file and no code changed since the last build",
            selection,
            [],
            skipped=[k for k in job_keys if k not in published],
            changed_files=changed,
        )
    # Dagster marks an asset stale when its own inputs or code moved; what is downstream of it
    # moves only once it is rebuilt, so it is rebuilt in the same run
    downstream = dg.AssetSelection.assets(*stale).downstream().resolve(graph)
    selection = sorted((downstream & set(job_keys)) | published)
    # the checks of what is rebuilt, and every check of the build as a whole (the consistency
    # rules, the claims): the build changes, and publish only publishes a build checked after
    # its last change (build_state.py)
    checks = sorted(
        (k for k in graph.asset_check_keys if k.asset_key in selection or k in whole_build_check_keys()),
        key=lambda k: k.to_user_string(),
    )
    reasons = [f"changed raw files: {', '.join(changed)}"] if changed else []
    reasons += [f"answers loaded: {', '.join(answers)}"] if answers else []
    reason = "; ".join(reasons) or "stale or missing assets"
    return Plan(
        "partial", reason, selection, checks, skipped=[k for k in job_keys if k not in selection], changed_files=changed
    )


def answers_loaded_since(instance: dg.DagsterInstance, publish: dg.EventLogRecord, current_state: str) -> list[str]:
    """The collections loaded since `publish`, if loading them is the only thing that wrote to
    the build since: each load (a run of `responses_refresh`, oldest first) starts from the build
    file's state where the one before left it, the first from the published state, and the last
    leaves the current state. Empty if anything else wrote to it (a failed or killed run, dbt by
    hand)."""
    loads = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=COLLECTIONS_KEY, after_storage_id=publish.storage_id), limit=10_000
    ).records
    state = publish.asset_materialization.metadata["build_file_state"].value
    keys, run_id = [], None
    for record in sorted(loads, key=lambda r: r.storage_id):
        metadata = record.asset_materialization.metadata
        if record.run_id != run_id:  # a load's collections share its before and after
            run_id = record.run_id
            before = metadata.get("build_file_state_before")
            if before is None or before.value != state:
                return []
            state = metadata["build_file_state"].value
        keys.append(record.partition_key)
    return sorted(set(keys)) if state == current_state else []


def whole_build_check_keys() -> set[dg.AssetCheckKey]:
    return {key for checks in (*quality_checks, *claim_checks) for key in checks.check_keys}
