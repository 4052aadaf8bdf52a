"""What the report reads from the published warehouse, and the one place it opens it.

The published file is opened read-only, with access to other files switched off, for as long as
these queries take; everything after (charts, pages) works on the frames they return. Text the
marts do not carry (descriptor wording, per-score responses, the printed lines) comes from the
staging views, which hold the raw tables under conformed names.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

QUERIES: dict[str, str] = {
    "publish_log": """
        select published_at, run_id, code_version, checks_total, checks_failed_error,
               checks_failed_warn, findings
        from meta.publish_log
        order by published_at desc
        limit 1
    """,
    "check_summary": """
        select severity,
               count(*) as rules,
               count(*) filter (where passed) as passed,
               count(*) filter (where not passed) as failed
        from quality.latest_check_results
        group by severity
        order by severity
    """,
    "documents": """
        select distinct 'appendix' as document, source_document from marts.band
        union all
        select distinct 'devon' as document, source_document from marts.cluster
    """,
    "practices": """
        select practice_code, practice_name, practice_order, question_count,
               mean_avg_score_total, mean_trusts_above_midpoint_pct
        from marts.practice
        order by practice_order
    """,
    "questions": """
        select q.question_id, q.practice_code, q.question_text, q.is_leaders_only,
               q.valid_responses_leaders_managers, q.valid_responses_frontline, q.valid_responses_total,
               q.avg_score_leaders_managers, q.avg_score_leaders_managers_published,
               q.avg_score_frontline, q.avg_score_frontline_published,
               q.avg_score_total, q.avg_score_total_published,
               q.trusts_above_midpoint, q.trusts_above_midpoint_pct, q.trusts_missing,
               q.responding_trusts, s.source_line, s.source_document
        from marts.question as q
        inner join staging.stg_appendix__questions as s using (question_id)
        order by q.question_id
    """,
    "descriptors": """
        select question_id, point_score, level_label, descriptor_text, source_line
        from staging.stg_appendix__descriptors
        order by question_id, point_score
    """,
    "bands": """
        select question_id, band_order, band_label, lower_bound, is_above_midpoint, trusts, source_line
        from marts.band
        order by question_id, band_order
    """,
    "responses": """
        select question_id, response_code, score, response_label,
               leaders_managers_responses, frontline_responses, source_line
        from staging.stg_appendix__responses
        order by question_id, coalesce(score, 9), response_code desc
    """,
    "average_lines": """
        select question_id, min(source_line) as source_line
        from staging.stg_appendix__average_scores
        group by question_id
    """,
    "clusters": """
        select cluster_name, row_order, cafs, population_0_19, cafs_per_1000, cafs_per_1000_published,
               idaci_share_pct, predicted_cafs_867_published, predicted_cafs_5000_published,
               has_qa_data, qa_lowest_pct, qa_average_pct, qa_highest_pct,
               source_line_fig14, source_line_fig15, source_line_fig16, source_line_fig17
        from marts.cluster
        order by row_order
    """,
    "outcomes": """
        select source, measure, respondent_group, measure_description, numerator, denominator,
               pct, pct_published, source_line
        from marts.outcome
        order by source, source_line, respondent_group
    """,
    "activity": """
        select figure_label, role, bucket, bucket_label, practitioners_pct_published, source_line
        from staging.stg_devon__practitioner_activity
        order by figure_label, source_line
    """,
    "sector": """
        select service_code, service_name, service_order, section_no, section_title, item_code,
               question_no, question_text, sub_item_text, answer_status, option_text, marked_options_text,
               split_answer_text, is_off_scale, scale_rank,
               scale_points, maturity_score, source_line
        from marts.sector
        order by section_no, item_code, service_order
    """,
    "spend": """
        select measure, measure_label, amount_printed, period_text, amount_gbp, source_line
        from staging.stg_devon__bhlp_spend
        order by source_line, measure
    """,
    "training": """
        select row_order, organisation_name, organisation_printed, service_area, is_total_row,
               is_grand_total, practitioners_trained, source_line
        from staging.stg_devon__training_by_service
        order by row_order
    """,
    "printed_lines": """
        select source_document, source_line, line_text from staging.stg_appendix__printed_lines
        union all
        select source_document, source_line, line_text from staging.stg_devon__printed_lines
    """,
    "findings": """
        with findings as (
            select * from quality.latest_findings
        ),
        rules as (
            select rule_id, suite, description, severity from quality.latest_check_results
        ),
        printed as (
            select source_document, source_line, line_text from staging.stg_appendix__printed_lines
            union all
            select source_document, source_line, line_text from staging.stg_devon__printed_lines
        )
        select f.rule_id, r.description, r.severity, f.table_name, f.row_key, f.published_value,
               f.recomputed_value, f.difference, f.source_document, f.source_line, p.line_text
        from findings as f
        left join rules as r using (rule_id)
        left join printed as p using (source_document, source_line)
        order by f.source_document, f.source_line, f.rule_id, f.row_key
    """,
}

# quality.problems (one row per distinct problem, graded) when the checks have written it;
# PROBLEMS_FALLBACK otherwise, grouping the findings by printed line and rule, ungraded.
PROBLEMS_QUERY = """
    select problem_id, grade, grade_order, document, source_lines, first_line, rule_ids, claim_ids,
           printed, implied, gap, explanation, subject, findings
    from quality.problems
    order by grade_order, document, first_line, problem_id
"""
PROBLEMS_FALLBACK = """
    select f.source_document || '-' || f.source_line || '-' || f.rule_id as problem_id,
           'ungraded' as grade, 3 as grade_order, f.source_document as document,
           [f.source_line] as source_lines, f.source_line as first_line, [f.rule_id] as rule_ids,
           []::varchar[] as claim_ids,
           min(f.published_value) as published_value, min(f.recomputed_value) as recomputed_value,
           min(f.difference) as difference, min(f.row_key) as subject, min(r.description) as description,
           count(*) as findings
    from quality.latest_findings as f
    left join quality.latest_check_results as r using (rule_id)
    group by f.source_document, f.source_line, f.rule_id
    order by f.source_document, f.source_line, f.rule_id
"""

CLAIMS_QUERY = """
    select claim_id, document, section, source_line, quote, reading, evidence, verdict,
           verdict_detail, checked_at
    from quality.latest_claims
    order by document, section, source_line, claim_id
"""


def has_relation(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return (
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchone()[0]
        > 0
    )


def read_report_data(published_db: str | Path) -> dict[str, pd.DataFrame]:
    """Every frame the report draws from, keyed as in QUERIES (plus `claims` when the warehouse
    has `quality.latest_claims`, and `problems`: quality.problems, or the findings grouped). The connection is closed before this returns."""
    path = Path(published_db)
    if not path.is_file():
        raise FileNotFoundError(f"published warehouse {path} not found: run the nightly job first")
    with duckdb.connect(str(path), read_only=True, config={"enable_external_access": False}) as con:
        frames = {name: con.execute(sql).df() for name, sql in QUERIES.items()}
        if has_relation(con, "quality", "latest_claims"):
            frames["claims"] = con.execute(CLAIMS_QUERY).df()
        graded = has_relation(con, "quality", "problems")
        frames["problems"] = con.execute(PROBLEMS_QUERY if graded else PROBLEMS_FALLBACK).df()
    if frames["publish_log"].empty:
        raise ValueError(f"{path}: meta.publish_log is empty; the file was not written by a publish")
    return frames
