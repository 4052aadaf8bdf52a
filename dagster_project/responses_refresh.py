"""What the main command does for the responses before the nightly job: make sure there is a
collection (one SYNTHETIC collection by default), register a partition per collection file,
and load the collections that are new or whose file changed, in one run of `responses_refresh`."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from dagster_project.assets.response_collections import response_collections
from dagster_project.build_lock import reading
from warehouse.responses.contract import collection_files, file_sha256
from warehouse.responses.generator import DEFAULT_SEED, generate_collections
from warehouse.responses.load import loaded_hashes, store_dir

# The run tags of one run over a range of partitions, as Dagster's docs launch a single-run
# backfill (`dagster job execute --tags`, `execute_in_process(tags=...)`): a stored contract of
# every such run, with no exported name. tests/responses cover a run over several collections.
PARTITION_RANGE_START_TAG = "dagster/asset_partition_range_start"
PARTITION_RANGE_END_TAG = "dagster/asset_partition_range_end"


@dataclass(frozen=True)
class ResponsesPlan:
    files: dict[str, Path]
    to_load: list[str]  # partition keys, in partition order
    generated: list[str]


def ensure_default_collection(raw_dir: Path, responses_dir: Path) -> list[str]:
    """Generate the default SYNTHETIC collection when the folder holds no collection at all."""
    if collection_files(responses_dir):
        return []
    return [c.collection for c in generate_collections(raw_dir, responses_dir, 1, DEFAULT_SEED)]


def plan(instance: dg.DagsterInstance, raw_dir: Path, responses_dir: Path, build_db: Path) -> ResponsesPlan:
    """Register partitions for the files (dropping those whose file is gone) and list what to load."""
    generated = ensure_default_collection(raw_dir, responses_dir)
    files = collection_files(responses_dir)
    name = response_collections.name
    registered = instance.get_dynamic_partitions(name)
    for gone in [k for k in registered if k not in files]:
        instance.delete_dynamic_partition(name, gone)
    new = [k for k in files if k not in registered]
    if new:
        instance.add_dynamic_partitions(name, new)
    loaded: dict[str, str] = {}
    if build_db.exists():
        with reading(build_db), contextlib.suppress(duckdb.Error):
            with duckdb.connect(str(build_db), read_only=True) as con:
                loaded = loaded_hashes(con)
    stale = set(loaded) - set(files)
    store = store_dir(build_db)
    changed = {
        k for k, path in files.items() if loaded.get(k) != file_sha256(path) or not (store / f"{k}.parquet").exists()
    }
    order = instance.get_dynamic_partitions(name)
    to_load = [k for k in order if k in changed]
    if stale and not to_load:  # a collection was removed: one run drops its rows
        to_load = order[:1]
    return ResponsesPlan(files, to_load, generated)


def run_tags(keys: list[str]) -> dict[str, str]:
    """Tags of one run over the partitions from the first to the last key (partition order)."""
    return {PARTITION_RANGE_START_TAG: keys[0], PARTITION_RANGE_END_TAG: keys[-1]}
