"""Kill the nightly job with SIGKILL at seeded random points and check the published file.

Used by tests/publish/test_safety.py (10 points) and scripts/kill_test.py (50 points).
Half the points are of each kind, `publish` first:
- `publish`: a run of only the publish asset, killed a random 0-300 ms after the publish
  step says it starts (the window in which the published file is replaced); these come first
  because a killed job leaves an unchecked build that no publish-only run will publish;
- `job`: the whole job, killed after a delay drawn uniformly over the job's duration.
A run that finishes before its kill is recorded, and the point is drawn again over a shorter
window (the run's measured length), so every point ends in a kill. After every run the
published file must open, pass its integrity query and be either the file it was before or a
complete publish of that run (when the kill came after the rename).
"""

from __future__ import annotations

import hashlib
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from warehouse.config import settings
from warehouse.publish import integrity_check

PUBLISH_STARTS = re.compile(r" - ([0-9a-f-]{36}) - publish__warehouse - publishing ")
RUN_ID = re.compile(r" - nightly_refresh - ([0-9a-f-]{36}) - ")


@dataclass
class Tally:
    outcomes: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def latest_run(db: Path) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select run_id from meta.publish_log order by published_at desc limit 1").fetchone()[0]


def start_make_run(env: dict[str, str], *args: str) -> subprocess.Popen:
    """The main command in the background, its log lines on stderr (a pipe)."""
    return subprocess.Popen(
        [sys.executable, "-m", "dagster_project.materialize", *args],
        cwd=settings().project_root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill_job(env: dict[str, str], delay: float) -> tuple[subprocess.Popen, list[str]]:
    job = start_make_run(env, "--full")
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(job.stderr), daemon=True)
    reader.start()
    time.sleep(delay)
    if job.poll() is None:
        job.send_signal(signal.SIGKILL)
    job.wait()
    reader.join(timeout=10)
    return job, lines


def _kill_publish(env: dict[str, str], delay: float) -> tuple[subprocess.Popen, list[str]]:
    job = start_make_run(env, "--select", "publish/warehouse")
    lines: list[str] = []
    for line in job.stderr:
        lines.append(line)
        if PUBLISH_STARTS.search(line):
            time.sleep(delay)
            break
    if job.poll() is None:
        job.send_signal(signal.SIGKILL)
    lines.extend(job.stderr)
    job.wait()
    return job, lines


def run_kill_points(env: dict[str, str], points: int, seed: int, job_seconds: float) -> Tally:
    published = Path(env["IW_PUBLISHED_DB"])
    rng = random.Random(seed)
    tally = Tally()
    # job_seconds is a first run's length; later runs are faster (warm caches), about three quarters
    windows = {"publish": 0.3, "job": 0.75 * job_seconds}
    pending = ["publish"] * (points // 2) + ["job"] * (points - points // 2)
    attempts = 0
    while pending and attempts < 3 * points:
        kind, point, attempts = pending[0], points - len(pending), attempts + 1
        before = sha(published)
        started = time.monotonic()
        kill = _kill_job if kind == "job" else _kill_publish
        job, lines = kill(env, rng.uniform(0.0 if kind == "publish" else 0.2, windows[kind]))
        killed = job.returncode == -signal.SIGKILL
        if killed:
            pending.pop(0)
        elif job.returncode == 0:  # finished first: draw this point again within its real length
            windows[kind] = min(windows[kind], time.monotonic() - started) * (0.5 if kind == "publish" else 0.9)
        run_ids = {m.group(1) for line in lines for m in [RUN_ID.search(line)] if m}
        try:
            integrity_check(published)
        except Exception as exc:
            tally.problems.append(f"point {point} ({kind}): published file unreadable: {exc}")
            continue
        if sha(published) == before:
            outcome = "untouched"
        elif latest_run(published) in run_ids:
            outcome = "replaced by a complete publish"
        else:
            tally.problems.append(f"point {point} ({kind}): published file changed but is not this run's")
            continue
        tally.outcomes[(kind, "killed" if killed else f"exit {job.returncode}", outcome)] += 1
    if pending:
        tally.problems.append(f"{len(pending)} points never ended in a kill after {attempts} runs")
    return tally
