"""dbt docs generate works on the built warehouse and documents every mart column."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from warehouse.config import settings


def test_dbt_docs_generate_describes_every_mart_column(warehouse, tmp_path):
    build = tmp_path / "warehouse.duckdb"  # dbt opens its database to write: not the shared one
    shutil.copyfile(warehouse.build_db, build)
    dbt = Path(sys.executable).parent / "dbt"
    project = settings().dbt_project_dir
    result = subprocess.run(
        [
            str(dbt),
            "docs",
            "generate",
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project),
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
        ],
        env={**os.environ, "IW_BUILD_DB": str(build)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    catalog = json.loads((tmp_path / "target" / "catalog.json").read_text())
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    marts = [n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["schema"] == "marts"]
    assert {n["name"] for n in marts} == {
        "question",
        "band",
        "practice",
        "sector",
        "sector_section_summary",
        "cluster",
        "outcome",
        "answer_count_from_responses",
        "question_from_responses",
        "band_from_responses",
    }
    for node in marts:
        built = {c.lower() for c in catalog["nodes"][node["unique_id"]]["columns"]}
        documented = {c for c, spec in node["columns"].items() if spec.get("description")}
        assert built == documented, node["name"]
