"""The dbt project, as dagster-dbt sees it. Its manifest is prepared once (`make prepare`,
or on load under `dagster dev`), not parsed on every definitions load.

The pipeline keeps its dbt state in folders of its own, never `dbt/target`: the prepared
manifest in `dbt/pipeline_target/`, and each build database's run artifacts and partial-parse
file beside that database (`run_state_dir`). dbt parses in full when the profile changed, and
the profile holds the build database's path: one partial-parse file per database keeps every
later run on it partial. dbt run by hand writes `dbt/target`, and its
partial-parse file holds paths relative to the directory it was run from (`dbt/seeds/…` from
the project root): reused by a run from another directory, every seed fails with "No files
found". dagster-dbt seeds a run's target folder, when it has no partial-parse file yet, from
$DBT_TARGET_PATH: `pipeline_dbt_state()` sets it for the dbt step only, so that no other
process this one starts (dbt by hand in a test, say) inherits it.
"""

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from dagster_dbt import DbtProject

from warehouse.config import settings

PIPELINE_TARGET = settings().dbt_project_dir / "pipeline_target"

dbt_project = DbtProject(
    project_dir=settings().dbt_project_dir,
    profiles_dir=settings().dbt_project_dir,
    target_path=PIPELINE_TARGET,
)
dbt_project.prepare_if_dev()


def run_state_dir(build_db: Path) -> Path:
    """dbt's target folder for the pipeline's runs on `build_db` (artifacts, partial parse, log)."""
    return build_db.parent / "dbt_target"


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
