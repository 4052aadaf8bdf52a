with cluster_cafs as (
    select * from {{ ref('stg_devon__cluster_cafs') }}
),

idaci_predictions as (
    select * from {{ ref('stg_devon__idaci_predictions') }}
),

qa_scores as (
    select * from {{ ref('stg_devon__qa_scores') }}
),

cluster_aliases as (
    select * from {{ ref('cluster_aliases') }}
),

-- Fig 14 lists the clusters; its Total row is not a cluster
fig14 as (
    select
        cluster_aliases.cluster_name,
        cluster_cafs.cluster_name_printed,
        cluster_cafs.row_order,
        cluster_cafs.cafs,
        cluster_cafs.population_0_19,
        cluster_cafs.cafs_per_1000_published,
        cluster_cafs.source_document,
        cluster_cafs.source_line
    from cluster_cafs
    left join cluster_aliases
        on cluster_cafs.cluster_name_printed = cluster_aliases.printed_name
    where not cluster_cafs.is_total
),

idaci as (
    select
        cluster_aliases.cluster_name,
        idaci_predictions.scenario_total,
        idaci_predictions.cluster_name_printed,
        idaci_predictions.idaci_share_pct_published,
        idaci_predictions.predicted_cafs_published,
        idaci_predictions.difference_published,
        idaci_predictions.source_line
    from idaci_predictions
    inner join cluster_aliases
        on idaci_predictions.cluster_name_printed = cluster_aliases.printed_name
    where not idaci_predictions.is_total
),

fig15 as (
    select * from idaci
    where scenario_total = 867
),

fig16 as (
    select * from idaci
    where scenario_total = 5000
),

fig17 as (
    select
        cluster_aliases.cluster_name,
        qa_scores.cluster_name_printed,
        qa_scores.has_data,
        qa_scores.lowest_score_pct_published,
        qa_scores.highest_score_pct_published,
        qa_scores.average_score_pct_published,
        qa_scores.source_line
    from qa_scores
    inner join cluster_aliases
        on qa_scores.cluster_name_printed = cluster_aliases.printed_name
),

joined as (
    select
        fig14.cluster_name,
        fig14.row_order,
        fig14.cluster_name_printed as cluster_name_fig14,
        fig15.cluster_name_printed as cluster_name_fig15,
        fig16.cluster_name_printed as cluster_name_fig16,
        fig17.cluster_name_printed as cluster_name_fig17,
        fig14.cafs,
        fig14.population_0_19,
        fig14.cafs_per_1000_published,
        fig15.idaci_share_pct_published as idaci_share_pct,
        fig15.predicted_cafs_published as predicted_cafs_867_published,
        fig16.predicted_cafs_published as predicted_cafs_5000_published,
        fig15.difference_published as difference_867_published,
        fig16.difference_published as difference_5000_published,
        fig17.has_data as has_qa_data,
        fig17.lowest_score_pct_published as qa_lowest_pct,
        fig17.highest_score_pct_published as qa_highest_pct,
        fig17.average_score_pct_published as qa_average_pct,
        fig14.source_document,
        fig14.source_line as source_line_fig14,
        fig15.source_line as source_line_fig15,
        fig16.source_line as source_line_fig16,
        fig17.source_line as source_line_fig17
    from fig14
    left join fig15
        on fig14.cluster_name = fig15.cluster_name
    left join fig16
        on fig14.cluster_name = fig16.cluster_name
    left join fig17
        on fig14.cluster_name = fig17.cluster_name
),

-- recomputed from the printed counts and shares; actual CAFs are Fig 14's
recomputed as (
    select
        *,
        cast(round(cafs * 1000.0 / population_0_19, 4) as decimal(10, 4)) as cafs_per_1000,
        cast(idaci_share_pct * 867 / 100 as decimal(10, 4)) as predicted_cafs_867,
        cast(idaci_share_pct * 5000 / 100 as decimal(10, 4)) as predicted_cafs_5000
    from joined
),

differences as (
    select
        *,
        cast(cafs - predicted_cafs_867 as decimal(10, 4)) as difference_867,
        cast(cafs - predicted_cafs_5000 as decimal(10, 4)) as difference_5000
    from recomputed
),

-- rank 1 = highest value; ties share a rank; clusters without QA data get no QA rank
final as (
    select
        *,
        cast(rank() over (order by cafs_per_1000 desc) as integer) as rank_cafs_per_1000,
        cast(rank() over (order by idaci_share_pct desc) as integer) as rank_idaci_share,
        cast(rank() over (order by difference_867 desc) as integer) as rank_difference_867,
        cast(rank() over (order by difference_5000 desc) as integer) as rank_difference_5000,
        case
            when has_qa_data
                then cast(rank() over (partition by has_qa_data order by qa_average_pct desc) as integer)
        end as rank_qa_average
    from differences
)

select
    -- ids
    cluster_name,
    -- attributes
    row_order,
    cluster_name_fig14,
    cluster_name_fig15,
    cluster_name_fig16,
    cluster_name_fig17,
    -- CAFs and population (Fig 14)
    cafs,
    population_0_19,
    cafs_per_1000,
    cafs_per_1000_published,
    -- IDACI predictions (Figs 15 and 16)
    idaci_share_pct,
    predicted_cafs_867,
    predicted_cafs_867_published,
    difference_867,
    difference_867_published,
    predicted_cafs_5000,
    predicted_cafs_5000_published,
    difference_5000,
    difference_5000_published,
    -- quality assurance (Fig 17)
    has_qa_data,
    qa_lowest_pct,
    qa_highest_pct,
    qa_average_pct,
    -- ranks
    rank_cafs_per_1000,
    rank_idaci_share,
    rank_difference_867,
    rank_difference_5000,
    rank_qa_average,
    -- provenance
    source_document,
    source_line_fig14,
    source_line_fig15,
    source_line_fig16,
    source_line_fig17
from final
