"""The main points each page opens with: a few sentences, each with its number read from the
warehouse's frames. Shares the report computes are whole per cent, halves up (whole_pct);
figures the reports print are given as printed."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from warehouse.report.appendix_figures import PracticePage, whole_pct
from warehouse.report.labels import short_question


@dataclass(frozen=True)
class Point:
    key: str  # names the point in the page (id="point-<key>"), for links and tests
    text: str
    href: str = ""  # where the evidence is


def _names(questions: pd.DataFrame) -> str:
    labels = [short_question(q.question_id, q.question_text) for q in questions.itertuples()]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _practice_href(code: str, question_id: int | None = None) -> str:
    return f"appendix-{code}.html" + (f"#q{question_id}" if question_id is not None else "")


def home_points(frames: dict[str, pd.DataFrame], problems: list[dict], midpoint: float) -> list[Point]:
    practices = frames["practices"].sort_values(["mean_trusts_above_midpoint_pct", "practice_order"])
    q = frames["questions"].assign(exact=lambda d: d.trusts_above_midpoint / d.responding_trusts)
    best_p, worst_p = practices.iloc[-1], practices.iloc[0]
    top = q[q.exact == q.exact.max()]
    bottom = q[q.exact == q.exact.min()]
    majority = int((q.exact > 0.5).sum())
    both = q.dropna(subset=["avg_score_leaders_managers_published", "avg_score_frontline_published"])
    gap = (both.avg_score_frontline_published - both.avg_score_leaders_managers_published).abs()
    widest = both.loc[gap.idxmax()]
    points = [
        Point(
            "practices",
            f"Of the five practices, {best_p.practice_name} is rated furthest along: on its questions an average "
            f"{whole_pct(best_p.mean_trusts_above_midpoint_pct, 100):.0f}% of trusts score at or above the "
            f"midpoint ({midpoint:.1f}), against {whole_pct(worst_p.mean_trusts_above_midpoint_pct, 100):.0f}% for "
            f"{worst_p.practice_name}.",
            _practice_href(worst_p.practice_code),
        ),
        Point(
            "majority",
            f"On {majority} of the {len(q)} questions more than half of the trusts score at or above the midpoint.",
            "#overview",
        ),
        Point(
            "extremes",
            f"Highest: {_names(top)}, {int(top.trusts_above_midpoint.iloc[0])} of "
            f"{int(top.responding_trusts.iloc[0])} trusts ({whole_pct(top.trusts_above_midpoint.iloc[0], top.responding_trusts.iloc[0]):.0f}%). "
            f"Lowest: {_names(bottom)}, {int(bottom.trusts_above_midpoint.iloc[0])} of "
            f"{int(bottom.responding_trusts.iloc[0])} ({whole_pct(bottom.trusts_above_midpoint.iloc[0], bottom.responding_trusts.iloc[0]):.0f}%).",
            _practice_href(bottom.practice_code.iloc[0], int(bottom.question_id.iloc[0])),
        ),
        Point(
            "audiences",
            f"Leaders and managers and front line staff differ most on "
            f"{short_question(widest.question_id, widest.question_text)}: average scores "
            f"{widest.avg_score_leaders_managers_published:.2f} and {widest.avg_score_frontline_published:.2f} "
            f"(on 1–5).",
            _practice_href(widest.practice_code, int(widest.question_id)),
        ),
    ]
    material = [p for p in problems if p["grade"] == "material"]
    if material:
        points.append(
            Point(
                "problems",
                f"The reports contradict their own figures in {len(material)} material "
                f"{'place' if len(material) == 1 else 'places'} ({len(problems)} problems in all). First: "
                f"{material[0]['explanation']}",
                "findings.html",
            )
        )
    else:
        points.append(
            Point(
                "problems",
                f"The checks found {len(problems)} places where a report's printed figures disagree with each other "
                "(not yet graded by how much they matter).",
                "findings.html",
            )
        )
    return points


def practice_points(page: PracticePage) -> list[Point]:
    ranked = sorted(page.questions, key=lambda s: (-s.above / s.responding, s.question_id))
    best, worst = ranked[0], ranked[-1]
    majority = sum(s.above / s.responding > 0.5 for s in page.questions)
    both = [s for s in page.questions if pd.notna(s.leaders_average) and pd.notna(s.frontline_average)]
    higher = sum(s.frontline_average > s.leaders_average for s in both)
    return [
        Point(
            "best",
            f"Highest: {best.short_label}, {best.above} of {best.responding} trusts ({best.share}%) at or above "
            "the midpoint.",
            f"#q{best.question_id}",
        ),
        Point(
            "worst",
            f"Lowest: {worst.short_label}, {worst.above} of {worst.responding} trusts ({worst.share}%).",
            f"#q{worst.question_id}",
        ),
        Point(
            "majority",
            f"More than half of the trusts are at or above the midpoint on {majority} of "
            f"{len(page.questions)} questions.",
        ),
        Point(
            "audiences",
            f"Front line staff give the higher average on {higher} of the {len(both)} questions with both averages printed.",
        ),
    ]


def devon_points(frames: dict[str, pd.DataFrame]) -> list[Point]:
    clusters = frames["clusters"]
    rates = clusters.sort_values("cafs_per_1000_published")
    low, high = rates.iloc[0], rates.iloc[-1]
    qa = clusters[clusters.has_qa_data]
    parents = frames["outcomes"][frames["outcomes"].source == "parent_self_report"]
    points = [
        Point(
            "rates",
            f"CAFs per 1000 children and young people range from {low.cafs_per_1000_published:g} in "
            f"{low.cluster_name} to {high.cafs_per_1000_published:g} in {high.cluster_name}, "
            f"{int(clusters.cafs.sum()):,} CAFs across {len(clusters)} clusters.",
            "#devon-fig14-cafs-per-1000",
        )
    ]
    satisfied = parents[parents.measure == "satisfied"]
    if len(satisfied):
        s = satisfied.iloc[0]
        points.append(
            Point(
                "parents",
                f"{int(s.numerator)} of {int(s.denominator)} parents who answered were satisfied or very satisfied "
                f"(printed {s.pct_published:g}%): a small sample.",
                "#devon-fig02-05-parent-self-report",
            )
        )
    if len(qa):
        points.append(
            Point(
                "quality",
                f"Average quality-assurance scores of CAF forms range from {qa.qa_average_pct.min():g}% to "
                f"{qa.qa_average_pct.max():g}% in the {len(qa)} clusters with data.",
                "#devon-fig17-quality-assurance",
            )
        )
    return points
