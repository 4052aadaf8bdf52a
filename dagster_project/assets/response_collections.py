"""Respondent-level answers as a partitioned asset: one partition per collection.

A new collection is a new file in the responses folder and a new partition (the sensor below,
or `make run`, registers it); a backfill of `responses_refresh` reloads old ones. A run of
several partitions (a partition range) loads them in one step, under the same build lock as the
nightly job, and records a materialisation of each partition.

The partitioned asset cannot share a job with the unpartitioned ones (Dagster asks all
partitioned assets of a job to share one partitions definition, and a partitioned job needs a
partition key for every run): `responses_refresh` loads collections, `nightly_refresh` builds
the regenerated tables from whatever is loaded (dbt reads the loaded collections' counts) and checks
and publishes them with everything else. The assets are declared here and materialised by the
job's op, not executable on their own: "Materialize all" in the UI then builds the warehouse as
the nightly job does, instead of asking for collections to backfill.
"""

import hashlib
import json

import dagster as dg
from dagster_duckdb import DuckDBResource

from dagster_project.assets.ingest import raw_asset_key
from dagster_project.build_lock import BuildLock
from warehouse.build_state import file_state, record_change
from warehouse.config import settings
from warehouse.responses import generator
from warehouse.responses.contract import COLUMNS, SYNTHETIC_PREFIX, ResponseFileError, collection_files
from warehouse.responses.load import drop_collections, label_tables, load_collection, store_dir
from warehouse.responses.published import PUBLISHED_TABLES
from warehouse.tables.appendix import TABLES as APPENDIX_TABLES

RESPONSES_KEY = dg.AssetKey(["raw", "responses__trust_answer_counts"])
COLLECTIONS_KEY = dg.AssetKey(["raw", "responses__collections"])
RESPONSES_KEYS = (RESPONSES_KEY, COLLECTIONS_KEY)
SYNTHETIC_KEY = dg.AssetKey(["raw", "responses__synthetic_collections"])
response_collections = dg.DynamicPartitionsDefinition(name="response_collections")
# the contract's columns the counts keep (all but the respondent)
COUNTED_COLUMNS = [c for c in COLUMNS if c.name != "respondent_id"]


responses_specs = [
    dg.AssetSpec(
        RESPONSES_KEY,
        description=(
            "Respondent-level answers, one partition per collection (file <collection>.parquet or .csv in "
            "IW_RESPONSES_DIR, one row per answer), checked against the contract and counted in the same pass: "
            "answers per question, trust, audience and answer, kept as Parquet beside the build database "
            "(response_counts/), which dbt reads. Collections whose id starts with 'synthetic-' are SYNTHETIC, "
            "generated from the published tables (python -m warehouse.responses)."
        ),
        kinds={"parquet"},
        group_name="raw",
        partitions_def=response_collections,
        metadata={
            "dagster/column_schema": dg.TableSchema(
                columns=[dg.TableColumn(c.name, c.type, description=c.description) for c in COUNTED_COLUMNS]
                + [dg.TableColumn("answers", "INTEGER", description="Number of such answers in the collection.")]
            )
        },
    ),
    dg.AssetSpec(
        COLLECTIONS_KEY,
        description="One row per loaded collection: file, SHA-256, answers, respondents, is_synthetic.",
        kinds={"duckdb"},
        group_name="raw",
        partitions_def=response_collections,
    ),
]


@dg.op(name="raw__responses", description="Check and load the run's collections of answers.")
def load_collections(context: dg.OpExecutionContext, duckdb: DuckDBResource, build_lock: BuildLock) -> None:
    folder = settings().responses_dir
    store = store_dir(settings().build_db)
    files = collection_files(folder)
    keys = context.partition_keys
    absent = [k for k in keys if k not in files]
    if absent:
        raise ResponseFileError(folder / f"{absent[0]}.parquet", None, None, "no file for this collection")
    registered = context.instance.get_dynamic_partitions(response_collections.name)
    loaded = []
    # the build file before and after this load: the planner (changes.py) can tell that only
    # answers were loaded since the last publish, and rebuild just what they feed
    state_before = file_state(settings().build_db) if settings().build_db.exists() else "missing"
    with duckdb.get_connection() as con:
        record_change(con, context.run_id, f"load responses {', '.join(keys)}")
        for key in keys:
            collection = load_collection(con, files[key], context.run_id, store)
            context.log.info(
                f"loaded {collection.rows} answers of {collection.respondents} respondents from {collection.path}"
                + (" (SYNTHETIC)" if collection.is_synthetic else "")
            )
            loaded.append(collection)
        gone = drop_collections(con, registered, store)
        if gone:
            context.log.info(f"removed collections no longer registered: {', '.join(gone)}")
        label_tables(con)
        total, collections = con.execute("select sum(answers), count(*) from raw.responses__collections").fetchone()
    state_after = file_state(settings().build_db)  # the connection is closed: nothing more is written
    for collection in loaded:
        _record_load(context, collection, store)
        context.log_event(
            dg.AssetMaterialization(
                asset_key=COLLECTIONS_KEY,
                partition=collection.collection,
                metadata={
                    "dagster/row_count": collections,
                    "build_file_state_before": state_before,
                    "build_file_state": state_after,
                },
            )
        )
    context.log.info(f"{collections} collections, {int(total or 0)} answers loaded in all")


def _record_load(context, collection, store) -> None:
    """The load's materialisation of its partition: the sensor and `make run` read what was loaded here."""
    context.log_event(
        dg.AssetMaterialization(
            asset_key=RESPONSES_KEY,
            partition=collection.collection,
            metadata={
                "answers": collection.rows,
                "respondents": collection.respondents,
                "synthetic": collection.is_synthetic,
                "file_sha256": collection.sha256,
                "counts": dg.MetadataValue.path(str(store / f"{collection.collection}.parquet")),
            },
        )
    )


@dg.asset(
    key=SYNTHETIC_KEY,
    deps=[raw_asset_key(t) for t in APPENDIX_TABLES if t.name in PUBLISHED_TABLES],
    code_version=generator.generator_version(),
    group_name="raw",
    kinds={"parquet"},
    description=(
        "The SYNTHETIC collections of answers follow the printed tables they are made from: each file records the "
        "SHA-256 of the appendix tables and the generator's code version it was made from; a collection whose "
        "tables or generator changed since is generated again (same seed and number) and loaded, before the "
        "regenerated tables and their rule regenerated_cells_equal_published_synthetic run. Collections of real "
        "answers are never touched."
    ),
)
def synthetic_collections(
    context: dg.AssetExecutionContext, duckdb: DuckDBResource, build_lock: BuildLock
) -> dg.MaterializeResult:
    cfg = settings()
    store = store_dir(cfg.build_db)
    files = {k: p for k, p in collection_files(cfg.responses_dir).items() if k.startswith(SYNTHETIC_PREFIX)}
    stale = {k: reason for k, p in files.items() if (reason := generator.why_stale(p, cfg.raw_dir))}
    regenerated: dict[str, str] = {}
    if stale:
        registered = set(context.instance.get_dynamic_partitions(response_collections.name))
        with duckdb.get_connection() as con:
            record_change(con, context.run_id, f"regenerate synthetic {', '.join(sorted(stale))}")
            for key, reason in sorted(stale.items()):
                if not generator.is_regenerable(files[key]):
                    context.log.warning(
                        f"{files[key]}: stale ({reason}) but not a file the generator wrote; left as is"
                    )
                    continue
                made = generator.regenerate(files[key], cfg.raw_dir)
                collection = load_collection(con, made.path, context.run_id, store)
                context.log.info(
                    f"regenerated SYNTHETIC collection {key} ({reason}): {made.answers} answers in {made.seconds:.1f} s"
                )
                if key not in registered:
                    context.instance.add_dynamic_partitions(response_collections.name, [key])
                _record_load(context, collection, store)
                regenerated[key] = reason
            label_tables(con)
    made_from = generator.source_versions(cfg.raw_dir)
    version = hashlib.sha256(
        json.dumps([made_from, generator.generator_version(), sorted(files)], sort_keys=True).encode()
    ).hexdigest()[:16]
    return dg.MaterializeResult(
        metadata={
            "synthetic_collections": len(files),
            "regenerated": dg.MetadataValue.json(regenerated),
            "made_from": dg.MetadataValue.json(made_from),
        },
        data_version=dg.DataVersion(version),
    )
