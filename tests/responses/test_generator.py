"""The synthetic generator: its answers, aggregated here with plain SQL, give back every cell of
the appendix's published tables (read straight from raw/appendix/*.csv)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from warehouse.config import settings
from warehouse.responses import generator
from warehouse.responses.contract import read_collection
from warehouse.responses.generator import generate_collections, provenance, regenerate, why_stale

APPENDIX = settings().raw_dir / "appendix"
# the band table's printed column headers: "Below 2.5", "2.5 and up to 2.8", ..., "3.5 and above"
BANDS_SQL = """
    select * from (values
        ('below_2_5', null, 2.5), ('from_2_5_to_2_8', 2.5, 2.8), ('from_2_8_to_3_0', 2.8, 3.0),
        ('from_3_0_to_3_2', 3.0, 3.2), ('from_3_2_to_3_5', 3.2, 3.5), ('from_3_5', 3.5, null)
    ) as b(cell_code, lower_bound, upper_bound)
"""


@pytest.fixture(scope="module", params=[1, 20091127])
def collection(request, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp(f"seed{request.param}")
    (written,) = generate_collections(settings().raw_dir, folder, collections=1, seed=request.param)
    return written.path


def _query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect() as con:
        con.execute(f"create view answers as select * from read_parquet('{path}')")
        con.execute(f"create view published_responses as select * from read_csv('{APPENDIX / 'responses.csv'}')")
        con.execute(f"create view published_bands as select * from read_csv('{APPENDIX / 'mean_score_bands.csv'}')")
        con.execute(f"create view published_averages as select * from read_csv('{APPENDIX / 'average_scores.csv'}')")
        return con.execute(sql).fetchall()


def test_answers_by_question_audience_and_answer_equal_the_published_counts(collection):
    differences = _query(
        collection,
        """
        with counted as (
            select question_id, answer,
                   count(*) filter (where audience = 'leaders_managers') as leaders_managers,
                   count(*) filter (where audience = 'frontline') as frontline,
                   count(*) as total
            from answers group by all
        )
        select p.question_id, p.response_code, p.leaders_managers, c.leaders_managers,
               p.frontline, c.frontline, p.total, c.total
        from published_responses as p
        full join counted as c on c.question_id = p.question_id and c.answer = p.response_code
        where c.total is null or p.total is null
           or (p.leaders_managers, p.frontline, p.total) <> (c.leaders_managers, c.frontline, c.total)
    """,
    )
    assert differences == []
    assert _query(collection, "select count(*) from published_responses")[0][0] == 413


def test_proportions_of_all_answers_round_to_the_published_percentages(collection):
    off = _query(
        collection,
        """
        with counted as (
            select question_id, answer, count(*) * 100.0 / sum(count(*)) over (partition by question_id) as pct
            from answers group by question_id, answer
        )
        select p.question_id, p.response_code, p.proportion_pct_published, c.pct
        from published_responses as p join counted as c on c.question_id = p.question_id and c.answer = p.response_code
        where abs(c.pct - p.proportion_pct_published) > 0.5
    """,
    )
    assert off == []


def test_average_scores_per_audience_equal_the_published_averages(collection):
    off = _query(
        collection,
        """
        with scored as (
            select question_id, audience, cast(right(answer, 1) as integer) as score
            from answers where answer like 'score_%'
        ),
        averaged as (
            select question_id, audience, avg(score) as average from scored group by all
            union all
            select question_id, 'total', avg(score) from scored group by all
        )
        select p.question_id, p.audience, p.avg_score_published, a.average
        from published_averages as p
        left join averaged as a on a.question_id = p.question_id and a.audience = p.audience
        where a.average is null or abs(a.average - p.avg_score_published) > 0.005
    """,
    )
    assert off == []
    assert _query(collection, "select count(*) from published_averages")[0][0] == 177


def test_trusts_mean_scores_fall_into_the_published_bands_with_the_published_missing(collection):
    # a trust's mean: its respondents' scores 1-5 on the question, both audiences together;
    # bands hold [lower, upper), compared in exact decimals (sum >= lower x n)
    off = _query(
        collection,
        f"""
        with bands as ({BANDS_SQL}),
        trust_scores as (
            select question_id, trust_code, count(*) as n, sum(cast(right(answer, 1) as integer)) as points
            from answers where answer like 'score_%' group by all
        ),
        banded as (
            select t.question_id, b.cell_code
            from trust_scores as t join bands as b
              on (b.lower_bound is null or t.points >= cast(b.lower_bound as decimal(3, 1)) * t.n)
             and (b.upper_bound is null or t.points < cast(b.upper_bound as decimal(3, 1)) * t.n)
        ),
        regenerated as (
            select question_id, cell_code, count(*) as trusts from banded group by all
            union all
            select question_id, 'total_above_midpoint', count(*) from banded
            where cell_code in ('from_3_0_to_3_2', 'from_3_2_to_3_5', 'from_3_5') group by all
            union all
            select question_id, 'missing_responses', 150 - count(*) from trust_scores group by all
        )
        select p.question_id, p.cell_code, p.trusts, coalesce(r.trusts, 0)
        from published_bands as p
        left join regenerated as r on r.question_id = p.question_id and r.cell_code = p.cell_code
        where p.trusts <> coalesce(r.trusts, 0)
    """,
    )
    assert off == []
    assert _query(collection, "select count(*) from published_bands")[0][0] == 59 * 8


def test_the_collection_meets_the_respondent_level_contract(collection):
    with duckdb.connect() as con:
        loaded = read_collection(con, collection, collection.with_name("staged.parquet"))
    assert loaded.is_synthetic and loaded.rows == _query(collection, "select count(*) from answers")[0][0]


def test_two_trusts_have_no_leaders_and_managers_as_the_report_says(collection):
    # "two Children's Trusts did not supply any leaders and managers to respond" (appendix line 13)
    trusts = _query(
        collection,
        """
        select count(*) from (select trust_code from answers group by all
                              having count(*) filter (where audience = 'leaders_managers') = 0)
    """,
    )
    assert trusts == [(2,)]


def test_the_file_is_labelled_synthetic_in_its_name_and_metadata(collection):
    assert collection.name.startswith("synthetic-")
    metadata = dict(_query(collection, f"select key::varchar, value::varchar from parquet_kv_metadata('{collection}')"))
    assert metadata["synthetic"] == "true" and "not real responses" in metadata["note"]


def test_the_same_seed_writes_the_same_bytes_and_another_seed_other_answers(tmp_path, collection):
    seed = int(collection.stem.split("-")[1].removeprefix("seed"))
    (again,) = generate_collections(settings().raw_dir, tmp_path / "a", 1, seed)
    (other,) = generate_collections(settings().raw_dir, tmp_path / "b", 1, seed + 1)
    assert again.path.read_bytes() == collection.read_bytes()
    assert other.path.read_bytes() != collection.read_bytes()


def test_the_cli_writes_k_collections_each_consistent_on_its_own(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "warehouse.responses",
            "--collections",
            "2",
            "--seed",
            "5",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    files = sorted(tmp_path.glob("*.parquet"))
    assert [f.name for f in files] == ["synthetic-seed5-001.parquet", "synthetic-seed5-002.parquet"]
    for path in files:
        missing_cells = _query(
            path,
            """
            with counted as (select question_id, answer, count(*) as total from answers group by all)
            select count(*) from published_responses as p
            left join counted as c on c.question_id = p.question_id and c.answer = p.response_code
            where p.total <> coalesce(c.total, 0)
        """,
        )
        assert missing_cells == [(0,)]
    assert "SYNTHETIC" in result.stdout


def test_a_generated_collection_records_the_tables_and_the_generator_it_was_made_from(collection):
    assert why_stale(collection, settings().raw_dir) is None
    made_from = json.loads(provenance(collection)["source_tables"])
    assert made_from == {
        rel: hashlib.sha256((settings().raw_dir / rel).read_bytes()).hexdigest()
        for rel in ("appendix/questions.csv", "appendix/responses.csv", "appendix/mean_score_bands.csv")
    }


def test_a_collection_is_stale_when_a_table_it_was_made_from_changes(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(settings().raw_dir, raw)
    (written,) = generate_collections(raw, tmp_path / "responses", 1, 1)
    responses = raw / "appendix" / "responses.csv"  # line 813: Q32, "2", leaders and managers 399 of 930
    text = responses.read_text(encoding="utf-8")
    responses.write_text(text.replace(",399,531,930,", ",400,531,931,"), encoding="utf-8")

    assert why_stale(written.path, raw) == "raw/appendix/responses.csv changed since it was generated"
    assert why_stale(regenerate(written.path, raw).path, raw) is None


def test_a_collection_is_stale_when_the_generator_changes(collection, monkeypatch):
    monkeypatch.setattr(generator, "generator_version", lambda: "another version")
    assert why_stale(collection, settings().raw_dir) == "the generator's code changed since it was generated"
