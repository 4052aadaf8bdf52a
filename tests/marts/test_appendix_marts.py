"""The appendix marts (question, band, practice) hold the figures of the source document.

Every expected value is worked out by hand from the appendix
(../shared/sources/000_acb803c9a0cac694.txt); the line numbers in the comments point to the
printed rows the arithmetic uses. Recomputed averages and percentages are stored rounded to
4 and 2 decimals, so they are compared exactly as Decimals.
"""

from __future__ import annotations

from decimal import Decimal

import pytest


def one(warehouse, sql: str, params: list | None = None):
    """The single value of a query that must return exactly one row and one column."""
    rows = warehouse.query(sql, params)
    assert len(rows) == 1, f"expected one row, got {rows}"
    return rows[0][0]


def question_value(warehouse, column: str, question_id: int):
    return one(warehouse, f"select {column} from marts.question where question_id = ?", [question_id])


def band_row(warehouse, question_id: int, band_code: str) -> dict:
    columns = [
        "trusts",
        "trusts_pct",
        "trusts_pct_published",
        "cumulative_trusts",
        "is_above_midpoint",
        "lower_bound",
        "upper_bound",
        "band_label",
        "band_order",
        "source_line",
    ]
    rows = warehouse.query(
        f"select {', '.join(columns)} from marts.band where question_id = ? and band_code = ?",
        [question_id, band_code],
    )
    assert len(rows) == 1, f"expected one band row, got {rows}"
    return dict(zip(columns, rows[0], strict=False))


def practice_value(warehouse, column: str, practice_code: str):
    return one(warehouse, f"select {column} from marts.practice where practice_code = ?", [practice_code])


# --- grain -----------------------------------------------------------------------------------


def test_the_marts_have_one_row_per_question_band_and_practice(warehouse):
    # 59 numbered questions; 6 bands printed for each (59 * 6 = 354); 5 practice headings
    assert one(warehouse, "select count(*) from marts.question") == 59
    assert one(warehouse, "select count(*) from marts.band") == 354
    assert one(warehouse, "select count(*) from marts.practice") == 5


# --- question --------------------------------------------------------------------------------


def test_question_5_front_line_average_is_recomputed_from_the_score_counts(warehouse):
    # lines 143-147, front line column:
    # (980*1 + 1114*2 + 1086*3 + 649*4 + 513*5) / (980 + 1114 + 1086 + 649 + 513)
    # = (980 + 2228 + 3258 + 2596 + 2565) / 4342 = 11627 / 4342 = 2.677798... -> 2.6778 (printed 2.68)
    assert question_value(warehouse, "avg_score_frontline", 5) == Decimal("2.6778")
    assert question_value(warehouse, "avg_score_frontline_published", 5) == Decimal("2.68")


def test_question_5_total_average_differs_from_the_printed_one_by_rounding_only(warehouse):
    # lines 143-147, Total column (the 1,678 printed without its comma on line 143):
    # (1678*1 + 2145*2 + 1928*3 + 1021*4 + 694*5) / (1678 + 2145 + 1928 + 1021 + 694)
    # = (1678 + 4290 + 5784 + 4084 + 3470) / 7466 = 19306 / 7466 = 2.585856 -> 2.5859
    # printed 2.59 (line 150): difference 2.59 - 2.5859 = 0.0041
    assert question_value(warehouse, "avg_score_total", 5) == Decimal("2.5859")
    assert question_value(warehouse, "avg_score_total_difference", 5) == Decimal("0.0041")


def test_valid_responses_count_scores_1_to_5_only(warehouse):
    # question 1, lines 47-51, Total column: 92 + 357 + 1,245 + 1,092 + 543 = 3329
    # (the 26 "not applicable" and 63 "don't know" on lines 52-53 are left out)
    assert question_value(warehouse, "valid_responses_total", 1) == 3329


def test_question_2_leaders_and_managers_score_higher_than_front_line(warehouse):
    # lines 71-75. leaders and managers:
    # (168 + 2*472 + 3*1175 + 4*841 + 5*586) / (168 + 472 + 1175 + 841 + 586)
    # = (168 + 944 + 3525 + 3364 + 2930) / 3242 = 10931 / 3242 = 3.37168 -> 3.3717
    # front line: (491 + 2*904 + 3*1745 + 4*961 + 5*510) / (491 + 904 + 1745 + 961 + 510)
    # = (491 + 1808 + 5235 + 3844 + 2550) / 4611 = 13928 / 4611 = 3.02060 -> 3.0206
    # gap 3.3717 - 3.0206 = 0.3511
    assert question_value(warehouse, "avg_score_leaders_managers", 2) == Decimal("3.3717")
    assert question_value(warehouse, "leaders_frontline_gap", 2) == Decimal("0.3511")


def test_leaders_frontline_gap_is_the_difference_of_the_stored_averages(warehouse):
    # question 13, lines 337-341. leaders and managers:
    # (309 + 2*709 + 3*1169 + 4*560 + 5*289) / (309 + 709 + 1169 + 560 + 289)
    # = (309 + 1418 + 3507 + 2240 + 1445) / 3036 = 8919 / 3036 = 2.937747 -> 2.9377
    # front line: (10 + 2*15 + 3*21 + 4*15 + 5*5) / (10 + 15 + 21 + 15 + 5) = 188 / 66 = 2.84848 -> 2.8485
    # gap of the stored columns 2.9377 - 2.8485 = 0.0892 (the unrounded gap, 0.08926, would round to 0.0893)
    assert question_value(warehouse, "avg_score_leaders_managers", 13) == Decimal("2.9377")
    assert question_value(warehouse, "avg_score_frontline", 13) == Decimal("2.8485")
    assert question_value(warehouse, "leaders_frontline_gap", 13) == Decimal("0.0892")


def test_dont_know_pct_is_a_share_of_all_responses_including_dont_know_and_not_applicable(warehouse):
    # question 3, lines 95-101, Total column: all responses
    # 475 + 2,186 + 2,720 + 979 + 381 + 315 + 1,292 = 8348; don't know 1292 / 8348 = 15.4768% -> 15.48
    # (the introduction: "almost 15 per cent of respondents saying they 'didn't know'")
    assert question_value(warehouse, "dont_know_pct", 3) == Decimal("15.48")


def test_not_applicable_pct_is_a_share_of_all_responses(warehouse):
    # question 4, lines 119-125, Total column: 657 + 1,590 + 2,709 + 1,112 + 423 + 801 + 962 = 8254;
    # not applicable 801 / 8254 = 9.7044% -> 9.70
    assert question_value(warehouse, "not_applicable_pct", 4) == Decimal("9.70")


def test_question_9_has_146_trusts_above_the_midpoint(warehouse):
    # line 236: bands 3.0-3.2, 3.2-3.5, 3.5+ are 12 + 59 + 75 = 146, printed "146 (97%)"
    # all 150 trusts responded (0 missing): 146 / 150 = 97.333% -> 97.33
    assert question_value(warehouse, "trusts_above_midpoint", 9) == 146
    assert question_value(warehouse, "trusts_above_midpoint_published", 9) == 146
    assert question_value(warehouse, "trusts_above_midpoint_pct", 9) == Decimal("97.33")
    assert question_value(warehouse, "trusts_above_midpoint_pct_published", 9) == Decimal("97")


def test_trusts_above_midpoint_pct_is_a_share_of_responding_trusts(warehouse):
    # question 13, line 332: 41 + 19 + 8 = 68 above the midpoint of 16 + 35 + 29 + 41 + 19 + 8 = 148
    # responding trusts: 68 / 148 = 45.946% -> 45.95 (printed 46%; 68 / 150 would be 45.33)
    assert question_value(warehouse, "trusts_above_midpoint_pct", 13) == Decimal("45.95")


@pytest.mark.parametrize("question_id", [13, 59])
def test_a_leaders_only_question_has_148_responding_trusts_and_2_missing(warehouse, question_id):
    # question 13 (line 332): 16 + 35 + 29 + 41 + 19 + 8 = 148, "2 (1%)" missing
    # question 59 (line 1475): 85 + 36 + 16 + 6 + 4 + 1 = 148, "2 (1%)" missing
    assert question_value(warehouse, "is_leaders_only", question_id) is True
    assert question_value(warehouse, "responding_trusts", question_id) == 148
    assert question_value(warehouse, "trusts_missing", question_id) == 2


def test_question_18_ranks_first_and_question_59_last_overall(warehouse):
    # printed total averages (lines 54-1487): the highest is question 18's 3.87 (line 473), next
    # question 25's 3.61; the lowest is question 59's 2.42 (line 1487), next question 50's 2.45.
    # The recomputed averages are within 0.005 of the printed ones, so the order cannot change.
    assert question_value(warehouse, "rank_overall", 18) == 1
    assert question_value(warehouse, "rank_overall", 59) == 59


def test_question_5_ranks_last_of_the_13_multi_agency_working_questions(warehouse):
    # printed totals of questions 1-13: 3.49 3.17 2.79 2.85 2.59 2.86 3.06 3.22 3.52 3.10 2.78 3.45 2.94;
    # question 5's 2.59 (recomputed 2.5859) is the lowest, 0.19 below the next (question 11, 2.78)
    assert question_value(warehouse, "rank_in_practice", 5) == 13
    # question 9's 3.52 is the highest of the practice, question 1's 3.49 second
    assert question_value(warehouse, "rank_in_practice", 9) == 1
    assert question_value(warehouse, "rank_in_practice", 1) == 2


# --- band ------------------------------------------------------------------------------------


def test_band_percentages_are_of_responding_trusts_not_of_all_150(warehouse):
    # question 1, line 41: "84 (57%)" in 3.5 and above, 2 trusts missing.
    # responding trusts 0 + 4 + 5 + 21 + 34 + 84 = 148; 84 / 148 = 56.757% -> 56.76, which rounds
    # to the printed 57; 84 / 150 = 56.00 would have printed 56
    row = band_row(warehouse, 1, "from_3_5")
    assert row["trusts"] == 84
    assert row["trusts_pct"] == Decimal("56.76")
    assert row["trusts_pct_published"] == Decimal("57")


def test_cumulative_trusts_run_from_the_lowest_band_up(warehouse):
    # question 1, line 41: 0 + 4 + 5 = 9 trusts below 3.0 (the introduction: "only nine Children's
    # Trusts averaged a score of less than 3"); all six bands add up to 148
    assert band_row(warehouse, 1, "from_2_8_to_3_0")["cumulative_trusts"] == 9
    assert band_row(warehouse, 1, "from_3_5")["cumulative_trusts"] == 148


def test_band_carries_its_bounds_and_midpoint_flag_from_the_seed(warehouse):
    # header line 40: "3.0 and up to 3.2", the first band counted in "Total above midpoint"
    # (question 9: 12 + 59 + 75 = 146 printed, so 3.0-3.2 is included)
    row = band_row(warehouse, 9, "from_3_0_to_3_2")
    assert row["band_label"] == "3.0 and up to 3.2"
    assert row["band_order"] == 4
    assert (row["lower_bound"], row["upper_bound"]) == (Decimal("3.0"), Decimal("3.2"))
    assert row["is_above_midpoint"] is True
    assert row["trusts"] == 12
    lowest = band_row(warehouse, 9, "from_2_8_to_3_0")
    assert lowest["is_above_midpoint"] is False


def test_band_points_at_the_printed_value_row(warehouse):
    # question 9's band values are printed on line 236: "0 (0%) 2 (1%) 2 (1%) 12 (8%) ..."
    assert band_row(warehouse, 9, "below_2_5")["source_line"] == 236


def test_open_ended_bands_have_no_lower_or_upper_bound(warehouse):
    # "Below 2.5" has no lower bound, "3.5 and above" no upper bound
    assert band_row(warehouse, 5, "below_2_5")["lower_bound"] is None
    assert band_row(warehouse, 5, "from_3_5")["upper_bound"] is None


# --- practice --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("practice_code", "questions"),
    [
        # the introduction's ranges, and the headings on lines 21, 346, 618, 964 and 1214
        ("multi_agency_working", 13),  # questions 1-13
        ("information_sharing", 11),  # 14-24
        ("common_assessment_framework", 14),  # 25-38
        ("team_around_the_child", 10),  # 39-48
        ("lead_professional", 11),  # 49-59
    ],
)
def test_practice_counts_its_questions(warehouse, practice_code, questions):
    assert practice_value(warehouse, "question_count", practice_code) == questions


def test_multi_agency_working_is_weakest_on_question_5_and_strongest_on_question_9(warehouse):
    # printed totals of questions 1-13 (see the rank test): lowest 2.59 (question 5), highest 3.52
    # (question 9); recomputed 19306 / 7466 = 2.5859 for question 5
    assert practice_value(warehouse, "weakest_question_id", "multi_agency_working") == 5
    assert practice_value(warehouse, "strongest_question_id", "multi_agency_working") == 9


def test_lead_professional_is_weakest_on_question_59_and_strongest_on_question_49(warehouse):
    # question 59, lines 1480-1484: (500 + 2*769 + 3*673 + 4*230 + 5*112) / (500 + 769 + 673 + 230 + 112)
    #   = (500 + 1538 + 2019 + 920 + 560) / 2284 = 5537 / 2284 = 2.4243
    # question 50, lines 1262-1266: (1865 + 2*1484 + 3*1743 + 4*732 + 5*509) / (1865 + 1484 + 1743 + 732 + 509)
    #   = (1865 + 2968 + 5229 + 2928 + 2545) / 6333 = 15535 / 6333 = 2.4530, the next lowest
    # highest printed total of questions 49-59: question 49's 3.28 (line 1245), next 2.96 (question 53)
    assert question_value(warehouse, "avg_score_total", 59) == Decimal("2.4243")
    assert question_value(warehouse, "avg_score_total", 50) == Decimal("2.4530")
    assert practice_value(warehouse, "weakest_question_id", "lead_professional") == 59
    assert practice_value(warehouse, "strongest_question_id", "lead_professional") == 49
