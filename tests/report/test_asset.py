"""The report asset is wired into the one Definitions and the nightly job."""

from __future__ import annotations

import dagster as dg


def test_the_report_asset_is_in_group_report_downstream_of_publish_and_in_the_nightly_job():
    from dagster_project.definitions import defs

    graph = defs.resolve_asset_graph()
    report = graph.get(dg.AssetKey("report"))
    assert report.group_name == "report"
    assert dg.AssetKey(["publish", "warehouse"]) in report.parent_keys
    job = defs.resolve_job_def("nightly_refresh")
    assert dg.AssetKey("report") in job.asset_layer.executable_asset_keys
