"""Versions of the pipeline's code, for what per-asset code versions do not cover: a change makes
the planner (dagster_project/changes.py) rebuild in full, and dbt models rebuild with the
project-wide dbt files they use."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from warehouse.config import settings

# the pipeline's own code, beyond what per-asset code versions cover
_PIPELINE_CODE = (
    "dagster_project/**/*.py",
    "warehouse/**/*.py",
    "expectations/**/*.yml",
    "pyproject.toml",
    "requirements.lock",
)
_DBT_PROJECT_WIDE = ("dbt_project.yml", "profiles.yml", "macros/**/*.sql", "tests/**/*.sql", "seeds/*.yml")


def _hash_files(root: Path, patterns: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for pattern in patterns:
        for path in sorted(root.glob(pattern)):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def pipeline_code_version() -> str:
    return _hash_files(settings().project_root, _PIPELINE_CODE)


@lru_cache(maxsize=1)
def dbt_project_wide_version() -> str:
    return _hash_files(settings().dbt_project_dir, _DBT_PROJECT_WIDE)
