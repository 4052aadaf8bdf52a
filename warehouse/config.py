"""Every path and setting the pipeline uses, read from the environment in this one place.

Defaults work from a fresh clone: the project root is the folder holding pyproject.toml, the
sources sit in ../shared/sources beside it, and the warehouse files live under .data/.
The build database's default is the one dbt's profile names (dbt/profiles.yml): dbt run by hand
reads no Python, so the profile holds it and this module reads it from there.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROFILES = PROJECT_ROOT / "dbt" / "profiles.yml"


def _profile_default_build_db() -> Path:
    """The path dbt's profile falls back to when IW_BUILD_DB is unset, relative to its folder."""
    text = DBT_PROFILES.read_text(encoding="utf-8")
    match = re.search(r"env_var\('IW_BUILD_DB',\s*flags\.PROFILES_DIR\s*~\s*'/([^']+)'\)", text)
    if match is None:
        raise RuntimeError(
            f"{DBT_PROFILES}: no default build database (env_var('IW_BUILD_DB', flags.PROFILES_DIR ~ '/...'))"
        )
    return Path(os.path.normpath(DBT_PROFILES.parent / match.group(1)))


DEFAULT_BUILD_DB = _profile_default_build_db()
DEFAULT_PUBLISHED_DB = PROJECT_ROOT / ".data" / "published" / "warehouse.duckdb"


def _path(var: str, default: Path | None) -> Path | None:
    value = os.environ.get(var)
    # absolute, but links kept: the report's path is a link that each build points anew, and
    # resolved it would name the previous build's folder
    return Path(os.path.abspath(Path(value).expanduser())) if value else default


@dataclass(frozen=True)
class Settings:
    project_root: Path
    sources_dir: Path
    raw_dir: Path
    dbt_project_dir: Path
    expectations_dir: Path
    build_db: Path
    published_db: Path
    data_docs_dir: Path
    responses_dir: Path
    report_dir: Path
    chart_cache_dir: Path | None


def settings() -> Settings:
    build_db = _path("IW_BUILD_DB", DEFAULT_BUILD_DB)
    published_db = _path("IW_PUBLISHED_DB", DEFAULT_PUBLISHED_DB)
    return Settings(
        project_root=PROJECT_ROOT,
        sources_dir=_path("IW_SOURCES_DIR", PROJECT_ROOT.parent / "shared" / "sources"),
        raw_dir=_path("IW_RAW_DIR", PROJECT_ROOT / "raw"),
        dbt_project_dir=PROJECT_ROOT / "dbt",
        expectations_dir=PROJECT_ROOT / "expectations",
        build_db=build_db,
        published_db=published_db,
        data_docs_dir=_path("IW_DATA_DOCS_DIR", build_db.parent / "data_docs"),
        # respondent-level collections, one file each (warehouse/responses/contract.py)
        responses_dir=_path("IW_RESPONSES_DIR", PROJECT_ROOT / ".data" / "responses"),
        # the report site; index.html inside it
        report_dir=_path("IW_REPORT_DIR", published_db.parent / "report"),
        # the report's chart SVGs, kept between builds; several sites may share one (the tests'
        # pipelines do); default: beside each site (report/site.py)
        chart_cache_dir=_path("IW_CHART_CACHE_DIR", None),
    )
