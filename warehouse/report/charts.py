"""Chart shapes the report uses, drawn with Altair and rendered to static SVG by vl-convert.

vl-convert renders Vega-Lite in-process (no browser, no network); axis labels, titles and
value labels stay SVG <text>. Every chart labels its values as text and, where it compares
series, tells them apart by shape as well as colour, so no meaning rests on colour alone.
Titles live in the page (the figure's heading), not in the SVG.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

import altair as alt
import pandas as pd

# Every chart is drawn at its own size in pixels and never scaled down by the page (report.css),
# so its text reads at FONT_SIZE on any screen. Charts fit a 390 px phone: category labels up to
# LABEL_WIDTH, the plot PLOT_WIDTH wide, value labels beside the bars; about 350 px in all.
FONT_SIZE = 12
LABEL_WIDTH = 170
PLOT_WIDTH = 130
BAR_STEP = 20
# Okabe-Ito colours (distinguishable with colour-blindness), paired with shapes
SERIES_COLOURS = ("#0072B2", "#D55E00", "#009E73")
SERIES_SHAPES = ("circle", "diamond", "square")
BAR_COLOUR = "#0072B2"
BELOW_COLOUR = "#9ecae1"
FONT = "sans-serif"
RENDERER_VERSION = (alt.__version__, metadata.version("vl-convert-python"))
DRAW_WORKER = Path(__file__).with_name("draw_worker.py")


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(font=FONT, autosize=alt.AutoSizeParams(type="pad", contains="padding"))
        .configure_view(stroke=None)
        .configure_axis(
            labelFontSize=FONT_SIZE,
            titleFontSize=FONT_SIZE,
            labelLimit=LABEL_WIDTH,
            labelOverlap=True,
            titleFontWeight="normal",
        )
        .configure_legend(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE, labelLimit=330)
        .configure_header(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE)
    )


def _value_axis(value_format: str, title: str) -> alt.Axis:
    # few ticks, so that no two tick labels touch; counts have no fractional ticks
    if value_format.endswith("d"):
        return alt.Axis(title=title, tickMinStep=1, format=",d", tickCount=3)
    return alt.Axis(title=title, tickCount=3)


def _hbar_layers(
    data: pd.DataFrame,
    category: str,
    value: str,
    value_title: str,
    value_format: str,
    order: list[str],
    highlight: str | None,
    highlight_legend: tuple[str, str],
    domain: tuple[float, float] | None,
) -> list[alt.Chart]:
    scale = alt.Scale(domain=list(domain)) if domain else alt.Scale()
    y = alt.Y(f"{category}:N", sort=order, title=None)
    x = alt.X(f"{value}:Q", axis=_value_axis(value_format, value_title), scale=scale)
    if highlight is None:
        bars = alt.Chart(data).mark_bar(color=BAR_COLOUR).encode(y=y, x=x)
    else:
        names = data[highlight].map({True: highlight_legend[0], False: highlight_legend[1]})
        bars = (
            alt.Chart(data.assign(side=names))
            .mark_bar()
            .encode(
                y=y,
                x=x,
                color=alt.Color(
                    "side:N",
                    scale=alt.Scale(domain=list(highlight_legend), range=[BAR_COLOUR, BELOW_COLOUR]),
                    legend=alt.Legend(orient="top", direction="vertical", title=None),
                ),
            )
        )
    labels = (
        alt.Chart(data)
        .mark_text(align="left", dx=3, fontSize=FONT_SIZE, color="black")
        .encode(y=y, x=x, text=alt.Text(f"{value}:Q", format=value_format))
    )
    return [bars, labels]


def hbar(
    data: pd.DataFrame,
    category: str,
    value: str,
    value_title: str,
    value_format: str = ",d",
    sort: list[str] | None = None,
    highlight: str | None = None,
    highlight_legend: tuple[str, str] = ("", ""),
    domain: tuple[float, float] | None = None,
) -> alt.TopLevelMixin:
    """Horizontal bars, one per category (in the given order), each labelled with its value.
    `highlight`: a boolean column; its True bars are dark, the others light, named in a legend
    by `highlight_legend` (True's name, False's name). `domain`: the value axis's extent."""
    order = sort if sort is not None else list(data[category])
    layers = _hbar_layers(data, category, value, value_title, value_format, order, highlight, highlight_legend, domain)
    return _config(alt.layer(*layers).properties(width=PLOT_WIDTH, height=alt.Step(BAR_STEP)))


def band_bars(
    data: pd.DataFrame,
    category: str,
    value: str,
    value_title: str,
    highlight: str,
    split_at: str,
    legend: tuple[str, str],
) -> alt.TopLevelMixin:
    """Bars of counts per band, the bands where `highlight` is true dark and the others light
    (named in a legend), with a dashed line across the chart at the top of the band `split_at`."""
    order = list(data[category])
    layers = _hbar_layers(data, category, value, value_title, ",d", order, highlight, legend, None)
    rule = (
        alt.Chart(pd.DataFrame({category: [split_at]}))
        .mark_rule(color="black", strokeDash=[4, 3], strokeWidth=1.5, aria=False)
        .encode(y=alt.Y(f"{category}:N", sort=order, bandPosition=0, title=None))
    )
    return _config(alt.layer(*layers, rule).properties(width=PLOT_WIDTH, height=alt.Step(BAR_STEP)))


def grouped_hbar(
    data: pd.DataFrame,
    category: str,
    value: str,
    group: str,
    value_title: str,
    group_order: list[str],
    sort: list[str] | None = None,
    value_format: str = ".0f",
    domain: tuple[float, float] | None = None,
    rule_at: float | None = None,
) -> alt.TopLevelMixin:
    """Horizontal bars in panels stacked one above the other, one panel per `group`, each named
    by a title at the panel's left edge (so that a long name stays within a phone's width), each
    bar labelled with its value; the value axis is drawn under the last panel. `rule_at`: a dashed
    vertical line under the bars."""
    order = sort if sort is not None else list(dict.fromkeys(data[category]))
    scale = alt.Scale(domain=list(domain)) if domain else alt.Scale()
    panels = []
    for i, name in enumerate(group_order):
        rows = data[data[group] == name]
        last = i == len(group_order) - 1
        x = alt.X(f"{value}:Q", axis=_value_axis(value_format, value_title) if last else None, scale=scale)
        # the same label width in every panel, so that the panels' bars line up
        y = alt.Y(
            f"{category}:N",
            sort=[c for c in order if c in set(rows[category])],
            title=None,
            axis=alt.Axis(minExtent=LABEL_WIDTH),
        )
        layers = [
            alt.Chart(rows).mark_bar(color=BAR_COLOUR).encode(y=y, x=x),
            alt.Chart(rows)
            .mark_text(align="left", dx=3, fontSize=FONT_SIZE, color="black")
            .encode(y=y, x=x, text=alt.Text(f"{value}:Q", format=value_format)),
        ]
        if rule_at is not None:  # under the bars and their labels
            rule = alt.Chart(pd.DataFrame({value: [rule_at]})).mark_rule(color="#505050", strokeDash=[4, 3], aria=False)
            layers.insert(0, rule.encode(x=x))
        title = alt.TitleParams(name, anchor="start", frame="bounds", fontSize=FONT_SIZE, fontWeight="bold")
        panels.append(alt.layer(*layers).properties(width=PLOT_WIDTH, height=alt.Step(BAR_STEP), title=title))
    return _config(alt.vconcat(*panels, spacing=14))


def dot_comparison(
    data: pd.DataFrame,
    category: str,
    value: str,
    series: str,
    value_title: str,
    series_order: list[str],
    domain: tuple[float, float] | None = None,
    rule_at: float | None = None,
) -> alt.TopLevelMixin:
    """Dots per category, one per series, told apart by shape and colour (legend at the top).
    The dots carry no value labels (they would overlap); the figure's table has the values.
    `rule_at`: a dashed vertical line at that value (a midpoint)."""
    order = list(dict.fromkeys(data[category]))
    scale = alt.Scale(domain=list(domain), zero=False) if domain else alt.Scale(zero=False)
    base = alt.Chart(data).encode(
        y=alt.Y(f"{category}:N", sort=order, title=None),
        x=alt.X(f"{value}:Q", scale=scale, axis=alt.Axis(title=value_title, tickCount=4)),
    )
    rule = (
        alt.Chart(data)
        .mark_rule(color="#999999")
        .encode(
            y=alt.Y(f"{category}:N", sort=order),
            x=alt.X(f"min({value}):Q"),
            x2=alt.X2(f"max({value})"),
        )
    )
    # the legend above the plot, from the left edge of the category labels, so that it stays
    # within a phone's width however long its entries
    label_width = min(LABEL_WIDTH, 7 * max(len(str(c)) for c in order))
    legend = alt.Legend(
        orient="none",
        legendX=-label_width,
        legendY=-(18 * len(series_order) + 8),
        direction="vertical",
        title=None,
        symbolSize=90,
    )
    dots = base.mark_point(filled=True, size=70, opacity=0.9).encode(
        shape=alt.Shape(
            f"{series}:N",
            sort=series_order,
            scale=alt.Scale(domain=series_order, range=list(SERIES_SHAPES[: len(series_order)])),
            legend=legend,
        ),
        color=alt.Color(
            f"{series}:N",
            sort=series_order,
            scale=alt.Scale(domain=series_order, range=list(SERIES_COLOURS[: len(series_order)])),
            legend=legend,
        ),
    )
    layers = [rule, dots]
    if rule_at is not None:
        layers.insert(
            0, alt.Chart(data).mark_rule(color="black", strokeDash=[4, 3], aria=False).encode(x=alt.datum(rule_at))
        )
    return _config(alt.layer(*layers).properties(width=PLOT_WIDTH + 40, height=alt.Step(BAR_STEP + 2)))


def low_mid_high(
    data: pd.DataFrame,
    category: str,
    low: str,
    mid: str,
    high: str,
    value_title: str,
    value_format: str = ".0f",
) -> alt.TopLevelMixin:
    """A line from lowest to highest per category, ticks at both ends and a labelled dot at the middle value."""
    order = list(data[category])
    y = alt.Y(f"{category}:N", sort=order, title=None)
    base = alt.Chart(data)
    span = base.mark_rule(color="#555555", strokeWidth=2).encode(
        y=y,
        x=alt.X(f"{low}:Q", axis=alt.Axis(title=value_title, tickCount=5), scale=alt.Scale(domain=[0, 100])),
        x2=f"{high}:Q",
    )
    ends = alt.layer(
        base.mark_tick(color="#555555", thickness=2, size=12).encode(y=y, x=f"{low}:Q"),
        base.mark_tick(color="#555555", thickness=2, size=12).encode(y=y, x=f"{high}:Q"),
    )
    middle = base.mark_point(filled=True, shape="diamond", size=90, color=SERIES_COLOURS[1]).encode(y=y, x=f"{mid}:Q")
    label = base.mark_text(dy=-12, fontSize=FONT_SIZE, color="black").encode(
        y=y, x=f"{mid}:Q", text=alt.Text(f"{mid}:Q", format=value_format)
    )
    return _config((span + ends + middle + label).properties(width=PLOT_WIDTH + 60, height=alt.Step(BAR_STEP + 14)))


def grid(
    data: pd.DataFrame,
    column: str,
    row: str,
    value: str,
    label: str,
    column_order: list[str],
    row_order: list[str],
) -> alt.TopLevelMixin:
    """A row x column grid of cells shaded by `value` and labelled with `label` (text in every cell)."""
    base = alt.Chart(data).encode(
        x=alt.X(
            f"{column}:N", sort=column_order, title=None, axis=alt.Axis(orient="top", labelAngle=-90, labelAlign="left")
        ),
        y=alt.Y(f"{row}:N", sort=row_order, title=None),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color(f"{value}:Q", scale=alt.Scale(domain=[0, 1], range=["#f7fbff", "#6baed6"]), legend=None)
    )
    text = base.mark_text(fontSize=FONT_SIZE, color="black").encode(text=f"{label}:N")
    return _config((cells + text).properties(width=alt.Step(40), height=alt.Step(24)))


class SvgRenderer:
    """Renders charts to SVG, reusing the SVG of an identical spec from an earlier build.

    vl-convert takes some 50 ms a chart; the nightly job mostly redraws unchanged data, so the
    SVGs are kept in `cache_dir` by a hash of the spec and the renderer's version. An entry's
    modification time is when a build last used it; `prune` removes entries unused for
    `MAX_UNUSED_DAYS`, so several sites (or concurrent builds) may share one cache folder.

    Charts not in the cache are drawn by `draw`, all at once, in up to `MAX_WORKERS` processes
    (draw_worker.py): a cold build draws some 140 charts, and one vl-convert uses one core.
    """

    MAX_UNUSED_DAYS = 14
    MAX_WORKERS = 2
    CHARTS_PER_WORKER = 16  # fewer charts than this do not pay for a second process

    def __init__(self, cache_dir: Path | None):
        self.cache_dir = cache_dir
        self.rendered = 0
        self.reused = 0
        self._drawn: dict[str, str] = {}  # key -> SVG drawn by this renderer
        # id(chart) -> (chart, spec, key); holding the chart keeps its id from being reused
        self._keys: dict[int, tuple[alt.TopLevelMixin, dict, str]] = {}
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)

    def _spec_and_key(self, chart: alt.TopLevelMixin) -> tuple[dict, str]:
        if id(chart) not in self._keys:
            spec = chart.to_dict(validate=False)
            key = hashlib.sha256(
                json.dumps([spec, RENDERER_VERSION], sort_keys=True, default=str).encode("utf-8")
            ).hexdigest()
            self._keys[id(chart)] = (chart, spec, key)
        return self._keys[id(chart)][1:]

    def _cache_path(self, key: str) -> Path | None:
        return self.cache_dir / f"{key}.svg" if self.cache_dir is not None else None

    def draw(self, charts: list[alt.TopLevelMixin]) -> None:
        """Draw every chart that is not in the cache, at once."""
        todo: dict[str, dict] = {}
        for chart in charts:
            spec, key = self._spec_and_key(chart)
            if key not in self._drawn and key not in todo and not self._exists(self._cache_path(key)):
                todo[key] = spec
        if not todo:
            return
        keys = list(todo)
        workers = min(self.MAX_WORKERS, os.cpu_count() or 1, math.ceil(len(keys) / self.CHARTS_PER_WORKER))
        shares = [keys[i::workers] for i in range(workers)]
        with ThreadPoolExecutor(workers) as pool:
            drawn = pool.map(lambda share: _draw_in_worker([todo[k] for k in share]), shares)
            for share, svgs in zip(shares, drawn, strict=True):
                for key, svg in zip(share, svgs, strict=True):
                    self._drawn[key] = svg
                    self._store(key, svg)
        self.rendered += len(keys)

    def svg(self, chart: alt.TopLevelMixin, id_prefix: str) -> str:
        """The chart as SVG markup to inline in a page. Ids inside the SVG (clip paths) get
        `id_prefix` so that several charts on one page do not share them."""
        _, key = self._spec_and_key(chart)
        svg = self._drawn.get(key)
        if svg is None:
            svg = self._cached(self._cache_path(key))
            if svg is not None:
                self.reused += 1
            else:  # not drawn yet, or pruned by another build since `draw`
                self.draw([chart])
                svg = self._drawn[key]
        svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{id_prefix}-{m[1]}"', svg)
        return re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{id_prefix}-{m[1]})", svg)

    def _store(self, key: str, svg: str) -> None:
        cached = self._cache_path(key)
        if cached is not None:
            partial = cached.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            partial.write_text(svg, encoding="utf-8")
            os.replace(partial, cached)

    @staticmethod
    def _exists(path: Path | None) -> bool:
        return path is not None and path.exists()

    @staticmethod
    def _cached(path: Path | None) -> str | None:
        if path is None:
            return None
        try:
            os.utime(path)  # used now: kept by `prune`
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:  # not drawn yet, or pruned by another build just now
            return None

    def prune(self) -> None:
        if self.cache_dir is None:
            return
        too_old = time.time() - self.MAX_UNUSED_DAYS * 86400
        for path in self.cache_dir.iterdir():  # SVGs, and partial files a killed build left
            with contextlib.suppress(FileNotFoundError):
                if path.stat().st_mtime < too_old:
                    path.unlink()


def _draw_in_worker(specs: list[dict]) -> list[str]:
    """SVGs of `specs`, drawn by one draw_worker process."""
    done = subprocess.run(
        [sys.executable, str(DRAW_WORKER)],  # a script: it needs vl-convert only, not this package
        input=json.dumps(specs, default=str),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"drawing {len(specs)} charts failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    svgs = json.loads(done.stdout)
    if len(svgs) != len(specs):
        raise RuntimeError(f"drawing {len(specs)} charts returned {len(svgs)} SVGs")
    return svgs
