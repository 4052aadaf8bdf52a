"""dbt run by hand, as the README documents it, from the project root or from dbt/, in any
order with the job, never breaks the next job."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import pipeline_env, run_main_command
from warehouse.config import DEFAULT_BUILD_DB, settings

pytestmark = pytest.mark.story

DBT = str(Path(sys.executable).parent / "dbt")
FROM_ROOT = ([DBT, "build", "--project-dir", "dbt", "--profiles-dir", "dbt"], ".")
FROM_DBT_FOLDER = ([DBT, "build"], "dbt")


def dbt_by_hand(env: dict[str, str], how: tuple[list[str], str]) -> subprocess.CompletedProcess:
    args, folder = how
    return subprocess.run(
        args, cwd=settings().project_root / folder, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.fixture
def site(warehouse, tmp_path):
    """A copy of the session's pipeline folder: its build holds every model dbt builds by hand."""
    folder = tmp_path / "site"
    shutil.copytree(warehouse.build_db.parent.parent, folder)
    return pipeline_env(folder)


def test_the_job_succeeds_after_dbt_by_hand_from_the_root_and_then_from_the_dbt_folder(site):
    for how in (FROM_ROOT, FROM_DBT_FOLDER):
        by_hand = dbt_by_hand(site, how)
        assert by_hand.returncode == 0, by_hand.stdout[-3000:]
        job = run_main_command(site)
        assert job.returncode == 0, f"after {' '.join(how[0][1:])} in {how[1]}:\n{job.stderr[-3000:]}"


@pytest.mark.parametrize("how", [FROM_ROOT, FROM_DBT_FOLDER], ids=["from the root", "from dbt/"])
def test_dbt_by_hand_uses_the_pipelines_build_database_by_default(how):
    env = {k: v for k, v in os.environ.items() if k != "IW_BUILD_DB"}
    args, folder = how
    debug = subprocess.run(
        [DBT, "debug", *args[2:]],
        cwd=settings().project_root / folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    path = re.search(r"^\S*\s+path: (.+)$", debug.stdout, re.M).group(1).strip()
    assert (settings().project_root / folder / path).resolve() == DEFAULT_BUILD_DB
