"""The pipeline's dbt resource skips dagster-dbt's `dbt --version` subprocess and in-process
adapter; both are private API, so these tests fail when an upgrade changes them."""

from __future__ import annotations

import inspect
import re
import subprocess

from dagster_dbt import DbtCliResource

from dagster_project.resources import PipelineDbtCli, build_resources, dbt_executable


def test_dagster_dbt_still_asks_the_two_private_members_before_every_cli_call():
    source = inspect.getsource(DbtCliResource.cli)
    assert "self._cli_version" in source
    assert "self._initialize_dbt_core_adapter(" in source
    assert isinstance(inspect.getattr_static(DbtCliResource, "_cli_version"), type(PipelineDbtCli._cli_version))


def test_the_version_is_the_one_the_dbt_executable_prints(monkeypatch):
    printed = subprocess.check_output([dbt_executable(), "--version"], text=True)
    expected = re.search(r"(\d+\.\d+\.\d+)", printed).group(1)

    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"ran {args}")

    monkeypatch.setattr("dagster_dbt.core.resource.check_output", no_subprocess)
    resource = build_resources()["dbt"]
    assert isinstance(resource, PipelineDbtCli)
    assert str(resource._cli_version) == expected


def test_no_adapter_is_built_in_the_pipeline_process():
    assert build_resources()["dbt"]._initialize_dbt_core_adapter(["build"]) is None


def test_a_dbt_elsewhere_is_still_asked_its_version(tmp_path):  # so the guard above can fail
    fake = tmp_path / "dbt"
    fake.write_text("#!/bin/sh\necho 'Core:\n  - installed: 9.8.7'\n")
    fake.chmod(0o755)
    resource = PipelineDbtCli(project_dir=str(build_resources()["dbt"].project_dir), dbt_executable=str(fake))
    assert str(resource._cli_version) == "9.8.7"
