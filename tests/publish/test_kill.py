"""SIGKILL at seeded random points never leaves a broken published file (tests/publish/kill_harness.py)."""

from __future__ import annotations

import pytest

from tests.conftest import run_main_command
from tests.publish.kill_harness import run_kill_points
from warehouse.publish import TMP_MARKER, integrity_check

pytestmark = pytest.mark.story

KILL_POINTS = 10
SEED = 20091


def test_a_job_killed_at_random_points_leaves_the_published_file_whole_and_the_next_run_succeeds(site):
    env, published, job_seconds = site
    tally = run_kill_points(env, KILL_POINTS, SEED, job_seconds)

    assert tally.problems == []
    killed = sum(n for (kind, how, _), n in tally.outcomes.items() if how == "killed")
    assert killed == KILL_POINTS, tally.outcomes
    result = run_main_command(env)
    assert result.returncode == 0, result.stderr[-3000:]
    integrity_check(published)
    assert not list(published.parent.glob(f"{TMP_MARKER}*"))
