"""The dbt project, as dagster-dbt sees it. Its manifest is prepared once (`make prepare`,
or on load under `dagster dev`), not parsed on every definitions load."""

from dagster_dbt import DbtProject

from dagster_project.config import settings

dbt_project = DbtProject(
    project_dir=settings().dbt_project_dir,
    profiles_dir=settings().dbt_project_dir,
)
dbt_project.prepare_if_dev()
