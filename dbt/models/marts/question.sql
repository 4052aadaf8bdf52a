with questions as (
    select * from {{ ref('stg_appendix__questions') }}
),

practices as (
    select * from {{ ref('stg_appendix__practices') }}
),

responses as (
    select * from {{ ref('stg_appendix__responses') }}
),

average_scores as (
    select * from {{ ref('stg_appendix__average_scores') }}
),

mean_score_band_cells as (
    select * from {{ ref('stg_appendix__mean_score_bands') }}
),

mean_score_bands as (
    select * from {{ ref('mean_score_bands') }}
),

recomputed_averages as (
    {{ question_scores('responses', ['question_id']) }}
),

published_averages as (
    select
        question_id,
        max(case when audience = 'leaders_managers' then avg_score_published end)
            as avg_score_leaders_managers_published,
        max(case when audience = 'frontline' then avg_score_published end) as avg_score_frontline_published,
        max(case when audience = 'total' then avg_score_published end) as avg_score_total_published
    from average_scores
    group by question_id
),

trust_counts as (
    select
        mean_score_band_cells.question_id,
        cast(
            sum(
                case when mean_score_bands.band_code is not null then mean_score_band_cells.trusts else 0 end
            ) as integer
        ) as responding_trusts,
        cast(
            sum(case when mean_score_bands.is_above_midpoint then mean_score_band_cells.trusts else 0 end) as integer
        ) as trusts_above_midpoint,
        max(case when mean_score_band_cells.cell_code = 'total_above_midpoint' then mean_score_band_cells.trusts end)
            as trusts_above_midpoint_published,
        max(
            case
                when
                    mean_score_band_cells.cell_code = 'total_above_midpoint'
                    then mean_score_band_cells.trusts_pct_published
            end
        ) as trusts_above_midpoint_pct_published,
        max(case when mean_score_band_cells.cell_code = 'missing_responses' then mean_score_band_cells.trusts end)
            as trusts_missing
    from mean_score_band_cells
    left join mean_score_bands
        on mean_score_band_cells.cell_code = mean_score_bands.band_code
    group by mean_score_band_cells.question_id
),

joined as (
    select
        questions.question_id,
        questions.practice_code,
        practices.practice_name,
        questions.question_text,
        questions.is_leaders_only,
        recomputed_averages.valid_responses_leaders_managers,
        recomputed_averages.valid_responses_frontline,
        recomputed_averages.valid_responses_total,
        recomputed_averages.avg_score_leaders_managers,
        published_averages.avg_score_leaders_managers_published,
        recomputed_averages.avg_score_frontline,
        published_averages.avg_score_frontline_published,
        recomputed_averages.avg_score_total,
        published_averages.avg_score_total_published,
        recomputed_averages.dont_know_pct,
        recomputed_averages.not_applicable_pct,
        trust_counts.trusts_above_midpoint,
        trust_counts.trusts_above_midpoint_published,
        trust_counts.trusts_above_midpoint_pct_published,
        trust_counts.trusts_missing,
        trust_counts.responding_trusts
    from questions
    inner join practices
        on questions.practice_code = practices.practice_code
    left join recomputed_averages
        on questions.question_id = recomputed_averages.question_id
    left join published_averages
        on questions.question_id = published_averages.question_id
    left join trust_counts
        on questions.question_id = trust_counts.question_id
),

derived as (
    select
        *,
        -- from the stored 4-decimal averages, so each difference is exactly that of the columns shown
        cast(avg_score_total_published - avg_score_total as decimal(6, 4)) as avg_score_total_difference,
        cast(avg_score_leaders_managers - avg_score_frontline as decimal(6, 4)) as leaders_frontline_gap,
        cast(100.0 * trusts_above_midpoint / nullif(responding_trusts, 0) as decimal(5, 2)) as trusts_above_midpoint_pct
    from joined
),

final as (
    select
        *,
        -- rank(): tied averages share a rank and the next rank is skipped (1, 2, 2, 4)
        cast(rank() over (partition by practice_code order by avg_score_total desc) as integer) as rank_in_practice,
        cast(rank() over (order by avg_score_total desc) as integer) as rank_overall
    from derived
)

select
    -- ids
    question_id,
    practice_code,
    -- attributes
    practice_name,
    question_text,
    is_leaders_only,
    -- valid responses (scores 1-5)
    valid_responses_leaders_managers,
    valid_responses_frontline,
    valid_responses_total,
    -- average scores, recomputed beside published
    avg_score_leaders_managers,
    avg_score_leaders_managers_published,
    avg_score_frontline,
    avg_score_frontline_published,
    avg_score_total,
    avg_score_total_published,
    avg_score_total_difference,
    leaders_frontline_gap,
    -- other responses
    dont_know_pct,
    not_applicable_pct,
    -- trusts
    trusts_above_midpoint,
    trusts_above_midpoint_published,
    trusts_above_midpoint_pct,
    trusts_above_midpoint_pct_published,
    trusts_missing,
    responding_trusts,
    -- ranks
    rank_in_practice,
    rank_overall
from final
