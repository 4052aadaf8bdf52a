"""Render the report's pages and data files into a folder, from the frames the queries returned."""

from __future__ import annotations

import csv
import functools
import io
import json
from dataclasses import dataclass
from pathlib import Path

import jinja2
import pandas as pd

from warehouse.report import charts
from warehouse.report.appendix_figures import Scale, practice_pages, whole_pct
from warehouse.report.devon_figures import devon_sections
from warehouse.report.figure import Figure
from warehouse.report.labels import short_question
from warehouse.report.main_points import devon_points, home_points, practice_points
from warehouse.report.problems import VERDICT_ORDER, problem_rows, verdict_reason

TEMPLATES = Path(__file__).parent / "templates"
VERDICTS = {
    "holds": "Holds",
    "contradicted": "Contradicted",
    "holds_under_reading": "Holds under a reading",
    "not_checkable": "Not checkable",
}
FOLD_ROWS = 16
FOLDED_VERDICTS = ("holds", "not_checkable")
DOCUMENT_NAMES = {"appendix": "National appendix", "devon": "Devon"}
# the period the data describe (the build time is in each page's footer)
DATA_PERIOD = (
    "2009 (national appendix: Children's Trusts' self-assessment, 2009; Devon: progress report, September 2009)"
)


@dataclass(frozen=True)
class Link:
    href: str
    label: str
    about: str = ""


@dataclass(frozen=True)
class RenderedSite:
    pages: list[str]  # file names, home first
    figures: int  # with a chart
    tables: int  # figures that are a table of numbers only
    findings: int
    claims: int | None  # None when the warehouse has no claims
    charts_rendered: int
    charts_reused: int


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def csv_text(data: pd.DataFrame) -> str:
    return data.to_csv(index=False, lineterminator="\n")


def _size(n_bytes: int) -> str:
    return f"{n_bytes / 1024:.1f} KB" if n_bytes >= 1024 else f"{n_bytes} bytes"


def _with_svg_label(svg: str, figure_id: str) -> str:
    # The chart is one image to assistive technology, named by the figure's headline and
    # subtitle; its numbers are readable in the table that follows it.
    return svg.replace("<svg ", f'<svg role="img" aria-labelledby="{figure_id}-title {figure_id}-subtitle" ', 1)


def _prepare(figure: Figure, data_dir: Path, renderer: charts.SvgRenderer) -> dict:
    """Write the figure's CSV; return what its template needs. The table shows the CSV's cells."""
    text = csv_text(figure.data)
    (data_dir / figure.csv_name).write_text(text, encoding="utf-8")
    header, *rows = list(csv.reader(io.StringIO(text)))
    if figure.chart is not None:
        figure.svg = _with_svg_label(renderer.svg(figure.chart, figure.id), figure.id)
    return {
        "id": figure.id,
        "title": figure.title,
        "subtitle": figure.subtitle,
        "source": figure.source,
        "svg": figure.svg,
        "csv_name": figure.csv_name,
        "csv_size": _size(len(text.encode("utf-8"))),
        "headings": [figure.labels[c] for c in header],
        "rows": rows,
        # a long table is folded under its chart (it still prints); a short one sits beside it
        "fold": figure.chart is not None and len(rows) > FOLD_ROWS,
    }


def render_site(frames: dict[str, pd.DataFrame], out_dir: Path, svg_cache: Path | None = None) -> RenderedSite:
    """Write every page, data file and the stylesheet into `out_dir` (which must exist).
    `svg_cache`: a folder where chart SVGs are kept between builds (see charts.SvgRenderer)."""
    env = _environment()
    renderer = charts.SvgRenderer(svg_cache)
    data_dir = out_dir / "data"
    data_dir.mkdir()
    prepare = functools.partial(_prepare, data_dir=data_dir, renderer=renderer)
    log = frames["publish_log"].iloc[0]
    documents = dict(zip(frames["documents"].document, frames["documents"].source_document, strict=False))
    scale = Scale.of(frames)
    practices = practice_pages(frames, documents["appendix"], scale)
    sections = devon_sections(frames, documents["devon"])
    findings = frames["findings"]
    claims = frames.get("claims")
    question_pages = {int(q.question_id): f"appendix-{q.practice_code}.html" for q in frames["questions"].itertuples()}
    problems = problem_rows(frames["problems"], frames["printed_lines"], documents, DOCUMENT_NAMES, question_pages)
    overview = overview_figure(frames, documents["appendix"], scale)

    nav = [Link("index.html", "Main points")]
    nav += [
        Link(
            f"appendix-{p.practice_code}.html",
            p.practice_name,
            f"national appendix, {p.question_count} questions",
        )
        for p in practices
    ]
    nav += [Link("devon.html", "Devon", f"{sum(len(s.figures) for s in sections)} figures, September 2009")]
    nav += [
        Link("findings.html", "Problems", f"{len(problems)} places where the reports contradict themselves, ranked")
    ]
    if claims is not None:
        nav += [Link("claims.html", "What the text says", f"{len(claims)} claims of the reports' text, checked")]
    nav += [Link("methods.html", "Methods", "where the numbers come from, and how they were checked")]
    common = {
        "nav": nav,
        "data_period": DATA_PERIOD,
        "built_at": pd.Timestamp(log.published_at).strftime("%d %B %Y %H:%M UTC"),
        "run_id": log.run_id,
        "code_version": log.code_version,
    }

    def write(name: str, template: str, title: str, **context) -> None:
        html = env.get_template(template).render(page_title=title, current=name, **common, **context)
        (out_dir / name).write_text(html, encoding="utf-8")

    all_figures = [overview] + [f for p in practices for f in p.figures] + [f for s in sections for f in s.figures]
    renderer.draw([f.chart for f in all_figures if f.chart is not None])  # the new ones, in parallel
    questions = frames["questions"]
    for page in practices:
        page_view = {
            **page.__dict__,
            "overview": [prepare(f) for f in page.overview],
            "questions": [{**q.__dict__, "figures": [prepare(f) for f in q.figures]} for q in page.questions],
        }
        write(
            f"appendix-{page.practice_code}.html",
            "practice.html.j2",
            f"{page.practice_name}: what the trusts said in 2009",
            points=practice_points(page),
            page=page_view,
            scale=scale,
            appendix_file=documents["appendix"],
        )

    devon_view = [{"heading": s.heading, "figures": [prepare(f) for f in s.figures]} for s in sections]
    write(
        "devon.html",
        "devon.html.j2",
        "Devon: integrated working progress, September 2009",
        points=devon_points(frames),
        sections=devon_view,
    )

    write(
        "findings.html",
        "findings.html.j2",
        "Problems: where the reports contradict themselves",
        problems=problems,
        graded=bool(len(problems)) and problems[0]["grade"] != "ungraded",
        findings_count=len(findings),
        grade_counts=_grade_counts(problems),
    )

    if claims is not None:
        write("claims.html", "claims.html.j2", "What the text says, checked", **_claims_view(claims))

    summary = frames["check_summary"]
    checks = {
        "total": int(summary.rules.sum()),
        "passed": int(summary.passed.sum()),
        "failed_error": int(summary.loc[summary.severity == "error", "failed"].sum()),
        "failed_warn": int(summary.loc[summary.severity == "warn", "failed"].sum()),
        "findings": len(findings),
    }
    appendix = {
        "trusts": int((questions.responding_trusts + questions.trusts_missing).max()),
        "questions": len(questions),
        "practices": len(practices),
        "short_questions": sorted(int(q) for q in questions.question_id[questions.trusts_missing > 0]),
        "fewest_trusts": int(questions.responding_trusts.min()),
        "leaders_median": int(questions.valid_responses_leaders_managers.median()),
        "frontline_median": int(questions.valid_responses_frontline[~questions.is_leaders_only].median()),
    }
    write(
        "index.html",
        "home.html.j2",
        "Integrated working in children's services, 2009: the main points",
        points=home_points(frames, problems, scale.midpoint),
        overview=prepare(overview),
        documents=documents,
        page_links=nav[1:],
        appendix=appendix,
    )
    write(
        "methods.html",
        "methods.html.j2",
        "Methods and quality",
        documents=documents,
        checks=checks,
        check_rows=summary.to_dict("records"),
        appendix=appendix,
        scale=scale,
        problems_graded=bool(len(problems)) and problems[0]["grade"] != "ungraded",
    )
    (out_dir / "report.css").write_text((TEMPLATES / "report.css").read_text(encoding="utf-8"), encoding="utf-8")
    renderer.prune()
    return RenderedSite(
        pages=[link.href for link in nav],
        figures=sum(f.chart is not None for f in all_figures),
        tables=sum(f.chart is None for f in all_figures),
        findings=len(findings),
        claims=None if claims is None else len(claims),
        charts_rendered=renderer.rendered,
        charts_reused=renderer.reused,
    )


def _grade_counts(problems: list[dict]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for p in problems:
        counts[p["grade_label"]] = counts.get(p["grade_label"], 0) + 1
    return list(counts.items())


def overview_figure(frames: dict[str, pd.DataFrame], appendix_file: str, scale) -> Figure:
    """All questions' share of trusts at or above the midpoint, in panels by practice."""
    names = dict(zip(frames["practices"].practice_code, frames["practices"].practice_name, strict=True))
    order = list(frames["practices"].sort_values("practice_order").practice_code)
    q = frames["questions"].assign(
        exact=lambda d: d.trusts_above_midpoint / d.responding_trusts,
        rank=lambda d: d.practice_code.map({c: i for i, c in enumerate(order)}),
    )
    q = q.sort_values(["rank", "exact", "question_id"], ascending=[True, False, True])
    data = pd.DataFrame(
        {
            "practice": q.practice_code.map(names),
            "question": [short_question(r.question_id, r.question_text) for r in q.itertuples()],
            "question_text": q.question_text,
            "trusts_above_midpoint": q.trusts_above_midpoint.astype(int),
            "responding_trusts": q.responding_trusts.astype(int),
            "trusts_above_midpoint_pct": whole_pct(q.trusts_above_midpoint, q.responding_trusts).astype(int),
        }
    )
    majority = int((q.exact > 0.5).sum())
    sizes = sorted(set(data.responding_trusts))
    return Figure(
        id="overview-above-midpoint",
        title=f"More than half of the trusts score at or above the midpoint on {majority} of {len(data)} questions",
        subtitle=(
            f"Share of the Children's Trusts that answered (n = {' or '.join(map(str, sizes))} per question) whose "
            f"mean score is {scale.midpoint:.1f} or higher on the {scale.text} scale; whole per cent; dashed line: "
            "half of the trusts. By practice, in the appendix's order; within a practice, highest share first."
        ),
        source=f"Computed from the mean-score band tables of the appendix ({appendix_file}).",
        data=data,
        labels={
            "practice": "Practice",
            "question": "Question",
            "question_text": "Wording",
            "trusts_above_midpoint": "Trusts at or above the midpoint",
            "responding_trusts": "Trusts that answered",
            "trusts_above_midpoint_pct": "Share (%)",
        },
        chart=charts.grouped_hbar(
            data,
            "question",
            "trusts_above_midpoint_pct",
            "practice",
            "Trusts at or above the midpoint (%)",
            [names[c] for c in order],
            sort=list(data.question),
            domain=(0, 100),
            rule_at=50,
        ),
    )


def _claims_view(claims: pd.DataFrame) -> dict:
    """Claims by verdict, contradicted first; within a verdict by document and printed line."""
    counts = claims.verdict.value_counts()
    order = [v for v in VERDICT_ORDER if v in counts] + sorted(v for v in counts.index if v not in VERDICT_ORDER)
    groups = []
    for verdict in order:
        rows = claims[claims.verdict == verdict].sort_values(["document", "source_line", "claim_id"])
        groups.append(
            {
                "verdict": verdict,
                "label": VERDICTS.get(verdict, verdict),
                # what a reader must see is open; claims that hold or cannot be checked unfold
                "folded": verdict in FOLDED_VERDICTS,
                "claims": [
                    {
                        **row._asdict(),
                        "verdict_label": VERDICTS.get(row.verdict, row.verdict),
                        "document_name": DOCUMENT_NAMES.get(row.document, row.document),
                        "reason": verdict_reason(row.verdict_detail),
                        "evidence": _evidence(row.evidence),
                    }
                    for row in rows.itertuples()
                ],
            }
        )
    by_document = claims.groupby(["verdict", "document"]).size()
    documents = sorted(claims.document.unique())
    summary_rows = [
        {
            "verdict": v,
            "label": VERDICTS.get(v, v),
            "counts": [int(by_document.get((v, d), 0)) for d in documents],
            "total": int(counts[v]),
        }
        for v in order
    ]
    summary = ", ".join(f"{counts[v]} {VERDICTS.get(v, v).lower()}" for v in order)
    return {
        "groups": groups,
        "summary_rows": summary_rows,
        "summary_documents": [DOCUMENT_NAMES.get(d, d) for d in documents],
        "verdict_summary": f"{len(claims)} claims; {summary}",
    }


def _evidence(text) -> list[tuple[str, str]]:
    if not isinstance(text, str) or not text.strip():
        return []
    try:
        values = json.loads(text)
    except json.JSONDecodeError:
        return [("evidence", text)]
    if not isinstance(values, dict):
        return [("evidence", json.dumps(values))]
    return [(str(k), v if isinstance(v, str) else json.dumps(v)) for k, v in values.items()]
