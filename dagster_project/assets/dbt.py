"""dbt models as assets (keys `staging/<model>`, `marts/<model>`); dbt tests as asset checks."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets
from dagster_duckdb import DuckDBResource

from dagster_project.build_lock import BuildLock
from dagster_project.build_state import record_change
from dagster_project.project import dbt_project


class Translator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props["schema"]


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=Translator(),
)
def dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, duckdb: DuckDBResource, build_lock: BuildLock
):
    with duckdb.get_connection() as con:  # closed before dbt opens the file
        record_change(con, context.run_id, "dbt build")
    # dbt_project.yml turns partial parsing off for dbt run by hand; the pipeline's own target
    # folder (project.py) keeps a partial-parse file that only this pipeline writes
    yield from dbt.cli(["build", "--partial-parse"], context=context).stream()
