"""Command line: python -m extract --appendix PATH --devon PATH --out raw/"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from extract.run import extract_all
from extract.writer import ExtractionError, write_tables
from warehouse.config import settings
from warehouse.documents import DOCUMENTS


def main(argv: list[str] | None = None) -> int:
    sources = settings().sources_dir
    parser = argparse.ArgumentParser(prog="python -m extract", description=__doc__)
    parser.add_argument("--appendix", type=Path, default=sources / DOCUMENTS["appendix"])
    parser.add_argument("--devon", type=Path, default=sources / DOCUMENTS["devon"])
    parser.add_argument("--out", type=Path, default=settings().raw_dir)
    args = parser.parse_args(argv)
    try:
        rendered = extract_all(args.appendix, args.devon)
    except (ExtractionError, OSError) as exc:
        print(f"extract: {exc}", file=sys.stderr)
        return 1
    write_tables(args.out, rendered)
    for relpath, text in sorted(rendered.items()):
        rows = text.count("\n") - 1 if relpath.endswith(".csv") else None
        print(f"{args.out / relpath}" + (f"  {rows} rows" if rows is not None else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
