"""Tests of the devon extractor: expected values were read by eye from the source document."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from extract import devon
from extract.writer import ExtractionError, render_csv
from warehouse.documents import read_lines
from warehouse.tables import devon as devon_tables

Rows = dict[str, list[dict[str, Any]]]


@pytest.fixture(scope="module")
def tables(devon_path: Path) -> Rows:
    return devon.extract(devon_path)


def _one(rows: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    found = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, f"expected one row matching {match}, found {len(found)}"
    return found[0]


def _write_altered(devon_path: Path, tmp_path: Path, edit: Callable[[list[str]], list[str]]) -> Path:
    lines = edit(read_lines(devon_path))
    out = tmp_path / "devon_altered.txt"
    out.write_text("\n".join(lines), encoding="utf-8")
    return out


def _error_line(path: Path) -> int:
    with pytest.raises(ExtractionError) as info:
        devon.extract(path)
    match = re.search(r"\.txt:(\d+): ", str(info.value))
    assert match, f"no line number in {info.value}"
    assert info.value.line == int(match.group(1))
    return int(match.group(1))


# --- declarations -----------------------------------------------------------------------------


def test_every_declared_table_is_extracted_and_renders(tables: Rows) -> None:
    assert set(tables) == {t.name for t in devon_tables.TABLES}
    for table in devon_tables.TABLES:
        assert table.document == "devon"
        assert render_csv(table, tables[table.name]).count("\n") == len(tables[table.name]) + 1


def test_every_row_has_a_positive_source_line_and_no_floats(tables: Rows) -> None:
    for name, rows in tables.items():
        for row in rows:
            assert row["source_line"] >= 1, name
            assert not any(isinstance(v, float) for v in row.values()), name


def test_table_keys_are_unique(tables: Rows) -> None:
    for table in devon_tables.TABLES:
        keys = Counter(tuple(r[k] for k in table.key) for r in tables[table.name])
        assert max(keys.values()) == 1, table.name


# --- completeness -----------------------------------------------------------------------------


def test_there_are_seven_services_in_template_column_order(tables: Rows) -> None:
    assert [r["service_name"] for r in tables["services"]] == [
        "Police",
        "PCT",
        "Connexions",
        "YOT 1",
        "YOT 2",
        "Children's Centre",
        "Social Care",
    ]
    assert [r["service_order"] for r in tables["services"]] == list(range(1, 8))


def test_the_template_has_four_sections_with_the_items_counted_by_eye(tables: Rows) -> None:
    per_section = Counter(r["section_no"] for r in tables["template_items"])
    assert per_section == {1: 17, 2: 5, 3: 15, 4: 12}


def test_choice_options_per_section_match_the_count_by_eye(tables: Rows) -> None:
    section_of = {r["item_code"]: r["section_no"] for r in tables["template_items"]}
    per_section = Counter(section_of[r["item_code"]] for r in tables["template_options"])
    assert per_section == {1: 56, 2: 14, 3: 46, 4: 34}


def test_every_choice_option_has_all_seven_service_cells(tables: Rows) -> None:
    cells = Counter((r["item_code"], r["option_order"]) for r in tables["template_marks"])
    options = {(r["item_code"], r["option_order"]) for r in tables["template_options"]}
    assert set(cells) == options
    assert set(cells.values()) == {7}


def test_every_free_text_block_has_all_seven_services(tables: Rows) -> None:
    blocks = Counter(r["item_code"] for r in tables["template_free_text"])
    assert len(blocks) == 18
    assert set(blocks.values()) == {7}


def test_each_cluster_figure_lists_seventeen_clusters_plus_printed_totals(tables: Rows) -> None:
    fig14 = tables["cluster_cafs"]
    assert len(fig14) == 18 and [r["is_total"] for r in fig14].count(True) == 1
    for scenario in (867, 5000):
        rows = [r for r in tables["idaci_predictions"] if r["scenario_total"] == scenario]
        assert len(rows) == 18 and rows[-1]["cluster_name"] == "Total"
    assert len(tables["qa_scores"]) == 17


def test_part_three_has_six_pathways_for_three_areas(tables: Rows) -> None:
    rows = tables["pathway_switch_off"]
    assert len({r["pathway"] for r in rows}) == 6
    assert Counter(r["operational_area"] for r in rows) == {"Northern": 6, "Southern": 6, "Eastern": 6}


# --- exactness: template -----------------------------------------------------------------------


def test_section_one_question_seven_sub_items_are_in_printed_order(tables: Rows) -> None:
    subs = [r for r in tables["template_items"] if r["item_code"].startswith("s1_q07_")]
    assert [r["sub_item_text"] for r in subs][:3] == [
        "Practitioners now act earlier",
        "Services are more responsive",
        "Services are more appropriate",
    ]
    assert _one(subs, item_code="s1_q07_a")["source_line"] == 141
    assert _one(subs, item_code="s1_q07_i")["item_kind"] == "free_text"


def test_a_printed_total_that_contradicts_its_marks_is_kept(tables: Rows) -> None:
    # Line 294: Section Three Q3 'None' prints Total 1 with no service marked.
    option = _one(tables["template_options"], item_code="s3_q03", option_order=1)
    assert (option["option_text"], option["total_published"], option["source_line"]) == ("None", 1, 294)
    marks = [r for r in tables["template_marks"] if r["item_code"] == "s3_q03" and r["option_order"] == 1]
    assert all(r["cell_text"] is None and r["mark"] is None for r in marks)


def test_a_one_mark_is_read_in_its_service_column(tables: Rows) -> None:
    # Line 89: 'There is a good understanding' marked by Connexions, YOT 2, Children's Centre; Total 3.
    marks = [r for r in tables["template_marks"] if r["source_line"] == 89 and r["mark"] == 1]
    assert [r["service_code"] for r in marks] == ["connexions", "yot_2", "childrens_centre"]
    assert _one(tables["template_options"], source_line=89)["total_published"] == 3


def test_social_care_split_answer_keeps_managers_and_practitioners_as_text(tables: Rows) -> None:
    willing = _one(tables["template_marks"], item_code="s4_q04_b", option_order=2, service_code="social_care")
    not_very = _one(tables["template_marks"], item_code="s4_q04_b", option_order=4, service_code="social_care")
    assert (willing["cell_text"], willing["mark"], willing["source_line"]) == ("Managers", None, 442)
    assert (not_very["cell_text"], not_very["mark"], not_very["source_line"]) == ("Practitioners", None, 444)
    assert _one(tables["template_options"], item_code="s4_q04_b", option_order=2)["total_published"] == 6


def test_broken_header_at_lines_405_to_408_still_yields_social_care_marks(tables: Rows) -> None:
    # Line 409: Police, Connexions and Social Care marked; Total 3.
    marks = [r for r in tables["template_marks"] if r["source_line"] == 409 and r["mark"] == 1]
    assert [r["service_code"] for r in marks] == ["police", "connexions", "social_care"]


def test_wrapped_free_text_answers_are_joined_per_column(tables: Rows) -> None:
    # Lines 126 and 128: Section One Q5 answers wrap onto a second line.
    assert (
        _one(tables["template_free_text"], item_code="s1_q05", service_code="police")["answer_text"]
        == "Youth Intervention Officers"
    )
    assert (
        _one(tables["template_free_text"], item_code="s1_q05", service_code="childrens_centre")["answer_text"]
        == "Children's Centre, Pre School, Childminders"
    )


def test_header_fragment_centre_is_not_an_answer(tables: Rows) -> None:
    # Line 457: 'Centre' in the Children's Centre column completes the header 'Children's' of line 454.
    row = _one(tables["template_free_text"], item_code="s4_q06", service_code="childrens_centre")
    assert row["answer_text"] is None
    assert (
        _one(tables["template_free_text"], item_code="s4_q06", service_code="police")["answer_text"]
        == "Willingness to share not being frightened"
    )


def test_describe_this_row_is_free_text_of_its_choice_question(tables: Rows) -> None:
    row = _one(tables["template_free_text"], item_code="s1_q06", service_code="childrens_centre")
    assert (row["prompt_text"], row["answer_text"], row["source_line"]) == ("Describe this", "Monthly supervision", 138)


def test_comment_under_section_four_question_two_is_kept(tables: Rows) -> None:
    assert _one(tables["template_items"], item_code="s4_q02")["comment_text"] == "Comment: What do we mean by 'plans'?"


# --- exactness: performance report ----------------------------------------------------------


def test_fig14_okehampton_row_is_exact(tables: Rows) -> None:
    row = _one(tables["cluster_cafs"], cluster_name="Okehampton & Tavistock")
    assert (row["cafs"], row["population_0_19"], row["cafs_per_1000_published"], row["source_line"]) == (
        109,
        10656,
        Decimal("10.23"),
        858,
    )


def test_fig14_total_keeps_na_rate_as_null_with_text(tables: Rows) -> None:
    row = _one(tables["cluster_cafs"], cluster_name="Total")
    assert (row["cafs"], row["population_0_19"], row["source_line"]) == (867, 154656, 864)
    assert row["cafs_per_1000_published"] is None and row["cafs_per_1000_text"] == "N/A"


def test_fig15_exeter_row_keeps_printed_decimals(tables: Rows) -> None:
    row = _one(tables["idaci_predictions"], scenario_total=867, cluster_name="Exeter")
    assert (
        row["idaci_share_pct_published"],
        row["predicted_cafs_published"],
        row["actual_cafs"],
        row["difference_published"],
    ) == (
        Decimal("27.53"),
        Decimal("238.69"),
        97,
        Decimal("-141.69"),
    )
    assert row["source_line"] == 876
    assert (
        str(
            _one(tables["idaci_predictions"], scenario_total=867, cluster_name="Barnstaple")[
                "idaci_share_pct_published"
            ]
        )
        == "8.40"
    )


def test_fig16_total_row_prints_5000_without_decimals(tables: Rows) -> None:
    row = _one(tables["idaci_predictions"], scenario_total=5000, cluster_name="Total")
    assert str(row["predicted_cafs_published"]) == "5000"
    assert (row["actual_cafs"], row["difference_published"], row["source_line"]) == (867, Decimal("-4133.00"), 914)


def test_fig17_honiton_scores_and_no_data_rows(tables: Rows) -> None:
    row = _one(tables["qa_scores"], cluster_name="Honiton/Axe Valley")
    assert (
        row["lowest_pct_published"],
        row["highest_pct_published"],
        row["average_pct_published"],
        row["source_line"],
    ) == (89, 97, 85, 944)
    bideford = _one(tables["qa_scores"], cluster_name="Bideford")
    assert bideford["has_data"] is False and bideford["average_pct_published"] is None
    assert sum(r["has_data"] for r in tables["qa_scores"]) == 8


def test_caf_review_outcomes_are_the_three_printed_percentages(tables: Rows) -> None:
    got = {r["respondent_group"]: (r["pct_published"], r["source_line"]) for r in tables["caf_review_outcomes"]}
    assert got == {
        "child_young_person": (Decimal("18.7"), 681),
        "parent_carer": (Decimal("20.6"), 681),
        "lead_professional": (Decimal("12.8"), 681),
    }


def test_parent_satisfaction_is_22_of_23_at_95_5(tables: Rows) -> None:
    row = _one(tables["parent_feedback"], measure="satisfied")
    assert (row["numerator"], row["denominator"], row["pct_published"], row["source_line"]) == (
        22,
        23,
        Decimal("95.5"),
        704,
    )
    assert _one(tables["parent_feedback"], measure="issues_improved")["numerator"] == 14


def test_review_comments_keep_printed_and_repaired_scores(tables: Rows) -> None:
    first = _one(tables["review_comments"], review_order=1, respondent="parent_carer")
    assert (first["month_ia"], first["age"], first["score_value"], first["source_line"]) == (
        "Apr-08",
        9,
        Decimal("3.5"),
        689,
    )
    last = _one(tables["review_comments"], review_order=6, respondent="parent_carer")
    assert (last["score_printed"], last["score_text"], last["score_value"], last["source_line"]) == (
        "Completel y",
        "Completely",
        None,
        695,
    )
    assert _one(tables["review_comments"], review_order=4, respondent="child")["score_text"] == "n/a"


def test_practitioner_activity_percentages_are_as_printed(tables: Rows) -> None:
    fig10 = _one(tables["practitioner_activity"], figure="Fig 10", bucket="more_than_10")
    assert (fig10["pct_published"], fig10["source_line"]) == (Decimal("0.6"), 791)
    assert _one(tables["practitioner_activity"], figure="Fig 10", bucket="exactly_1")["pct_published"] == 57
    assert _one(tables["practitioner_activity"], figure="Fig 11", bucket="exactly_1")["source_line"] == 805


def test_bhlp_spend_figures_are_exact(tables: Rows) -> None:
    total = _one(tables["bhlp_spend"], measure="total_spend_to_date")
    assert (total["amount_gbp"], total["source_line"]) == (Decimal("306026"), 918)
    assert _one(tables["bhlp_spend"], measure="lowest_spend")["amount_gbp"] == Decimal("9.00")
    childcare = _one(tables["bhlp_spend"], measure="spend_childcare")
    assert (childcare["amount_gbp"], childcare["source_line"]) == (Decimal("11880"), 930)


def test_pathway_switch_off_dates_and_text(tables: Rows) -> None:
    yc = _one(tables["pathway_switch_off"], pathway="Youth Crime Prevention", operational_area="Eastern")
    assert (yc["switch_off_text"], yc["switch_off_date"], yc["source_line"]) == ("01.04.10", "2010-04-01", 635)
    tys = _one(tables["pathway_switch_off"], pathway="Targeted Youth Support", operational_area="Northern")
    assert (tys["switch_off_text"], tys["switch_off_date"]) == ("To follow", None)


def test_broken_early_years_pathway_row_is_joined(tables: Rows) -> None:
    row = _one(tables["pathway_switch_off"], pathway="Stepping Stones, Early Years", operational_area="Eastern")
    assert (row["switch_off_text"], row["source_line"]) == ("01.04.10", 638)
    assert "where there are multiple needs" in row["measures_text"]
    assert row["discretionary_text"].startswith("Discretionary for early years settings")
    schools = _one(tables["pathway_switch_off"], pathway="Stepping Stones, Schools", operational_area="Northern")
    assert schools["discretionary_text"].startswith("Discretionary for school settings")


def test_training_by_service_keeps_printed_counts_and_nulls(tables: Rows) -> None:
    rows = tables["training_by_service"]
    primary = _one(rows, source_line=994)
    assert (primary["organisation"], primary["service_area"], primary["trained"]) == ("DCC", "Primary Schools", 2)
    dcc_total = _one(rows, source_line=999)
    assert (dcc_total["is_total_row"], dcc_total["trained"]) == (True, 3)
    assert _one(rows, source_line=980)["trained"] is None
    grand = rows[-1]
    assert (grand["is_grand_total"], grand["trained"], grand["source_line"]) == (True, 5, 1058)


def test_headline_figures_are_the_stated_numbers(tables: Rows) -> None:
    got = {r["figure_code"]: (r["value"], r["source_line"]) for r in tables["headline_figures"]}
    assert got["axs_clusters"] == (Decimal("19"), 23)
    assert got["operational_areas"] == (Decimal("3"), 25)
    assert got["practitioners_trained_axs03"] == (Decimal("1500"), 36)
    assert got["cafs_sep2007_aug2009"] == (Decimal("1060"), 37)
    assert got["caf_episodes_sep2007_jun2009"] == (Decimal("867"), 760)
    assert got["cafs_age_early_years"] == (Decimal("216"), 770)
    assert got["cafs_age_key_stage_2"] == (Decimal("219"), 770)
    assert got["qa_cluster_areas_assessed"] == (Decimal("8"), 961)
    assert _one(tables["headline_figures"], figure_code="practitioners_trained_axs03")["qualifier"] == "approximately"


# --- malformed input ----------------------------------------------------------------------------


def test_document_truncated_before_fig14_fails_at_its_end(devon_path: Path, tmp_path: Path) -> None:
    path = _write_altered(devon_path, tmp_path, lambda lines: lines[:841])
    assert _error_line(path) == 841


def test_fig14_row_with_a_missing_cell_fails_at_that_row(devon_path: Path, tmp_path: Path) -> None:
    def drop_cell(lines: list[str]) -> list[str]:
        assert lines[857].startswith("Okehampton & Tavistock\t")
        lines[857] = "Okehampton & Tavistock\t109\t10.23"
        return lines

    assert _error_line(_write_altered(devon_path, tmp_path, drop_cell)) == 858


def test_fig14_non_numeric_caf_count_fails_at_that_row(devon_path: Path, tmp_path: Path) -> None:
    def spell_out(lines: list[str]) -> list[str]:
        lines[851] = lines[851].replace("\t97\t", "\tninety-seven\t")
        return lines

    assert _error_line(_write_altered(devon_path, tmp_path, spell_out)) == 852


def test_fig14_without_its_total_row_fails(devon_path: Path, tmp_path: Path) -> None:
    def drop_total(lines: list[str]) -> list[str]:
        assert lines[863].startswith("Total\t867")
        return lines[:863] + lines[864:]

    assert _error_line(_write_altered(devon_path, tmp_path, drop_total)) == 863


def test_template_header_missing_a_service_column_fails_at_the_header(devon_path: Path, tmp_path: Path) -> None:
    def drop_service(lines: list[str]) -> list[str]:
        lines[87] = lines[87].replace("\tYOT 2", "")
        return lines

    assert _error_line(_write_altered(devon_path, tmp_path, drop_service)) == 88


def test_template_header_with_a_different_service_fails_at_the_header(devon_path: Path, tmp_path: Path) -> None:
    def rename_service(lines: list[str]) -> list[str]:
        lines[95] = lines[95].replace("\tConnexions\t", "\tCareers\t")
        return lines

    assert _error_line(_write_altered(devon_path, tmp_path, rename_service)) == 96


def test_template_total_that_is_not_a_number_fails(devon_path: Path, tmp_path: Path) -> None:
    def spoil_total(lines: list[str]) -> list[str]:
        lines[88] = lines[88][: lines[88].rindex("\t")] + "\tthree"
        return lines

    assert _error_line(_write_altered(devon_path, tmp_path, spoil_total)) == 89


def test_missing_fig17_fails_at_the_next_section(devon_path: Path, tmp_path: Path) -> None:
    def drop_fig17(lines: list[str]) -> list[str]:
        assert lines[933].startswith("Fig 17 ") and lines[952].startswith("Totnes/")
        return lines[:933] + lines[953:]

    path = _write_altered(devon_path, tmp_path, drop_fig17)
    # The contents list (line 663) also names Section 8; the heading that bounds Fig 17 is the last one.
    section8 = max(i for i, line in enumerate(read_lines(path)) if line.startswith("Section 8 AXS03")) + 1
    assert _error_line(path) == section8


def test_fig20_without_its_grand_total_fails(devon_path: Path, tmp_path: Path) -> None:
    path = _write_altered(devon_path, tmp_path, lambda lines: lines[:1057])
    assert _error_line(path) == 1057


# --- determinism --------------------------------------------------------------------------------


def test_extracting_twice_gives_identical_rows(devon_path: Path, tables: Rows) -> None:
    assert devon.extract(devon_path) == tables
