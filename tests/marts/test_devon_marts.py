"""The Devon marts (sector, sector_section_summary, cluster, outcome) against the source document.

Every expected value is worked out by hand from 003_d2e0ae047b2de055.txt (line numbers given);
none is read back from the pipeline. Template rows are tab-separated with the service columns
Police, PCT, Connexions, YOT 1, YOT 2, Children's Centre, Social Care, Total.
"""

from __future__ import annotations

import pytest


def one_row(warehouse, sql: str, params: list | None = None) -> tuple:
    rows = warehouse.query(sql, params)
    assert len(rows) == 1, f"expected exactly one row, got {len(rows)}: {sql}"
    return rows[0]


def approx(value) -> pytest.approx:
    return pytest.approx(value, abs=0.00005)


# --- sector -------------------------------------------------------------------------------


def test_sector_has_one_row_per_service_and_choice_item(warehouse):
    # choice items, read from lines 82-491:
    #   Section One:   Q1, Q2, Q3, Q4, Q6 + Q7 sub-items a-h (8)          = 13
    #   Section Two:   Q1, Q2, Q3                                          =  3
    #   Section Three: Q1, Q2, Q3, Q4, Q6 + Q7 sub-items a-f (6)           = 11
    #   Section Four:  Q1, Q2, Q3, Q4 confidence + willingness, Q8 a + b, Q10 = 8
    #   13 + 3 + 11 + 8 = 35 items x 7 services = 245 rows
    assert warehouse.query("select count(*) from marts.sector") == [(245,)]


def test_yot_1_scores_0_8_on_the_share_of_practitioners_trained_for_caf(warehouse):
    # line 111 "76-99%" has its 1 in the 4th service column (YOT 1). The scale runs upward
    # (None, 1-25%, 26-50%, 51-75%, 76-99%, All): 6 points, 76-99% is rank 5;
    # maturity = (5 - 1) / (6 - 1) = 0.8
    row = one_row(
        warehouse,
        """
        select option_text, answer_status, scale_rank, scale_points, maturity_score
        from marts.sector where service_code = 'yot_1' and item_code = 's1_q03'
    """,
    )
    assert row[:4] == ("76-99%", "single", 5, 6)
    assert float(row[4]) == approx(0.8)


def test_social_care_scores_one_third_on_confidence_with_dont_know_off_the_scale(warehouse):
    # line 435 "Not very confident" has its 1 in the 7th column (Social Care). Printed best
    # first: Very confident, Confident, Don't know, Not very confident, Not at all confident.
    # Without "Don't know" the scale has 4 points; ranked from the least mature end:
    # Not at all = 1, Not very = 2, Confident = 3, Very = 4 -> maturity (2 - 1) / (4 - 1) = 0.3333
    row = one_row(
        warehouse,
        """
        select option_text, scale_direction, scale_rank, scale_points, maturity_score
        from marts.sector where service_code = 'social_care' and item_code = 's4_q04_a'
    """,
    )
    assert row[:4] == ("Not very confident", "best_first", 2, 4)
    assert float(row[4]) == approx(1 / 3)


def test_social_care_split_willingness_answer_is_kept_with_its_words(warehouse):
    # lines 442 and 444: Social Care wrote "Managers" against "Willing" and "Practitioners"
    # against "Not very willing" - no single option, so no single maturity score; the span:
    # Willing is rank 3 of 4 -> (3 - 1) / 3 = 0.6667, Not very willing rank 2 -> 1 / 3 = 0.3333
    row = one_row(
        warehouse,
        """
        select answer_status, option_text, split_answer_text, maturity_score,
               maturity_score_low, maturity_score_high
        from marts.sector where service_code = 'social_care' and item_code = 's4_q04_b'
    """,
    )
    status, option_text, split_text, maturity, low, high = row
    assert (status, option_text, maturity) == ("split", None, None)
    assert split_text == "Willing: Managers | Not very willing: Practitioners"
    assert float(low) == approx(1 / 3)
    assert float(high) == approx(2 / 3)


def test_childrens_centre_two_marks_on_caf_implementation_are_a_multiple_answer(warehouse):
    # lines 97-98: the 6th column (Children's Centre) holds a 1 on both "We have successfully
    # implemented ..." and "We have begun to implement ..." - two marks, no single option
    row = one_row(
        warehouse,
        """
        select answer_status, marked_option_count, option_order, maturity_score
        from marts.sector where service_code = 'childrens_centre' and item_code = 's1_q02'
    """,
    )
    assert row == ("multiple", 2, None, None)


def test_dont_know_answer_has_no_rank_on_the_scale(warehouse):
    # line 491 "Don't know" has 1s in the 5th (YOT 2) and 6th columns; the agreements scale is
    # "in place" / "no agreements" (2 points), Don't know is off it
    row = one_row(
        warehouse,
        """
        select option_text, is_off_scale, scale_rank, scale_points, maturity_score
        from marts.sector where service_code = 'yot_2' and item_code = 's4_q10'
    """,
    )
    assert row == ("Don't know", True, None, 2, None)


# --- sector_section_summary ------------------------------------------------------------------


def test_social_care_answered_six_of_thirteen_caf_items_with_mean_maturity_0_4361(warehouse):
    # Social Care (7th column) in Section One marks: Q1 limited understanding (line 90),
    # Q2 plans but no progress (100), Q3 1-25% (108), Q6 robust QA (134), Q7e anecdotal (178),
    # Q7f anecdotal (186) = 6 answered; Q4 and Q7 a, b, c, d, g, h empty = 7 unanswered.
    # maturity: Q1 rank 2 of 3 -> 0.5; Q2 rank 2 of 5 -> 0.25; Q3 rank 2 of 6 -> 0.2;
    # Q6 rank 3 of 3 -> 1; Q7e, Q7f rank 2 of 4 -> 1/3 each
    # mean = (0.5 + 0.25 + 0.2 + 1 + 1/3 + 1/3) / 6 = 2.61667 / 6 = 0.43611
    row = one_row(
        warehouse,
        """
        select choice_items, items_answered, items_unanswered, items_split, mean_maturity_score
        from marts.sector_section_summary where service_code = 'social_care' and section_no = 1
    """,
    )
    assert row[:4] == (13, 6, 7, 0)
    assert float(row[4]) == approx(0.4361)


def test_social_care_information_sharing_summary_counts_its_split_answer(warehouse):
    # Section Four, Social Care column: Q1 (398), Q2 (409), Q3 (422), Q4 confidence (435),
    # Q8a (471), Q8b (478) single marks; Q4 willingness split in words (442/444); Q10 empty
    # (489-491) -> 8 items, 7 answered of which 1 split, 1 unanswered
    row = one_row(
        warehouse,
        """
        select choice_items, items_answered, items_split, items_unanswered
        from marts.sector_section_summary where service_code = 'social_care' and section_no = 4
    """,
    )
    assert row == (8, 7, 1, 1)


# --- cluster -------------------------------------------------------------------------------


def test_cluster_mart_lists_the_17_clusters_without_the_total_row(warehouse):
    # Fig 14 lines 847-863 list 17 clusters; line 864 is the Total row
    assert warehouse.query("select count(*) from marts.cluster") == [(17,)]
    assert warehouse.query("select count(*) from marts.cluster where cluster_name = 'Total'") == [(0,)]


def test_okehampton_and_tavistock_cafs_per_1000_is_10_23(warehouse):
    # line 858: 109 CAFs, 10656 children aged 0-19 -> 109 / 10656 x 1000 = 10.2290 (printed 10.23)
    cafs_per_1000, published = one_row(
        warehouse,
        """
        select cafs_per_1000, cafs_per_1000_published
        from marts.cluster where cluster_name = 'Okehampton & Tavistock'
    """,
    )
    assert round(float(cafs_per_1000), 2) == 10.23
    assert float(cafs_per_1000) == pytest.approx(109 / 10656 * 1000, abs=0.0001)
    assert float(published) == 10.23


def test_honiton_fig17_spelling_resolves_to_its_fig14_row_with_its_qa_scores(warehouse):
    # Fig 17 line 944 prints "Honiton/Axe Valley 89% 97% 85%"; Fig 14 line 854 prints
    # "Honiton & Axe Valley 33 8033 4.11"
    row = one_row(
        warehouse,
        """
        select cluster_name, cluster_name_fig17, cafs, population_0_19, has_qa_data,
               qa_lowest_pct, qa_highest_pct, qa_average_pct, source_line_fig14, source_line_fig17
        from marts.cluster where cluster_name_fig17 = 'Honiton/Axe Valley'
    """,
    )
    assert row[:5] == ("Honiton & Axe Valley", "Honiton/Axe Valley", 33, 8033, True)
    assert [float(v) for v in row[5:8]] == [89, 97, 85]
    assert row[8:] == (854, 944)


def test_exeter_predicted_cafs_in_the_867_scenario(warehouse):
    # line 876: share 27.53% of 867 -> 27.53 x 867 / 100 = 23868.51 / 100 = 238.6851
    # (printed 238.69); difference 97 - 238.6851 = -141.6851 (printed -141.69)
    row = one_row(
        warehouse,
        """
        select predicted_cafs_867, predicted_cafs_867_published, difference_867, difference_867_published
        from marts.cluster where cluster_name = 'Exeter'
    """,
    )
    assert [float(v) for v in row] == [approx(238.6851), 238.69, approx(-141.6851), -141.69]


def test_exeter_recomputed_5000_prediction_differs_from_the_printed_one(warehouse):
    # line 902: 27.53 x 5000 / 100 = 1376.50, printed 1376.53 (the report used an unrounded
    # share); difference 97 - 1376.50 = -1279.50, printed -1279.53
    row = one_row(
        warehouse,
        """
        select predicted_cafs_5000, predicted_cafs_5000_published, difference_5000, difference_5000_published
        from marts.cluster where cluster_name = 'Exeter'
    """,
    )
    assert [float(v) for v in row] == [approx(1376.5), 1376.53, approx(-1279.5), -1279.53]


def test_no_data_cluster_has_null_qa_scores(warehouse):
    # Fig 17 line 950 "Teign Valley & Dartmoor  No Data No Data No Data" is Fig 14's
    # "Teign Valley & South Dartmoor" (line 860)
    row = one_row(
        warehouse,
        """
        select cluster_name_fig17, has_qa_data, qa_lowest_pct, qa_highest_pct, qa_average_pct, rank_qa_average
        from marts.cluster where cluster_name = 'Teign Valley & South Dartmoor'
    """,
    )
    assert row == ("Teign Valley & Dartmoor", False, None, None, None, None)


def test_dawlish_and_teignmouth_has_the_highest_cafs_per_1000(warehouse):
    # Fig 14: 120 / 8063 x 1000 = 14.88, above Tiverton 83 / 6215 x 1000 = 13.35 and every other row
    assert warehouse.query("select cluster_name from marts.cluster where rank_cafs_per_1000 = 1") == [
        ("Dawlish & Teignmouth",)
    ]


def test_every_printed_cluster_spelling_has_an_alias(warehouse):
    # the five Fig 17 spellings that differ (lines 939, 940, 944, 950, 953) must all resolve
    rows = warehouse.query("""
        select cluster_name_printed from staging.stg_devon__cluster_cafs where not is_total
        union select cluster_name_printed from staging.stg_devon__idaci_predictions where not is_total
        union select cluster_name_printed from staging.stg_devon__qa_scores
        except select printed_name from seeds.cluster_aliases
    """)
    assert rows == []


# --- outcome -------------------------------------------------------------------------------


def test_outcome_has_seven_measures(warehouse):
    # 3 CAF review percentages (line 681) + 4 parent self-report measures (lines 704-734)
    assert warehouse.query("select count(*) from marts.outcome") == [(7,)]


def test_parent_satisfaction_is_recomputed_from_22_of_23(warehouse):
    # line 704: "95.5% (22/23)" -> 22 / 23 x 100 = 95.6522; published - recomputed = -0.1522
    row = one_row(
        warehouse,
        """
        select numerator, denominator, pct, pct_published, pct_difference, source_line
        from marts.outcome where source = 'parent_self_report' and measure = 'satisfied'
    """,
    )
    numerator, denominator, pct, published, difference, line = row
    assert (numerator, denominator, line) == (22, 23, 704)
    assert float(pct) == approx(22 / 23 * 100)
    assert float(published) == 95.5
    assert float(difference) == approx(95.5 - 22 / 23 * 100)


def test_parent_confidence_is_printed_a_little_above_its_ratio(warehouse):
    # line 724: "90.5% (19/21)" -> 19 / 21 x 100 = 90.4762; 90.5 - 90.4762 = +0.0238
    pct, difference = one_row(
        warehouse,
        """
        select pct, pct_difference from marts.outcome
        where source = 'parent_self_report' and measure = 'confidence_increased'
    """,
    )
    assert float(pct) == approx(19 / 21 * 100)
    assert float(difference) == approx(0.0238)


def test_caf_review_percentages_have_no_counts_to_recompute(warehouse):
    # line 681: 18.7% of children and young people, 20.6% of parent/carers and 12.8% of lead
    # professionals - no counts printed
    rows = warehouse.query("""
        select respondent_group, numerator, denominator, pct, pct_published
        from marts.outcome where source = 'caf_review' order by pct_published desc
    """)
    assert [(g, n, d, p, float(pub)) for g, n, d, p, pub in rows] == [
        ("parent_carer", None, None, None, 20.6),
        ("child_young_person", None, None, None, 18.7),
        ("lead_professional", None, None, None, 12.8),
    ]
