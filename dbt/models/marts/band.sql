with mean_score_band_cells as (
    select * from {{ ref('stg_appendix__mean_score_bands') }}
),

mean_score_bands as (
    select * from {{ ref('mean_score_bands') }}
),

-- the printed "Total above midpoint" and "Missing responses" cells are not bands
band_cells as (
    select
        mean_score_band_cells.question_id,
        mean_score_band_cells.trusts,
        mean_score_band_cells.trusts_pct_published,
        mean_score_band_cells.source_line,
        mean_score_band_cells.source_document,
        mean_score_bands.band_code,
        mean_score_bands.band_label,
        mean_score_bands.band_order,
        mean_score_bands.lower_bound,
        mean_score_bands.upper_bound,
        mean_score_bands.is_above_midpoint
    from mean_score_band_cells
    inner join mean_score_bands
        on mean_score_band_cells.cell_code = mean_score_bands.band_code
),

with_totals as (
    select
        *,
        cast(sum(trusts) over (partition by question_id) as integer) as responding_trusts,
        cast(
            sum(trusts) over (
                partition by question_id
                order by band_order
                rows between unbounded preceding and current row
            ) as integer
        ) as cumulative_trusts
    from band_cells
),

final as (
    select
        *,
        -- the report's percentages are of the trusts that responded (the six bands), not of all
        -- 150: question 1 prints 84 trusts as 57 %, which is 84 / 148, where 84 / 150 is 56 %
        cast(100.0 * trusts / nullif(responding_trusts, 0) as decimal(5, 2)) as trusts_pct
    from with_totals
)

select
    -- ids
    question_id,
    band_code,
    -- band
    band_label,
    band_order,
    lower_bound,
    upper_bound,
    is_above_midpoint,
    -- trusts
    trusts,
    trusts_pct,
    trusts_pct_published,
    cumulative_trusts,
    -- provenance
    source_line,
    source_document
from final
