"""The appendix's published tables, read from raw/, as the targets a collection must reproduce.

Only the tables are read (responses by audience and answer, the band counts with "missing");
the averages and percentages follow from them, and the consistency checks confirm the report
prints them consistently (quality rules averages_match_weighted_mean, bands_pct_matches_count).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from warehouse.dbt_facts import dbt_vars, mean_score_bands
from warehouse.raw_files import validate_csv
from warehouse.tables.appendix import TABLES as APPENDIX_TABLES

AUDIENCES = ("leaders_managers", "frontline")
ANSWERS = ("score_1", "score_2", "score_3", "score_4", "score_5", "not_applicable", "dont_know")
# the bands as the dbt seed holds them: [lower, upper) in tenths of a point, open ends as the
# whole 1-5 range
BAND_CODES = tuple(b.code for b in mean_score_bands())
BAND_BOUNDS_TENTHS = {
    b.code: (int(b.lower * 10) if b.lower is not None else 10, int(b.upper * 10) if b.upper is not None else 51)
    for b in mean_score_bands()
}
TRUSTS = int(dbt_vars()["children_trusts"])
# the raw tables a collection must reproduce (and a synthetic one is generated from)
PUBLISHED_TABLES = ("questions", "responses", "mean_score_bands")


@dataclass(frozen=True)
class PublishedQuestion:
    question_id: int
    leaders_only: bool
    # counts[audience][answer] as printed
    counts: dict[str, dict[str, int]]
    # trusts per band code as printed, and the trusts with "missing responses"
    bands: dict[str, int]
    missing: int


def published_table_paths(raw_dir: Path) -> dict[str, Path]:
    """The published tables' files, by their path under raw/ (e.g. `appendix/responses.csv`)."""
    tables = [t for t in APPENDIX_TABLES if t.name in PUBLISHED_TABLES]
    return {t.relpath: Path(raw_dir) / t.relpath for t in tables}


def _rows(raw_dir: Path, name: str) -> list[dict[str, str]]:
    table = next(t for t in APPENDIX_TABLES if t.name == name)
    path = Path(raw_dir) / table.relpath
    validate_csv(path, table)
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_published(raw_dir: Path) -> list[PublishedQuestion]:
    """The 59 questions' published response counts and band counts, in question order."""
    leaders_only = {int(r["question_id"]): r["leaders_only"] == "true" for r in _rows(raw_dir, "questions")}
    counts: dict[int, dict[str, dict[str, int]]] = {q: {a: {} for a in AUDIENCES} for q in leaders_only}
    for r in _rows(raw_dir, "responses"):
        for audience in AUDIENCES:
            counts[int(r["question_id"])][audience][r["response_code"]] = int(r[audience])
    bands: dict[int, dict[str, int]] = {q: {} for q in leaders_only}
    for r in _rows(raw_dir, "mean_score_bands"):
        bands[int(r["question_id"])][r["cell_code"]] = int(r["trusts"])
    questions = []
    for q in sorted(leaders_only):
        band_counts = {code: bands[q][code] for code in BAND_CODES}
        # the trusts in the six bands are the target; "missing" follows from them (the rule
        # bands_plus_missing_equal_150 records a printed "missing" that does not). Bands that
        # hold more than the 150 trusts cannot be met by any answers: the largest band gives up
        # the excess (int_responses__regenerated_cells does not hold such a question's band
        # cells against synthetic answers; the rule above records the contradiction)
        excess = sum(band_counts.values()) - TRUSTS
        while excess > 0:
            largest = max(BAND_CODES, key=lambda code: band_counts[code])
            taken = min(excess, band_counts[largest])
            band_counts[largest] -= taken
            excess -= taken
        missing = TRUSTS - sum(band_counts.values())
        questions.append(PublishedQuestion(q, leaders_only[q], counts[q], band_counts, missing))
    return questions
