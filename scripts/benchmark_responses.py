"""Scale benchmark of the respondent-level path: SYNTHETIC collections of about 1M, 5M and 20M
answers, loaded and aggregated the way the pipeline does it, next to DuckDB's own bare
scan-and-group-by of the same files.

    .venv/bin/python scripts/benchmark_responses.py [--sizes 1000000,5000000,20000000] [--keep DIR]

A collection always holds the published number of answers (424,071: every one of them is
needed to reproduce the printed tables), so a size is met with the nearest whole number of
collections. Per size, in a fresh build database, each measured in its own process:

* ingest: the responses asset's code (`load_collection`: the contract's checks and, in the same
  scans, the answer counts per question, trust, audience and answer, written as Parquet beside
  the build database) over every collection file;
* dbt: `dbt run` of the responses models (the sums of the counts, the three marts and the
  cell-by-cell comparison), wall time including dbt's start-up, and the models' own execution
  time from run_results.json;
* dbt's floor: `dbt run` of a selection that matches no model, from the same warm partial-parse
  file (start-up, parse and adapter only), so the ratio's fixed part is visible;
* bare: one DuckDB query over the same Parquet files, `group by collection, question, trust,
  audience, answer` with a count: every figure the models compute derives from its result.

Peak RSS is the maximum resident set of each process (wait4). The generator's time is reported
separately. Untimed set-up: the appendix's raw tables, the band seed and the staging views.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

INGEST = """
import sys, duckdb
from pathlib import Path
from warehouse.responses.load import load_collection, label_tables, store_dir
with duckdb.connect(sys.argv[1]) as con:
    for path in sys.argv[2:]:
        load_collection(con, Path(path), "benchmark", store_dir(Path(sys.argv[1])))
    label_tables(con)
"""
BARE = """
import sys, duckdb
with duckdb.connect() as con:  # the result stays in DuckDB, as dbt's tables do
    con.execute(
        "create table cell_counts as select collection, question_id, trust_code, audience, answer, "
        "count(*) as answers from read_parquet(?) group by all", [sys.argv[1:]]
    )
    print(con.execute("select count(*) from cell_counts").fetchone()[0])
"""
SETUP = """
import sys, duckdb
from warehouse.config import settings
from warehouse.tables.appendix import TABLES
from warehouse.raw_files import load_csv
with duckdb.connect(sys.argv[1]) as con:
    for table in TABLES:
        load_csv(con, settings().raw_dir / table.relpath, table)
"""


def run_measured(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB, stdout) of one process."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode:
        raise RuntimeError(f"{' '.join(command[:3])} failed:\n{stdout[-3000:]}\n{stderr[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, stdout


def dbt(args: list[str], env: dict[str, str], work: Path) -> list[str]:
    dbt_bin = Path(sys.executable).parent / "dbt"
    return [
        str(dbt_bin),
        *args,
        "--project-dir",
        str(ROOT / "dbt"),
        "--profiles-dir",
        str(ROOT / "dbt"),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,5000000,20000000", help="answers per size, comma-separated")
    parser.add_argument("--keep", type=Path, help="folder to keep the generated collections in (default: temporary)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]

    from warehouse.config import settings
    from warehouse.responses.generator import generate_collections
    from warehouse.responses.published import read_published

    per_collection = sum(sum(q.counts[a].values()) for q in read_published(settings().raw_dir) for a in q.counts)
    counts = [max(1, round(size / per_collection)) for size in sizes]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folder = args.keep or work / "responses"
        started = time.perf_counter()
        generated = generate_collections(settings().raw_dir, folder, max(counts), seed=1)
        generate_wall = time.perf_counter() - started
        print(
            f"generated {len(generated)} SYNTHETIC collections of {per_collection} answers in {generate_wall:.1f} s "
            f"({folder})",
            flush=True,
        )

        rows = []
        for size, k in zip(sizes, counts, strict=False):
            files = [str(c.path) for c in generated[:k]]
            answers = k * per_collection
            db = work / f"build_{k}" / "warehouse.duckdb"
            db.parent.mkdir()
            env = {
                **os.environ,
                "IW_BUILD_DB": str(db),
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            }
            run_measured([sys.executable, "-c", SETUP, str(db)], env)
            run_measured(dbt(["seed", "--select", "mean_score_bands"], env, work), env)
            run_measured(
                dbt(
                    [
                        "run",
                        "--select",
                        "stg_appendix__responses",
                        "stg_appendix__mean_score_bands",
                        "stg_appendix__average_scores",
                        "stg_appendix__questions",
                    ],
                    env,
                    work,
                ),
                env,
            )
            ingest_s, ingest_rss, _ = run_measured([sys.executable, "-c", INGEST, str(db), *files], env)
            dbt_s, dbt_rss, _ = run_measured(
                dbt(
                    ["run", "--select", "stg_responses__trust_answer_counts+", "stg_responses__collections+"], env, work
                ),
                env,
            )
            results = json.loads((work / "target" / "run_results.json").read_text())["results"]
            models_s = sum(r["execution_time"] for r in results)
            floor_s, _, _ = run_measured(dbt(["run", "--select", "no_model_is_named_this"], env, work), env)
            bare_s, bare_rss, _ = run_measured([sys.executable, "-c", BARE, *files], env)
            generate_s = sum(c.seconds for c in generated[:k])
            rows.append(
                (
                    size,
                    answers,
                    k,
                    generate_s,
                    ingest_s,
                    dbt_s,
                    models_s,
                    floor_s,
                    bare_s,
                    ingest_rss,
                    dbt_rss,
                    bare_rss,
                )
            )
            print(f"  {answers:,} answers done", flush=True)
            shutil.rmtree(db.parent)

        print()
        print(
            "| target | answers | collections | generate s | ingest s | dbt s (models) | dbt floor s | ingest+dbt s "
            "| bare group-by s | ratio | ratio, models only | ratio floor (dbt floor / bare) "
            "| peak RSS ingest / dbt / bare MiB | ingest+dbt s per M answers |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
        for size, answers, k, gen_s, ingest_s, dbt_s, models_s, floor_s, bare_s, i_rss, d_rss, b_rss in rows:
            total = ingest_s + dbt_s
            print(
                f"| {size / 1e6:g}M | {answers:,} | {k} | {gen_s:.1f} | {ingest_s:.1f} | {dbt_s:.1f} ({models_s:.1f}) "
                f"| {floor_s:.1f} | {total:.1f} | {bare_s:.2f} | {total / bare_s:.1f}x "
                f"| {(ingest_s + models_s) / bare_s:.1f}x | {floor_s / bare_s:.1f}x "
                f"| {i_rss:.0f} / {d_rss:.0f} / {b_rss:.0f} | {total / (answers / 1e6):.2f} |"
            )
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
