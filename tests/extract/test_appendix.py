"""The appendix extractor: complete, exact (values read by eye from the document), strict, deterministic."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from extract import appendix
from extract.writer import ExtractionError, render_csv
from warehouse.documents import read_lines
from warehouse.tables import appendix as appendix_tables

LEADERS_ONLY = {1, 13, 14, 24, 25, 38, 39, 48, 49, 59}
PRACTICE_RANGES = {
    "multi_agency_working": (1, 13),
    "information_sharing": (14, 24),
    "common_assessment_framework": (25, 38),
    "team_around_the_child": (39, 48),
    "lead_professional": (49, 59),
}

Tables = dict[str, list[dict[str, Any]]]


@pytest.fixture(scope="module")
def tables(appendix_path: Path) -> Tables:
    return appendix.extract(appendix_path)


def _one(rows: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    found = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, f"{len(found)} rows match {match}"
    return found[0]


def _band(tables: Tables, question_id: int, cell_code: str) -> tuple[int, int, int]:
    row = _one(tables["mean_score_bands"], question_id=question_id, cell_code=cell_code)
    return row["trusts"], row["trusts_pct_published"], row["source_line"]


def _response(tables: Tables, question_id: int, response_code: str) -> tuple[Any, ...]:
    row = _one(tables["responses"], question_id=question_id, response_code=response_code)
    return (
        row["response_label"],
        row["leaders_managers"],
        row["frontline"],
        row["total"],
        row["proportion_pct_published"],
        row["source_line"],
    )


def _averages(tables: Tables, question_id: int) -> tuple[list[Decimal], int]:
    rows = [r for r in tables["average_scores"] if r["question_id"] == question_id]
    assert [r["audience"] for r in rows] == ["leaders_managers", "frontline", "total"]
    assert len({r["source_line"] for r in rows}) == 1
    return [r["avg_score_published"] for r in rows], rows[0]["source_line"]


def _descriptor(tables: Tables, question_id: int, point_score: int) -> dict[str, Any]:
    return _one(tables["descriptors"], question_id=question_id, point_score=point_score)


def _question(tables: Tables, question_id: int) -> dict[str, Any]:
    return _one(tables["questions"], question_id=question_id)


# ---------------------------------------------------------------------------------------------
# Declarations
# ---------------------------------------------------------------------------------------------


def test_every_declared_table_is_extracted_and_renders_as_csv(tables: Tables) -> None:
    assert [t.name for t in appendix_tables.TABLES] == list(tables)
    for table in appendix_tables.TABLES:
        assert table.document == "appendix"
        assert render_csv(table, tables[table.name]).count("\n") == len(tables[table.name]) + 1


def test_every_table_key_is_unique(tables: Tables) -> None:
    for table in appendix_tables.TABLES:
        keys = Counter(tuple(row[k] for k in table.key) for row in tables[table.name])
        assert max(keys.values()) == 1, table.name


def test_no_value_is_a_float(tables: Tables) -> None:
    for rows in tables.values():
        for row in rows:
            assert not any(isinstance(v, float) for v in row.values())


# ---------------------------------------------------------------------------------------------
# Completeness
# ---------------------------------------------------------------------------------------------


def test_there_are_59_questions_numbered_1_to_59_in_order(tables: Tables) -> None:
    assert [q["question_id"] for q in tables["questions"]] == list(range(1, 60))


def test_the_five_practices_cover_their_question_ranges(tables: Tables) -> None:
    practices = tables["practices"]
    assert [p["practice_code"] for p in practices] == list(PRACTICE_RANGES)
    assert [p["practice_order"] for p in practices] == [1, 2, 3, 4, 5]
    for p in practices:
        assert (p["first_question_id"], p["last_question_id"]) == PRACTICE_RANGES[p["practice_code"]]


def test_each_question_belongs_to_the_practice_whose_range_holds_it(tables: Tables) -> None:
    for q in tables["questions"]:
        first, last = PRACTICE_RANGES[q["practice_code"]]
        assert first <= q["question_id"] <= last


@pytest.mark.parametrize(
    "table, per_question",
    [("descriptors", 3), ("mean_score_bands", 8), ("responses", 7), ("average_scores", 3)],
)
def test_each_question_has_its_full_set_of_rows(tables: Tables, table: str, per_question: int) -> None:
    counts = Counter(row["question_id"] for row in tables[table])
    assert counts == dict.fromkeys(range(1, 60), per_question)


def test_rows_are_in_document_order(tables: Tables) -> None:
    for name in ("questions", "mean_score_bands", "responses", "average_scores"):
        lines = [row["source_line"] for row in tables[name]]
        assert lines == sorted(lines), name


def test_leaders_only_marks_exactly_the_first_and_last_question_of_each_practice(tables: Tables) -> None:
    assert {q["question_id"] for q in tables["questions"] if q["leaders_only"]} == LEADERS_ONLY


def test_leaders_only_questions_are_exactly_those_with_two_missing_trusts(tables: Tables) -> None:
    # The document explains that two trusts supplied no leaders and managers.
    two_missing = {
        r["question_id"]
        for r in tables["mean_score_bands"]
        if r["cell_code"] == "missing_responses" and r["trusts"] == 2
    }
    assert two_missing == LEADERS_ONLY


def test_score_is_null_only_for_not_applicable_and_dont_know(tables: Tables) -> None:
    for r in tables["responses"]:
        expected = None if r["response_code"] in ("not_applicable", "dont_know") else int(r["response_code"][-1])
        assert r["score"] == expected


# ---------------------------------------------------------------------------------------------
# Exactness: values read by eye from the document
# ---------------------------------------------------------------------------------------------


def test_practice_headings_are_read_with_their_lines(tables: Tables) -> None:
    got = [(p["practice_name"], p["source_line"]) for p in tables["practices"]]
    assert got == [
        ("Multi-agency working", 21),
        ("Information sharing", 346),
        ("Common assessment framework (CAF)", 618),
        ("Team around the child (TAC)", 964),
        ("Lead professional", 1214),
    ]


def test_q1_title_descriptors_bands_responses_and_averages(tables: Tables) -> None:
    q = _question(tables, 1)
    assert q["question_text"].startswith("Have you defined how multi agency working can enhance services")
    assert q["source_line"] == 32
    assert (
        _descriptor(tables, 1, 1)["descriptor_text"]
        == "Multi agency working has developed in an ad hoc and reactive way"
    )
    assert _descriptor(tables, 1, 1)["source_line"] == 35
    assert _band(tables, 1, "total_above_midpoint") == (139, 94, 41)
    assert _band(tables, 1, "missing_responses") == (2, 1, 41)
    assert _response(tables, 1, "score_3") == ("3 - midpoint", 1220, 25, 1245, 36, 49)
    assert _averages(tables, 1) == ([Decimal("3.49"), Decimal("3.42"), Decimal("3.49")], 54)


def test_q3_title_printed_after_its_descriptors_is_attributed_correctly(tables: Tables) -> None:
    assert _question(tables, 3)["source_line"] == 85
    assert _descriptor(tables, 3, 1)["source_line"] == 81
    assert _descriptor(tables, 3, 1)["descriptor_text"].startswith(
        "Agencies don't seek the input of vulnerable children"
    )
    assert _descriptor(tables, 2, 5)["descriptor_text"].startswith("I am involved and consulted early")


def test_q3_en_dash_row_labels_are_kept_as_printed(tables: Tables) -> None:
    assert _response(tables, 3, "score_1") == ("1 \u2013 fragmented", 164, 311, 475, 6, 95)
    assert _response(tables, 3, "score_2") == ("2", 948, 1238, 2186, 26, 96)
    assert _response(tables, 3, "score_3")[0] == "3 \u2013 midpoint"
    assert _band(tables, 3, "from_2_5_to_2_8") == (60, 40, 89)


def test_q5_count_without_thousands_separator_is_read(tables: Tables) -> None:
    assert _response(tables, 5, "score_1") == ("1 - fragmented", 698, 980, 1678, 20, 143)
    assert _response(tables, 5, "score_2") == ("2", 1031, 1114, 2145, 26, 144)
    assert _band(tables, 5, "below_2_5") == (58, 39, 137)
    assert _averages(tables, 5) == ([Decimal("2.46"), Decimal("2.68"), Decimal("2.59")], 150)


def test_q6_band_table_with_only_missing_responses_in_its_header(tables: Tables) -> None:
    assert _question(tables, 6)["source_line"] == 157
    assert _descriptor(tables, 6, 3)["source_line"] == 154
    assert _band(tables, 6, "below_2_5") == (18, 12, 161)
    assert _band(tables, 6, "total_above_midpoint") == (45, 30, 161)
    assert _response(tables, 6, "dont_know") == ("Don't know", 346, 702, 1048, 13, 173)


def test_q7_wrapped_descriptors_are_joined(tables: Tables) -> None:
    frag = _descriptor(tables, 7, 1)
    assert (frag["level_label"], frag["source_line"]) == ("Fragmented", 179)
    assert frag["descriptor_text"] == (
        "Our multi agency models and approaches are not yet well developed. "
        "They currently exclude many localities and services"
    )
    top = _descriptor(tables, 7, 5)
    assert (top["level_label"], top["source_line"]) == ("Integrated & high quality", 182)
    assert "across the trust (or the part of the trust I know about). We have reviewed" in top["descriptor_text"]
    assert top["descriptor_text"].endswith("maximising the impact we can have")
    assert _descriptor(tables, 7, 3)["source_line"] == 181


def test_q8_and_q9_garbled_band_headers_do_not_shift_the_cells(tables: Tables) -> None:
    assert _band(tables, 8, "from_3_2_to_3_5") == (60, 40, 212)
    assert _band(tables, 8, "total_above_midpoint") == (115, 77, 212)
    assert _band(tables, 9, "total_above_midpoint") == (146, 97, 236)
    assert _band(tables, 9, "from_3_5") == (75, 50, 236)


def test_q12_title_after_descriptors(tables: Tables) -> None:
    assert _question(tables, 12)["source_line"] == 304
    assert _question(tables, 12)["question_text"] == "Do leaders and managers support and promote multi agency working?"
    assert (
        _descriptor(tables, 12, 1)["descriptor_text"] == "Leaders focus primarily on the workings of their own agency"
    )
    assert _band(tables, 12, "from_3_2_to_3_5") == (67, 45, 308)


def test_q14_en_dash_labels_and_band_cells(tables: Tables) -> None:
    assert _response(tables, 14, "score_1")[0] == "1 \u2013 fragmented"
    assert _band(tables, 14, "from_3_5") == (62, 42, 364)
    assert _question(tables, 14)["source_line"] == 355


def test_q18_band_row_without_trailing_tab(tables: Tables) -> None:
    assert _band(tables, 18, "total_above_midpoint") == (150, 100, 460)
    assert _band(tables, 18, "from_3_5") == (140, 93, 460)


def test_q20_header_without_missing_responses_label(tables: Tables) -> None:
    assert _band(tables, 20, "from_3_2_to_3_5") == (72, 48, 508)
    assert _band(tables, 20, "missing_responses") == (0, 0, 508)


def test_q25_band_title_split_across_cells(tables: Tables) -> None:
    assert _band(tables, 25, "from_3_5") == (92, 62, 637)
    assert _band(tables, 25, "missing_responses") == (2, 1, 637)
    assert _question(tables, 25)["leaders_only"] is True


def test_q26_dash_remnant_before_band_table(tables: Tables) -> None:
    assert _band(tables, 26, "below_2_5") == (38, 25, 662)
    assert _response(tables, 26, "not_applicable") == ("Not applicable", 221, 572, 793, 10, 673)
    assert _averages(tables, 26) == ([Decimal("3.07"), Decimal("2.54"), Decimal("2.76")], 675)


def test_q33_dont_know_and_averages(tables: Tables) -> None:
    assert _question(tables, 33)["source_line"] == 821
    assert _response(tables, 33, "dont_know") == ("Don't know", 696, 1254, 1950, 25, 842)
    assert _averages(tables, 33) == ([Decimal("2.94"), Decimal("2.96"), Decimal("2.95")], 843)


def test_q36_title_after_descriptors(tables: Tables) -> None:
    assert _question(tables, 36)["source_line"] == 898
    assert _descriptor(tables, 36, 1)["descriptor_text"].startswith("Training on the CAF is available periodically")
    assert _descriptor(tables, 36, 1)["source_line"] == 894
    assert _band(tables, 36, "total_above_midpoint") == (129, 86, 902)


def test_q42_header_with_broken_spacing_and_title_after_descriptors(tables: Tables) -> None:
    assert _question(tables, 42)["source_line"] == 1052
    assert _descriptor(tables, 42, 5)["source_line"] == 1050
    assert _band(tables, 42, "from_3_2_to_3_5") == (39, 26, 1056)


def test_q47_responses(tables: Tables) -> None:
    assert _question(tables, 47)["source_line"] == 1167
    assert _response(tables, 47, "score_1") == ("1 - fragmented", 437, 646, 1083, 14, 1182)


def test_q48_leaders_only_question_has_small_front_line_counts(tables: Tables) -> None:
    assert _response(tables, 48, "dont_know") == ("Don't know", 493, 18, 511, 16, 1211)
    assert _averages(tables, 48) == ([Decimal("2.53"), Decimal("2.49"), Decimal("2.53")], 1212)


def test_q50_band_cells(tables: Tables) -> None:
    assert _band(tables, 50, "below_2_5") == (85, 57, 1256)
    assert _band(tables, 50, "from_3_5") == (0, 0, 1256)


def test_q51_descriptors_with_trailing_tabs_and_title_after_them(tables: Tables) -> None:
    assert _question(tables, 51)["source_line"] == 1276
    assert _question(tables, 51)["question_text"] == "Is the lead professional model of working fully developed?"
    frag = _descriptor(tables, 51, 1)
    assert frag["source_line"] == 1272
    assert frag["descriptor_text"].endswith("reluctance from practitioners to taking on the functions")
    assert _band(tables, 51, "below_2_5") == (83, 55, 1280)


def test_q55_responses(tables: Tables) -> None:
    assert _response(tables, 55, "score_2") == ("2", 617, 693, 1310, 17, 1383)


def test_q57_band_title_with_odd_prefix(tables: Tables) -> None:
    assert _band(tables, 57, "total_above_midpoint") == (49, 33, 1424)


def test_q58_chart_caption_and_dashes_before_band_table(tables: Tables) -> None:
    assert _band(tables, 58, "below_2_5") == (77, 51, 1451)
    assert _descriptor(tables, 58, 5)["source_line"] == 1444


def test_q59_last_question_of_the_document(tables: Tables) -> None:
    assert _question(tables, 59)["source_line"] == 1466
    assert _band(tables, 59, "missing_responses") == (2, 1, 1475)
    assert _response(tables, 59, "score_3") == ("3 - midpoint", 659, 14, 673, 21, 1482)
    assert _averages(tables, 59) == ([Decimal("2.42"), Decimal("2.42"), Decimal("2.42")], 1487)


def test_level_labels_are_the_three_printed_levels(tables: Tables) -> None:
    labels = Counter((d["point_score"], d["level_label"]) for d in tables["descriptors"])
    assert labels == {(1, "Fragmented"): 59, (3, "Midpoint"): 59, (5, "Integrated & high quality"): 59}


# ---------------------------------------------------------------------------------------------
# Malformed input fails loudly, at the right line
# ---------------------------------------------------------------------------------------------


def _altered(tmp_path: Path, appendix_path: Path, change: Callable[[list[str]], list[str]]) -> Path:
    out = tmp_path / "appendix.txt"
    out.write_text("\n".join(change(read_lines(appendix_path))), encoding="utf-8")
    return out


def _replace_line(number: int, old: str, new: str) -> Callable[[list[str]], list[str]]:
    def change(lines: list[str]) -> list[str]:
        assert old in lines[number - 1]
        lines[number - 1] = lines[number - 1].replace(old, new, 1)
        return lines

    return change


def _blank_lines(*numbers: int) -> Callable[[list[str]], list[str]]:
    """Empty the given lines, keeping every other line where it was."""

    def change(lines: list[str]) -> list[str]:
        for n in numbers:
            lines[n - 1] = ""
        return lines

    return change


def _assert_fails_at(path: Path, line: int, *fragments: str) -> None:
    with pytest.raises(ExtractionError) as err:
        appendix.extract(path)
    assert err.value.line == line
    assert f":{line}:" in str(err.value)
    for fragment in fragments:
        assert fragment in str(err.value)


def test_a_document_truncated_mid_question_fails_at_its_end(tmp_path: Path, appendix_path: Path) -> None:
    path = _altered(tmp_path, appendix_path, lambda lines: lines[:137])  # Q5 stops after its band table
    _assert_fails_at(path, 137, "question 5", "response table")


def test_a_band_row_with_a_cell_removed_fails_at_that_row(tmp_path: Path, appendix_path: Path) -> None:
    path = _altered(tmp_path, appendix_path, _replace_line(236, "146 (97%)\t", ""))
    _assert_fails_at(path, 236, "expected 8 band cells", "found 7")


def test_a_non_numeric_count_fails_at_its_row(tmp_path: Path, appendix_path: Path) -> None:
    path = _altered(tmp_path, appendix_path, _replace_line(96, "1,238", "1,2x5"))
    _assert_fails_at(path, 96, "1,2x5")


def test_a_badly_grouped_thousands_separator_fails(tmp_path: Path, appendix_path: Path) -> None:
    path = _altered(tmp_path, appendix_path, _replace_line(143, "1678", "16,78"))
    _assert_fails_at(path, 143, "16,78")


def test_a_missing_average_point_score_line_fails_where_it_was_expected(tmp_path: Path, appendix_path: Path) -> None:
    path = _altered(tmp_path, appendix_path, _blank_lines(150))
    _assert_fails_at(path, 150, "Average point score")


def test_a_skipped_question_number_fails_at_that_title(tmp_path: Path, appendix_path: Path) -> None:
    path = _altered(tmp_path, appendix_path, _replace_line(203, "8. Does", "9. Does"))
    _assert_fails_at(path, 203, "expected question 8, found question 9")


def test_a_duplicated_question_number_fails_at_the_second_title(tmp_path: Path, appendix_path: Path) -> None:
    path = _altered(tmp_path, appendix_path, _replace_line(227, "9. Is", "8. Is"))
    _assert_fails_at(path, 227, "expected question 9, found question 8")


def test_a_question_without_its_band_table_fails_at_its_response_table(tmp_path: Path, appendix_path: Path) -> None:
    path = _altered(tmp_path, appendix_path, _blank_lines(135, 136, 137))
    _assert_fails_at(path, 142, "question 5", "band table")


def test_a_question_without_its_title_fails(tmp_path: Path, appendix_path: Path) -> None:
    path = _altered(tmp_path, appendix_path, _blank_lines(104))  # Q4's title
    _assert_fails_at(path, 111, "band table", "title")


def test_a_missing_practice_heading_fails(tmp_path: Path, appendix_path: Path) -> None:
    path = _altered(tmp_path, appendix_path, _blank_lines(346))
    _assert_fails_at(path, 348, "expected practice heading 'Information sharing' after question 13")


def test_a_response_row_out_of_order_fails(tmp_path: Path, appendix_path: Path) -> None:
    path = _altered(tmp_path, appendix_path, _replace_line(48, "2\t", "Not applicable\t"))
    _assert_fails_at(path, 48, "expected response row '2'")


def test_a_descriptor_row_without_its_score_fails(tmp_path: Path, appendix_path: Path) -> None:
    path = _altered(tmp_path, appendix_path, _replace_line(36, "Midpoint (3)", "Midpoint"))
    _assert_fails_at(path, 36, "expected descriptor row 'Midpoint (3)'")


# ---------------------------------------------------------------------------------------------
# Determinism
# ---------------------------------------------------------------------------------------------


def test_extracting_twice_gives_identical_rows(appendix_path: Path, tables: Tables) -> None:
    again = appendix.extract(appendix_path)
    assert again == tables
    for table in appendix_tables.TABLES:
        assert render_csv(table, again[table.name]) == render_csv(table, tables[table.name])
