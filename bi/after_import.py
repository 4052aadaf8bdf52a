"""After each import, inside Superset: the `warehouse` connection is this checkout's published file,
opened read-only by DuckDB itself (a write through Superset's own engine is refused), and every
dataset's columns are refreshed from the file. Exits non-zero, saying why, otherwise.

Run by `make bi` with .venv-bi's Python and Superset's environment (SUPERSET_CONFIG_PATH, IW_PUBLISHED_DB).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from bi.dashboard_files import duckdb_uri

PROBE = "create table main.superset_write_probe as select 1 as x"


def main() -> int:
    from superset.app import create_app

    app = create_app()
    with app.app_context():
        from superset.connectors.sqla.models import SqlaTable
        from superset.extensions import db
        from superset.models.core import Database

        expected = duckdb_uri(Path(os.environ["IW_PUBLISHED_DB"]))
        database = db.session.query(Database).filter_by(database_name="warehouse").one_or_none()
        if database is None:
            print("no database named warehouse after the import", file=sys.stderr)
            return 1
        if database.sqlalchemy_uri_decrypted != expected:
            print(f"the warehouse connection is {database.sqlalchemy_uri_decrypted}, not {expected}", file=sys.stderr)
            return 1
        connect_args = database.get_extra().get("engine_params", {}).get("connect_args", {})
        if connect_args.get("read_only") is not True:
            print(f"the warehouse connection is not read-only: connect_args {connect_args}", file=sys.stderr)
            return 1
        refused = None
        with database.get_sqla_engine() as engine, engine.connect() as connection:
            try:
                connection.exec_driver_sql(PROBE)
            except Exception as error:  # any refusal is shown; only read-only passes
                refused = str(error).splitlines()[0]
        if refused is None or "read-only" not in refused:
            print(f"a write through Superset's engine was not refused as read-only: {refused}", file=sys.stderr)
            return 1
        print(f"bi: read-only verified: {expected}; a write is refused by DuckDB ({refused[:90]})")
        datasets = db.session.query(SqlaTable).filter_by(database_id=database.id).all()
        for dataset in datasets:
            dataset.fetch_metadata()
        db.session.commit()
        print(f"bi: {len(datasets)} datasets' columns refreshed from the published file")
        _rescope_native_filters(db)
    return 0


def _rescope_native_filters(db) -> None:
    """The import remaps a filter's excluded charts to their new ids but not its `chartsInScope`:
    recompute it from the scope (every chart of the dashboard but the excluded ones)."""
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
