"""The raw-files sensor starts the nightly job on a change of content, not of mtime."""

from __future__ import annotations

import os

import dagster as dg
import pytest

from dagster_project.automation import raw_files_changed
from dagster_project.definitions import defs


@pytest.fixture
def raw_dir(tmp_path, monkeypatch):
    (tmp_path / "appendix").mkdir()
    (tmp_path / "appendix" / "questions.csv").write_text("question_id,source_line\n1,32\n")
    monkeypatch.setenv("IW_RAW_DIR", str(tmp_path))
    monkeypatch.setenv("IW_BUILD_DB", str(tmp_path / "build" / "warehouse.duckdb"))  # none: a full run
    return tmp_path


def tick(cursor: str | None):
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(cursor=cursor, instance=instance, definitions=defs)
        result = raw_files_changed(context)
    return result, context.cursor


def test_the_first_tick_records_the_hashes_without_starting_a_run(raw_dir):
    result, cursor = tick(None)
    assert isinstance(result, dg.SkipReason)
    assert "appendix/questions.csv" in cursor


def test_a_changed_file_content_starts_the_nightly_job(raw_dir):
    _, cursor = tick(None)
    (raw_dir / "appendix" / "questions.csv").write_text("question_id,source_line\n1,33\n")
    result, new_cursor = tick(cursor)
    assert isinstance(result, dg.RunRequest)
    assert result.tags["iw/changed_files"] == "appendix/questions.csv"
    assert new_cursor != cursor


def test_a_new_raw_file_starts_the_nightly_job(raw_dir):
    _, cursor = tick(None)
    (raw_dir / "devon").mkdir()
    (raw_dir / "devon" / "services.csv").write_text("service_code,source_line\npolice,88\n")
    result, _ = tick(cursor)
    assert isinstance(result, dg.RunRequest)


def test_touching_a_file_without_changing_it_starts_nothing(raw_dir):
    _, cursor = tick(None)
    path = raw_dir / "appendix" / "questions.csv"
    stat = path.stat()
    os.utime(path, (stat.st_atime + 3600, stat.st_mtime + 3600))
    path.write_text(path.read_text())  # rewritten, same bytes
    result, new_cursor = tick(cursor)
    assert isinstance(result, dg.SkipReason)
    assert new_cursor == cursor
