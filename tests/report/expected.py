"""What each figure's CSV must hold, as queries of the published warehouse written for the tests.

Each query returns, row by row in the order the figure lists them, the numbers of the figure
under the CSV's column names. The tests compare every numeric CSV column with them.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import duckdb

PRACTICE_FIGURES = {
    # shares of the trusts that answered, whole per cent (halves up), highest share first
    "above-midpoint": """
        select trusts_above_midpoint, responding_trusts,
               floor(100.0::double * trusts_above_midpoint / responding_trusts + 0.5) as trusts_above_midpoint_pct
        from marts.question where practice_code = $key
        order by trusts_above_midpoint / responding_trusts desc, question_id
    """,
    "leaders-frontline": """
        select avg_score_leaders_managers_published, avg_score_frontline_published
        from marts.question where practice_code = $key
        order by trusts_above_midpoint / responding_trusts desc, question_id
    """,
}
QUESTION_FIGURES = {
    "bands": """
        select trusts from (
            select band_order, trusts from marts.band where question_id = $key
            union all
            select 99, trusts_missing from marts.question where question_id = $key
        ) order by band_order
    """,
    # each audience's answers as counts and as whole per cent (halves up) of the audience's responses
    "responses": """
        select leaders_managers_responses,
               floor(100.0::double * leaders_managers_responses / sum(leaders_managers_responses) over () + 0.5)
                   as leaders_managers_pct,
               frontline_responses,
               floor(100.0::double * frontline_responses / sum(frontline_responses) over () + 0.5) as frontline_pct
        from staging.stg_appendix__responses where question_id = $key order by source_line
    """,
    "averages": """
        select avg_score_published, avg_score_recomputed from (
            select 1 as k, avg_score_leaders_managers_published as avg_score_published,
                   avg_score_leaders_managers as avg_score_recomputed
            from marts.question where question_id = $key
            union all
            select 2, avg_score_frontline_published, avg_score_frontline from marts.question where question_id = $key
            union all
            select 3, avg_score_total_published, avg_score_total from marts.question where question_id = $key
        ) order by k
    """,
}
DEVON_FIGURES = {
    # the sentence on line 681 prints children and young people, parents and carers, lead professionals
    "devon-fig01-caf-review": """
        select pct_published as completely_achieved_pct_published from marts.outcome where source = 'caf_review'
        order by list_position(['child_young_person', 'parent_carer', 'lead_professional'], respondent_group)
    """,
    "devon-fig02-05-parent-self-report": """
        select numerator as parents_reporting, denominator as parents_responding, pct_published,
               pct as pct_recomputed
        from marts.outcome where source = 'parent_self_report' order by pct_published desc, source_line
    """,
    "devon-fig07-cafs-by-cluster": "select cafs from marts.cluster order by cafs desc, row_order",
    "devon-fig14-cafs-per-1000": """
        select cafs, population_0_19, cafs_per_1000_published, cafs_per_1000 as cafs_per_1000_recomputed
        from marts.cluster order by cafs_per_1000_published desc, row_order
    """,
    "devon-fig15-idaci-867": """
        select predicted_cafs_867_published as predicted_cafs_published, cafs as actual_cafs
        from marts.cluster order by cafs desc, row_order
    """,
    "devon-fig16-idaci-5000": """
        select predicted_cafs_5000_published as predicted_cafs_published, cafs as actual_cafs
        from marts.cluster order by cafs desc, row_order
    """,
    "devon-fig10-caf-assessor": """
        select practitioners_pct_published from staging.stg_devon__practitioner_activity
        where role = 'caf_assessor' order by source_line
    """,
    "devon-fig11-lead-professional": """
        select practitioners_pct_published from staging.stg_devon__practitioner_activity
        where role = 'lead_professional' order by source_line
    """,
    "devon-fig16b-bhlp-spend-types": """
        select amount_gbp from staging.stg_devon__bhlp_spend where measure like 'spend%' order by source_line, measure
    """,
    "devon-fig17-quality-assurance": """
        select qa_lowest_pct, qa_average_pct, qa_highest_pct from marts.cluster where has_qa_data
        order by qa_average_pct desc, row_order
    """,
    "devon-fig20-training": """
        select practitioners_trained from staging.stg_devon__training_by_service
        where practitioners_trained is not null order by row_order
    """,
}
OTHER_FIGURES = {
    # the home page's overview: every question, by practice in the appendix's order, highest share first
    "overview-above-midpoint": """
        select q.trusts_above_midpoint, q.responding_trusts,
               floor(100.0::double * q.trusts_above_midpoint / q.responding_trusts + 0.5) as trusts_above_midpoint_pct
        from marts.question as q inner join marts.practice as p using (practice_code)
        order by p.practice_order, q.trusts_above_midpoint / q.responding_trusts desc, q.question_id
    """,
}
SECTION_FIGURE = """
    select scale_rank, scale_points, maturity_score from marts.sector where section_no = $key
    order by item_code, service_order
"""


def expected_query(figure_id: str) -> tuple[str, object]:
    """The test query for a figure id, and the value of its $key."""
    if figure_id in DEVON_FIGURES:
        return DEVON_FIGURES[figure_id], None
    if figure_id in OTHER_FIGURES:
        return OTHER_FIGURES[figure_id], None
    if match := re.fullmatch(r"q(\d\d)-(\w+)", figure_id):
        return QUESTION_FIGURES[match[2]], int(match[1])
    if match := re.fullmatch(r"devon-self-assessment-section-(\d+)", figure_id):
        return SECTION_FIGURE, int(match[1])
    for suffix, sql in PRACTICE_FIGURES.items():
        if figure_id.endswith("-" + suffix):
            return sql, figure_id.removesuffix("-" + suffix)
    raise KeyError(f"no test query for figure {figure_id}")


def expected_columns(published_db: Path, figure_id: str) -> dict[str, list[float | None]]:
    sql, key = expected_query(figure_id)
    with duckdb.connect(str(published_db), read_only=True) as con:
        result = con.execute(sql, {"key": key} if key is not None else {})
        names = [d[0] for d in result.description]
        rows = result.fetchall()
    return {name: [None if row[i] is None else float(row[i]) for row in rows] for i, name in enumerate(names)}


def _number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def numeric_columns(text: str) -> dict[str, list[float | None]]:
    """The CSV's columns whose every cell is a number or empty, as numbers (empty: None)."""
    header, *rows = list(csv.reader(io.StringIO(text)))
    columns = {}
    for i, name in enumerate(header):
        cells = [row[i] for row in rows]
        if all(cell == "" or _number(cell) is not None for cell in cells):
            columns[name] = [None if cell == "" else _number(cell) for cell in cells]
    return columns
