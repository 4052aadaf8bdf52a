with source as (
    select * from {{ source('raw', 'devon__cluster_cafs') }}
),

renamed as (
    select
        -- ids
        cluster_name as cluster_name_printed,
        -- attributes
        row_order,
        is_total,
        cafs_per_1000_text as cafs_per_1000_printed,
        -- numerics
        cafs,
        population_0_19,
        cast(cafs_per_1000_published as decimal(6, 2)) as cafs_per_1000_published,
        -- provenance
        '{{ var("devon_document") }}' as source_document,
        source_line
    from source
)

select * from renamed
