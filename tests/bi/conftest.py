"""Superset (`make bi`) under test: its own virtual environment, .venv-bi, a throwaway home, a free port.

Without .venv-bi the tests skip, saying how to install it, except under CI=true, where `make test`
installs it first and its absence fails the run.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import free_port, missing_tool, pipeline_env
from warehouse.config import settings

ROOT = settings().project_root
BI_PYTHON = ROOT / ".venv-bi" / "bin" / "python"
ADMIN = ("admin", "admin")


@pytest.fixture(scope="session")
def bi_python() -> Path:
    if BI_PYTHON.is_file() and os.access(BI_PYTHON, os.X_OK):
        return BI_PYTHON
    missing_tool(f"no {BI_PYTHON} (Superset's environment), so the BI tests cannot run: run `make bi-install`")


def run_bi(bi_python: Path, env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(bi_python), "-m", "bi.serve", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@dataclass
class Server:
    """`make bi`'s program, started on a copy of the session's published warehouse."""

    process: subprocess.Popen
    port: int
    env: dict[str, str]
    published_db: Path
    lines: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def stop(self) -> int:
        """As Ctrl-C does: SIGINT to the program and to gunicorn, which share its process group."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            raise
        finally:
            if self.reader is not None:
                self.reader.join(timeout=10)  # the last lines it printed


def _read_lines(process: subprocess.Popen, lines: list[str]) -> None:
    for line in process.stdout:
        lines.append(line)


@pytest.fixture(scope="module")
def server(bi_python, warehouse, tmp_path_factory) -> Iterator[Server]:
    """Provisioned and serving, with the dashboard imported; stopped (as by Ctrl-C) at the end."""
    folder = tmp_path_factory.mktemp("bi")
    env = pipeline_env(folder)
    published = Path(env["IW_PUBLISHED_DB"])
    published.parent.mkdir(parents=True)
    shutil.copy(warehouse.published_db, published)
    port = free_port()
    env.update(IW_BI_HOME=str(folder / "superset_home"), IW_BI_PORT=str(port))
    env.update(IW_BI_ADMIN_USER=ADMIN[0], IW_BI_ADMIN_PASSWORD=ADMIN[1])
    process = subprocess.Popen(
        [str(bi_python), "-m", "bi.serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    started = Server(process, port, env, published)
    started.reader = threading.Thread(target=_read_lines, args=(process, started.lines), daemon=True)
    started.reader.start()
    deadline = time.monotonic() + 900
    while "bi: the dashboard:" not in started.output:
        if process.poll() is not None or time.monotonic() > deadline:
            started.stop() if process.poll() is None else None
            pytest.fail(f"make bi did not start serving:\n{started.output[-5000:]}")
        time.sleep(1)
    try:
        yield started
    finally:
        started.stop()
