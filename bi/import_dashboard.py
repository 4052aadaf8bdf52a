"""Inside Superset: import bi/dashboard, re-point the connection, and check it is read-only.

1. Superset's own import commands (those `superset import-datasources` / `import-dashboards` run),
   each with overwrite, for the datasets, the charts and the dashboard: the repository is the source.
2. The `warehouse` connection set to this checkout's published file, read-only, no DML: an import
   never overwrites an existing connection, so a home made for another path would keep it.
3. The check: the connection is that file, its extra says read-only, and a write through
   Superset's own engine is refused by DuckDB as read-only. Exits non-zero, saying why, otherwise.
4. Every dataset's columns refreshed from the file; the native filters' chart scope re-set to the
   imported charts' ids (the import remaps `scope.excluded` but not `chartsInScope`).

Run by `make bi` with .venv-bi's Python and Superset's environment (SUPERSET_CONFIG_PATH,
IW_PUBLISHED_DB, IW_BI_ADMIN_USER).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from bi.dashboard_files import READ_ONLY_EXTRA, duckdb_uri, import_contents

ROOT = Path(__file__).resolve().parent.parent
PROBE = "create table main.superset_write_probe as select 1 as x"


class CheckFailed(Exception):
    pass


def main() -> int:
    from flask import g
    from superset.app import create_app

    app = create_app()
    with app.app_context(), app.test_request_context():
        from superset.extensions import security_manager

        g.user = security_manager.find_user(username=os.environ.get("IW_BI_ADMIN_USER", "admin"))
        published = Path(os.environ["IW_PUBLISHED_DB"])
        try:
            _import(published)
            database = _repoint(published)
            refused = _check_read_only(database, duckdb_uri(published))
        except CheckFailed as error:
            print(f"bi: {error}", file=sys.stderr)
            return 1
        print(f"bi: read-only verified: {duckdb_uri(published)}; a write is refused by DuckDB ({refused[:90]})")
        print(f"bi: {_refresh_datasets(database)} datasets' columns refreshed from the published file")
        _rescope_native_filters()
    return 0


def _import(published: Path) -> None:
    from superset.commands.chart.importers.dispatcher import ImportChartsCommand
    from superset.commands.dashboard.importers.dispatcher import ImportDashboardsCommand
    from superset.commands.dataset.importers.dispatcher import ImportDatasetsCommand

    contents = import_contents(ROOT / "bi" / "dashboard", published)
    for kind, command in (
        ("SqlaTable", ImportDatasetsCommand),
        ("Slice", ImportChartsCommand),
        ("Dashboard", ImportDashboardsCommand),
    ):
        command(contents[kind], overwrite=True).run()


def _repoint(published: Path):
    from superset.extensions import db
    from superset.models.core import Database

    database = db.session.query(Database).filter_by(database_name="warehouse").one_or_none()
    if database is None:
        raise CheckFailed("no database named warehouse after the import")
    database.set_sqlalchemy_uri(duckdb_uri(published))
    extra = json.loads(database.extra or "{}")  # as stored (get_extra() adds the engine spec's own settings)
    engine_params = extra.get("engine_params") or {}
    connect_args = {**(engine_params.get("connect_args") or {}), **READ_ONLY_EXTRA["engine_params"]["connect_args"]}
    extra["engine_params"] = {**engine_params, "connect_args": connect_args}
    database.extra = json.dumps(extra)
    database.allow_dml = False
    db.session.commit()
    return database


def _check_read_only(database, expected: str) -> str:
    """The refusal DuckDB gives a write through Superset's engine for this connection."""
    if database.sqlalchemy_uri_decrypted != expected:
        raise CheckFailed(f"the warehouse connection is {database.sqlalchemy_uri_decrypted}, not {expected}")
    connect_args = database.get_extra().get("engine_params", {}).get("connect_args", {})
    if connect_args.get("read_only") is not True:
        raise CheckFailed(f"the warehouse connection is not read-only: connect_args {connect_args}")
    refused = None
    with database.get_sqla_engine() as engine, engine.connect() as connection:
        try:
            connection.exec_driver_sql(PROBE)
        except Exception as error:  # any refusal is shown; only read-only passes
            refused = str(error).splitlines()[0]
    if refused is None or "read-only" not in refused:
        raise CheckFailed(f"a write through Superset's engine was not refused as read-only: {refused}")
    return refused


def _refresh_datasets(database) -> int:
    from superset.connectors.sqla.models import SqlaTable
    from superset.extensions import db

    datasets = db.session.query(SqlaTable).filter_by(database_id=database.id).all()
    for dataset in datasets:
        dataset.fetch_metadata()
    db.session.commit()
    return len(datasets)


def _rescope_native_filters() -> None:
    from superset.extensions import db
    from superset.models.dashboard import Dashboard

    for dashboard in db.session.query(Dashboard).all():
        metadata = json.loads(dashboard.json_metadata or "{}")
        chart_ids = sorted(chart.id for chart in dashboard.slices)
        for native_filter in metadata.get("native_filter_configuration", []):
            excluded = set(native_filter.get("scope", {}).get("excluded", []))
            native_filter["chartsInScope"] = [i for i in chart_ids if i not in excluded]
        if "global_chart_configuration" in metadata:
            excluded = set(metadata["global_chart_configuration"].get("scope", {}).get("excluded", []))
            metadata["global_chart_configuration"]["chartsInScope"] = [i for i in chart_ids if i not in excluded]
        dashboard.json_metadata = json.dumps(metadata)
    db.session.commit()


if __name__ == "__main__":
    sys.exit(main())
