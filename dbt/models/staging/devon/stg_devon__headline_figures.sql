with source as (
    select * from {{ source('raw', 'devon__headline_figures') }}
),

renamed as (
    select
        -- ids
        figure_code,
        -- attributes
        description as figure_description,
        value_printed,
        qualifier,
        coalesce(qualifier = 'approximately', false) as is_approximate,
        unit as value_unit,
        -- numerics
        cast(value as decimal(12, 2)) as figure_value,
        -- provenance
        '{{ var("devon_document") }}' as source_document,
        source_line
    from source
)

select * from renamed
