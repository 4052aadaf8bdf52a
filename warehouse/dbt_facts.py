"""Facts the dbt project holds that the Python side needs too, read from where dbt keeps them
(one fact, one place): the project's vars (`dbt/dbt_project.yml`: the source documents' file
names, the 150 Children's Trusts) and the mean-score bands (`dbt/seeds/mean_score_bands.csv`)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

import yaml

from warehouse.config import settings


@lru_cache(maxsize=1)
def dbt_vars() -> dict[str, Any]:
    with open(settings().dbt_project_dir / "dbt_project.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)["vars"]


@dataclass(frozen=True)
class Band:
    code: str
    order: int
    lower: Decimal | None  # inclusive; None: open below
    upper: Decimal | None  # exclusive; None: open above
    is_above_midpoint: bool


@lru_cache(maxsize=1)
def mean_score_bands() -> tuple[Band, ...]:
    """The six bands of a trust's mean score, in band order."""
    with open(settings().dbt_project_dir / "seeds" / "mean_score_bands.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    bands = (
        Band(
            r["band_code"],
            int(r["band_order"]),
            Decimal(r["lower_bound"]) if r["lower_bound"] else None,
            Decimal(r["upper_bound"]) if r["upper_bound"] else None,
            r["is_above_midpoint"] == "true",
        )
        for r in rows
    )
    return tuple(sorted(bands, key=lambda b: b.order))
