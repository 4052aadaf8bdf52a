"""The dbt project, as dagster-dbt sees it. Its manifest is prepared once (`make prepare`,
or on load under `dagster dev`), not parsed on every definitions load.

The pipeline keeps its dbt state (manifest, partial-parse file, a folder per run) in a target
folder of its own, never `dbt/target`. dbt run by hand writes `dbt/target`, and its
partial-parse file holds paths relative to the directory it was run from (`dbt/seeds/…` from
the project root): reused by a run from another directory, every seed fails with "No files
found". dagster-dbt copies the partial-parse file from, and puts its run folders under,
$DBT_TARGET_PATH, so that is set here for this process and the dbt it starts.
"""

import os

from dagster_dbt import DbtProject

from dagster_project.config import settings

PIPELINE_TARGET = settings().dbt_project_dir / "pipeline_target"
os.environ["DBT_TARGET_PATH"] = str(PIPELINE_TARGET)

dbt_project = DbtProject(
    project_dir=settings().dbt_project_dir,
    profiles_dir=settings().dbt_project_dir,
    target_path=PIPELINE_TARGET,
)
dbt_project.prepare_if_dev()
