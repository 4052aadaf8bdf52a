"""One asset per raw CSV: validated, then loaded into schema `raw` of the build database.

Each CSV is also an observable source asset (`raw_files/<table>`) whose data version is the
file's SHA-256, and each ingest asset has a code version (its declaration and the loader's
code): Dagster then knows, before a run, which ingest assets a changed file or changed code
makes unsynced, and so which part of the graph a run must rebuild (dagster_project/changes.py).
"""

import hashlib
import inspect
import warnings

import dagster as dg
from dagster_duckdb import DuckDBResource

from dagster_project.build_lock import BuildLock
from warehouse import raw_files
from warehouse.build_state import record_change
from warehouse.config import settings
from warehouse.raw_files import file_sha256, load_csv
from warehouse.tables import TABLES
from warehouse.tables.schema import Table

PREVIEW_ROWS = 5


def raw_asset_key(table: Table) -> dg.AssetKey:
    # dbt sources named `raw` resolve to the same keys, so staging models hang off these assets.
    return dg.AssetKey(["raw", table.table_name])


def raw_file_key(table: Table) -> dg.AssetKey:
    return dg.AssetKey(["raw_files", table.table_name])


def ingest_code_version(table: Table) -> str:
    """Changes when the table's declaration or the code that validates and loads it changes."""
    code = repr(table) + inspect.getsource(raw_files) + inspect.getsource(_ingest_asset)
    return hashlib.sha256(code.encode()).hexdigest()[:16]


def _raw_file(table: Table) -> dg.SourceAsset:
    def _source() -> dg.DataVersion:
        return dg.DataVersion(file_sha256(settings().raw_dir / table.relpath))

    with warnings.catch_warnings():  # beta in Dagster 1.13; tests/orchestration/test_changes.py covers it
        warnings.simplefilter("ignore", dg.BetaWarning)
        return dg.observable_source_asset(
            key=raw_file_key(table),
            group_name="raw",
            description=f"raw/{table.relpath} as committed; its data version is the file's SHA-256.",
        )(_source)


def _column_schema(table: Table) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=c.name,
                type=c.type,
                description=c.description,
                constraints=dg.TableColumnConstraints(nullable=c.nullable),
            )
            for c in table.columns
        ]
    )


def _ingest_asset(table: Table) -> dg.AssetsDefinition:
    @dg.asset(
        key=raw_asset_key(table),
        deps=[raw_file_key(table)],
        code_version=ingest_code_version(table),
        group_name="raw",
        description=table.description,
        kinds={"csv", "duckdb"},
        metadata={"source_file": f"raw/{table.relpath}", "dagster/column_schema": _column_schema(table)},
    )
    def _asset(
        context: dg.AssetExecutionContext, duckdb: DuckDBResource, build_lock: BuildLock
    ) -> dg.MaterializeResult:
        path = settings().raw_dir / table.relpath
        with duckdb.get_connection() as con:
            record_change(con, context.run_id, f"ingest {table.relpath}")
            loaded = load_csv(con, path, table)
            preview = con.execute(f"select * from raw.{table.table_name} limit {PREVIEW_ROWS}").df()
        context.log.info(f"loaded {loaded.row_count} rows from {path} into raw.{table.table_name}")
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": loaded.row_count,
                "dagster/column_schema": _column_schema(table),
                "file_sha256": loaded.sha256,
                "file_path": dg.MetadataValue.path(str(path)),
                "preview": dg.MetadataValue.md(preview.to_markdown(index=False)),
            },
            data_version=dg.DataVersion(loaded.sha256),
        )

    return _asset


raw_assets = [_ingest_asset(table) for table in TABLES]
raw_file_sources = [_raw_file(table) for table in TABLES]
