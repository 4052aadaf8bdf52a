"""Resources bound in the one Definitions: the build database and the dbt CLI."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from dagster_project.build_lock import BuildLock, lock_path
from dagster_project.project import dbt_project
from warehouse.config import settings


def build_resources() -> dict[str, object]:
    build_db = settings().build_db
    build_db.parent.mkdir(parents=True, exist_ok=True)
    return {
        "duckdb": DuckDBResource(database=str(build_db)),
        "build_lock": BuildLock(path=str(lock_path(build_db)), database=str(build_db)),
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
    }


def dbt_executable() -> str:
    """The dbt installed beside this Python (the project's venv), so no PATH set-up is needed:
    through scripts/dbt-pipeline (`make install` puts it there), which answers the `dbt --version`
    dagster-dbt asks before every command at once instead of in some 3 s."""
    bin_dir = Path(sys.executable).parent
    for name in ("dbt-pipeline", "dbt"):
        if (bin_dir / name).exists():
            return str(bin_dir / name)
    return shutil.which("dbt") or "dbt"
