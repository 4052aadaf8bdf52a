"""Paths from the environment are made absolute without following links."""

from pathlib import Path

from warehouse.config import settings


def test_a_report_dir_given_as_a_link_stays_the_link(tmp_path, monkeypatch):
    (tmp_path / ".report-1").mkdir()
    (tmp_path / "report").symlink_to(".report-1")
    monkeypatch.setenv("IW_REPORT_DIR", str(tmp_path / "sub" / ".." / "report"))
    assert settings().report_dir == tmp_path / "report"


def test_a_relative_path_is_taken_from_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("IW_BUILD_DB", "build/warehouse.duckdb")
    assert settings().build_db == Path(tmp_path, "build", "warehouse.duckdb")
