"""Shared fixtures: the source documents, and a warehouse built by the main command."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import duckdb
import pytest
import yaml
from filelock import FileLock

from warehouse.config import settings
from warehouse.documents import DOCUMENTS


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The long end-to-end stories first: pytest-xdist hands out files in this order, so they
    run beside the short tests rather than after them."""
    items.sort(key=lambda item: item.get_closest_marker("story") is None)


@pytest.fixture(scope="session")
def appendix_path() -> Path:
    return _source("appendix")


@pytest.fixture(scope="session")
def devon_path() -> Path:
    return _source("devon")


def _source(code: str) -> Path:
    path = settings().sources_dir / DOCUMENTS[code]
    if not path.exists():
        pytest.fail(f"source document {path} not found: tests expect ../shared/sources beside the project")
    return path


@dataclass(frozen=True)
class Warehouse:
    """A warehouse materialised by the main command into a temporary folder."""

    env: dict[str, str]
    build_db: Path
    published_db: Path
    stdout: str
    seconds: float

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.build_db), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


def pipeline_env(folder: Path) -> dict[str, str]:
    """Environment that points every path of the pipeline into `folder`."""
    home = folder / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(settings().project_root / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    return {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "IW_BUILD_DB": str(folder / "build" / "warehouse.duckdb"),
        "IW_PUBLISHED_DB": str(folder / "published" / "warehouse.duckdb"),
        "IW_RESPONSES_DIR": str(folder / "responses"),
        "IW_REPORT_DIR": str(folder / "published" / "report"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def run_main_command(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dagster_project.materialize", *args],
        cwd=settings().project_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def _session_folder(tmp_path_factory) -> Path:
    """The session's base folder, shared by every pytest-xdist worker."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session", autouse=True)
def shared_chart_cache(tmp_path_factory) -> Path:
    """Every pipeline the tests run shares one chart cache (keyed by each chart's spec, so a
    chart drawn once with the same numbers is not drawn again)."""
    folder = _session_folder(tmp_path_factory) / "chart-cache"
    os.environ["IW_CHART_CACHE_DIR"] = str(folder)
    return folder


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory) -> Warehouse:
    """The whole nightly job, run once per test session by the README's main command. Under
    pytest-xdist the first worker that asks builds it; the others wait for it and read it (the
    tests only read it, and copy it to change it)."""
    shared = _session_folder(tmp_path_factory)
    record = shared / "warehouse.json"
    with FileLock(str(shared / "warehouse.lock")):
        if not record.is_file():
            record.write_text(json.dumps(_build_warehouse(shared / "warehouse")), encoding="utf-8")
    built = json.loads(record.read_text(encoding="utf-8"))
    if "failed" in built:
        pytest.fail(built["failed"])
    env = {**os.environ, **built["env"]}
    return Warehouse(env, Path(env["IW_BUILD_DB"]), Path(env["IW_PUBLISHED_DB"]), built["stdout"], built["seconds"])


def _build_warehouse(folder: Path) -> dict:
    env = pipeline_env(folder)
    started = time.monotonic()
    result = run_main_command(env)
    if result.returncode != 0:
        return {"failed": f"the main command failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"}
    own = {k: v for k, v in env.items() if k == "PATH" or k == "DAGSTER_HOME" or k.startswith("IW_")}
    return {"env": own, "stdout": result.stdout, "seconds": time.monotonic() - started}


PG_BIN = Path("/usr/lib/postgresql/15/bin")


@dataclass(frozen=True)
class PostgresServer:
    """A Postgres cluster started by scripts/postgres.sh, as the team's is."""

    env: dict[str, str]

    def new_database(self) -> str:
        """A new, empty database for one instance; its URL."""
        name = f"story_{uuid.uuid4().hex[:12]}"
        return _postgres_script(self.env, "createdb", name).strip()


def _postgres_script(env: dict[str, str], *args: str) -> str:
    script = settings().project_root / "scripts" / "postgres.sh"
    result = subprocess.run([str(script), *args], env=env, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"scripts/postgres.sh {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def missing_tool(message: str) -> NoReturn:
    """A tool some tests need is not installed: they skip, except under CI=true, where `make
    test` has installed it, so its absence fails them."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {message}")
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway Postgres cluster on a free port of 127.0.0.1, stopped and deleted at the end.
    Without Debian's postgresql the Postgres variants skip, and fail under CI=true (`make test`
    installs it when run as root)."""
    if not (PG_BIN / "initdb").exists():
        missing_tool(
            f"no {PG_BIN}/initdb: the Postgres variant needs Debian's postgresql (apt-get install -y postgresql)"
        )
    # not under pytest's temporary folder: it is closed to other users, and the server runs as postgres
    folder = Path(tempfile.mkdtemp(prefix="iw-postgres-"))
    folder.chmod(0o755)
    env = {**os.environ, "IW_PG_DATA": str(folder / "data"), "IW_PG_PORT": str(free_port()), "IW_PG_THROWAWAY": "1"}
    started = time.monotonic()
    _postgres_script(env, "start")
    print(f"postgres started in {time.monotonic() - started:.1f} s")
    try:
        yield PostgresServer(env)
    finally:
        _postgres_script(env, "stop")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def instance_storage(request):
    """The storage of a story's Dagster instance, each story once per storage: one person's
    SQLite (.dagster_home/dagster.yaml) and the team's Postgres (deploy/postgres/dagster.yaml,
    on a new database of a throwaway server). Applied to a pipeline environment (pipeline_env)."""
    if request.param == "sqlite":
        return lambda env: env
    server = request.getfixturevalue("postgres_server")

    def on_postgres(env: dict[str, str]) -> dict[str, str]:
        config = yaml.safe_load((settings().project_root / "deploy" / "postgres" / "dagster.yaml").read_text())
        url = server.new_database()
        # the URL itself rather than {env: IW_DAGSTER_PG_URL}, so that the test process's own
        # DagsterInstance.from_config reads the same database (tests/test_instances.py reads the env)
        config["storage"]["postgres"]["postgres_url"] = url
        (Path(env["DAGSTER_HOME"]) / "dagster.yaml").write_text(yaml.safe_dump(config))
        return {**env, "IW_DAGSTER_PG_URL": url}

    return on_postgres


# A real browser for the report's and the BI tests: Debian's chromium driven by Playwright from
# PyPI (Playwright's own browser download does not work here), one per worker process (a second
# sync Playwright in one process fails). Without it the browser tests skip, saying how to install
# it, except under CI=true, where a missing browser fails the run.
CHROMIUM = Path(os.environ.get("IW_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL_HINT = (
    "install it as root with `apt-get update && apt-get install -y chromium` (make test does this when run as root)"
)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    missing_tool(f"no chromium at {CHROMIUM}, so the browser tests cannot run: {INSTALL_HINT}")


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
