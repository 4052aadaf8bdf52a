with source as (
    select * from {{ source('raw', 'responses__collections') }}
),

renamed as (
    select
        -- ids
        collection,
        -- attributes
        is_synthetic,
        file_name,
        file_sha256,
        -- numerics
        answers,
        respondents,
        -- timestamps
        loaded_at,
        -- provenance
        run_id
    from source
)

select * from renamed
