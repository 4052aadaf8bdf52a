"""Figures of the national appendix: a practice overview, then three figures per question."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from warehouse.report import charts
from warehouse.report.figure import Figure, line_span, plural

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
    data = questions.sort_values(["trusts_above_midpoint_pct", "question_id"], ascending=[False, True])
    data = pd.DataFrame(
        {
            "question": data.question_id.map(q_label),
            "question_text": data.question_text,
            "trusts_above_midpoint_pct": data.trusts_above_midpoint_pct,
        }
    )
    best, worst = data.iloc[0], data.iloc[-1]
    trusts = int((questions.responding_trusts + questions.trusts_missing).max())
    return Figure(
        id=f"{practice.practice_code}-above-midpoint",
        title=(
            f"{practice.practice_name}: {best.question} has the largest share of trusts at or above the "
            f"midpoint ({best.trusts_above_midpoint_pct:g}%), {worst.question} the smallest "
            f"({worst.trusts_above_midpoint_pct:g}%)"
        ),
        subtitle=(
            f"Share of responding Children's Trusts (of {trusts}) whose mean score on the question is "
            f"{scale.midpoint:.1f} or higher on the {scale.text} scale, per question, sorted; per cent, recomputed from the band counts. "
            f"{plural(len(data), 'question')}."
        ),
        source=f"Computed from the mean-score band tables of the appendix ({appendix_file}), "
        f"{line_span(questions.source_line)}.",
        data=data,
        labels={
            "question": "Question",
            "question_text": "Wording",
            "trusts_above_midpoint_pct": "Trusts at or above the midpoint (%)",
        },
        chart=charts.hbar(
            data,
            "question",
            "trusts_above_midpoint_pct",
            "Question",
            "Trusts at or above the midpoint (%)",
            value_format=".2f",
        ),
    )


def leaders_frontline_figure(practice: Any, questions: pd.DataFrame, appendix_file: str, scale: Scale) -> Figure:
    data = pd.DataFrame(
        {
            "question": questions.question_id.map(q_label),
            "avg_score_leaders_managers_published": questions.avg_score_leaders_managers_published,
            "avg_score_frontline_published": questions.avg_score_frontline_published,
        }
    )
    both = data.dropna()
    higher = int((both.avg_score_frontline_published > both.avg_score_leaders_managers_published).sum())
    long = data.melt(id_vars="question", var_name="audience", value_name="average").dropna()
    long["audience"] = long.audience.map(
        {
            "avg_score_leaders_managers_published": AUDIENCES["leaders_managers"],
            "avg_score_frontline_published": AUDIENCES["frontline"],
        }
    )
    return Figure(
        id=f"{practice.practice_code}-leaders-frontline",
        title=(
            f"{practice.practice_name}: front line staff give the higher average on {higher} of "
            f"{plural(len(both), 'question')}"
        ),
        subtitle=(
            f"Published average point score ({scale.text}, 'don't know' and 'not applicable' excluded) of leaders "
            "and managers and of front line staff, per question. The first and last question of each "
            "practice were put to leaders and managers only."
        ),
        source=f"Average point scores printed under each response table of the appendix ({appendix_file}).",
        data=data,
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
            "Question",
            f"Average point score ({scale.text})",
            list(AUDIENCES.values()),
            domain=(scale.low, scale.high),
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
    return Figure(
        id=f"q{int(q.question_id):02d}-bands",
        title=(
            f"{q_label(q.question_id)}: {int(q.trusts_above_midpoint)} of {total} trusts have a mean score at "
            f"or above the midpoint"
        ),
        subtitle=(
            f"Children's Trusts by band of their mean score on the question ({scale.text} scale; the bands "
            f"from {scale.midpoint:.1f} up are at or above the midpoint), and trusts that did not respond; "
            f"n = {total} trusts."
        ),
        source=f"Redrawn from the band table of {q_label(q.question_id)}, {line_span(rows.source_line)} of {appendix_file}.",
        data=data,
        labels={"band": "Band of mean score", "trusts": "Trusts"},
        chart=charts.hbar(data, "band", "trusts", "Band of mean score", "Trusts"),
    )


def responses_figure(q: Any, responses: pd.DataFrame, appendix_file: str) -> Figure:
    rows = responses[responses.question_id == q.question_id]
    data = pd.DataFrame(
        {
            "response": rows.response_label,
            "leaders_managers_responses": rows.leaders_managers_responses.astype(int),
            "frontline_responses": rows.frontline_responses.astype(int),
        }
    )
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "response": data.response,
                    "audience": AUDIENCES["leaders_managers"],
                    "responses": data.leaders_managers_responses,
                }
            ),
            pd.DataFrame(
                {"response": data.response, "audience": AUDIENCES["frontline"], "responses": data.frontline_responses}
            ),
        ],
        ignore_index=True,
    )
    lm, fl = int(data.leaders_managers_responses.sum()), int(data.frontline_responses.sum())
    top_lm = data.response[data.leaders_managers_responses.idxmax()]
    top_fl = data.response[data.frontline_responses.idxmax()]
    return Figure(
        id=f"q{int(q.question_id):02d}-responses",
        title=(
            f"{q_label(q.question_id)}: the most common answer was {_answer(top_lm)} among leaders and managers "
            f"and {_answer(top_fl)} among front line staff"
        ),
        subtitle=(
            f"Responses by answer, by audience; number of responses; n = {lm:,} from leaders and managers, "
            f"{fl:,} from front line staff."
        ),
        source=f"Redrawn from the response table of {q_label(q.question_id)}, {line_span(rows.source_line)} of {appendix_file}.",
        data=data,
        labels={
            "response": "Answer",
            "leaders_managers_responses": "Leaders and managers",
            "frontline_responses": "Front line staff",
        },
        chart=charts.faceted_hbar(
            long, "response", "responses", "audience", "Answer", "Responses", list(AUDIENCES.values())
        ),
    )


def _answer(label: str) -> str:
    return f"a score of {label}" if label.isdigit() else f"“{label}”"


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
