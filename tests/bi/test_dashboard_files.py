"""The dashboard kept as code (bi/dashboard): whatever connection the files carry, the bundles that
`make bi` imports open this checkout's published file read-only; an export restores the placeholders."""

from __future__ import annotations

import io
import zipfile

import duckdb
import yaml

from bi import dashboard_files
from tests.bi.conftest import ROOT

FOLDER = ROOT / "bi" / "dashboard"


def _warehouse(path, with_problems: bool):
    with duckdb.connect(str(path)) as con:
        con.execute("create schema quality")
        con.execute("create table quality.latest_findings (rule_id varchar)")
        if with_problems:
            con.execute("create table quality.problems (problem_id varchar)")
    return path


def test_the_committed_files_hold_placeholders_not_a_checkouts_path():
    files = dashboard_files.read_tree(FOLDER)
    databases = [c for n, c in files.items() if n.startswith("databases/")]
    assert [d["sqlalchemy_uri"] for d in databases] == [dashboard_files.URI_PLACEHOLDER]
    assert any(c.get("sql") == dashboard_files.SQL_PLACEHOLDER for n, c in files.items() if n.startswith("datasets/"))


def test_every_import_points_at_the_given_file_read_only_even_if_the_files_say_read_write(tmp_path):
    source = tmp_path / "dashboard"
    for path in FOLDER.rglob("*.yaml"):
        target = source / path.relative_to(FOLDER)
        target.parent.mkdir(parents=True, exist_ok=True)
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path.parent.name == "databases":  # as a peer's export did: another path, read-write
            content |= {"sqlalchemy_uri": "duckdb:////elsewhere/warehouse.duckdb", "allow_dml": True}
            content["extra"] = {"engine_params": {"connect_args": {"read_only": False}}}
        target.write_text(yaml.safe_dump(content), encoding="utf-8")
    published = _warehouse(tmp_path / "published.duckdb", with_problems=False)
    contents = dashboard_files.import_contents(source, published)
    assert list(contents) == ["SqlaTable", "Slice", "Dashboard"]
    for kind, files in contents.items():
        assert yaml.safe_load(files["metadata.yaml"])["type"] == kind
        (database,) = [yaml.safe_load(text) for name, text in files.items() if name.startswith("databases/")]
        assert database["sqlalchemy_uri"] == f"duckdb:///{published.resolve()}"
        assert database["extra"]["engine_params"]["connect_args"]["read_only"] is True
        assert database["allow_dml"] is False
    assert not any(name.startswith("charts/") for name in contents["SqlaTable"])
    assert any(name.startswith("dashboards/") for name in contents["Dashboard"])


def test_the_problems_dataset_reads_quality_problems_when_present_else_the_latest_findings(tmp_path):
    older = _warehouse(tmp_path / "older.duckdb", with_problems=False)
    newer = _warehouse(tmp_path / "newer.duckdb", with_problems=True)
    assert "from quality.latest_findings" in dashboard_files.problems_sql(older)
    assert "from quality.problems" in dashboard_files.problems_sql(newer)


def test_an_export_written_back_puts_the_placeholders_in_place_of_this_checkouts_path(tmp_path):
    exported = io.BytesIO()
    with zipfile.ZipFile(exported, "w") as bundle:
        bundle.writestr("dashboard_export/metadata.yaml", yaml.safe_dump({"version": "1.0.0", "type": "Dashboard"}))
        database = {"database_name": "warehouse", "sqlalchemy_uri": "duckdb:////here/warehouse.duckdb", "extra": {}}
        bundle.writestr("dashboard_export/databases/warehouse.yaml", yaml.safe_dump(database))
        dataset = {"table_name": "problems", "sql": dashboard_files.FINDINGS_SQL}
        bundle.writestr("dashboard_export/datasets/warehouse/problems_7.yaml", yaml.safe_dump(dataset))
    written = dashboard_files.write_tree([exported.getvalue()], tmp_path)
    assert written == ["databases/warehouse.yaml", "datasets/warehouse/problems.yaml", "metadata.yaml"]
    files = dashboard_files.read_tree(tmp_path)
    assert files["databases/warehouse.yaml"]["sqlalchemy_uri"] == dashboard_files.URI_PLACEHOLDER
    assert files["datasets/warehouse/problems.yaml"]["sql"] == dashboard_files.SQL_PLACEHOLDER
