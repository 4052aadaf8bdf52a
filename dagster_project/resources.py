"""Resources bound in the one Definitions: the build database and the dbt CLI."""

from __future__ import annotations

import importlib.metadata
import shutil
import sys
from functools import cached_property
from pathlib import Path

from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource
from packaging import version

from dagster_project.build_lock import BuildLock, lock_path
from dagster_project.project import dbt_project
from warehouse.config import settings


class PipelineDbtCli(DbtCliResource):
    """dagster-dbt's CLI resource without two start-up costs the pipeline does not use.

    Before every `dbt.cli(...)` dagster-dbt runs `dbt --version` in a subprocess (to detect the
    Fusion engine; about 3 s, mostly importing dbt) and builds a dbt adapter in this process (about
    2 s and 40 MiB; only `fetch_row_counts`/`fetch_column_metadata` use it, and we call neither).
    The dbt we run is the pinned dbt-core beside this Python, so its version is the package's.
    Both overrides are private API: tests/test_dbt_resource.py fails if an upgrade changes them.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        if Path(self.dbt_executable).parent == Path(sys.executable).parent:
            return version.parse(importlib.metadata.version("dbt-core"))
        return super()._cli_version

    def _initialize_dbt_core_adapter(self, args):
        return None


def build_resources() -> dict[str, object]:
    build_db = settings().build_db
    build_db.parent.mkdir(parents=True, exist_ok=True)
    return {
        "duckdb": DuckDBResource(database=str(build_db)),
        "build_lock": BuildLock(path=str(lock_path(build_db)), database=str(build_db)),
        "dbt": PipelineDbtCli(project_dir=dbt_project, dbt_executable=dbt_executable()),
    }


def dbt_executable() -> str:
    """The dbt installed beside this Python (the project's venv), so no PATH set-up is needed."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else shutil.which("dbt") or "dbt"
