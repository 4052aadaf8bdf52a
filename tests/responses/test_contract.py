"""The respondent-level contract: a malformed collection file is rejected naming file, row and
column, and a collection's loaded rows stay as they were."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from warehouse.responses.contract import ResponseFileError, collection_files, read_collection
from warehouse.responses.load import load_collection

HEADER = "collection,trust_code,respondent_id,audience,question_id,answer"
GOOD_ROWS = [
    "c2024,T001,1,leaders_managers,1,score_4",
    "c2024,T001,1,leaders_managers,2,dont_know",
    "c2024,T002,2,frontline,2,score_2",
    "c2024,T150,3,frontline,59,not_applicable",
]


def write_csv(folder: Path, rows: list[str], header: str = HEADER, name: str = "c2024") -> Path:
    path = folder / f"{name}.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def rejection(path: Path) -> ResponseFileError:
    with duckdb.connect() as con, pytest.raises(ResponseFileError) as caught:
        read_collection(con, path, path.with_name("counts.parquet"))
    return caught.value


def test_a_well_formed_file_is_read_with_its_rows_and_respondents(tmp_path):
    with duckdb.connect() as con:
        loaded = read_collection(con, write_csv(tmp_path, GOOD_ROWS), tmp_path / "counts.parquet")
    assert (loaded.collection, loaded.rows, loaded.respondents, loaded.is_synthetic) == ("c2024", 4, 3, False)


def test_the_checked_file_is_counted_per_question_trust_audience_and_answer(tmp_path):
    rows = GOOD_ROWS + ["c2024,T002,4,frontline,2,score_2", "c2024,T002,5,leaders_managers,2,score_2"]
    path, counts = write_csv(tmp_path, rows), tmp_path / "counts.parquet"
    with duckdb.connect() as con:
        read_collection(con, path, counts)
        written = con.execute(f"select * from read_parquet('{counts}') order by all").fetchall()
        expected = con.execute(
            "select collection, cast(question_id as integer), trust_code, audience, answer, cast(count(*) as integer) "
            f"from read_csv('{path}', all_varchar = true) group by all order by all"
        ).fetchall()
    assert written == expected
    assert ("c2024", 2, "T002", "frontline", "score_2", 2) in written


def test_an_answer_of_6_is_rejected_naming_row_and_column(tmp_path):
    rows = GOOD_ROWS[:2] + ["c2024,T002,2,frontline,2,score_6"] + GOOD_ROWS[3:]
    error = rejection(write_csv(tmp_path, rows))
    assert (error.row, error.column) == (3, "answer")
    assert "found 'score_6'" in str(error) and str(tmp_path / "c2024.csv") in str(error)


def test_an_unknown_trust_is_rejected_naming_row_and_column(tmp_path):
    rows = GOOD_ROWS[:3] + ["c2024,T151,3,frontline,59,not_applicable"]
    error = rejection(write_csv(tmp_path, rows))
    assert (error.row, error.column) == (4, "trust_code")
    assert "T151" in str(error)


def test_a_second_answer_of_one_respondent_to_one_question_is_rejected_naming_both_rows(tmp_path):
    rows = GOOD_ROWS + ["c2024,T001,1,leaders_managers,1,score_2"]
    error = rejection(write_csv(tmp_path, rows))
    assert (error.row, error.column) == (5, "question_id")
    assert "respondent 1 answers question 1 twice (first on row 1)" in str(error)


def test_a_missing_column_is_rejected_naming_the_column(tmp_path):
    header = HEADER.replace(",audience", "")
    rows = [",".join(r.split(",")[:3] + r.split(",")[4:]) for r in GOOD_ROWS]
    error = rejection(write_csv(tmp_path, rows, header=header))
    assert error.column == "audience" and "missing column" in str(error)


def test_a_respondent_in_two_trusts_is_rejected_naming_row_and_column(tmp_path):
    rows = GOOD_ROWS + ["c2024,T009,1,leaders_managers,3,score_1"]
    error = rejection(write_csv(tmp_path, rows))
    assert (error.row, error.column) == (5, "trust_code")
    assert "expected 'T001' as on row 1, found 'T009'" in str(error)


def test_a_question_outside_1_to_59_is_rejected(tmp_path):
    rows = GOOD_ROWS[:1] + ["c2024,T001,1,leaders_managers,60,score_4"]
    error = rejection(write_csv(tmp_path, rows))
    assert (error.row, error.column) == (2, "question_id")


def test_rows_of_a_collection_written_to_another_collections_file_are_rejected(tmp_path):
    error = rejection(write_csv(tmp_path, GOOD_ROWS, name="c2025"))
    assert (error.row, error.column) == (1, "collection")


def test_a_parquet_file_names_the_row_of_the_bad_answer(tmp_path):
    path = tmp_path / "c2024.parquet"
    with duckdb.connect() as con:
        con.execute(
            "copy (select 'c2024' as collection, 'T001' as trust_code, cast(i as bigint) as respondent_id, "
            "'frontline' as audience, 7 as question_id, case when i = 1234 then '6' else 'score_3' end as answer "
            f"from range(1, 5001) as t(i) order by i) to '{path}' (format parquet)"
        )
    error = rejection(path)
    assert (error.row, error.column) == (1234, "answer")


def test_a_bad_file_leaves_the_collections_checked_counts_as_they_were(tmp_path):
    database, store = tmp_path / "build.duckdb", tmp_path / "store"
    with duckdb.connect(str(database)) as con:
        first = load_collection(con, write_csv(tmp_path, GOOD_ROWS), "run-1", store)
        bad = write_csv(tmp_path, GOOD_ROWS + ["c2024,T001,1,leaders_managers,1,score_2"])
        with pytest.raises(ResponseFileError):
            load_collection(con, bad, "run-2", store)
        assert con.execute("select file_sha256, run_id from raw.responses__collections").fetchall() == [
            (first.sha256, "run-1")
        ]
        assert con.execute(f"select sum(answers), min(answer) from read_parquet('{store}/*.parquet')").fetchone() == (
            4,
            "dont_know",
        )
    assert sorted(p.name for p in store.iterdir()) == ["c2024.parquet"]


def test_two_files_for_one_collection_are_an_error(tmp_path):
    write_csv(tmp_path, GOOD_ROWS)
    (tmp_path / "c2024.parquet").write_bytes(b"")
    with pytest.raises(ResponseFileError, match="also has the file"):
        collection_files(tmp_path)


def test_a_parquet_column_of_another_type_is_converted_and_a_bad_value_named_as_written(tmp_path):
    path = tmp_path / "c2024.parquet"
    with duckdb.connect() as con:
        con.execute(
            "copy (select 'c2024' as collection, 'T001' as trust_code, cast(i as bigint) as respondent_id, "
            "'frontline' as audience, case when i = 3 then 'x' else cast(i as varchar) end as question_id, "
            f"'score_3' as answer from range(1, 6) as t(i) order by i) to '{path}' (format parquet)"
        )
    error = rejection(path)
    assert (error.row, error.column) == (3, "question_id")
    assert "found 'x'" in str(error)
