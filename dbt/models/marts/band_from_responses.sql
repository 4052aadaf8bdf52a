{{ config(post_hook="comment on table {{ this }} is 'Appendix band tables regenerated per collection of answers; rows with is_synthetic = true come from SYNTHETIC answers generated from the published tables, not real responses'") }}  -- noqa: LT05

with collections as (
    select * from {{ ref('stg_responses__collections') }}
),

published_cells as (
    select * from {{ ref('stg_appendix__mean_score_bands') }}
),

mean_score_bands as (
    select * from {{ ref('mean_score_bands') }}
),

trust_scores as (
    select * from {{ ref('int_responses__trust_scores') }}
),

-- a trust's mean (score_points / scored_answers) against the band's bounds, compared as
-- score_points >= lower_bound x scored_answers in exact decimals: no rounding decides a band
trust_bands as (
    select
        trust_scores.collection,
        trust_scores.question_id,
        trust_scores.trust_code,
        mean_score_bands.band_code,
        mean_score_bands.is_above_midpoint
    from trust_scores
    inner join mean_score_bands
        on
            (
                mean_score_bands.lower_bound is null
                or trust_scores.score_points >= mean_score_bands.lower_bound * trust_scores.scored_answers
            )
            and (
                mean_score_bands.upper_bound is null
                or trust_scores.score_points < mean_score_bands.upper_bound * trust_scores.scored_answers
            )
),

band_counts as (
    select
        collection,
        question_id,
        band_code as cell_code,
        cast(count(*) as integer) as trusts
    from trust_bands
    group by collection, question_id, band_code
),

question_counts as (
    select
        collection,
        question_id,
        cast(count(*) as integer) as responding_trusts,
        cast(count(*) filter (where is_above_midpoint) as integer) as trusts_above_midpoint
    from trust_bands
    group by collection, question_id
),

-- every printed cell, once per collection
cells as (
    select
        collections.collection,
        collections.is_synthetic,
        published_cells.question_id,
        published_cells.cell_code,
        published_cells.cell_order,
        published_cells.trusts as trusts_published,
        published_cells.trusts_pct_published,
        published_cells.source_document,
        published_cells.source_line,
        mean_score_bands.lower_bound,
        mean_score_bands.upper_bound
    from collections
    cross join published_cells
    left join mean_score_bands
        on published_cells.cell_code = mean_score_bands.band_code
),

regenerated as (
    select
        cells.*,
        coalesce(question_counts.responding_trusts, 0) as responding_trusts,
        case cells.cell_code
            when 'total_above_midpoint' then coalesce(question_counts.trusts_above_midpoint, 0)
            when 'missing_responses' then {{ var('children_trusts') }} - coalesce(question_counts.responding_trusts, 0)
            else coalesce(band_counts.trusts, 0)
        end as trusts
    from cells
    left join band_counts
        on
            cells.collection = band_counts.collection
            and cells.question_id = band_counts.question_id
            and cells.cell_code = band_counts.cell_code
    left join question_counts
        on
            cells.collection = question_counts.collection
            and cells.question_id = question_counts.question_id
),

final as (
    select
        *,
        -- the report's denominators: responding trusts for the bands and the total above the
        -- midpoint, all 150 for the missing responses (see the appendix_bands suite)
        cast(
            100.0 * trusts / nullif(
                case when cell_code = 'missing_responses' then {{ var('children_trusts') }} else responding_trusts end,
                0
            ) as decimal(5, 2)
        ) as trusts_pct
    from regenerated
)

select
    -- ids
    collection,
    question_id,
    cell_code,
    -- attributes
    is_synthetic,
    cell_order,
    lower_bound,
    upper_bound,
    -- trusts, regenerated beside published
    trusts,
    trusts_published,
    trusts_pct,
    trusts_pct_published,
    responding_trusts,
    -- provenance of the published cell
    source_document,
    source_line
from final
