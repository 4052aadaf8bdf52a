-- every printed appendix cell beside the same cell regenerated from a collection's answers, one
-- row per collection and cell, with how far apart they may be: counts exactly equal, printed
-- rounded figures within half a unit of their last printed digit
with answer_counts as (
    select * from {{ ref('answer_count_from_responses') }}
),

questions as (
    select * from {{ ref('question_from_responses') }}
),

band_cells as (
    select * from {{ ref('band_from_responses') }}
),

answer_cells as (
    {%- for audience in ['leaders_managers', 'frontline', 'total'] %}
        select
            collection,
            is_synthetic,
            question_id,
            'answer ' || response_code || ' {{ audience }}' as cell,
            cast({{ audience }}_responses_published as decimal(12, 4)) as published,
            cast({{ audience }}_responses as decimal(12, 4)) as regenerated,
            cast(0 as decimal(12, 4)) as allowed_difference,
            source_document,
            source_line
        from answer_counts
        union all
    {%- endfor %}
    select
        collection,
        is_synthetic,
        question_id,
        'answer ' || response_code || ' proportion_pct' as cell,
        proportion_pct_published as published,
        proportion_pct as regenerated,
        0.5 as allowed_difference,
        source_document,
        source_line
    from answer_counts
),

average_cells as (
    {%- for audience in ['leaders_managers', 'frontline', 'total'] %}
        {% if not loop.first %}union all{% endif %}
        select
            collection,
            is_synthetic,
            question_id,
            'average {{ audience }}' as cell,
            cast(avg_score_{{ audience }}_published as decimal(12, 4)) as published,
            cast(avg_score_{{ audience }} as decimal(12, 4)) as regenerated,
            cast(0.005 as decimal(12, 4)) as allowed_difference,
            source_document,
            source_line
        from questions
    {%- endfor %}
),

band_count_cells as (
    select
        collection,
        is_synthetic,
        question_id,
        'band ' || cell_code as cell,
        cast(trusts_published as decimal(12, 4)) as published,
        cast(trusts as decimal(12, 4)) as regenerated,
        cast(0 as decimal(12, 4)) as allowed_difference,
        source_document,
        source_line
    from band_cells
    union all
    select
        collection,
        is_synthetic,
        question_id,
        'band ' || cell_code || ' pct' as cell,
        trusts_pct_published as published,
        trusts_pct as regenerated,
        0.5 as allowed_difference,
        source_document,
        source_line
    from band_cells
),

cells as (
    select * from answer_cells
    union all
    select * from average_cells
    union all
    select * from band_count_cells
),

final as (
    select
        *,
        regenerated - published as difference,
        coalesce(abs(regenerated - published) <= allowed_difference, false) as is_equal_as_printed
    from cells
)

select * from final
