"""The report as a reader sees it in chromium, on a desktop (1280 px) and a phone (390 px):
chart text legible and never overlapping or cut, no sideways scrolling, short pages, main points
whose numbers equal the warehouse, and a problems page that prints on at most three A4 pages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import pytest

from tests.report.site_files import pages
from warehouse.report.labels import question_theme

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
MIN_CHART_FONT_PX = 12
MAX_PRACTICE_SCREENS = 10
MAX_PROBLEMS_PDF_PAGES = 3

# the page's height as it opens; then, with every folded part unfolded (so that the charts of each
# question card are measured too), every SVG text's box and rendered size, the pairs of boxes that
# intersect and the boxes outside their SVG
MEASURE_JS = """
() => {
  const height = document.documentElement.scrollHeight;
  const sidewaysFolded = document.documentElement.scrollWidth > window.innerWidth;
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const found = {overlaps: [], clipped: [], sizes: [], texts: 0};
  for (const svg of document.querySelectorAll('svg')) {
    const frame = svg.getBoundingClientRect();
    const scale = svg.getScreenCTM().a;
    const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim());
    const boxes = texts.map(t => t.getBoundingClientRect());
    texts.forEach((t, i) => {
      found.texts++;
      found.sizes.push([parseFloat(getComputedStyle(t).fontSize) * scale, t.textContent]);
      const b = boxes[i];
      if (b.left < frame.left - 0.5 || b.right > frame.right + 0.5 || b.top < frame.top - 0.5 || b.bottom > frame.bottom + 0.5) {
        found.clipped.push(t.textContent);
      }
      for (let j = i + 1; j < texts.length; j++) {
        const c = boxes[j];
        const w = Math.min(b.right, c.right) - Math.max(b.left, c.left);
        const h = Math.min(b.bottom, c.bottom) - Math.max(b.top, c.top);
        if (w > 0.5 && h > 0.5) found.overlaps.push([t.textContent, texts[j].textContent]);
      }
    });
  }
  found.wider = [...document.querySelectorAll('figure .svg')]
    .filter(box => box.querySelector('svg').getBoundingClientRect().width > box.clientWidth + 0.5)
    .map(box => box.closest('figure').id);
  found.height = height;
  found.sideways = sidewaysFolded || document.documentElement.scrollWidth > window.innerWidth;
  found.points = [...document.querySelectorAll('.main-points li')].map(li => [li.id, li.textContent]);
  found.dataDate = (document.querySelector('.data-date') || {}).textContent || '';
  return found;
}
"""


@dataclass
class View:
    page: str
    width: int
    overlaps: list = field(default_factory=list)
    clipped: list = field(default_factory=list)
    sizes: list = field(default_factory=list)
    texts: int = 0
    height: int = 0
    sideways: bool = False
    wider: list[str] = field(default_factory=list)  # charts wider than their box (they would scroll in it)
    points: dict[str, str] = field(default_factory=dict)
    data_date: str = ""
    outside_requests: list[str] = field(default_factory=list)
    screenshot: Path | None = None

    @property
    def screens(self) -> float:
        return self.height / (DESKTOP if self.width == DESKTOP["width"] else PHONE)["height"]


@pytest.fixture(scope="module")
def views(browser, served_report, warehouse, tmp_path_factory) -> dict[tuple[str, int], View]:
    """Every page at both widths, measured once; a full-page screenshot of each, as it opens, is saved."""
    shots = tmp_path_factory.mktemp("reading-screenshots")
    base = urlparse(served_report)
    found = {}
    for viewport in (DESKTOP, PHONE):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        for name in pages(Path(warehouse.env["IW_REPORT_DIR"])):
            view = View(name, viewport["width"])

            def route(r, view=view):
                url = urlparse(r.request.url)
                if url.scheme in ("data", "about") or url.netloc == base.netloc:
                    return r.continue_()
                view.outside_requests.append(r.request.url)
                return r.abort()

            page.unroute("**/*")
            page.route("**/*", route)
            page.goto(f"{served_report}/{name}", wait_until="load")
            view.screenshot = shots / f"{name.removesuffix('.html')}-{viewport['width']}.png"
            page.screenshot(path=str(view.screenshot), full_page=True)
            measured = page.evaluate(MEASURE_JS)
            view.overlaps, view.clipped, view.sizes = measured["overlaps"], measured["clipped"], measured["sizes"]
            view.texts, view.height, view.sideways = measured["texts"], measured["height"], measured["sideways"]
            view.points = dict(measured["points"])
            view.wider = measured["wider"]
            view.data_date = measured["dataDate"]
            found[(name, viewport["width"])] = view
        context.close()
    print(f"\nscreenshots: {shots}")
    print("page heights at 1280 x 800 and 390 x 844 (screens):")
    for name in sorted({n for n, _ in found}):
        desktop, phone = found[(name, DESKTOP["width"])], found[(name, PHONE["width"])]
        print(
            f"  {name:45} {desktop.height:6} px = {desktop.screens:4.1f}   {phone.height:6} px = {phone.screens:4.1f}"
        )
    return found


def published(warehouse, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse.published_db), read_only=True) as con:
        return con.execute(sql).fetchall()


def half_up(x) -> int:
    return int(float(x) + 0.5)


def test_no_two_chart_labels_overlap_on_any_page_at_either_width(views):
    # the question cards' charts are measured unfolded: some 140 charts at each width
    assert sum(v.texts for v in views.values() if v.width == DESKTOP["width"]) > 2000
    assert {(v.page, v.width): v.overlaps for v in views.values() if v.overlaps} == {}


def test_no_chart_label_is_cut_by_its_chart_at_either_width(views):
    assert {(v.page, v.width): v.clipped for v in views.values() if v.clipped} == {}


@pytest.mark.parametrize("width", [DESKTOP["width"], PHONE["width"]])
def test_chart_text_renders_at_12_px_or_more(views, width):
    small = {
        v.page: sorted({(round(size, 1), text) for size, text in v.sizes if size < MIN_CHART_FONT_PX - 0.01})[:5]
        for v in views.values()
        if v.width == width
    }
    assert {page: texts for page, texts in small.items() if texts} == {}


def test_no_page_scrolls_sideways_on_a_phone(views):
    assert [v.page for v in views.values() if v.width == PHONE["width"] and v.sideways] == []


def test_every_chart_fits_a_phones_width_at_its_drawn_size(views):
    assert {v.page: v.wider for v in views.values() if v.width == PHONE["width"] and v.wider} == {}


def test_each_practice_page_fits_in_ten_screen_heights_at_1280_by_800(views):
    practice = {
        v.page: round(v.screens, 1) for v in views.values() if v.width == 1280 and v.page.startswith("appendix-")
    }
    assert len(practice) == 5
    assert {page: screens for page, screens in practice.items() if screens > MAX_PRACTICE_SCREENS} == {}


def test_no_page_loads_anything_from_another_host(views):
    assert {(v.page, v.width): v.outside_requests for v in views.values() if v.outside_requests} == {}


def test_a_screenshot_of_every_page_at_both_widths_is_saved(views):
    for view in views.values():
        assert view.screenshot.is_file() and view.screenshot.stat().st_size > 10_000, (view.page, view.width)


def test_every_page_dates_its_data_2009_and_devon_september_2009(views):
    for view in views.values():
        assert "2009" in view.data_date and "September 2009" in view.data_date, view.page


def test_every_content_page_opens_with_main_points(views):
    for name in ["index.html", "devon.html", "findings.html"] + [
        n for n, w in views if w == 1280 and n.startswith("appendix-")
    ]:
        assert 3 <= len(views[(name, 1280)].points) <= 6, name


def test_the_problems_page_prints_on_at_most_three_a4_pages(browser, served_report):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{served_report}/findings.html", wait_until="load")
    pdf = page.pdf(format="A4")
    page.close()
    printed_pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    print(f"\nfindings.html printed to A4: {printed_pages} pages")
    assert 1 <= printed_pages <= MAX_PROBLEMS_PDF_PAGES


# --- the home page's main points, each against a query written here ---


@pytest.fixture(scope="module")
def home_points(views) -> dict[str, str]:
    return views[("index.html", 1280)].points


def test_the_practices_point_gives_the_highest_and_lowest_practice_mean_share(warehouse, home_points):
    rows = published(
        warehouse, "select practice_name, mean_trusts_above_midpoint_pct from marts.practice order by 2 desc"
    )
    (best, best_pct), (worst, worst_pct) = rows[0], rows[-1]
    text = home_points["point-practices"]
    assert f"{best} is rated furthest along" in text and f"{half_up(best_pct)}%" in text
    assert f"{half_up(worst_pct)}% for {worst}" in text


def test_the_majority_point_counts_questions_where_more_than_half_the_trusts_are_at_or_above_the_midpoint(
    warehouse, home_points
):
    majority, total = published(
        warehouse,
        "select count(*) filter (where trusts_above_midpoint * 2 > responding_trusts), count(*) from marts.question",
    )[0]
    assert f"On {majority} of the {total} questions" in home_points["point-majority"]


def test_the_extremes_point_names_the_questions_with_the_highest_and_lowest_share(warehouse, home_points):
    order = "order by trusts_above_midpoint::double / responding_trusts {}, question_id limit 1"
    sql = "select question_id, trusts_above_midpoint, responding_trusts from marts.question "
    (top_id, top_n, top_of), (low_id, low_n, low_of) = (
        published(warehouse, sql + order.format("desc"))[0],
        published(warehouse, sql + order.format("asc"))[0],
    )
    highest, lowest = home_points["point-extremes"].split("Lowest:")
    assert f"Q{top_id} " in highest and f"{top_n} of {top_of}" in highest
    assert f"({half_up(100 * top_n / top_of)}%)" in highest
    assert f"Q{low_id} " in lowest and f"{low_n} of {low_of}" in lowest


def test_the_audiences_point_names_the_question_where_leaders_and_front_line_differ_most(warehouse, home_points):
    question_id, leaders, frontline = published(
        warehouse,
        """
        select question_id, avg_score_leaders_managers_published, avg_score_frontline_published
        from marts.question
        where avg_score_leaders_managers_published is not null and avg_score_frontline_published is not null
        order by abs(avg_score_frontline_published - avg_score_leaders_managers_published) desc, question_id
        limit 1
        """,
    )[0]
    text = home_points["point-audiences"]
    assert f"Q{question_id} " in text and f"{leaders:.2f} and {frontline:.2f}" in text


def test_the_problems_point_counts_the_problems_in_the_reports(warehouse, home_points):
    graded = published(
        warehouse,
        "select count(*) from information_schema.tables where table_schema = 'quality' and table_name = 'problems'",
    )[0][0]
    if graded:
        material, total = published(
            warehouse, "select count(*) filter (where grade = 'material'), count(*) from quality.problems"
        )[0]
        expected = f"in {material} material" if material else f"found {total} places"
    else:
        (total,) = published(
            warehouse, "select count(distinct (source_document, source_line, rule_id)) from quality.latest_findings"
        )[0]
        expected = f"found {total} places"
    assert expected in home_points["point-problems"]


def test_every_question_of_the_appendix_has_a_short_label(warehouse):
    texts = published(warehouse, "select question_id, question_text from marts.question")
    assert len(texts) == 59
    assert [qid for qid, text in texts if question_theme(text) is None] == []
