"""Shared fixtures: where the source documents are."""

from __future__ import annotations

from pathlib import Path

import pytest

from dagster_project.config import settings
from dagster_project.extract.documents import DOCUMENTS


@pytest.fixture(scope="session")
def appendix_path() -> Path:
    return _source("appendix")


@pytest.fixture(scope="session")
def devon_path() -> Path:
    return _source("devon")


def _source(code: str) -> Path:
    path = settings().sources_dir / DOCUMENTS[code]
    if not path.exists():
        pytest.fail(f"source document {path} not found: tests expect ../shared/sources beside the project")
    return path
