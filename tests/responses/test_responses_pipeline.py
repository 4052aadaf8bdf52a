"""The responses through the whole pipeline: the main command loads one synthetic collection by
default, regenerates the appendix's tables from it, checks them cell by cell against the printed
ones, and publishes only when they agree; a malformed file or a moved answer stops the publish."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import pipeline_env, run_main_command
from warehouse.config import settings
from warehouse.responses.generator import generate_collections

pytestmark = pytest.mark.story

APPENDIX = settings().raw_dir / "appendix"
# the printed band headers in tenths of a point: [lower, upper)
BANDS = [
    ("below_2_5", 0, 25),
    ("from_2_5_to_2_8", 25, 28),
    ("from_2_8_to_3_0", 28, 30),
    ("from_3_0_to_3_2", 30, 32),
    ("from_3_2_to_3_5", 32, 35),
    ("from_3_5", 35, 51),
]


def band_of(points: int, answers: int) -> str:
    return next(code for code, lower, upper in BANDS if lower * answers <= 10 * points < upper * answers)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def site(warehouse, tmp_path):
    """A pipeline folder whose published warehouse is a copy of the session's."""
    env = pipeline_env(tmp_path / "site")
    published = Path(env["IW_PUBLISHED_DB"])
    published.parent.mkdir(parents=True)
    shutil.copyfile(warehouse.published_db, published)
    return env, published


def test_the_main_command_loads_one_synthetic_collection_by_default(warehouse):
    assert "generated the default SYNTHETIC collection synthetic-seed1-001" in warehouse.stdout
    assert warehouse.query("select collection, is_synthetic from raw.responses__collections") == [
        ("synthetic-seed1-001", True)
    ]


def test_the_regenerated_band_cells_equal_the_printed_ones(warehouse):
    with duckdb.connect(str(warehouse.published_db), read_only=True) as con:
        printed = con.execute(
            f"select question_id, cell_code, trusts from read_csv('{APPENDIX / 'mean_score_bands.csv'}') order by 1, 2"
        ).fetchall()
        regenerated = con.execute(
            "select question_id, cell_code, trusts from marts.band_from_responses order by 1, 2"
        ).fetchall()
    assert len(printed) == 472 and regenerated == printed


def test_the_regenerated_response_counts_and_averages_equal_the_printed_ones(warehouse):
    with duckdb.connect(str(warehouse.published_db), read_only=True) as con:
        printed = con.execute(
            f"select question_id, response_code, leaders_managers, frontline, total "
            f"from read_csv('{APPENDIX / 'responses.csv'}') order by 1, 2"
        ).fetchall()
        regenerated = con.execute(
            "select question_id, response_code, leaders_managers_responses, frontline_responses, total_responses "
            "from marts.answer_count_from_responses order by 1, 2"
        ).fetchall()
        averages_off = con.execute(
            f"select p.question_id, p.audience from read_csv('{APPENDIX / 'average_scores.csv'}') as p "
            "join marts.question_from_responses as q using (question_id) "
            "where abs(p.avg_score_published - case p.audience when 'leaders_managers' then q.avg_score_leaders_managers "
            "      when 'frontline' then q.avg_score_frontline else q.avg_score_total end) > 0.005"
        ).fetchall()
    assert len(printed) == 413 and regenerated == printed
    assert averages_off == []


def test_the_regenerated_tables_are_labelled_synthetic_in_the_published_warehouse(warehouse):
    with duckdb.connect(str(warehouse.published_db), read_only=True) as con:
        comments = dict(
            con.execute(
                "select schema_name || '.' || table_name, comment from duckdb_tables() "
                "where table_name like '%responses%'"
            ).fetchall()
        )
        flags = con.execute("select distinct is_synthetic from marts.band_from_responses").fetchall()
    assert flags == [(True,)]
    for table in (
        "raw.responses__collections",
        "marts.band_from_responses",
        "marts.question_from_responses",
        "marts.answer_count_from_responses",
    ):
        assert "SYNTHETIC" in comments[table], table


def test_no_respondent_level_row_is_published(warehouse):
    with duckdb.connect(str(warehouse.published_db), read_only=True) as con:
        objects = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables where table_name like '%answers%'"
        ).fetchall()
    assert objects == []


def test_the_regenerated_vs_published_rule_ran_and_passed(warehouse):
    assert warehouse.query(
        "select passed from quality.latest_check_results where rule_id = 'regenerated_cells_equal_published_synthetic'"
    ) == [(True,)]


BAD_FILES = {
    "answer_6": ("c2024,T002,2,frontline,2,score_6", "row 3, column answer"),
    "unknown_trust": ("c2024,T151,2,frontline,2,score_2", "row 3, column trust_code"),
    "duplicate_answer": ("c2024,T001,1,leaders_managers,1,score_2", "row 3, column question_id"),
}


@pytest.mark.parametrize("case", [*BAD_FILES, "missing_column"])
def test_a_malformed_responses_file_is_rejected_and_nothing_is_published(site, tmp_path, case):
    env, published = site
    before = sha(published)
    responses = tmp_path / "responses"
    responses.mkdir()
    header = "collection,trust_code,respondent_id,audience,question_id,answer"
    rows = ["c2024,T001,1,leaders_managers,1,score_4", "c2024,T001,1,leaders_managers,2,dont_know"]
    if case == "missing_column":
        header, rows, expect = header.replace(",answer", ""), [r.rsplit(",", 1)[0] for r in rows], "column answer"
    else:
        bad_row, expect = BAD_FILES[case]
        rows.append(bad_row)
    (responses / "c2024.csv").write_text("\n".join([header, *rows]) + "\n")

    result = run_main_command({**env, "IW_RESPONSES_DIR": str(responses)})

    assert result.returncode == 1
    assert f"{responses / 'c2024.csv'}, {expect}" in result.stderr
    assert sha(published) == before


def _move_one_answer_across_a_band_edge(path: Path) -> tuple[int, str, str]:
    """Give one answer of a trust to a respondent of another trust so that the first trust's
    mean crosses a band edge and the second's stays in its band; return (question, old band,
    new band) of the first trust."""
    with duckdb.connect() as con:
        con.execute(f"create table answers as select * from read_parquet('{path}')")
        scores = con.execute(
            "select question_id, trust_code, count(*), sum(cast(right(answer, 1) as integer)) "
            "from answers where answer like 'score_%' group by all order by all"
        ).fetchall()
        by_question: dict[int, list[tuple[str, int, int]]] = {}
        for q, trust, n, points in scores:
            by_question.setdefault(q, []).append((trust, n, points))
        for q, trusts in sorted(by_question.items()):
            for trust, n, points in trusts:
                candidates = con.execute(
                    "select respondent_id, audience, cast(right(answer, 1) as integer) from answers "
                    "where question_id = ? and trust_code = ? and answer like 'score_%' order by respondent_id",
                    [q, trust],
                ).fetchall()
                for respondent, audience, score in candidates:
                    if n < 2 or band_of(points - score, n - 1) == band_of(points, n):
                        continue
                    for other, m, other_points in trusts:
                        if other == trust or band_of(other_points + score, m + 1) != band_of(other_points, m):
                            continue
                        free = con.execute(
                            "select min(respondent_id) from answers where trust_code = ? and audience = ? "
                            "and respondent_id not in (select respondent_id from answers where question_id = ?)",
                            [other, audience, q],
                        ).fetchone()[0]
                        if free is None:
                            continue
                        con.execute(
                            "update answers set trust_code = ?, respondent_id = ? where respondent_id = ? and question_id = ?",
                            [other, free, respondent, q],
                        )
                        con.execute(
                            f"copy (select * from answers order by respondent_id, question_id) to '{path}' (format parquet)"
                        )
                        return q, band_of(points, n), band_of(points - score, n - 1)
    raise AssertionError("no answer moves a trust across a band edge")


@pytest.fixture
def built_site(warehouse, tmp_path):
    """A copy of the session's whole pipeline folder: its next run rebuilds only what changed."""
    folder = tmp_path / "built"
    shutil.copytree(warehouse.build_db.parent.parent, folder)
    env = pipeline_env(folder)
    return env, Path(env["IW_PUBLISHED_DB"])


def test_one_answer_moved_across_a_band_edge_fails_the_rule_naming_question_and_band(built_site):
    env, published = built_site
    before = sha(published)
    # the session's collection, as the generator wrote it, with one answer moved
    collection = generate_collections(settings().raw_dir, Path(env["IW_RESPONSES_DIR"]), 1, 1)[0]
    question, old_band, new_band = _move_one_answer_across_a_band_edge(collection.path)

    result = run_main_command(env)

    assert result.returncode == 1
    assert "check regenerated_cells_equal_published_synthetic failed" in result.stderr
    assert f"{collection.collection} q{question:02d} band" in result.stderr
    with duckdb.connect(env["IW_BUILD_DB"], read_only=True) as con:
        findings = dict(
            con.execute(
                "select row_key, recomputed_value - published_value from quality.latest_findings "
                "where rule_id = 'regenerated_cells_equal_published_synthetic' and row_key not like '%pct'"
            ).fetchall()
        )
    prefix = f"{collection.collection} q{question:02d} band "
    assert findings[prefix + old_band] == -1 and findings[prefix + new_band] == 1
    assert all(key.startswith(f"{collection.collection} q{question:02d} ") for key in findings)
    assert sha(published) == before
