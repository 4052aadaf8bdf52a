"""Asset keys that several definition modules name."""

import dagster as dg


def asset_key_for(table: str) -> dg.AssetKey:
    """``schema.table`` -> the asset key of the table's model or asset (``["staging", "stg_x"]``)."""
    schema, name = table.split(".", 1)
    return dg.AssetKey([schema, name])
