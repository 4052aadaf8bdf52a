with practices as (
    select * from {{ ref('stg_appendix__practices') }}
),

questions as (
    select * from {{ ref('question') }}
),

question_summary as (
    select
        practice_code,
        cast(count(*) as integer) as question_count,
        cast(avg(avg_score_total) as decimal(6, 4)) as mean_avg_score_total,
        cast(avg(trusts_above_midpoint_pct) as decimal(5, 2)) as mean_trusts_above_midpoint_pct
    from questions
    group by practice_code
),

-- row_number, not rank: exactly one weakest and one strongest question, ties to the lowest number
ordered_questions as (
    select
        practice_code,
        question_id,
        row_number() over (
            partition by practice_code order by avg_score_total asc, question_id asc
        ) as weakness_order,
        row_number() over (
            partition by practice_code order by avg_score_total desc, question_id asc
        ) as strength_order
    from questions
),

extreme_questions as (
    select
        practice_code,
        max(case when weakness_order = 1 then question_id end) as weakest_question_id,
        max(case when strength_order = 1 then question_id end) as strongest_question_id
    from ordered_questions
    group by practice_code
),

final as (
    select
        practices.practice_code,
        practices.practice_name,
        practices.practice_order,
        question_summary.question_count,
        question_summary.mean_avg_score_total,
        question_summary.mean_trusts_above_midpoint_pct,
        extreme_questions.weakest_question_id,
        extreme_questions.strongest_question_id
    from practices
    left join question_summary
        on practices.practice_code = question_summary.practice_code
    left join extreme_questions
        on practices.practice_code = extreme_questions.practice_code
)

select
    -- ids
    practice_code,
    -- attributes
    practice_name,
    practice_order,
    -- question summaries
    question_count,
    mean_avg_score_total,
    mean_trusts_above_midpoint_pct,
    weakest_question_id,
    strongest_question_id
from final
