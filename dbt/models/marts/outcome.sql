with caf_review_outcomes as (
    select * from {{ ref('stg_devon__caf_review_outcomes') }}
),

parent_feedback as (
    select * from {{ ref('stg_devon__parent_feedback') }}
),

-- the CAF review comment prints percentages only: no counts, so nothing to recompute
caf_review as (
    select
        'caf_review' as source,
        measure,
        respondent_group,
        'Planned outcomes reported completely achieved at CAF review, by ' || respondent_label
            as measure_description,
        cast(null as integer) as numerator,
        cast(null as integer) as denominator,
        respondents_pct_published as pct_published,
        source_document,
        source_line
    from caf_review_outcomes
),

-- the parent self-report prints "P% (n/d)": the respondents are parents
parent_self_report as (
    select
        'parent_self_report' as source,
        measure,
        'parent_carer' as respondent_group,
        measure_description,
        parents_reporting as numerator,
        parents_responding as denominator,
        parents_pct_published as pct_published,
        source_document,
        source_line
    from parent_feedback
),

measures as (
    select * from caf_review
    union all
    select * from parent_self_report
),

recomputed as (
    select
        *,
        cast(round(100.0 * numerator / nullif(denominator, 0), 4) as decimal(8, 4)) as pct
    from measures
),

final as (
    select
        source,
        measure,
        respondent_group,
        measure_description,
        numerator,
        denominator,
        pct,
        pct_published,
        cast(pct_published - pct as decimal(8, 4)) as pct_difference,
        source_document,
        source_line
    from recomputed
)

select
    -- ids
    source,
    measure,
    respondent_group,
    -- attributes
    measure_description,
    -- numerics
    numerator,
    denominator,
    pct,
    pct_published,
    pct_difference,
    -- provenance
    source_line,
    source_document
from final
