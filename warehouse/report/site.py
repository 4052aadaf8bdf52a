"""Build the report site from the published warehouse and swap it in atomically.

The site is rendered into a temporary folder beside the report path. Only when every page and
data file is written does it get its final name, `.<report>-<stamp>/`, and the report path (a
symbolic link) is repointed by renaming a new link over it; a rename is atomic, so a reader
follows the old link or the new one and never sees a half-written site. A build that fails
removes its temporary folder and leaves the link, and so the last good site, as it was. The
previous site's folder is kept until the next build, for a reader still reading it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from warehouse.config import settings
from warehouse.report.pages import render_site
from warehouse.report.queries import read_report_data

BUILDING_PREFIX = ".building-"


@dataclass(frozen=True)
class ReportResult:
    index: Path
    site_dir: Path  # the folder the report path points to now
    pages: list[str]
    figures: int
    tables: int
    charts_rendered: int
    charts_reused: int
    findings: int
    claims: int | None
    data_as_of: str
    query_seconds: float
    render_seconds: float


def svg_cache_dir(report_dir: Path) -> Path:
    """Where chart SVGs are kept between builds: IW_CHART_CACHE_DIR (config.py), else beside the site."""
    return settings().chart_cache_dir or report_dir.parent / f".{report_dir.name}.svg-cache"


def _versions(report_dir: Path) -> list[Path]:
    return sorted(report_dir.parent.glob(f".{report_dir.name}-*"))


def _swap_in(built: Path, report_dir: Path) -> Path:
    """Give `built` its final name and point `report_dir` at it; return the final folder."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{uuid.uuid4().hex[:8]}"
    final = report_dir.parent / f".{report_dir.name}-{stamp}"
    os.rename(built, final)
    if report_dir.exists() and not report_dir.is_symlink():
        # a report folder from before links were used: move it aside once
        os.rename(report_dir, report_dir.parent / f".{report_dir.name}-{stamp}-old")
    link = report_dir.parent / f".{report_dir.name}.link-{uuid.uuid4().hex[:8]}"
    os.symlink(final.name, link)
    os.replace(link, report_dir)
    return final


def _remove_old_versions(report_dir: Path, current: Path, previous: Path | None) -> None:
    for folder in _versions(report_dir):
        if folder not in (current, previous):
            shutil.rmtree(folder, ignore_errors=True)
    for leftover in report_dir.parent.glob(f"{BUILDING_PREFIX}{report_dir.name}-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def build_site(published_db: str | Path, report_dir: str | Path) -> ReportResult:
    """Render the report from `published_db` and make `report_dir` point at it."""
    report_dir = Path(report_dir)
    report_dir.parent.mkdir(parents=True, exist_ok=True)
    previous = report_dir.resolve() if report_dir.is_symlink() else None

    started = time.perf_counter()
    frames = read_report_data(published_db)  # the warehouse is closed again here
    queried = time.perf_counter()

    built = Path(tempfile.mkdtemp(prefix=f"{BUILDING_PREFIX}{report_dir.name}-", dir=report_dir.parent))
    try:
        os.chmod(built, 0o755)  # mkdtemp makes it private; the site is for readers
        rendered = render_site(frames, built, svg_cache=svg_cache_dir(report_dir))
        final = _swap_in(built, report_dir)
    except BaseException:
        shutil.rmtree(built, ignore_errors=True)
        raise
    rendered_at = time.perf_counter()
    _remove_old_versions(report_dir, final, previous)
    published_at = pd.Timestamp(frames["publish_log"].published_at.iloc[0])
    return ReportResult(
        index=report_dir / "index.html",
        site_dir=final,
        pages=rendered.pages,
        figures=rendered.figures,
        tables=rendered.tables,
        charts_rendered=rendered.charts_rendered,
        charts_reused=rendered.charts_reused,
        findings=rendered.findings,
        claims=rendered.claims,
        data_as_of=published_at.isoformat(),
        query_seconds=queried - started,
        render_seconds=rendered_at - queried,
    )
