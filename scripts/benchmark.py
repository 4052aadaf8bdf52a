"""Time the whole job against bare dbt on this machine, and print the numbers.

    .venv/bin/python scripts/benchmark.py [--repeat 3] [--test-suite]

Each repetition works in a fresh temporary folder (its own raw copy, build and published
database, Dagster instance) and runs, one after the other, so that the kinds interleave:

- cold: the main command (`python -m dagster_project.materialize`) on an empty build database;
- no change: the main command again, nothing changed (it re-publishes the unchanged build);
- one Devon file changed / one appendix file changed: a text cell edited (so every check still
  passes), then the main command (it rebuilds what the file feeds);
- bare dbt: `dbt build` of the same project on the same build database, with its own target
  (last: a write outside the pipeline makes the next main command a full run), as the project
  configures it (partial parsing off for dbt by hand), then with `--partial-parse` from a
  partial-parse file of the same profile (dbt's floor; the job's runs after the first on a
  build database parse partially).

Wall-clock seconds and peak RSS (the largest process of the command's tree, from wait4) are
medians over the repetitions; ratios are what we judge, absolute times vary by machine. The
cold job's steps are read from its run's event log. `--test-suite` also times `pytest` once.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
JOB = [sys.executable, "-m", "dagster_project.materialize"]
EDITS = {  # (file, text in it, replacement): a text cell, so no figure and no check changes
    "one Devon file changed": ("devon/review_comments.csv", "want to carry on", "want to carry on (edited)"),
    "one appendix file changed": ("appendix/descriptors.csv", "ad hoc and reactive way", "ad hoc and reactive manner"),
}


def measured(args: list[str], env: dict[str, str], log: Path) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of a command that must succeed."""
    with log.open("w") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed; see {log}")
    return seconds, usage.ru_maxrss / 1024


def site(folder: Path) -> dict[str, str]:
    (folder / "home").mkdir(parents=True)
    shutil.copy(ROOT / ".dagster_home" / "dagster.yaml", folder / "home" / "dagster.yaml")
    shutil.copytree(ROOT / "raw", folder / "raw")
    return {
        **os.environ,
        "DAGSTER_HOME": str(folder / "home"),
        "IW_RAW_DIR": str(folder / "raw"),
        "IW_BUILD_DB": str(folder / "build" / "warehouse.duckdb"),
        "IW_PUBLISHED_DB": str(folder / "published" / "warehouse.duckdb"),
        "IW_DATA_DOCS_DIR": str(folder / "docs"),
        "IW_RESPONSES_DIR": str(folder / "responses"),
        "IW_REPORT_DIR": str(folder / "report"),
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
    }


def step_seconds(home: Path) -> dict[str, float]:
    """Seconds per kind of step of the newest run in the instance at `home`."""
    os.environ["DAGSTER_HOME"] = str(home)
    import dagster as dg

    kinds = {"raw__": "ingest", "dbt_models": "dbt step", "great_expectations": "GX suites", "publish__": "publish"}
    stamps: dict[str, list[float]] = defaultdict(list)
    with dg.DagsterInstance.get() as instance:
        run = instance.get_run_records(limit=1)[0].dagster_run
        for entry in instance.all_logs(run.run_id):
            event = entry.dagster_event
            if event and event.step_key and event.event_type_value in ("STEP_START", "STEP_SUCCESS"):
                stamps[event.step_key].append(entry.timestamp)
    totals: dict[str, float] = defaultdict(float)
    for step, times in stamps.items():
        kind = next((v for k, v in kinds.items() if step.startswith(k)), step)
        totals[kind] += max(times) - min(times)
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--test-suite", action="store_true", help="also time the whole test suite once")
    args = parser.parse_args()
    wall: dict[str, list[float]] = defaultdict(list)
    rss: dict[str, list[float]] = defaultdict(list)
    steps: dict[str, list[float]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        for repetition in range(args.repeat):
            folder = Path(tmp) / f"run{repetition}"
            env = site(folder)

            def record(name: str, command: list[str], env=env, folder=folder, repetition=repetition) -> None:
                seconds, peak = measured(command, env, folder / f"{name.replace(' ', '_')}.log")
                wall[name].append(seconds)
                rss[name].append(peak)
                print(f"  repetition {repetition + 1}: {name:<28} {seconds:7.2f} s {peak:7.0f} MiB", flush=True)

            record("cold", JOB)
            for kind, seconds in step_seconds(folder / "home").items():
                steps[kind].append(seconds)
            record("no change", JOB)
            for name, (relpath, old, new) in EDITS.items():
                path = folder / "raw" / relpath
                text = path.read_text(encoding="utf-8")
                assert old in text, f"{relpath} no longer holds {old!r}"
                path.write_text(text.replace(old, new, 1), encoding="utf-8")
                record(name, JOB)
            bare = [
                str(BIN / "dbt"),
                "build",
                "--quiet",
                "--project-dir",
                "dbt",
                "--profiles-dir",
                "dbt",
                "--target-path",
                str(folder / "dbt_target"),
            ]
            record("bare dbt build", bare)
            # dbt's own floor: partial parsing on, from a partial-parse file of the same profile
            measured([*bare, "--partial-parse"], env, folder / "bare_warm_first.log")
            record("bare dbt build, warm parse", [*bare, "--partial-parse"])
        if args.test_suite:
            seconds, peak = measured(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"},
                Path(tmp) / "pytest.log",
            )
            wall["test suite (pytest)"].append(seconds)
            rss["test suite (pytest)"].append(peak)

    def median(values: list[float]) -> float:
        return statistics.median(values)

    cold, dbt = median(wall["cold"]), median(wall["bare dbt build"])
    print(f"\nmedian of {args.repeat} (seconds, peak RSS MiB, ratio)")
    print(f"  {'what':<28} {'wall s':>8} {'RSS MiB':>8}  ratio")
    for name in wall:
        ratio = {
            "cold": f"{cold / dbt:.2f}x bare dbt",
            "bare dbt build": "",
            "bare dbt build, warm parse": f"(cold is {cold / median(wall['bare dbt build, warm parse']):.2f}x this)",
            "test suite (pytest)": "",
        }.get(name, f"{median(wall[name]) / cold:.2f}x cold")
        print(f"  {name:<28} {median(wall[name]):8.2f} {median(rss[name]):8.0f}  {ratio}")
    print(f"  peak RSS, cold job / bare dbt: {median(rss['cold']) / median(rss['bare dbt build']):.2f}x")
    print("  inside the cold job (from its event log):")
    for kind, values in steps.items():
        print(f"    {kind:<26} {median(values):8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
