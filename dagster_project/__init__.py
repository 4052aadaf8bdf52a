"""ELT pipeline: published statistics on integrated working in children's services -> DuckDB."""
