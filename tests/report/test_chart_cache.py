"""The chart cache: an SVG is drawn once per spec, kept while builds use it, shared safely."""

from __future__ import annotations

import os
import re
import time

import altair as alt
import pandas as pd
import pytest
import vl_convert

from warehouse.report.charts import SvgRenderer


def chart(value: int) -> alt.Chart:
    return alt.Chart(pd.DataFrame({"x": ["a", "b"], "y": [1, value]})).mark_bar().encode(x="x:N", y="y:Q")


def test_the_same_spec_is_drawn_once_and_another_is_drawn(tmp_path):
    first, second = SvgRenderer(tmp_path), SvgRenderer(tmp_path)
    drawn = first.svg(chart(2), "f1")
    assert second.svg(chart(2), "f1") == drawn and (second.rendered, second.reused) == (0, 1)
    second.svg(chart(3), "f1")
    assert (second.rendered, second.reused) == (1, 1)


def test_prune_removes_only_entries_unused_for_the_maximum_age(tmp_path):
    renderer = SvgRenderer(tmp_path)
    renderer.svg(chart(2), "f1")
    renderer.svg(chart(3), "f1")
    old, recent = sorted(tmp_path.iterdir())
    stale = time.time() - (SvgRenderer.MAX_UNUSED_DAYS + 1) * 86400
    os.utime(old, (stale, stale))
    left = tmp_path / "x.123.tmp"  # a killed build's partial file
    left.write_text("<svg")
    os.utime(left, (stale, stale))

    renderer.prune()
    assert sorted(tmp_path.iterdir()) == [recent]


def test_using_an_entry_keeps_it(tmp_path):
    SvgRenderer(tmp_path).svg(chart(2), "f1")
    (entry,) = tmp_path.iterdir()
    stale = time.time() - (SvgRenderer.MAX_UNUSED_DAYS + 1) * 86400
    os.utime(entry, (stale, stale))

    later = SvgRenderer(tmp_path)
    later.svg(chart(2), "f1")
    later.prune()
    assert entry.exists() and later.reused == 1


def test_an_entry_another_build_removed_is_drawn_again(tmp_path):
    SvgRenderer(tmp_path).svg(chart(2), "f1")
    for entry in tmp_path.iterdir():
        entry.unlink()
    renderer = SvgRenderer(tmp_path)
    assert renderer.svg(chart(2), "f1").startswith("<svg") and renderer.rendered == 1


def without_ids(svg: str) -> str:
    return re.sub(r'(id="[^"]+"|url\(#[^)]+\))', "", svg)


def test_charts_drawn_in_worker_processes_are_what_vl_convert_draws(tmp_path):
    charts = [chart(value) for value in range(20)]  # more than one worker's share: two workers
    renderer = SvgRenderer(tmp_path)
    renderer.draw(charts)

    assert renderer.rendered == 20
    for c in charts:
        expected = vl_convert.vegalite_to_svg(c.to_dict(validate=False), allowed_base_urls=[])
        assert without_ids(renderer.svg(c, "f1")) == without_ids(expected)
    assert renderer.rendered == 20 and len(list(tmp_path.iterdir())) == 20


def test_a_chart_that_cannot_be_drawn_fails_with_vl_converts_error(tmp_path):
    broken = alt.Chart(pd.DataFrame({"x": [1]})).mark_bar().encode(x="x:Q")
    broken.mark = "no_such_mark"
    with pytest.raises(RuntimeError, match="drawing 1 charts failed"):
        SvgRenderer(tmp_path).draw([broken])
    assert list(tmp_path.iterdir()) == []
