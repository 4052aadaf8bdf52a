"""Assets by layer: ingest (raw), dbt (staging, marts), quality, publish."""
