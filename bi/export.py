"""`make bi-export`: write the dashboard and the datasets as Superset holds them now (after edits in
its UI) back into bi/dashboard, with this checkout's path and the problems query put back as
placeholders. Reads the BI home that `make bi` uses (IW_BI_HOME); the server need not be running.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from bi.dashboard_files import write_tree
from bi.serve import ROOT, ConfigurationError, Settings, superset_env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--to", type=Path, default=ROOT / "bi" / "dashboard", help="the folder (default bi/dashboard)")
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigurationError as error:
        print(f"bi: {error}", file=sys.stderr)
        return 2
    if not (settings.home / "superset.db").is_file():
        print(f"bi: no Superset home at {settings.home}: start it once with `make bi`", file=sys.stderr)
        return 2
    superset = str(Path(sys.executable).parent / "superset")
    payloads = []
    with tempfile.TemporaryDirectory() as folder:
        for command, name in (("export-dashboards", "dashboards.zip"), ("export-datasources", "datasets.zip")):
            target = Path(folder) / name
            result = subprocess.run(
                [superset, command, "-f", str(target)],
                env=superset_env(settings),
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0 or not target.is_file():
                print(f"bi: `superset {command}` failed:\n{result.stdout}{result.stderr[-3000:]}", file=sys.stderr)
                return 1
            payloads.append(target.read_bytes())
    written = write_tree(payloads, args.to)
    print(f"bi: {len(written)} files written to {args.to}; review them with `git diff {args.to}`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
