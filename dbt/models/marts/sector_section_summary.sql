with sector as (
    select * from {{ ref('sector') }}
),

final as (
    select
        service_code,
        section_no,
        max(service_name) as service_name,
        max(service_order) as service_order,
        max(section_title) as section_title,
        cast(count(*) as integer) as choice_items,
        cast(count(*) filter (where answer_status in ('single', 'multiple', 'split')) as integer) as items_answered,
        cast(count(*) filter (where answer_status = 'single') as integer) as items_single,
        cast(count(*) filter (where answer_status = 'multiple') as integer) as items_multiple,
        cast(count(*) filter (where answer_status = 'split') as integer) as items_split,
        cast(count(*) filter (where answer_status = 'none') as integer) as items_unanswered,
        cast(count(*) filter (where answer_status = 'single' and is_off_scale) as integer) as items_off_scale,
        cast(count(maturity_score) as integer) as items_scored,
        -- from rank and points, not the rounded maturity_score, so the mean carries no rounding
        cast(
            avg((scale_rank - 1) / (scale_points - 1)) filter (where maturity_score is not null)
            as decimal(5, 4)
        ) as mean_maturity_score
    from sector
    group by service_code, section_no
)

select
    -- ids
    service_code,
    section_no,
    -- attributes
    service_name,
    service_order,
    section_title,
    -- item counts
    choice_items,
    items_answered,
    items_single,
    items_multiple,
    items_split,
    items_unanswered,
    items_off_scale,
    items_scored,
    -- maturity
    mean_maturity_score
from final
