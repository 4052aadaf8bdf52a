{#-
    One question's valid responses (scores 1-5) and averages by audience, and its "don't know"
    and "not applicable" shares, summed from a relation of answer counts (question_id,
    response_code, score, leaders_managers_responses, frontline_responses, total_responses),
    grouped by `group_by`. marts.question sums the printed response tables with it and
    marts.question_from_responses each collection's answers: one computation, and no model
    shared between the two paths, so loading answers never rebuilds the printed marts.
-#}
{%- macro question_scores(answer_counts, group_by) -%}
    select
        {{ group_by | join(', ') }},
    {%- for audience in ['leaders_managers', 'frontline', 'total'] %}
            cast(sum(case when score is not null then {{ audience }}_responses else 0 end) as integer)
                as valid_responses_{{ audience }},
            -- nullif: a leaders-only question has no front line scores
            cast(
                cast(
                    sum(case when score is not null then score * {{ audience }}_responses else 0 end) as decimal(18, 6)
                )
                / nullif(sum(case when score is not null then {{ audience }}_responses else 0 end), 0)
                as decimal(6, 4)
            ) as avg_score_{{ audience }},
    {%- endfor %}
        cast(
            100.0 * sum(case when response_code = 'dont_know' then total_responses else 0 end)
            / nullif(sum(total_responses), 0) as decimal(5, 2)
        ) as dont_know_pct,
        cast(
            100.0 * sum(case when response_code = 'not_applicable' then total_responses else 0 end)
            / nullif(sum(total_responses), 0) as decimal(5, 2)
        ) as not_applicable_pct
    from {{ answer_counts }}
    group by {{ group_by | join(', ') }}
{% endmacro %}
