-- every printed appendix cell beside the same cell regenerated from a collection's answers, one
-- row per collection and cell, and the value the collection must reproduce (`expected`):
-- - a collection of real answers must reproduce every printed cell (counts exactly, printed
--   rounded figures within half a unit of their last printed digit);
-- - a SYNTHETIC collection is generated from the cells it is given (answers per audience and
--   answer, trusts per band): it must reproduce those exactly, and the cells derived from them
--   (totals, proportions, averages, above the midpoint, missing, percentages) as the same
--   formulas give them from the printed inputs. Where the report prints a derived cell that its
--   own inputs contradict, the consistency rules record that at its line; it is not a fault of
--   answers generated from the inputs.
with answer_counts as (
    select * from {{ ref('answer_count_from_responses') }}
),

questions as (
    select * from {{ ref('question_from_responses') }}
),

band_cells as (
    select * from {{ ref('band_from_responses') }}
),

mean_score_bands as (
    select * from {{ ref('mean_score_bands') }}
),

-- what the printed inputs give for the derived cells, per collection and question
printed_answer_totals as (
    select
        collection,
        question_id,
        response_code,
        leaders_managers_responses_published + frontline_responses_published as total_from_inputs,
        sum(leaders_managers_responses_published + frontline_responses_published) over (
            partition by collection, question_id
        ) as all_from_inputs
    from answer_counts
),

printed_averages as (
    select
        collection,
        question_id,
        {%- for audience, count in [
            ('leaders_managers', 'leaders_managers_responses_published'),
            ('frontline', 'frontline_responses_published'),
            ('total', 'leaders_managers_responses_published + frontline_responses_published'),
        ] %}
            cast(
                cast(sum(score * ({{ count }})) filter (where score is not null) as decimal(18, 6))
                / nullif(sum({{ count }}) filter (where score is not null), 0) as decimal(6, 4)
            ) as avg_score_{{ audience }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from answer_counts
    group by collection, question_id
),

printed_band_totals as (
    select
        band_cells.collection,
        band_cells.question_id,
        sum(band_cells.trusts_published) filter (where mean_score_bands.band_code is not null) as responding_trusts,
        sum(band_cells.trusts_published) filter (where mean_score_bands.is_above_midpoint) as trusts_above_midpoint,
        -- no 150 trusts' answers can put more than 150 trusts in the bands: the generator takes
        -- the excess off the largest band, so such a question's band cells are not held against
        -- synthetic answers (bands_plus_missing_equal_150 records the contradiction)
        sum(band_cells.trusts_published) filter (
            where mean_score_bands.band_code is not null
        ) > {{ var('children_trusts') }} as bands_exceed_trusts
    from band_cells
    left join mean_score_bands
        on band_cells.cell_code = mean_score_bands.band_code
    group by band_cells.collection, band_cells.question_id
),

answer_cells as (
    {%- for audience in ['leaders_managers', 'frontline', 'total'] %}
        select
            answer_counts.collection,
            answer_counts.is_synthetic,
            answer_counts.question_id,
            'answer ' || answer_counts.response_code || ' {{ audience }}' as cell,
            {{ audience != 'total' }} as is_generator_input,
            true as is_held,
            cast(answer_counts.{{ audience }}_responses_published as decimal(12, 4)) as published,
            cast(answer_counts.{{ audience }}_responses as decimal(12, 4)) as regenerated,
            cast(
                {%- if audience == 'total' %} printed_answer_totals.total_from_inputs
                {%- else %} answer_counts.{{ audience }}_responses_published{% endif %} as decimal(12, 4)
            ) as derived_from_inputs,
            cast(0 as decimal(12, 4)) as allowed_difference,
            answer_counts.source_document,
            answer_counts.source_line
        from answer_counts
        inner join printed_answer_totals
            on
                answer_counts.collection = printed_answer_totals.collection
                and answer_counts.question_id = printed_answer_totals.question_id
                and answer_counts.response_code = printed_answer_totals.response_code
        union all
    {%- endfor %}
    select
        answer_counts.collection,
        answer_counts.is_synthetic,
        answer_counts.question_id,
        'answer ' || answer_counts.response_code || ' proportion_pct' as cell,
        false as is_generator_input,
        true as is_held,
        answer_counts.proportion_pct_published as published,
        answer_counts.proportion_pct as regenerated,
        cast(
            100.0 * printed_answer_totals.total_from_inputs / nullif(printed_answer_totals.all_from_inputs, 0)
            as decimal(5, 2)
        ) as derived_from_inputs,
        0.5 as allowed_difference,
        answer_counts.source_document,
        answer_counts.source_line
    from answer_counts
    inner join printed_answer_totals
        on
            answer_counts.collection = printed_answer_totals.collection
            and answer_counts.question_id = printed_answer_totals.question_id
            and answer_counts.response_code = printed_answer_totals.response_code
),

average_cells as (
    {%- for audience in ['leaders_managers', 'frontline', 'total'] %}
        {% if not loop.first %}union all{% endif %}
        select
            questions.collection,
            questions.is_synthetic,
            questions.question_id,
            'average {{ audience }}' as cell,
            false as is_generator_input,
            true as is_held,
            cast(questions.avg_score_{{ audience }}_published as decimal(12, 4)) as published,
            cast(questions.avg_score_{{ audience }} as decimal(12, 4)) as regenerated,
            cast(printed_averages.avg_score_{{ audience }} as decimal(12, 4)) as derived_from_inputs,
            cast(0.005 as decimal(12, 4)) as allowed_difference,
            questions.source_document,
            questions.source_line
        from questions
        inner join printed_averages
            on
                questions.collection = printed_averages.collection
                and questions.question_id = printed_averages.question_id
    {%- endfor %}
),

band_count_cells as (
    select
        band_cells.collection,
        band_cells.is_synthetic,
        band_cells.question_id,
        'band ' || band_cells.cell_code as cell,
        band_cells.cell_code not in ('total_above_midpoint', 'missing_responses') as is_generator_input,
        not coalesce(band_cells.is_synthetic and printed_band_totals.bands_exceed_trusts, false) as is_held,
        cast(band_cells.trusts_published as decimal(12, 4)) as published,
        cast(band_cells.trusts as decimal(12, 4)) as regenerated,
        cast(case band_cells.cell_code
            when 'total_above_midpoint' then printed_band_totals.trusts_above_midpoint
            when 'missing_responses' then {{ var('children_trusts') }} - printed_band_totals.responding_trusts
            else band_cells.trusts_published
        end as decimal(12, 4)) as derived_from_inputs,
        cast(0 as decimal(12, 4)) as allowed_difference,
        band_cells.source_document,
        band_cells.source_line
    from band_cells
    inner join printed_band_totals
        on
            band_cells.collection = printed_band_totals.collection
            and band_cells.question_id = printed_band_totals.question_id
    union all
    select
        band_cells.collection,
        band_cells.is_synthetic,
        band_cells.question_id,
        'band ' || band_cells.cell_code || ' pct' as cell,
        false as is_generator_input,
        not coalesce(band_cells.is_synthetic and printed_band_totals.bands_exceed_trusts, false) as is_held,
        band_cells.trusts_pct_published as published,
        band_cells.trusts_pct as regenerated,
        cast(100.0 * case band_cells.cell_code
            when 'total_above_midpoint' then printed_band_totals.trusts_above_midpoint
            when 'missing_responses' then {{ var('children_trusts') }} - printed_band_totals.responding_trusts
            else band_cells.trusts_published
        end / nullif(case
            when band_cells.cell_code = 'missing_responses' then {{ var('children_trusts') }}
            else printed_band_totals.responding_trusts
        end, 0) as decimal(5, 2)) as derived_from_inputs,
        0.5 as allowed_difference,
        band_cells.source_document,
        band_cells.source_line
    from band_cells
    inner join printed_band_totals
        on
            band_cells.collection = printed_band_totals.collection
            and band_cells.question_id = printed_band_totals.question_id
),

cells as (
    select * from answer_cells
    union all
    select * from average_cells
    union all
    select * from band_count_cells
),

targets as (
    select
        *,
        -- derived cells of a synthetic collection are computed exactly from the printed inputs
        is_synthetic and not is_generator_input as is_target_derived,
        case when is_synthetic and not is_generator_input then derived_from_inputs else published end as expected
    from cells
),

final as (
    select
        collection,
        is_synthetic,
        question_id,
        cell,
        is_generator_input,
        is_held,
        published,
        regenerated,
        expected,
        case when is_target_derived then cast(0 as decimal(12, 4)) else allowed_difference end as allowed_difference,
        regenerated - expected as difference,
        -- a cell neither side can give (an average of no scores) is reproduced as it is: empty
        coalesce(
            abs(regenerated - expected) <= case when is_target_derived then 0 else allowed_difference end,
            regenerated is null and expected is null
        ) as is_reproduced,
        coalesce(abs(regenerated - published) <= allowed_difference, false) as is_equal_as_printed,
        source_document,
        source_line
    from targets
)

select * from final
