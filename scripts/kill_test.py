"""Kill the nightly job at 50 seeded random points and print the tally.

    .venv/bin/python scripts/kill_test.py [--points 50] [--seed 2009]

Works in a temporary folder: one full run first (timed), then the kill points, then one more
full run that must succeed. See tests/publish/kill_harness.py for what each point checks.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import pipeline_env, run_main_command
from tests.publish.kill_harness import run_kill_points


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2009)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = pipeline_env(Path(folder))
        started = time.monotonic()
        first = run_main_command(env)
        job_seconds = time.monotonic() - started
        if first.returncode != 0:
            print(first.stderr[-3000:], file=sys.stderr)
            return 1
        print(f"first full run: {job_seconds:.1f} s")
        tally = run_kill_points(env, args.points, args.seed, job_seconds)
        for (kind, how, outcome), count in sorted(tally.outcomes.items()):
            print(f"{count:4d}  {kind:8s} {how:10s} published file {outcome}")
        for problem in tally.problems:
            print(f"PROBLEM {problem}")
        final = run_main_command(env)
        print(f"next full run after the kills: {'succeeded' if final.returncode == 0 else 'FAILED'}")
        return 0 if not tally.problems and final.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
