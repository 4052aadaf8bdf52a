{{ config(post_hook="comment on table {{ this }} is 'Appendix averages and trust counts regenerated per collection of answers; rows with is_synthetic = true come from SYNTHETIC answers generated from the published tables, not real responses'") }}  -- noqa: LT05

with collections as (
    select * from {{ ref('stg_responses__collections') }}
),

questions as (
    select * from {{ ref('stg_appendix__questions') }}
),

average_scores as (
    select * from {{ ref('stg_appendix__average_scores') }}
),

answer_counts as (
    select * from {{ ref('answer_count_from_responses') }}
),

band_cells as (
    select * from {{ ref('band_from_responses') }}
),

scored as (
    {{ question_scores('answer_counts', ['collection', 'question_id']) }}
),

published_averages as (
    select
        question_id,
        max(case when audience = 'leaders_managers' then avg_score_published end)
            as avg_score_leaders_managers_published,
        max(case when audience = 'frontline' then avg_score_published end) as avg_score_frontline_published,
        max(case when audience = 'total' then avg_score_published end) as avg_score_total_published,
        min(source_line) as source_line,
        min(source_document) as source_document
    from average_scores
    group by question_id
),

trusts as (
    select
        collection,
        question_id,
        max(case when cell_code = 'total_above_midpoint' then trusts end) as trusts_above_midpoint,
        max(case when cell_code = 'total_above_midpoint' then trusts_published end) as trusts_above_midpoint_published,
        max(case when cell_code = 'missing_responses' then trusts end) as trusts_missing,
        max(case when cell_code = 'missing_responses' then trusts_published end) as trusts_missing_published
    from band_cells
    group by collection, question_id
),

joined as (
    select
        collections.collection,
        collections.is_synthetic,
        questions.question_id,
        questions.is_leaders_only,
        -- a question no answer of the collection reached has no scores
        coalesce(scored.valid_responses_leaders_managers, 0) as valid_responses_leaders_managers,
        coalesce(scored.valid_responses_frontline, 0) as valid_responses_frontline,
        coalesce(scored.valid_responses_total, 0) as valid_responses_total,
        scored.avg_score_leaders_managers,
        published_averages.avg_score_leaders_managers_published,
        scored.avg_score_frontline,
        published_averages.avg_score_frontline_published,
        scored.avg_score_total,
        published_averages.avg_score_total_published,
        trusts.trusts_above_midpoint,
        trusts.trusts_above_midpoint_published,
        trusts.trusts_missing,
        trusts.trusts_missing_published,
        published_averages.source_document,
        published_averages.source_line
    from collections
    cross join questions
    left join scored
        on
            collections.collection = scored.collection
            and questions.question_id = scored.question_id
    left join published_averages
        on questions.question_id = published_averages.question_id
    left join trusts
        on
            collections.collection = trusts.collection
            and questions.question_id = trusts.question_id
)

select
    -- ids
    collection,
    question_id,
    -- attributes
    is_synthetic,
    is_leaders_only,
    -- valid responses (scores 1-5), regenerated
    valid_responses_leaders_managers,
    valid_responses_frontline,
    valid_responses_total,
    -- average scores, regenerated beside published
    avg_score_leaders_managers,
    avg_score_leaders_managers_published,
    avg_score_frontline,
    avg_score_frontline_published,
    avg_score_total,
    avg_score_total_published,
    -- trusts, regenerated beside published
    trusts_above_midpoint,
    trusts_above_midpoint_published,
    trusts_missing,
    trusts_missing_published,
    -- provenance of the printed averages
    source_document,
    source_line
from joined
