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
from warehouse.report.appendix_figures import Scale, practice_pages
from warehouse.report.devon_figures import devon_sections
from warehouse.report.figure import Figure

TEMPLATES = Path(__file__).parent / "templates"
VERDICTS = {
    "holds": "Holds",
    "contradicted": "Contradicted",
    "holds_under_reading": "Holds under a reading",
    "not_checkable": "Not checkable",
}
DOCUMENT_NAMES = {"appendix": "National appendix", "devon": "Devon"}


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
    }


def _number(value) -> str:
    if value is None or pd.isna(value):
        return "—"
    return f"{value:g}" if isinstance(value, float) else str(value)


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

    nav = [Link("index.html", "Home")]
    nav += [
        Link(
            f"appendix-{p.practice_code}.html",
            p.practice_name,
            f"national appendix, {sum(f.chart is not None for f in p.figures)} figures",
        )
        for p in practices
    ]
    nav += [Link("devon.html", "Devon", f"{sum(len(s.figures) for s in sections)} figures")]
    nav += [
        Link(
            "findings.html",
            "Findings",
            f"{len(findings)} contradictions inside the reports, each with its printed line",
        )
    ]
    if claims is not None:
        nav += [Link("claims.html", "What the text says", f"{len(claims)} claims of the reports' text, checked")]
    common = {
        "nav": nav,
        "data_as_of": pd.Timestamp(log.published_at).strftime("%d %B %Y %H:%M UTC"),
        "run_id": log.run_id,
        "code_version": log.code_version,
    }

    def write(name: str, template: str, title: str, **context) -> None:
        html = env.get_template(template).render(page_title=title, current=name, **common, **context)
        (out_dir / name).write_text(html, encoding="utf-8")

    all_figures = [f for p in practices for f in p.figures] + [f for s in sections for f in s.figures]
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
            f"National appendix: {page.practice_name}",
            page=page_view,
            scale=scale,
            appendix_file=documents["appendix"],
        )

    devon_view = [{"heading": s.heading, "figures": [prepare(f) for f in s.figures]} for s in sections]
    write("devon.html", "devon.html.j2", "Devon: integrated working progress, September 2009", sections=devon_view)

    write(
        "findings.html",
        "findings.html.j2",
        "Findings: where the reports contradict themselves",
        findings=[_finding_view(f, documents) for f in findings.itertuples()],
    )

    if claims is not None:
        write("claims.html", "claims.html.j2", "What the text says", **_claims_view(claims))

    summary = frames["check_summary"]
    checks = {
        "total": int(summary.rules.sum()),
        "passed": int(summary.passed.sum()),
        "failed_error": int(summary.loc[summary.severity == "error", "failed"].sum()),
        "failed_warn": int(summary.loc[summary.severity == "warn", "failed"].sum()),
        "findings": len(findings),
    }
    write(
        "index.html",
        "home.html.j2",
        "Integrated working in children's services: the figures, checked",
        documents=documents,
        checks=checks,
        check_rows=summary.to_dict("records"),
        page_links=nav[1:],
        appendix={
            "trusts": int((questions.responding_trusts + questions.trusts_missing).max()),
            "questions": len(questions),
            "practices": len(practices),
        },
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


def _finding_view(f, documents: dict[str, str]) -> dict:
    names = {file: DOCUMENT_NAMES[code] for code, file in documents.items()}
    return {
        **f._asdict(),
        "document_name": names.get(f.source_document, f.source_document),
        "published": _number(f.published_value),
        "recomputed": _number(f.recomputed_value),
        "difference": _number(f.difference),
        "line_text": f.line_text if isinstance(f.line_text, str) else None,
    }


def _claims_view(claims: pd.DataFrame) -> dict:
    documents = []
    for document, by_document in claims.groupby("document", sort=True):
        sections = []
        for section, rows in by_document.groupby("section", sort=False):
            sections.append(
                {
                    "section": section,
                    "claims": [
                        {
                            **row._asdict(),
                            "verdict_label": VERDICTS.get(row.verdict, row.verdict),
                            "evidence": _evidence(row.evidence),
                        }
                        for row in rows.sort_values(["source_line", "claim_id"]).itertuples()
                    ],
                }
            )
        sections.sort(key=lambda s: min(c["source_line"] for c in s["claims"]))
        documents.append({"document": document, "name": DOCUMENT_NAMES.get(document, document), "sections": sections})
    counts = claims.verdict.value_counts()
    summary = ", ".join(f"{counts[v]} {label.lower()}" for v, label in VERDICTS.items() if v in counts)
    return {"documents": documents, "verdict_summary": f"{len(claims)} claims; {summary}"}


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
