"""The report in a real browser, served from 127.0.0.1: every page, every figure, axe-core."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.report.expected import expected_columns, numeric_columns
from tests.report.site_files import pages

FIGURES_JS = """
() => [...document.querySelectorAll('figure.chart, figure.numbers-table')].map(f => {
  const svg = f.querySelector('svg');
  const link = f.querySelector('a[href$=".csv"]');
  return {
    id: f.id,
    kind: f.className,
    title: (f.querySelector('.chart-title') || {}).textContent || '',
    subtitle: (f.querySelector('.subtitle') || {}).textContent || '',
    svg_texts: svg ? [...svg.querySelectorAll('text')].map(t => t.textContent).filter(t => t.trim()).length : 0,
    link_text: link ? link.textContent : '',
    csv_href: link ? link.getAttribute('href') : null,
    rows: [...f.querySelectorAll('table tbody tr')].map(r => [...r.children].map(c => c.textContent)),
  };
})
"""


@dataclass
class Visit:
    page: str
    console_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)
    csv_texts: dict[str, str] = field(default_factory=dict)
    violations: list[dict] = field(default_factory=list)
    screenshot: Path | None = None


@pytest.fixture(scope="module")
def visits(browser, served_report, warehouse, tmp_path_factory) -> list[Visit]:
    """Open every page once, as a reader would, recording what the tests below check."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    shots = tmp_path_factory.mktemp("screenshots")
    base = urlparse(served_report)
    report_dir = Path(warehouse.env["IW_REPORT_DIR"])
    done = []
    for name in pages(report_dir):
        visit = Visit(name)
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        page = context.new_page()

        def route(r, visit=visit):
            url = urlparse(r.request.url)
            if url.scheme in ("data", "about") or url.netloc == base.netloc:
                return r.continue_()
            visit.outside_requests.append(r.request.url)
            return r.abort()

        page.route("**/*", route)
        page.on("console", lambda m, visit=visit: visit.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e, visit=visit: visit.console_errors.append(str(e)))
        response = page.goto(f"{served_report}/{name}", wait_until="load")
        assert response is not None and response.ok, name
        visit.figures = page.evaluate(FIGURES_JS)
        for figure in visit.figures:
            if figure["csv_href"]:
                fetched = context.request.get(f"{served_report}/{figure['csv_href']}")
                visit.csv_texts[figure["id"]] = fetched.text() if fetched.ok else ""
        results = axe.run(page)
        visit.violations = results.response["violations"]
        visit.screenshot = shots / f"{name}.png"
        page.screenshot(path=str(visit.screenshot), full_page=True)
        context.close()
        done.append(visit)
    return done


def test_every_page_loads_with_no_console_error(visits):
    assert len(visits) >= 8
    assert {v.page: v.console_errors for v in visits if v.console_errors} == {}


def test_no_request_goes_to_another_host(visits):
    assert {v.page: v.outside_requests for v in visits if v.outside_requests} == {}


def test_every_chart_has_a_title_a_subtitle_an_svg_with_text_labels_a_table_and_a_csv_link(visits):
    charts = [(v.page, f) for v in visits for f in v.figures if f["kind"] == "chart"]
    assert len(charts) > 100
    for page, f in charts:
        assert f["title"].strip() and f["subtitle"].strip(), (page, f["id"])
        assert f["svg_texts"] >= 3, (page, f["id"])  # axis labels and values stay text
        assert f["rows"], (page, f["id"])
        assert f["csv_href"] == f"data/{f['id']}.csv" and "Download the data" in f["link_text"], (page, f["id"])


def test_each_table_shows_exactly_its_csv_and_each_csv_equals_a_query_of_the_warehouse(visits, warehouse):
    for visit in visits:
        for f in visit.figures:
            text = visit.csv_texts[f["id"]]
            assert list(csv.reader(io.StringIO(text)))[1:] == f["rows"], f["id"]
            found, expected = numeric_columns(text), expected_columns(warehouse.published_db, f["id"])
            assert set(found) == set(expected), f["id"]
            for name, values in expected.items():
                assert found[name] == pytest.approx(values, abs=1e-9), (f["id"], name)


def test_axe_core_reports_no_serious_or_critical_violation_on_any_page(visits):
    serious = {
        v.page: [
            (x["id"], x["impact"], len(x["nodes"])) for x in v.violations if x["impact"] in ("serious", "critical")
        ]
        for v in visits
    }
    assert {page: found for page, found in serious.items() if found} == {}


def test_a_screenshot_of_every_page_is_saved(visits):
    for visit in visits:
        assert visit.screenshot.is_file() and visit.screenshot.stat().st_size > 10_000, visit.page
