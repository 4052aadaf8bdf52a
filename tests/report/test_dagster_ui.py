"""The Dagster UI as a data engineer uses it: materialise everything, then find the report.

One test only: it starts `dagster dev` and runs the whole job through the UI (a few minutes).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port, pipeline_env
from warehouse.config import settings

pytestmark = pytest.mark.story

SERVER_START_SECONDS = 240
RUN_SECONDS = 900


def wait_for_server(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"dagster dev exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/server_info", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(2)
    pytest.fail(f"dagster dev did not answer on {url} within {SERVER_START_SECONDS} s:\n{log.read_text()[-3000:]}")


def runs(url: str) -> list[dict]:
    query = "{ runsOrError(limit: 10) { ... on Runs { results { runId status } } } }"
    request = urllib.request.Request(
        f"{url}/graphql", data=json.dumps({"query": query}).encode(), headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["data"]["runsOrError"]["results"]


def wait_for_a_run(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not runs(url):
        if time.monotonic() > deadline:
            pytest.fail(f"no run was started within {seconds} s of clicking Materialize all")
        time.sleep(2)


def wait_for_the_run(url: str) -> str:
    """The id of the one run started, once it has succeeded (bounded by RUN_SECONDS)."""
    deadline = time.monotonic() + RUN_SECONDS
    while time.monotonic() < deadline:
        found = runs(url)
        assert len(found) <= 1, f"more than one run started: {found}"
        if found and found[0]["status"] == "SUCCESS":
            return found[0]["runId"]
        if found and found[0]["status"] in ("FAILURE", "CANCELED"):
            pytest.fail(f"the run {found[0]['runId']} ended {found[0]['status']}")
        time.sleep(3)
    pytest.fail(f"no run succeeded within {RUN_SECONDS} s: {runs(url)}")


def stop(process: subprocess.Popen) -> None:
    """Stop the server and every process it started (its own process group), and wait for them."""
    group = process.pid  # started with start_new_session: its group id is its pid
    for sig, grace in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(group, sig)
        except ProcessLookupError:
            break
        if group_gone(group, process, grace):
            break
    process.wait(timeout=10)


def group_gone(group: int, process: subprocess.Popen, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        process.poll()  # reap the server itself, so it no longer counts as a member
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.5)
    return False


def test_materialize_all_in_the_ui_succeeds_and_the_report_asset_shows_its_path(browser, tmp_path):
    env = pipeline_env(tmp_path)
    home = Path(env["DAGSTER_HOME"])
    report_index = Path(env["IW_REPORT_DIR"]) / "index.html"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "dagster_dev.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "dagster"), "dev", "-h", "127.0.0.1", "-p", str(port)],
            cwd=settings().project_root,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    outside: list[str] = []
    try:
        wait_for_server(url, process, log)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()

        # requests are watched, not intercepted: with page.route() active the UI's launch of a
        # run never reaches the server
        page.on("request", lambda r: None if r.url.startswith((url, "data:", "blob:")) else outside.append(r.url))
        # the "Join the Dagster community" dialog of a first visit: dismissed whenever it shows
        page.add_locator_handler(page.get_by_role("button", name="Skip"), lambda skip: skip.click())
        page.goto(f"{url}/asset-groups")
        materialize = page.get_by_role("button", name="Materialize all")
        materialize.wait_for(timeout=SERVER_START_SECONDS * 1000)
        page.get_by_text("report", exact=True).first.wait_for(timeout=60_000)  # the lineage is drawn
        materialize.click()
        try:
            wait_for_a_run(url)
        finally:
            page.screenshot(path=str(tmp_path / "after_materialize_all.png"))

        run_id = wait_for_the_run(url)
        page.goto(f"{url}/runs/{run_id}")
        page.get_by_text("Success", exact=True).first.wait_for(timeout=60_000)

        page.goto(f"{url}/assets/report")
        page.get_by_text(str(report_index)).first.wait_for(timeout=60_000)
        page.screenshot(path=str(tmp_path / "report_asset.png"), full_page=True)
        context.close()
    finally:
        stop(process)

    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # the server and all its children are gone
    assert report_index.is_file()
    assert outside == []
    # what `dagster dev` leaves in its DAGSTER_HOME is ignored by git in the project's .dagster_home
    left = sorted(p.relative_to(home).as_posix() for p in home.rglob("*") if p.is_file() and p.name != "dagster.yaml")
    left.append(".nux/nux.yaml")  # written once the community dialog is answered
    checked = subprocess.run(
        ["git", "check-ignore", "--no-index", "--verbose", "--non-matching", *[f".dagster_home/{p}" for p in left]],
        cwd=settings().project_root,
        capture_output=True,
        text=True,
    )
    not_ignored = [line.split("\t")[1] for line in checked.stdout.splitlines() if line.startswith("::")]
    assert not_ignored == []
