"""The dashboard kept as code: bi/dashboard holds Superset's export format (YAML), unzipped.

Two placeholders keep the files free of any one checkout's paths:
- the database's `sqlalchemy_uri` is `duckdb:///PUBLISHED_WAREHOUSE`; on import it becomes this
  checkout's published file, and its `extra` always carries `read_only: true`;
- the `problems` dataset's SQL is `PROBLEMS_SQL`; on import it becomes a query of quality.problems
  when the published file has that table, else the grouping of quality.latest_findings it replaces.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import duckdb
import yaml

URI_PLACEHOLDER = "duckdb:///PUBLISHED_WAREHOUSE"
SQL_PLACEHOLDER = "PROBLEMS_SQL"
READ_ONLY_EXTRA = {"engine_params": {"connect_args": {"read_only": True}}}

PROBLEMS_SQL = """select problem_id, grade, grade_order, document, first_line, subject, explanation, findings
from quality.problems"""

# Older publishes have no quality.problems: one row per (document, line, rule) of the latest findings.
FINDINGS_SQL = """select
    rule_id || ' ' || source_document || ':' || source_line as problem_id,
    'ungraded' as grade,
    3 as grade_order,
    source_document as document,
    source_line as first_line,
    min(row_key) as subject,
    'The report prints ' || min(published_value) || '; its own figures give ' || min(recomputed_value)
        || ' (rule ' || rule_id || ').' as explanation,
    count(*) as findings
from quality.latest_findings
group by source_document, source_line, rule_id"""


def duckdb_uri(path: Path) -> str:
    return f"duckdb:///{path.resolve()}"


def has_problems_table(published_db: Path) -> bool:
    with duckdb.connect(str(published_db), read_only=True) as con:
        found = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'quality' and table_name = 'problems'"
        ).fetchone()
    return bool(found and found[0])


def problems_sql(published_db: Path) -> str:
    return PROBLEMS_SQL if has_problems_table(published_db) else FINDINGS_SQL


def _pointed(files: dict[str, dict], published_db: Path) -> dict[str, dict]:
    """The files with the connection on `published_db`, read-only, and the problems query chosen."""
    sql = problems_sql(published_db)
    out = {}
    for name, content in files.items():
        content = dict(content)
        if name.startswith("databases/"):
            content["sqlalchemy_uri"] = duckdb_uri(published_db)
            extra = dict(content.get("extra") or {})
            engine_params = dict(extra.get("engine_params") or {})
            engine_params["connect_args"] = {**(engine_params.get("connect_args") or {}), "read_only": True}
            content["extra"] = {**extra, "engine_params": engine_params}
            content["allow_dml"] = False
        elif name.startswith("datasets/") and content.get("sql") == SQL_PLACEHOLDER:
            content["sql"] = sql
        out[name] = content
    return out


def read_tree(folder: Path) -> dict[str, dict]:
    return {
        path.relative_to(folder).as_posix(): yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted(folder.rglob("*.yaml"))
    }


def import_contents(folder: Path, published_db: Path) -> dict[str, dict[str, str]]:
    """What Superset's import commands take (file name: YAML text), per kind: every dataset with
    its database, every chart, then the dashboard. Each import brings only what its kind lists, and
    a dashboard's import leaves existing charts and datasets as they were: hence one per kind."""
    files = _pointed(read_tree(folder), published_db)
    kinds = {
        "SqlaTable": ("databases/", "datasets/"),
        "Slice": ("databases/", "datasets/", "charts/"),
        "Dashboard": ("databases/", "datasets/", "charts/", "dashboards/"),
    }
    return {
        kind: {
            "metadata.yaml": yaml.safe_dump({**files["metadata.yaml"], "type": kind}),
            **{
                n: yaml.safe_dump(c, sort_keys=False, allow_unicode=True)
                for n, c in files.items()
                if n.startswith(prefixes)
            },
        }
        for kind, prefixes in kinds.items()
    }


def _canonical_chart_ids(dashboard: dict) -> dict:
    """Chart ids are one home's; the import maps charts by uuid. Number them 1.. in uuid order so
    that an export from any home gives the same file."""
    charts = [
        v["meta"] for v in dashboard.get("position", {}).values() if isinstance(v, dict) and v.get("type") == "CHART"
    ]
    ids = {meta["chartId"]: n for n, meta in enumerate(sorted(charts, key=lambda m: m["uuid"]), start=1)}
    for meta in charts:
        meta["chartId"] = ids[meta["chartId"]]
    metadata = dashboard.get("metadata", {})
    scopes = [*metadata.get("native_filter_configuration", []), metadata.get("global_chart_configuration", {})]
    for scoped in scopes:
        if "scope" in scoped:
            scoped["scope"]["excluded"] = sorted(ids[i] for i in scoped["scope"].get("excluded", []) if i in ids)
        if "chartsInScope" in scoped:
            scoped["chartsInScope"] = sorted(ids[i] for i in scoped["chartsInScope"] if i in ids)
    return dashboard


def _stable_name(relative: str) -> str:
    """Superset names exported files `<name>_<id>.yaml`; ids differ from one home to another."""
    return re.sub(r"_\d+\.yaml$", ".yaml", relative) if relative.count("/") else relative


def write_tree(exports: list[bytes], folder: Path) -> list[str]:
    """Superset's export ZIPs back into `folder`, with the placeholders restored; returns the files."""
    files: dict[str, dict] = {}
    for payload in exports:
        with zipfile.ZipFile(io.BytesIO(payload)) as bundle:
            for name in bundle.namelist():
                if not name.endswith(".yaml"):
                    continue
                relative = name.split("/", 1)[1]
                content = yaml.safe_load(bundle.read(name))
                if relative == "metadata.yaml":
                    content = {**content, "type": "Dashboard"}
                if relative.startswith("databases/"):
                    content["sqlalchemy_uri"] = URI_PLACEHOLDER
                    content.pop("password", None)
                if relative.startswith("datasets/") and content.get("sql") in (PROBLEMS_SQL, FINDINGS_SQL):
                    content["sql"] = SQL_PLACEHOLDER
                if relative.startswith("dashboards/"):
                    content = _canonical_chart_ids(content)
                files.setdefault(_stable_name(relative), content)
    for sub in ("charts", "dashboards", "databases", "datasets"):
        shutil.rmtree(folder / sub, ignore_errors=True)
    for relative, content in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return sorted(files)
