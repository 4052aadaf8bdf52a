"""The report the nightly job draws: what it holds, checked against the warehouse and the sources."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest
from markupsafe import escape

from tests.report.expected import expected_columns, numeric_columns
from tests.report.site_files import figures, links, pages
from warehouse.documents import DOCUMENTS


@pytest.fixture(scope="module")
def report_dir(warehouse) -> Path:
    return Path(warehouse.env["IW_REPORT_DIR"])


def published(warehouse, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse.published_db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_the_main_command_says_where_the_report_is(warehouse, report_dir):
    assert f"report (open in a browser): {report_dir / 'index.html'}" in warehouse.stdout
    assert (report_dir / "index.html").is_file()


def test_there_is_a_page_per_practice_one_for_devon_and_one_for_the_findings(warehouse, report_dir):
    practices = [code for (code,) in published(warehouse, "select practice_code from marts.practice")]
    assert len(practices) == 5
    expected = {"index.html", "devon.html", "findings.html"} | {f"appendix-{code}.html" for code in practices}
    assert expected <= set(pages(report_dir))


def test_every_question_has_its_bands_responses_and_averages(warehouse, report_dir):
    ids = {f.id for f in figures(report_dir)}
    for (question_id,) in published(warehouse, "select question_id from marts.question"):
        for kind in ("bands", "responses", "averages"):
            assert f"q{question_id:02d}-{kind}" in ids


def test_the_devon_page_redraws_each_surviving_figure_and_a_grid_per_template_section(warehouse, report_dir):
    devon = {f.id for f in figures(report_dir) if f.page == "devon.html"}
    sections = [n for (n,) in published(warehouse, "select distinct section_no from marts.sector order by 1")]
    assert devon == {
        "devon-fig01-caf-review",
        "devon-fig02-05-parent-self-report",
        "devon-fig07-cafs-by-cluster",
        "devon-fig14-cafs-per-1000",
        "devon-fig10-caf-assessor",
        "devon-fig11-lead-professional",
        "devon-fig15-idaci-867",
        "devon-fig16-idaci-5000",
        "devon-fig16b-bhlp-spend-types",
        "devon-fig17-quality-assurance",
        "devon-fig20-training",
    } | {f"devon-self-assessment-section-{n}" for n in sections}


def test_each_figures_csv_equals_a_query_of_the_published_warehouse(warehouse, report_dir):
    blocks = figures(report_dir)
    assert len(blocks) > 150
    for block in blocks:
        csv_text = (report_dir / block.csv_href).read_text(encoding="utf-8")
        found = numeric_columns(csv_text)
        expected = expected_columns(warehouse.published_db, block.id)
        assert set(found) == set(expected), block.id
        for name, values in expected.items():
            assert found[name] == pytest.approx(values, abs=1e-9), (block.id, name)


def test_every_finding_cites_a_line_that_is_kept_and_equals_the_source_document(warehouse, appendix_path, devon_path):
    lines = {
        DOCUMENTS["appendix"]: appendix_path.read_text(encoding="utf-8").split("\n"),
        DOCUMENTS["devon"]: devon_path.read_text(encoding="utf-8").split("\n"),
    }
    rows = published(
        warehouse,
        """
        select f.source_document, f.source_line, p.line_text
        from quality.latest_findings as f
        left join (
            select source_document, source_line, line_text from staging.stg_appendix__printed_lines
            union all
            select source_document, source_line, line_text from staging.stg_devon__printed_lines
        ) as p using (source_document, source_line)
    """,
    )
    assert rows
    for document, line, text in rows:
        assert text == lines[document][line - 1], (document, line)


def test_the_problems_page_lists_each_problem_once_and_quotes_the_printed_line_of_every_finding(
    warehouse, report_dir, devon_path
):
    page = (report_dir / "findings.html").read_text(encoding="utf-8")
    devon = devon_path.read_text(encoding="utf-8").split("\n")
    findings = published(warehouse, "select rule_id, source_document, source_line from quality.latest_findings")
    graded = published(
        warehouse,
        "select count(*) from information_schema.tables where table_schema = 'quality' and table_name = 'problems'",
    )[0][0]
    # one entry per problem: quality.problems when the checks graded them, else one per printed line and rule
    (problems,) = published(
        warehouse,
        "select count(*) from quality.problems"
        if graded
        else "select count(distinct (source_document, source_line, rule_id)) from quality.latest_findings",
    )[0]
    assert problems == page.count('<li class="problem ')
    for rule_id, document, line in findings:
        assert rule_id in page
        if document == DOCUMENTS["devon"]:
            assert f"<code>{escape(devon[line - 1])}</code>" in page, line
    # the QA row where the printed average (85%) is below the printed lowest score (89%), line 944
    assert "<code>Honiton/Axe Valley\t89%\t97%\t85%</code>" in page


def test_the_home_page_gives_the_data_date_and_code_version_of_the_publish(warehouse, report_dir):
    published_at, code_version = published(
        warehouse, "select published_at, code_version from meta.publish_log order by published_at desc limit 1"
    )[0]
    home = (report_dir / "index.html").read_text(encoding="utf-8")
    assert published_at.strftime("%d %B %Y %H:%M UTC") in home
    assert code_version in home


def test_no_page_loads_anything_from_another_host_or_runs_a_script(report_dir):
    for page in pages(report_dir):
        found = links((report_dir / page).read_text(encoding="utf-8"))
        assert found.scripts == 0, page
        outside = [u for u in found.urls if "://" in u or u.startswith("//")]
        assert not outside, (page, outside)


def test_the_report_materialisation_records_path_figures_findings_and_data_date(warehouse, report_dir):
    with dg.DagsterInstance.from_config(warehouse.env["DAGSTER_HOME"]) as instance:
        event = instance.get_latest_materialization_event(dg.AssetKey("report"))
    metadata = {k: v.value for k, v in event.asset_materialization.metadata.items()}
    (findings,) = published(warehouse, "select count(*) from quality.latest_findings")[0]
    (published_at,) = published(warehouse, "select max(published_at) from meta.publish_log")[0]
    assert metadata["report_path"] == str(report_dir / "index.html")
    assert metadata["figures"] == sum(f.kind == "chart" for f in figures(report_dir))
    assert metadata["findings"] == findings
    assert metadata["data_as_of"] == published_at.isoformat()
    assert metadata["build_seconds"] > 0
