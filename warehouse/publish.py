"""Publish the build warehouse to BI: copy it, stamp it, swap it in atomically.

BI reads one DuckDB file, the *published* warehouse, and the pipeline never writes to it in
place. A publish copies the closed, checkpointed build database to a temporary file beside
the published one, writes `meta.publish_log` into the copy, flushes it to disk and renames
it over the published path. A rename within one folder is atomic: a reader sees the old file
or the new one, never a mix, and a reader that holds the old file open keeps reading it.
The file it replaced stays as `<name>.previous.duckdb` (a hard link, so no copy) for
`python -m warehouse.publish rollback`. A run killed at any point leaves the published
file as it was; a leftover temporary file is removed by the next publish.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.config import settings

TMP_MARKER = ".publishing-"


@dataclass(frozen=True)
class Provenance:
    run_id: str
    code_version: str
    raw_files: dict[str, str]  # path under raw/ -> sha256
    checks_total: int
    checks_failed_error: int
    checks_failed_warn: int
    findings: int
    built_by_run_id: str | None = None  # the run that last changed the build (this one, unless it only re-published)


@dataclass(frozen=True)
class PublishResult:
    published_db: Path
    previous_db: Path | None
    size_bytes: int
    tables: int


def previous_path(published_db: Path) -> Path:
    return published_db.with_name(published_db.stem + ".previous" + published_db.suffix)


def code_version(project_root: Path) -> str:
    """The git commit the code was run from, marked `+dirty` when the tree has changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=project_root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=project_root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace_atomically(source: Path, target: Path) -> None:
    os.replace(source, target)
    # rename(2) does nothing when both names are links to one file (a publish killed between
    # its two renames leaves the previous and the published path so); the target is right then
    source.unlink(missing_ok=True)
    _fsync_dir(target.parent)


def _remove_leftovers(folder: Path) -> None:
    for leftover in folder.glob(f"{TMP_MARKER}*"):
        leftover.unlink(missing_ok=True)


def _stamp(copy: Path, published_db: Path, provenance: Provenance, published_at: dt.datetime) -> int:
    """Write this publish into `meta.publish_log` of the copy, carrying the earlier entries."""
    with duckdb.connect(str(copy)) as con:
        con.execute("create schema if not exists meta")
        con.execute(
            """
            create or replace table meta.publish_log (
                published_at timestamp not null,
                run_id varchar not null,
                code_version varchar not null,
                checks_total integer not null,
                checks_failed_error integer not null,
                checks_failed_warn integer not null,
                findings integer not null,
                -- the run that built these data; another run's id when this run found nothing
                -- changed and re-published the same build (dagster_project/changes.py)
                built_by_run_id varchar
            )
            """
        )
        con.execute(
            "create or replace table meta.publish_raw_files "
            "(run_id varchar not null, raw_file varchar not null, sha256 varchar not null)"
        )
        if published_db.exists():
            # keep the history: the entries of the warehouse this publish replaces
            con.execute("attach ? as old (read_only)", [str(published_db)])
            has_log = con.execute(
                "select count(*) from duckdb_tables() where database_name = 'old' "
                "and schema_name = 'meta' and table_name in ('publish_log', 'publish_raw_files')"
            ).fetchone()[0]
            if has_log == 2:
                con.execute("insert into meta.publish_log by name select * from old.meta.publish_log")
                con.execute("insert into meta.publish_raw_files select * from old.meta.publish_raw_files")
            con.execute("detach old")
        con.execute(
            "insert into meta.publish_log values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                published_at,
                provenance.run_id,
                provenance.code_version,
                provenance.checks_total,
                provenance.checks_failed_error,
                provenance.checks_failed_warn,
                provenance.findings,
                provenance.built_by_run_id or provenance.run_id,
            ],
        )
        raw_files = [[provenance.run_id, name, sha] for name, sha in sorted(provenance.raw_files.items())]
        if raw_files:
            con.executemany("insert into meta.publish_raw_files values (?, ?, ?)", raw_files)
        con.execute("checkpoint")
        return con.execute(
            "select count(*) from information_schema.tables where table_catalog = current_database()"
        ).fetchone()[0]


def publish(build_db: Path, published_db: Path, provenance: Provenance) -> PublishResult:
    """Replace the published warehouse with a stamped copy of the build database."""
    published_db.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(published_db.parent)
    # fold the write-ahead log into the build file, so the copy is complete on its own
    with duckdb.connect(str(build_db)) as con:
        con.execute("checkpoint")
    copy = published_db.parent / f"{TMP_MARKER}{uuid.uuid4().hex}{published_db.suffix}"
    try:
        shutil.copyfile(build_db, copy)
        tables = _stamp(copy, published_db, provenance, dt.datetime.now(dt.UTC).replace(tzinfo=None))
        integrity_check(copy, expect_run_id=provenance.run_id)
        _fsync_file(copy)
        previous = None
        if published_db.exists():
            previous = previous_path(published_db)
            link = published_db.parent / f"{TMP_MARKER}{uuid.uuid4().hex}.previous"
            os.link(published_db, link)
            _replace_atomically(link, previous)
        _replace_atomically(copy, published_db)
    finally:
        copy.unlink(missing_ok=True)
    return PublishResult(published_db, previous, published_db.stat().st_size, tables)


def integrity_check(db: Path, expect_run_id: str | None = None) -> dict[str, int]:
    """Open read-only, read every table once, and check the newest publish_log entry."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = current_database() order by 1, 2"
        ).fetchall()
        counts = {f"{s}.{t}": con.execute(f'select count(*) from "{s}"."{t}"').fetchone()[0] for s, t in tables}
        if "meta.publish_log" not in counts:
            raise RuntimeError(f"{db}: no meta.publish_log; not a published warehouse")
        latest = con.execute("select run_id from meta.publish_log order by published_at desc limit 1").fetchone()
    if expect_run_id is not None and (latest is None or latest[0] != expect_run_id):
        raise RuntimeError(f"{db}: newest publish_log entry is {latest}, expected run {expect_run_id}")
    return counts


def rollback(published_db: Path) -> None:
    """Swap the published warehouse with the previous one (running it twice undoes it)."""
    previous = previous_path(published_db)
    if not previous.exists():
        raise FileNotFoundError(f"{previous}: there is no previous warehouse to roll back to")
    integrity_check(previous)
    folder = published_db.parent
    current_link = folder / f"{TMP_MARKER}{uuid.uuid4().hex}.current"
    previous_link = folder / f"{TMP_MARKER}{uuid.uuid4().hex}.previous"
    os.link(published_db, current_link)
    os.link(previous, previous_link)
    _replace_atomically(previous_link, published_db)
    _replace_atomically(current_link, previous)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m warehouse.publish")
    parser.add_argument("command", choices=["rollback", "check"])
    args = parser.parse_args(argv)
    published = settings().published_db
    if not published.exists():
        print(f"no published warehouse at {published} yet: run `make run`", file=sys.stderr)
        return 1
    if args.command == "rollback":
        rollback(published)
        print(f"rolled back: {published} now holds the previous warehouse (run rollback again to undo)")
    counts = integrity_check(published)
    with duckdb.connect(str(published), read_only=True) as con:
        as_of = con.execute(
            "select published_at, run_id, code_version from meta.publish_log order by published_at desc limit 1"
        ).fetchone()
    print(f"{published}: {len(counts)} tables, data as of {as_of[0]} (run {as_of[1]}, code {as_of[2]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
