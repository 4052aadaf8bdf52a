"""BI connects to the published warehouse read-only, with external file access disabled."""

from __future__ import annotations

import duckdb
import pytest

from warehouse.config import settings


@pytest.fixture
def bi(warehouse):
    """The connection the README tells BI tools to open."""
    con = duckdb.connect(str(warehouse.published_db), read_only=True, config={"enable_external_access": False})
    yield con
    con.close()


def test_bi_reads_the_marts_and_when_the_data_is_from(bi):
    assert bi.execute("select count(*) from marts.question").fetchone() == (59,)
    assert bi.execute("select count(*) from meta.publish_log").fetchone()[0] >= 1


def test_bi_cannot_write_to_the_published_warehouse(bi):
    with pytest.raises(duckdb.Error, match="read-only"):
        bi.execute("create table marts.scratch as select 1 as x")


def test_bi_cannot_read_files_outside_the_warehouse(bi):
    csv = settings().raw_dir / "appendix" / "questions.csv"
    with pytest.raises(duckdb.Error, match="(?i)disabled|permission"):
        bi.execute(f"select * from read_csv('{csv}')").fetchall()


def test_bi_cannot_attach_another_database(bi, tmp_path):
    with pytest.raises(duckdb.Error):
        bi.execute(f"attach '{tmp_path / 'other.duckdb'}' as other")
