"""A figure of the report: headline, subtitle, source, the plotted numbers and the chart."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import altair as alt
import pandas as pd


@dataclass
class Figure:
    """One chart with exactly the numbers it plots (or, without a chart, a table of numbers).

    `data` is both the table beside the chart and the CSV behind its download link (its columns
    are the CSV header; `labels` gives each a heading for the table).
    """

    id: str  # unique in the site; names the CSV file and the anchor
    title: str  # headline: what the chart shows
    subtitle: str  # what was counted, n, unit
    source: str  # which printed figure or table it redraws, from which lines
    data: pd.DataFrame
    labels: dict[str, str]
    chart: alt.TopLevelMixin | None  # None: a table of numbers with no chart
    svg: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        missing = [c for c in self.data.columns if c not in self.labels]
        if missing:
            raise ValueError(f"figure {self.id}: columns {missing} have no heading")

    @property
    def csv_name(self) -> str:
        return f"{self.id}.csv"


def line_span(lines: Iterable[int]) -> str:
    """'line 846' or 'lines 846–864' for the lines a figure's numbers were printed on."""
    values = sorted({int(v) for v in lines if pd.notna(v)})
    if not values:
        return "no line"
    if values[0] == values[-1]:
        return f"line {values[0]}"
    return f"lines {values[0]}–{values[-1]}"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"
