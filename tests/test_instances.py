"""Two Dagster instances: one person's SQLite (the default) and the team's Postgres, chosen by
IW_DAGSTER_INSTANCE; they differ in their storage only."""

from __future__ import annotations

import subprocess
from pathlib import Path

import dagster as dg
import yaml
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage

from warehouse.config import settings

ROOT = settings().project_root
SQLITE_YAML = ROOT / ".dagster_home" / "dagster.yaml"
POSTGRES_YAML = ROOT / "deploy" / "postgres" / "dagster.yaml"


def test_the_two_instances_differ_in_their_storage_only():
    sqlite, postgres = yaml.safe_load(SQLITE_YAML.read_text()), yaml.safe_load(POSTGRES_YAML.read_text())
    assert "storage" not in sqlite and postgres.pop("storage") == {
        "postgres": {"postgres_url": {"env": "IW_DAGSTER_PG_URL"}}
    }
    assert postgres == sqlite


def test_make_with_the_postgres_instance_reads_the_teams_yaml(tmp_path):
    home = tmp_path / "home"
    subprocess.run(
        [
            "make",
            "-s",
            "instance",
            "IW_DAGSTER_INSTANCE=postgres",
            f"DAGSTER_HOME={home}",
            "IW_DAGSTER_PG_URL=postgresql://x",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    assert (home / "dagster.yaml").resolve() == POSTGRES_YAML.resolve()


def test_make_without_a_postgres_url_says_how_to_start_the_server(tmp_path):
    result = subprocess.run(
        ["make", "-s", "instance", "IW_DAGSTER_INSTANCE=postgres", f"DAGSTER_HOME={tmp_path}", "IW_DAGSTER_PG_URL="],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "make pg-start" in result.stdout


def test_the_teams_instance_keeps_runs_and_events_in_the_database_its_url_names(postgres_server, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text(POSTGRES_YAML.read_text())
    monkeypatch.setenv("IW_DAGSTER_PG_URL", postgres_server.new_database())

    @dg.asset
    def one() -> int:
        return 1

    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert isinstance(instance.run_storage, PostgresRunStorage)
        assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
        run_id = dg.materialize([one], instance=instance).run_id
    with dg.DagsterInstance.from_config(str(home)) as again:  # another process would see the same
        assert again.get_run_by_id(run_id).status == dg.DagsterRunStatus.SUCCESS
        assert again.get_latest_materialization_event(dg.AssetKey("one")).run_id == run_id
    assert not list(Path(home).glob("**/*.db"))  # no SQLite beside it
