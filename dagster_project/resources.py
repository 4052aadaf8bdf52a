"""Resources bound in the one Definitions: the build database and the dbt CLI."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from dagster_project.build_lock import BuildLock
from dagster_project.config import settings
from dagster_project.project import dbt_project


def build_resources() -> dict[str, object]:
    build_db = settings().build_db
    build_db.parent.mkdir(parents=True, exist_ok=True)
    return {
        "duckdb": DuckDBResource(database=str(build_db)),
        "build_lock": BuildLock(path=str(build_db.with_suffix(".lock")), database=str(build_db)),
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
    }


def dbt_executable() -> str:
    """The dbt installed beside this Python (the project's venv), so no PATH set-up is needed."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else shutil.which("dbt") or "dbt"
