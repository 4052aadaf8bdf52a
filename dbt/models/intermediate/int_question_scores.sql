-- one question's valid responses (scores 1-5), score points and averages by audience, and its
-- "don't know" and "not applicable" shares, summed from answer counts: the printed response
-- tables (counts_from = 'printed') and each collection of answers (counts_from = 'answers'),
-- so the printed and the regenerated paths compute them in one place
with printed_counts as (
    select * from {{ ref('stg_appendix__responses') }}
),

collection_counts as (
    select * from {{ ref('int_responses__answer_counts') }}
),

answer_scores as (
    select distinct
        response_code,
        score
    from printed_counts
),

answer_counts as (
    select
        'printed' as counts_from,
        cast(null as varchar) as collection,
        question_id,
        response_code,
        score,
        leaders_managers_responses,
        frontline_responses,
        total_responses
    from printed_counts
    union all
    select
        'answers' as counts_from,
        collection_counts.collection,
        collection_counts.question_id,
        collection_counts.response_code,
        answer_scores.score,
        collection_counts.leaders_managers_responses,
        collection_counts.frontline_responses,
        collection_counts.total_responses
    from collection_counts
    left join answer_scores
        on collection_counts.response_code = answer_scores.response_code
),

sums as (
    select
        counts_from,
        collection,
        question_id,
        {%- for audience in ['leaders_managers', 'frontline', 'total'] %}
            cast(sum(case when score is not null then {{ audience }}_responses else 0 end) as integer)
                as valid_responses_{{ audience }},
            sum(case when score is not null then score * {{ audience }}_responses else 0 end)
                as score_points_{{ audience }},
        {%- endfor %}
        cast(sum(case when response_code = 'dont_know' then total_responses else 0 end) as integer)
            as dont_know_responses,
        cast(sum(case when response_code = 'not_applicable' then total_responses else 0 end) as integer)
            as not_applicable_responses,
        cast(sum(total_responses) as integer) as all_responses
    from answer_counts
    group by counts_from, collection, question_id
),

final as (
    select
        counts_from,
        collection,
        question_id,
        valid_responses_leaders_managers,
        valid_responses_frontline,
        valid_responses_total,
        {%- for audience in ['leaders_managers', 'frontline', 'total'] %}
            -- nullif: a leaders-only question has no front line scores
            cast(
                cast(score_points_{{ audience }} as decimal(18, 6)) / nullif(valid_responses_{{ audience }}, 0)
                as decimal(6, 4)
            ) as avg_score_{{ audience }},
        {%- endfor %}
        cast(100.0 * dont_know_responses / nullif(all_responses, 0) as decimal(5, 2)) as dont_know_pct,
        cast(100.0 * not_applicable_responses / nullif(all_responses, 0) as decimal(5, 2)) as not_applicable_pct
    from sums
)

select * from final
