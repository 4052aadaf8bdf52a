"""Figures of the national appendix: a practice overview, then three figures per question."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from warehouse.report import charts
from warehouse.report.figure import Figure, line_span, plural
from warehouse.report.labels import short_band, short_question, short_response

AUDIENCES = {"leaders_managers": "Leaders and managers", "frontline": "Front line staff"}


@dataclass(frozen=True)
class Scale:
    """The appendix's point scale and the midpoint the bands are split at, as the warehouse has them."""

    low: int
    high: int
    midpoint: float

    @classmethod
    def of(cls, frames: dict[str, pd.DataFrame]) -> Scale:
        scores = frames["descriptors"].point_score
        bands = frames["bands"]
        return cls(int(scores.min()), int(scores.max()), float(bands.loc[bands.is_above_midpoint, "lower_bound"].min()))

    @property
    def text(self) -> str:
        return f"{self.low}–{self.high}"


@dataclass
class QuestionSection:
    question_id: int
    question_text: str
    is_leaders_only: bool
    source_line: int
    descriptors: pd.DataFrame  # point_score, level_label, descriptor_text, source_line
    figures: list[Figure]
    short_label: str
    share: int  # whole per cent of the trusts that answered at or above the midpoint
    above: int
    responding: int
    leaders_average: float | None
    frontline_average: float | None


@dataclass
class PracticePage:
    practice_code: str
    practice_name: str
    practice_order: int
    question_count: int
    overview: list[Figure]
    questions: list[QuestionSection]

    @property
    def figures(self) -> list[Figure]:
        return self.overview + [f for q in self.questions for f in q.figures]


def q_label(question_id: int) -> str:
    return f"Q{int(question_id)}"


def whole_pct(part, whole):
    """Per cent to the nearest whole number, halves up: the report's one rounding of shares it
    computes (printed figures are shown as printed)."""
    return np.floor(100.0 * part / whole + 0.5)


def _share_order(questions: pd.DataFrame) -> pd.DataFrame:
    """Questions by share of trusts at or above the midpoint, highest first (ties by number)."""
    shares = whole_pct(questions.trusts_above_midpoint, questions.responding_trusts)
    return (
        questions.assign(share=shares, exact=questions.trusts_above_midpoint / questions.responding_trusts)
        .sort_values(["exact", "question_id"], ascending=[False, True])
        .drop(columns="exact")
    )


def practice_pages(frames: dict[str, pd.DataFrame], appendix_file: str, scale: Scale) -> list[PracticePage]:
    pages = []
    for practice in frames["practices"].itertuples():
        questions = frames["questions"][frames["questions"].practice_code == practice.practice_code]
        sections = [
            QuestionSection(
                question_id=int(q.question_id),
                question_text=q.question_text,
                is_leaders_only=bool(q.is_leaders_only),
                source_line=int(q.source_line),
                descriptors=frames["descriptors"][frames["descriptors"].question_id == q.question_id],
                figures=[
                    bands_figure(q, frames["bands"], appendix_file, scale),
                    responses_figure(q, frames["responses"], appendix_file),
                    averages_figure(q, frames["average_lines"], appendix_file, scale),
                ],
                short_label=short_question(q.question_id, q.question_text),
                share=int(whole_pct(q.trusts_above_midpoint, q.responding_trusts)),
                above=int(q.trusts_above_midpoint),
                responding=int(q.responding_trusts),
                leaders_average=q.avg_score_leaders_managers_published,
                frontline_average=q.avg_score_frontline_published,
            )
            for q in questions.itertuples()
        ]
        pages.append(
            PracticePage(
                practice_code=practice.practice_code,
                practice_name=practice.practice_name,
                practice_order=int(practice.practice_order),
                question_count=int(practice.question_count),
                overview=[
                    above_midpoint_figure(practice, questions, appendix_file, scale),
                    leaders_frontline_figure(practice, questions, appendix_file, scale),
                ],
                questions=sections,
            )
        )
    return pages


def above_midpoint_figure(practice: Any, questions: pd.DataFrame, appendix_file: str, scale: Scale) -> Figure:
    ordered = _share_order(questions)
    data = pd.DataFrame(
        {
            "question": [short_question(q.question_id, q.question_text) for q in ordered.itertuples()],
            "question_text": ordered.question_text,
            "trusts_above_midpoint": ordered.trusts_above_midpoint.astype(int),
            "responding_trusts": ordered.responding_trusts.astype(int),
            "trusts_above_midpoint_pct": ordered.share.astype(int),
        }
    )
    best, worst = data.iloc[0], data.iloc[-1]
    sizes = sorted(set(data.responding_trusts))
    return Figure(
        id=f"{practice.practice_code}-above-midpoint",
        title=(
            f"{practice.practice_name}: from {best.trusts_above_midpoint_pct:.0f}% of trusts at or above the "
            f"midpoint on {best.question.split(' ')[0]} to {worst.trusts_above_midpoint_pct:.0f}% on "
            f"{worst.question.split(' ')[0]}"
        ),
        subtitle=(
            f"Share of the Children's Trusts that answered (n = {' or '.join(map(str, sizes))} per question, in "
            f"the table) whose mean score is {scale.midpoint:.1f} or higher on the {scale.text} scale; whole per "
            f"cent; sorted from highest to lowest share. {plural(len(data), 'question')}."
        ),
        source=f"Computed from the mean-score band tables of the appendix ({appendix_file}), "
        f"{line_span(questions.source_line)}.",
        data=data,
        labels={
            "question": "Question",
            "question_text": "Wording",
            "trusts_above_midpoint": "Trusts at or above the midpoint",
            "responding_trusts": "Trusts that answered",
            "trusts_above_midpoint_pct": "Share (%)",
        },
        chart=charts.hbar(
            data,
            "question",
            "trusts_above_midpoint_pct",
            "Trusts at or above the midpoint (%)",
            value_format=".0f",
            domain=(0, 100),
        ),
    )


def leaders_frontline_figure(practice: Any, questions: pd.DataFrame, appendix_file: str, scale: Scale) -> Figure:
    ordered = _share_order(questions)
    data = pd.DataFrame(
        {
            "question": [short_question(q.question_id, q.question_text) for q in ordered.itertuples()],
            "avg_score_leaders_managers_published": ordered.avg_score_leaders_managers_published,
            "avg_score_frontline_published": ordered.avg_score_frontline_published,
        }
    )
    both = data.dropna()
    shown = data.copy()
    higher = int((both.avg_score_frontline_published > both.avg_score_leaders_managers_published).sum())
    gaps = (both.avg_score_frontline_published - both.avg_score_leaders_managers_published).abs()
    widest = both.loc[gaps.idxmax()] if len(both) else None
    long = data.melt(id_vars="question", var_name="audience", value_name="average").dropna()
    for column in ("avg_score_leaders_managers_published", "avg_score_frontline_published"):
        shown[column] = [f"{v:.2f}" if pd.notna(v) else "" for v in data[column]]
    long["audience"] = long.audience.map(
        {
            "avg_score_leaders_managers_published": AUDIENCES["leaders_managers"],
            "avg_score_frontline_published": AUDIENCES["frontline"],
        }
    )
    widest_text = (
        f"; the widest gap is on {widest.question.split(' ')[0]} ({widest.avg_score_leaders_managers_published:.2f} "
        f"against {widest.avg_score_frontline_published:.2f})"
        if widest is not None
        else ""
    )
    return Figure(
        id=f"{practice.practice_code}-leaders-frontline",
        title=(
            f"{practice.practice_name}: front line staff give the higher average on {higher} of "
            f"{plural(len(both), 'question')}{widest_text}"
        ),
        subtitle=(
            f"Published average point score ({scale.text}, two decimals as printed; 'don't know' and 'not "
            f"applicable' excluded) of leaders and managers and of front line staff; dashed line: the midpoint "
            f"{scale.midpoint:.1f}; same order as the chart above. The first and last question of each practice "
            "were put to leaders and managers only."
        ),
        source=f"Average point scores printed under each response table of the appendix ({appendix_file}).",
        data=shown,
        labels={
            "question": "Question",
            "avg_score_leaders_managers_published": "Leaders and managers, published average",
            "avg_score_frontline_published": "Front line staff, published average",
        },
        chart=charts.dot_comparison(
            long,
            "question",
            "average",
            "audience",
            f"Average point score ({scale.text})",
            list(AUDIENCES.values()),
            domain=(scale.low, scale.high),
            rule_at=scale.midpoint,
        ),
    )


def bands_figure(q: Any, bands: pd.DataFrame, appendix_file: str, scale: Scale) -> Figure:
    rows = bands[bands.question_id == q.question_id]
    data = pd.concat(
        [
            pd.DataFrame({"band": rows.band_label, "trusts": rows.trusts.astype(int)}),
            pd.DataFrame({"band": ["No response (missing)"], "trusts": [int(q.trusts_missing)]}),
        ],
        ignore_index=True,
    )
    total = int(data.trusts.sum())
    responding = int(rows.trusts.sum())
    drawn = pd.DataFrame(
        {
            "band": rows.band_label.map(short_band),
            "trusts": rows.trusts.astype(int),
            "at_or_above": rows.is_above_midpoint.astype(bool),
        }
    )
    split_at = drawn.band[drawn.at_or_above].iloc[0]
    missing = int(q.trusts_missing)
    return Figure(
        id=f"q{int(q.question_id):02d}-bands",
        title=(
            f"{q_label(q.question_id)}: {int(q.trusts_above_midpoint)} of {responding} trusts "
            f"({whole_pct(q.trusts_above_midpoint, responding):.0f}%) have a mean score at or above the midpoint"
        ),
        subtitle=(
            f"Children's Trusts by band of their mean score on the question ({scale.text} scale); dark bars and "
            f"the dashed line: at or above the midpoint {scale.midpoint:.1f}; n = {responding} trusts that "
            f"answered{f' ({missing} of {total} did not, in the table)' if missing else f' of {total}'}."
        ),
        source=f"Redrawn from the band table of {q_label(q.question_id)}, {line_span(rows.source_line)} of {appendix_file}.",
        data=data,
        labels={"band": "Band of mean score", "trusts": "Trusts"},
        chart=charts.band_bars(
            drawn,
            "band",
            "trusts",
            "Trusts",
            "at_or_above",
            split_at,
            (f"At or above the midpoint ({scale.midpoint:.1f})", "Below the midpoint"),
        ),
    )


def responses_figure(q: Any, responses: pd.DataFrame, appendix_file: str) -> Figure:
    rows = responses[responses.question_id == q.question_id]
    lm_counts = rows.leaders_managers_responses.astype(int)
    fl_counts = rows.frontline_responses.astype(int)
    lm, fl = int(lm_counts.sum()), int(fl_counts.sum())
    data = pd.DataFrame(
        {
            "response": rows.response_label,
            "leaders_managers_responses": lm_counts,
            "leaders_managers_pct": whole_pct(lm_counts, lm).astype(int),
            "frontline_responses": fl_counts,
            "frontline_pct": whole_pct(fl_counts, fl).astype(int) if fl else None,
        }
    )
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "response": rows.response_label.map(short_response),
                    "audience": f"{AUDIENCES['leaders_managers']} (n = {lm:,})",
                    "share": data.leaders_managers_pct,
                }
            ),
            pd.DataFrame(
                {
                    "response": rows.response_label.map(short_response),
                    "audience": f"{AUDIENCES['frontline']} (n = {fl:,})",
                    "share": data.frontline_pct,
                }
            ),
        ],
        ignore_index=True,
    )
    scored = rows.score.notna().to_numpy()
    at_least_mid = (rows.score >= 3).fillna(False).to_numpy(dtype=bool)
    lm_mid = whole_pct(lm_counts[at_least_mid].sum(), lm)
    fl_mid = whole_pct(fl_counts[at_least_mid].sum(), fl)
    off_scale = ", 'not applicable' and 'don't know' included" if (~scored).any() else ""
    return Figure(
        id=f"q{int(q.question_id):02d}-responses",
        title=(
            f"{q_label(q.question_id)}: {lm_mid:.0f}% of leaders and managers and {fl_mid:.0f}% of front line "
            "staff answered 3 (the midpoint) or higher"
        ),
        subtitle=(
            f"Share of each audience's responses giving each answer; whole per cent, so that audiences of "
            f"different sizes compare: n = {lm:,} responses from leaders and managers, {fl:,} from front line "
            f"staff{off_scale}. "
            "Answers in the order of the scale; counts and full wording in the table."
        ),
        source=f"Redrawn from the response table of {q_label(q.question_id)}, {line_span(rows.source_line)} of {appendix_file}.",
        data=data,
        labels={
            "response": "Answer",
            "leaders_managers_responses": "Leaders and managers",
            "leaders_managers_pct": "Leaders and managers (%)",
            "frontline_responses": "Front line staff",
            "frontline_pct": "Front line staff (%)",
        },
        chart=charts.dot_comparison(
            long,
            "response",
            "share",
            "audience",
            "Share of the audience's responses (%)",
            list(dict.fromkeys(long.audience)),
            domain=(0, 100),
        ),
    )


def averages_figure(q: Any, average_lines: pd.DataFrame, appendix_file: str, scale: Scale) -> Figure:
    audiences = {"leaders_managers": "Leaders and managers", "frontline": "Front line staff", "total": "All"}
    data = pd.DataFrame(
        {
            "audience": list(audiences.values()),
            "avg_score_published": [getattr(q, f"avg_score_{a}_published") for a in audiences],
            "avg_score_recomputed": [getattr(q, f"avg_score_{a}") for a in audiences],
        }
    )
    compared = data.dropna()
    gap = (compared.avg_score_published - compared.avg_score_recomputed).abs().max()
    agree = bool(gap <= 0.005 + 1e-9) if len(compared) else False
    line = average_lines.loc[average_lines.question_id == q.question_id, "source_line"]
    title = (
        f"{q_label(q.question_id)}: the published averages agree with the response counts to 2 decimal places"
        if agree
        else f"{q_label(q.question_id)}: a published average differs from the response counts by up to {gap:.4f}"
    )
    return Figure(
        id=f"q{int(q.question_id):02d}-averages",
        title=title,
        subtitle=(
            f"Average point score ({scale.text}; 'don't know' and 'not applicable' excluded) by audience: as "
            "printed (2 decimal places) and recomputed from the response counts (4 decimal places)."
        ),
        source=f"Printed averages on {line_span(line)} of {appendix_file}; recomputed from the response table.",
        data=data,
        labels={
            "audience": "Audience",
            "avg_score_published": "Published average",
            "avg_score_recomputed": "Recomputed average",
        },
        # three pairs of numbers that agree to the second decimal read better as a table than as
        # overlapping dots: this figure has no chart
        chart=None,
    )
