"""CLI: write SYNTHETIC respondent-level collections that reproduce the published appendix tables.

python -m warehouse.responses --collections 3 --seed 7 --out .data/responses
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from warehouse.config import settings
from warehouse.responses.generator import DEFAULT_SEED, generate_collections


def main(argv: list[str] | None = None) -> int:
    cfg = settings()
    parser = argparse.ArgumentParser(prog="python -m warehouse.responses", description=__doc__.splitlines()[0])
    parser.add_argument("--collections", type=int, default=1, help="how many collections to write (default 1)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument(
        "--out", type=Path, default=cfg.responses_dir, help=f"folder to write to (default {cfg.responses_dir})"
    )
    parser.add_argument("--raw", type=Path, default=cfg.raw_dir, help="raw/ folder holding the published tables")
    args = parser.parse_args(argv)
    if args.collections < 1:
        parser.error("--collections must be at least 1")
    started = time.perf_counter()
    written = generate_collections(args.raw, args.out, args.collections, args.seed)
    for c in written:
        print(f"{c.path}: {c.answers} answers from {c.respondents} respondents, SYNTHETIC ({c.seconds:.2f} s)")
    print(
        f"{len(written)} synthetic collections, {sum(c.answers for c in written)} answers "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
