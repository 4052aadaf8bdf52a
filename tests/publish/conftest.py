"""The publish tests' pipeline folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import pipeline_env


@pytest.fixture(scope="module")
def site(warehouse, tmp_path_factory):
    """A pipeline folder starting from the session warehouse's build and publish."""
    folder = tmp_path_factory.mktemp("site")
    env = pipeline_env(folder)
    for source, target in ((warehouse.build_db, env["IW_BUILD_DB"]), (warehouse.published_db, env["IW_PUBLISHED_DB"])):
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return env, Path(env["IW_PUBLISHED_DB"]), warehouse.seconds
