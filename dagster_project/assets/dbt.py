"""dbt models as assets (keys `staging/<model>`, `marts/<model>`); dbt tests as asset checks."""

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets
from dagster_duckdb import DuckDBResource

from dagster_project.assets.response_collections import RESPONSES_KEYS, SYNTHETIC_KEY
from dagster_project.build_lock import BuildLock
from dagster_project.project import dbt_project, pipeline_dbt_state, run_state_dir
from warehouse.build_state import record_change
from warehouse.code_versions import dbt_project_wide_version
from warehouse.config import settings
from warehouse.quality import runner


class Translator(DagsterDbtTranslator):
    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: Any) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        # what reads the loaded answers also waits for the synthetic ones to follow the printed tables
        if any(dep.asset_key in RESPONSES_KEYS for dep in spec.deps):
            return spec.merge_attributes(deps=[SYNTHETIC_KEY])
        return spec

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props["schema"]

    def get_code_version(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        """dagster-dbt's version is the SQL (or seed file) alone; a model also changes with its
        config, its YAML file (columns, contract, tests) and the project-wide dbt files."""
        patch = dbt_resource_props.get("patch_path") or ""
        patch_file = settings().dbt_project_dir / patch.split("://", 1)[-1] if patch else None
        parts = [
            super().get_code_version(dbt_resource_props) or "",
            json.dumps(dbt_resource_props.get("config", {}), sort_keys=True, default=str),
            patch_file.read_text(encoding="utf-8") if patch_file and patch_file.is_file() else "",
            dbt_project_wide_version(),
        ]
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=Translator(),
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, duckdb: DuckDBResource, build_lock: BuildLock):
    with duckdb.get_connection() as con:  # closed before dbt opens the file
        record_change(con, context.run_id, "dbt build")
    runner.preload()  # the checks' library loads while this process waits on dbt
    # dbt_project.yml turns partial parsing off for dbt run by hand; the pipeline's target folder
    # beside the build database (project.py) keeps a partial-parse file only this pipeline writes
    # (a run holds the build lock, so one at a time)
    with pipeline_dbt_state():
        target = run_state_dir(settings().build_db)
        yield from dbt.cli(["build", "--partial-parse"], context=context, target_path=target).stream()
