"""Time the pipeline's parts on this machine and print the numbers.

    .venv/bin/python scripts/benchmark.py [--repeat 3]

Works in a temporary folder (its own build, published database and Dagster instance). Prints:
the extractor, the whole nightly job (and each step's share, from the run's event log), dbt
build alone, the consistency suites alone, and one publish. Numbers are wall-clock seconds,
the median of --repeat runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        os.environ.update(
            DAGSTER_HOME=str(folder / "home"),
            IW_BUILD_DB=str(folder / "build" / "warehouse.duckdb"),
            IW_PUBLISHED_DB=str(folder / "published" / "warehouse.duckdb"),
            IW_DATA_DOCS_DIR=str(folder / "docs"),
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        )
        (folder / "home").mkdir()
        (folder / "home" / "dagster.yaml").write_text((ROOT / ".dagster_home" / "dagster.yaml").read_text())

        import dagster as dg

        from dagster_project.config import settings
        from dagster_project.extract.run import extract_all
        from dagster_project.quality import load_suites, run_suites
        from dagster_project.publish import Provenance, publish

        cfg = settings()
        results: dict[str, list[float]] = defaultdict(list)
        steps: dict[str, list[float]] = defaultdict(list)
        for _ in range(args.repeat):
            results["extract both documents (in memory)"].append(timed(lambda: extract_all(
                cfg.sources_dir / "000_acb803c9a0cac694.txt", cfg.sources_dir / "003_d2e0ae047b2de055.txt")))
            results["make run: main command, whole job (process)"].append(timed(lambda: subprocess.run(
                [sys.executable, "-m", "dagster_project.materialize"], cwd=ROOT, check=True, capture_output=True)))
            with dg.DagsterInstance.get() as instance:
                record = instance.get_run_records(limit=1)[0]
                times: dict[str, list[float]] = defaultdict(list)
                for entry in instance.all_logs(record.dagster_run.run_id):
                    event = entry.dagster_event
                    if event and event.step_key and event.event_type_value in ("STEP_START", "STEP_SUCCESS"):
                        times[event.step_key].append(entry.timestamp)
                kinds = {"raw__": "ingest (22 assets)", "dbt_models": "dbt step", "gx_": "GX suites (8 steps)",
                         "publish__": "publish step"}
                totals: dict[str, float] = defaultdict(float)
                for step, stamps in times.items():
                    kind = next(v for k, v in kinds.items() if step.startswith(k))
                    totals[kind] += max(stamps) - min(stamps)
                for kind, seconds in totals.items():
                    steps[kind].append(seconds)
            results["dbt build alone (CLI)"].append(timed(lambda: subprocess.run(
                [str(Path(sys.executable).parent / "dbt"), "build", "--quiet", "--project-dir", str(cfg.dbt_project_dir),
                 "--profiles-dir", str(cfg.dbt_project_dir), "--target-path", str(folder / "target")],
                check=True, capture_output=True)))
            suites = load_suites(cfg.expectations_dir)
            results["GX: all suites in one call"].append(timed(lambda: run_suites(cfg.build_db, suites, folder / "docs", "bench")))
            provenance = Provenance("bench", "bench", {}, 0, 0, 0, 0)
            results["publish() alone"].append(timed(lambda: publish(cfg.build_db, folder / "pub2" / "w.duckdb", provenance)))

        print(f"median of {args.repeat} runs, seconds")
        for name, values in results.items():
            print(f"  {name:<48} {statistics.median(values):8.2f}")
        print("  inside the job (from the run's event log):")
        for name, values in steps.items():
            print(f"    {name:<46} {statistics.median(values):8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
