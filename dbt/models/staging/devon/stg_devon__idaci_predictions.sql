with source as (
    select * from {{ source('raw', 'devon__idaci_predictions') }}
),

renamed as (
    select
        -- ids
        scenario_total,
        cluster_name as cluster_name_printed,
        -- attributes
        figure as figure_label,
        row_order,
        is_total,
        -- numerics
        cast(idaci_share_pct_published as decimal(5, 2)) as idaci_share_pct_published,
        cast(predicted_cafs_published as decimal(8, 2)) as predicted_cafs_published,
        actual_cafs,
        cast(difference_published as decimal(8, 2)) as difference_published,
        -- provenance
        '{{ var("devon_document") }}' as source_document,
        source_line
    from source
)

select * from renamed
