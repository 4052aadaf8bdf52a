"""The dbt project, as dagster-dbt sees it. Its manifest is prepared once (`make prepare`,
or on load under `dagster dev`), not parsed on every definitions load.

The pipeline keeps its dbt state (manifest, partial-parse file, a folder per run) in a target
folder of its own, never `dbt/target`. dbt run by hand writes `dbt/target`, and its
partial-parse file holds paths relative to the directory it was run from (`dbt/seeds/…` from
the project root): reused by a run from another directory, every seed fails with "No files
found". dagster-dbt copies the partial-parse file from, and puts its run folders under,
$DBT_TARGET_PATH: `pipeline_dbt_state()` sets it for the dbt step only, so that no other
process this one starts (dbt by hand in a test, say) inherits it.
"""

import contextlib
import os
from collections.abc import Iterator

from dagster_dbt import DbtProject

from dagster_project.config import settings

PIPELINE_TARGET = settings().dbt_project_dir / "pipeline_target"

dbt_project = DbtProject(
    project_dir=settings().dbt_project_dir,
    profiles_dir=settings().dbt_project_dir,
    target_path=PIPELINE_TARGET,
)
dbt_project.prepare_if_dev()


@contextlib.contextmanager
def pipeline_dbt_state() -> Iterator[None]:
    previous = os.environ.get("DBT_TARGET_PATH")
    os.environ["DBT_TARGET_PATH"] = str(PIPELINE_TARGET)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("DBT_TARGET_PATH", None)
        else:
            os.environ["DBT_TARGET_PATH"] = previous
