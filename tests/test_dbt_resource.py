"""The pipeline's dbt is the venv's, behind scripts/dbt-pipeline: it answers the `dbt --version`
dagster-dbt asks before every command at once, and hands every other command to dbt."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from dagster_project.resources import build_resources, dbt_executable

BIN = Path(sys.executable).parent


def version_in(printed: str) -> str:
    return re.search(r"(\d+\.\d+\.\d+)", printed).group(1)  # as dagster-dbt reads it


def test_the_pipeline_runs_the_venvs_dbt_through_the_wrapper():
    assert dbt_executable() == str(BIN / "dbt-pipeline")
    assert build_resources()["dbt"].dbt_executable == dbt_executable()


def test_the_wrapper_is_the_one_make_install_puts_in_the_venv():
    installed = (BIN / "dbt-pipeline").read_text()
    assert installed == (Path(__file__).parent.parent / "scripts" / "dbt-pipeline").read_text()


def test_the_wrapper_answers_the_version_dbt_itself_prints():
    wrapper = subprocess.check_output([dbt_executable(), "--version"], text=True)
    dbt = subprocess.check_output([str(BIN / "dbt"), "--version"], text=True)
    assert version_in(wrapper) == version_in(dbt)


def test_every_other_command_is_dbts_own():
    printed = subprocess.run([dbt_executable(), "--help"], capture_output=True, text=True, check=True).stdout
    assert printed == subprocess.run([str(BIN / "dbt"), "--help"], capture_output=True, text=True, check=True).stdout
    assert "Usage: dbt" in printed
