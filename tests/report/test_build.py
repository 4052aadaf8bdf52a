"""Building the site: atomic replacement, a failed build, and the claims page when claims exist."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest
from markupsafe import escape

from warehouse.report.site import build_site


@pytest.fixture()
def published_copy(warehouse, tmp_path) -> Path:
    """A copy of the published warehouse the test may change (the sites built from it share
    the session's chart cache, conftest.py)."""
    copy = tmp_path / "published" / "warehouse.duckdb"
    copy.parent.mkdir()
    shutil.copy(warehouse.published_db, copy)
    return copy


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_failed_build_leaves_the_previous_site_in_place(published_copy, tmp_path):
    report = tmp_path / "site" / "report"
    build_site(published_copy, report)
    before = tree(report)
    target = report.resolve()
    with duckdb.connect(str(published_copy)) as con:
        con.execute("drop table marts.cluster")

    with pytest.raises(duckdb.CatalogException, match="cluster"):
        build_site(published_copy, report)

    assert report.resolve() == target
    assert tree(report) == before
    assert not list(report.parent.glob(".building-*"))


def test_a_new_build_replaces_the_site_by_one_rename_and_keeps_the_previous_folder(published_copy, tmp_path):
    report = tmp_path / "site" / "report"
    first = build_site(published_copy, report)
    second = build_site(published_copy, report)
    assert report.is_symlink() and report.resolve() == second.site_dir != first.site_dir
    assert first.site_dir.is_dir()  # a reader still in the old site can finish
    third = build_site(published_copy, report)
    assert not first.site_dir.exists() and second.site_dir.is_dir() and third.site_dir == report.resolve()
    # the second build drew no chart again: every chart was unchanged
    assert second.charts_rendered == 0 and second.charts_reused == first.charts_rendered + first.charts_reused


def test_a_missing_warehouse_fails_naming_it_and_writes_no_site(tmp_path):
    missing = tmp_path / "nowhere.duckdb"
    with pytest.raises(FileNotFoundError, match=str(missing)):
        build_site(missing, tmp_path / "report")
    assert not (tmp_path / "report").exists()


CLAIMS = [
    # claim_id, document, section, source_line, quote, reading, evidence, verdict, verdict_detail
    (
        "devon.parent_feedback.95_5_pct",
        "devon",
        "Parent self report",
        704,
        "95.5% (22/23) of parents report ...",
        "22 of 23 parents, as a percentage",
        '{"numerator": 22, "denominator": 23, "pct": 95.65}',
        "contradicted",
        "22/23 is 95.65%, printed 95.5%.",
    ),
    (
        "devon.clusters.19",
        "devon",
        "Introduction",
        23,
        "delivered through 19 AXS clusters",
        "count of clusters listed in Fig 14",
        '{"clusters_listed": 17}',
        "holds_under_reading",
        "Holds if two clusters are missing from Fig 14; the plain reading gives 17.",
    ),
    (
        "devon.caf_review.completely",
        "devon",
        "Parent self report",
        681,
        "18.7% of children and young people",
        "share answering completely",
        "{}",
        "not_checkable",
        "The counts were in the lost chart.",
    ),
    (
        "appendix.trusts.150",
        "appendix",
        "Introduction",
        12,
        "150 Children's Trusts",
        "trusts per question",
        '{"trusts": 150}',
        "holds",
        "Bands and missing add up to 150 for every question.",
    ),
]


def add_claims(db: Path) -> None:
    with duckdb.connect(str(db)) as con:
        # these rows, not the pipeline's own claims: the page is checked against known input
        con.execute("drop view if exists quality.latest_claims")
        con.execute("drop table if exists quality.claims")
        con.execute("""
            create table quality.claims (
                run_id varchar, claim_id varchar, document varchar, section varchar, source_line integer,
                quote varchar, reading varchar, evidence varchar, verdict varchar, verdict_detail varchar,
                checked_at timestamp)
        """)
        for row in CLAIMS:
            con.execute(
                "insert into quality.claims values ('old-run', ?, ?, ?, ?, ?, ?, ?, 'holds', ?, timestamp '2026-01-01')",
                [*row[:7], row[8]],
            )
            con.execute(
                "insert into quality.claims values ('new-run', ?, ?, ?, ?, ?, ?, ?, ?, ?, timestamp '2026-02-01')",
                list(row),
            )
        con.execute("""
            create view quality.latest_claims as
            select * from quality.claims
            where run_id = (select arg_max(run_id, checked_at) from quality.claims)
        """)


def test_the_claims_page_puts_contradicted_claims_first_and_counts_them_by_verdict(published_copy, tmp_path):
    add_claims(published_copy)
    result = build_site(published_copy, tmp_path / "report")
    page = (tmp_path / "report" / "claims.html").read_text(encoding="utf-8")

    assert result.claims == len(CLAIMS) == page.count("<article")
    assert "claims.html" in (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    # by verdict, contradicted first; each with the verdict of the newest run, in words
    headings = re.findall(r"<h[23][^>]*>([^<]+)</h[23]>", page)
    assert headings == [
        "Main points",
        "Contradicted (1)",
        "Holds under a reading (1)",
        "Not checkable (1)",
        "Holds (1)",
    ]
    lines = [int(n) for n in re.findall(r'aria-label="Claim on line (\d+)"', page)]
    assert lines == [704, 23, 681, 12]
    for label in ("Holds", "Contradicted", "Holds under a reading", "Not checkable"):
        assert f"<strong>{label}</strong>" in page
    assert "22/23 is 95.65%, printed 95.5%." in page
    assert "<dt>clusters_listed</dt><dd>17</dd>" in page
    # the summary table at the top: one row per verdict, one column per document
    assert '<a href="#verdict-contradicted">Contradicted</a></th><td>0</td><td>1</td><td>1</td>' in page
    assert "Contradicted: 1 claim (0 in the national appendix, 1 in Devon)." in page


def test_without_claims_in_the_warehouse_there_is_no_claims_page(published_copy, tmp_path):
    with duckdb.connect(str(published_copy)) as con:
        con.execute("drop view if exists quality.latest_claims")
    result = build_site(published_copy, tmp_path / "report")
    assert result.claims is None
    assert not (tmp_path / "report" / "claims.html").exists()
    assert "claims.html" not in (tmp_path / "report" / "index.html").read_text(encoding="utf-8")


PROBLEMS = [
    # problem_id, grade, grade_order, source_lines, rule_ids, printed, implied, gap, explanation, subject
    (
        "devon-parents-satisfied",
        "minor",
        2,
        [704],
        ["parent_feedback_pct_matches_ratio"],
        "95.5 %",
        "95.7 % (22 of 23)",
        "0.2 percentage points",
        "The report prints 95.5 % (22 of 23); 22 of 23 is 95.7 %.",
        "Figs 2-5",
    ),
    (
        "devon-axs-cluster-count",
        "material",
        1,
        [23, 25, 36],
        ["headline_axs_clusters_equal_clusters_listed"],
        "19 clusters",
        "17 clusters",
        "2 clusters",
        "The report says 19 AXS clusters; its Fig 14 lists 17.",
        "Fig 14",
    ),
]


def add_problems(db: Path) -> None:
    with duckdb.connect(str(db)) as con:
        con.execute("""
            create or replace table quality.problems (
                problem_id varchar, grade varchar, grade_order integer, document varchar,
                source_lines integer[], first_line integer, rule_ids varchar[], claim_ids varchar[],
                printed varchar, implied varchar, gap varchar, explanation varchar, subject varchar,
                findings integer)
        """)
        (devon,) = con.execute("select distinct source_document from marts.cluster").fetchone()
        for pid, grade, order, lines, rules, printed, implied, gap, explanation, subject in PROBLEMS:
            con.execute(
                "insert into quality.problems values (?, ?, ?, ?, ?, ?, ?, [], ?, ?, ?, ?, ?, ?)",
                [pid, grade, order, devon, lines, min(lines), rules, printed, implied, gap, explanation, subject, 1],
            )


def test_the_problems_page_reads_the_graded_problems_material_first_each_with_its_lines_quoted(
    published_copy, tmp_path, devon_path
):
    add_problems(published_copy)
    build_site(published_copy, tmp_path / "report")
    page = (tmp_path / "report" / "findings.html").read_text(encoding="utf-8")
    devon = devon_path.read_text(encoding="utf-8").split("\n")

    assert page.count('<li class="problem ') == len(PROBLEMS)
    assert page.index('id="problem-devon-axs-cluster-count"') < page.index('id="problem-devon-parents-satisfied"')
    assert "2 material" not in page and "1 material" in page and "1 minor" in page
    for line in (23, 25, 36, 704):
        assert f"<code>{escape(devon[line - 1])}</code>" in page, line
    assert "<dd>95.7 % (22 of 23)</dd>" in page and "<dd>0.2 percentage points</dd>" in page
    assert 'href="devon.html#devon-fig14-cafs-per-1000"' in page
    home = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "contradict their own figures in 1 material place (2 problems in all). First: The report says 19" in home
