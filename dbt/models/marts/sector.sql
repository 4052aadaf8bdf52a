with services as (
    select * from {{ ref('stg_devon__services') }}
),

items as (
    select * from {{ ref('stg_devon__template_items') }}
),

options as (
    select * from {{ ref('stg_devon__template_options') }}
),

marks as (
    select * from {{ ref('stg_devon__template_marks') }}
),

item_scales as (
    select * from {{ ref('template_item_scales') }}
),

choice_items as (
    select
        item_code,
        section_no,
        section_title,
        question_no,
        question_text,
        sub_item_text,
        source_document,
        source_line
    from items
    where item_kind = 'choice'
),

-- an option is off the scale when the seed names its text ("Don't know")
classified_options as (
    select
        options.item_code,
        options.option_order,
        options.option_text,
        options.source_line,
        item_scales.scale_direction,
        coalesce(options.option_text = item_scales.off_scale_option_text, false) as is_off_scale
    from options
    left join item_scales
        on options.item_code = item_scales.item_code
),

-- rank 1 = least mature: count on-scale options upward from the least mature end of the print
ranked_options as (
    select
        item_code,
        option_order,
        option_text,
        source_line,
        scale_direction,
        is_off_scale,
        case
            when not is_off_scale then cast(row_number() over (
                partition by item_code, is_off_scale
                order by case when scale_direction = 'worst_first' then option_order else -option_order end
            ) as integer)
        end as scale_rank,
        cast(count(*) filter (where not is_off_scale) over (partition by item_code) as integer) as scale_points
    from classified_options
),

scored_options as (
    select
        item_code,
        option_order,
        option_text,
        source_line,
        scale_direction,
        is_off_scale,
        scale_rank,
        scale_points,
        cast((scale_rank - 1) / (scale_points - 1) as decimal(5, 4)) as maturity_score
    from ranked_options
),

-- a cell holding words instead of a number is part of a split answer (Social Care, s4_q04_b)
service_cells as (
    select
        marks.item_code,
        marks.service_code,
        marks.option_order,
        marks.cell_text,
        marks.mark = 1 as is_marked,
        marks.cell_text is not null and marks.mark is null as is_split_cell,
        scored_options.option_text,
        scored_options.source_line as option_source_line,
        scored_options.scale_direction,
        scored_options.is_off_scale,
        scored_options.scale_rank,
        scored_options.scale_points,
        scored_options.maturity_score
    from marks
    inner join scored_options
        on
            marks.item_code = scored_options.item_code
            and marks.option_order = scored_options.option_order
),

answers as (
    select
        item_code,
        service_code,
        max(scale_direction) as scale_direction,
        max(scale_points) as scale_points,
        cast(count(*) filter (where is_marked) as integer) as marked_option_count,
        cast(count(*) filter (where is_split_cell) as integer) as split_cell_count,
        -- the single chosen option: only meaningful when exactly one option is marked
        max(option_order) filter (where is_marked) as marked_option_order,
        max(option_text) filter (where is_marked) as marked_option_text,
        max(option_source_line) filter (where is_marked) as marked_option_source_line,
        bool_or(is_off_scale) filter (where is_marked) as marked_is_off_scale,
        max(scale_rank) filter (where is_marked) as marked_scale_rank,
        max(maturity_score) filter (where is_marked) as marked_maturity_score,
        string_agg(option_text, ' | ' order by option_order) filter (where is_marked) as marked_options_text,
        string_agg(option_text || ': ' || cell_text, ' | ' order by option_order)
        filter (where is_split_cell) as split_answer_text,
        -- range over every option the service marked or wrote words against
        min(maturity_score) filter (where is_marked or is_split_cell) as maturity_score_low,
        max(maturity_score) filter (where is_marked or is_split_cell) as maturity_score_high
    from service_cells
    group by item_code, service_code
),

classified_answers as (
    select
        *,
        case
            when split_cell_count > 0 then 'split'
            when marked_option_count > 1 then 'multiple'
            when marked_option_count = 1 then 'single'
            else 'none'
        end as answer_status
    from answers
),

final as (
    select
        services.service_code,
        services.service_name,
        services.service_order,
        choice_items.item_code,
        choice_items.section_no,
        choice_items.section_title,
        choice_items.question_no,
        choice_items.question_text,
        choice_items.sub_item_text,
        classified_answers.answer_status,
        classified_answers.marked_option_count,
        case
            when classified_answers.answer_status = 'single'
                then classified_answers.marked_option_order
        end as option_order,
        case
            when classified_answers.answer_status = 'single'
                then classified_answers.marked_option_text
        end as option_text,
        classified_answers.marked_options_text,
        classified_answers.split_answer_text,
        classified_answers.scale_direction,
        case
            when classified_answers.answer_status = 'single'
                then classified_answers.marked_is_off_scale
        end as is_off_scale,
        case
            when classified_answers.answer_status = 'single'
                then classified_answers.marked_scale_rank
        end as scale_rank,
        classified_answers.scale_points,
        case
            when classified_answers.answer_status = 'single'
                then classified_answers.marked_maturity_score
        end as maturity_score,
        classified_answers.maturity_score_low,
        classified_answers.maturity_score_high,
        choice_items.source_document,
        choice_items.source_line,
        case
            when classified_answers.answer_status = 'single'
                then classified_answers.marked_option_source_line
        end as option_source_line
    from choice_items
    cross join services
    left join classified_answers
        on
            choice_items.item_code = classified_answers.item_code
            and services.service_code = classified_answers.service_code
)

select
    -- ids
    service_code,
    item_code,
    -- service
    service_name,
    service_order,
    -- item
    section_no,
    section_title,
    question_no,
    question_text,
    sub_item_text,
    -- answer
    answer_status,
    marked_option_count,
    option_order,
    option_text,
    marked_options_text,
    split_answer_text,
    -- scale
    scale_direction,
    is_off_scale,
    scale_rank,
    scale_points,
    maturity_score,
    maturity_score_low,
    maturity_score_high,
    -- provenance
    source_document,
    source_line,
    option_source_line
from final
