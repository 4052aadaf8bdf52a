{{ config(post_hook="comment on table {{ this }} is 'Appendix response tables regenerated per collection of answers; rows with is_synthetic = true come from SYNTHETIC answers generated from the published tables, not real responses'") }}  -- noqa: LT05

with collections as (
    select * from {{ ref('stg_responses__collections') }}
),

published_responses as (
    select * from {{ ref('stg_appendix__responses') }}
),

answer_counts as (
    select * from {{ ref('int_responses__answer_counts') }}
),

-- every printed cell, once per collection, so a cell with no answers shows as 0
cells as (
    select
        collections.collection,
        collections.is_synthetic,
        published_responses.question_id,
        published_responses.response_code,
        published_responses.score,
        published_responses.leaders_managers_responses as leaders_managers_responses_published,
        published_responses.frontline_responses as frontline_responses_published,
        published_responses.total_responses as total_responses_published,
        published_responses.proportion_pct_published,
        published_responses.source_document,
        published_responses.source_line
    from collections
    cross join published_responses
),

regenerated as (
    select
        cells.*,
        coalesce(answer_counts.leaders_managers_responses, 0) as leaders_managers_responses,
        coalesce(answer_counts.frontline_responses, 0) as frontline_responses,
        coalesce(answer_counts.total_responses, 0) as total_responses,
        sum(coalesce(answer_counts.total_responses, 0)) over (
            partition by cells.collection, cells.question_id
        ) as all_responses
    from cells
    left join answer_counts
        on
            cells.collection = answer_counts.collection
            and cells.question_id = answer_counts.question_id
            and cells.response_code = answer_counts.response_code
),

final as (
    select
        *,
        -- the report's denominator: all answers to the question, not applicable and don't know included
        cast(100.0 * total_responses / nullif(all_responses, 0) as decimal(5, 2)) as proportion_pct
    from regenerated
)

select
    -- ids
    collection,
    question_id,
    response_code,
    -- attributes
    is_synthetic,
    score,
    -- answers, regenerated beside published
    leaders_managers_responses,
    leaders_managers_responses_published,
    frontline_responses,
    frontline_responses_published,
    total_responses,
    total_responses_published,
    proportion_pct,
    proportion_pct_published,
    -- provenance of the published cell
    source_document,
    source_line
from final
