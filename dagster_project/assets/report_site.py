"""The report: a static site drawn from the published warehouse, after every publish."""

import time

import dagster as dg

from dagster_project.assets.published_warehouse import published_warehouse
from warehouse.config import settings


@dg.asset(
    key=dg.AssetKey(["report"]),
    group_name="report",
    deps=[published_warehouse],
    kinds={"html"},
    description=(
        "A static site for readers who do not write SQL: every surviving figure of both reports redrawn "
        "from the published warehouse (chart, table, CSV), the findings with their printed lines quoted."
    ),
)
def report(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    from warehouse.report.site import build_site  # altair and its renderer: loaded when drawn

    cfg = settings()
    started = time.perf_counter()
    result = build_site(cfg.published_db, cfg.report_dir)
    seconds = time.perf_counter() - started
    context.log.info(
        f"report written to {result.index} in {seconds:.2f} s: {result.figures} figures "
        f"({result.charts_rendered} charts drawn, {result.charts_reused} unchanged), {result.findings} findings"
    )
    metadata = {
        "report_path": dg.MetadataValue.path(str(result.index)),
        "report_url": dg.MetadataValue.url(result.index.as_uri()),
        "figures": result.figures,
        "tables": result.tables,
        "findings": result.findings,
        "pages": len(result.pages),
        "data_as_of": result.data_as_of,
        "build_seconds": round(seconds, 3),
        "query_seconds": round(result.query_seconds, 3),
        "charts_rendered": result.charts_rendered,
        "charts_reused": result.charts_reused,
    }
    if result.claims is not None:
        metadata["claims"] = result.claims
    return dg.MaterializeResult(metadata=metadata)
