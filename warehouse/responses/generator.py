"""SYNTHETIC respondent-level collections whose aggregates equal the appendix's published tables.

We do not hold the real answers, so this writes answers that reproduce every published cell:
per question, the responses by audience and answer (and so the averages and percentages printed
from them) and the number of trusts in each mean-score band and "missing" (see
allocation.py for how, and for how a trust's mean is defined). Nothing else is invented from
the report: the per-sector averages, which the documents lost, are not generated.

A collection's people: each trust has a size and a share of leaders and managers (two trusts
have none, as in the report); a trust's respondents of an audience are as many as the most
answers that trust and audience give to any one question, and each question's answers go to
distinct respondents (a random rotation), so nobody answers a question twice and some people
skip some questions. Respondent ids are unique within the collection.

Deterministic: the same seed, collection number, tables and generator give the same file, byte
for byte. Files are named ``synthetic-seed<seed>-<nnn>.parquet`` and carry Parquet key-value
metadata ``synthetic = true``, and their provenance: the SHA-256 of each table they were made
from (``source_tables``) and the generator's code version (``generator_version``). A collection
whose tables or generator changed since is stale (`why_stale`) and is made again from the
tables as they are now (`regenerate`): the answers follow the printed tables, so a corrected
table never leaves the regenerated cells comparing against answers made from the old one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from warehouse.config import settings
from warehouse.raw_files import file_sha256
from warehouse.responses.allocation import TrustProfile, allocate_question
from warehouse.responses.contract import SYNTHETIC_PREFIX, TRUST_CODES
from warehouse.responses.published import (
    ANSWERS,
    AUDIENCES,
    TRUSTS,
    PublishedQuestion,
    published_table_paths,
    read_published,
)

DEFAULT_SEED = 1
# trusts without leaders and managers: "two Children's Trusts did not supply any leaders and managers"
TRUSTS_WITHOUT_LEADERS = 2
SYNTHETIC_NOTE = (
    "SYNTHETIC answers generated from the published appendix tables by warehouse.responses; not real responses."
)


@dataclass(frozen=True)
class GeneratedCollection:
    collection: str
    path: Path
    answers: int
    respondents: int
    seconds: float


# the code that decides what a collection holds: its version is part of each file's provenance
_GENERATOR_FILES = ("generator.py", "allocation.py", "published.py")
_GENERATED_ID = re.compile(rf"{SYNTHETIC_PREFIX}seed(\d+)-(\d{{3,}})")


def collection_id(seed: int, number: int) -> str:
    return f"{SYNTHETIC_PREFIX}seed{seed}-{number:03d}"


def generator_version() -> str:
    """Changes when the code that decides what a synthetic collection holds changes: the
    generator's modules, the bands (dbt's seed) and the number of trusts (a dbt var)."""
    digest = hashlib.sha256()
    for name in _GENERATOR_FILES:
        digest.update((Path(__file__).parent / name).read_bytes())
    digest.update((settings().dbt_project_dir / "seeds" / "mean_score_bands.csv").read_bytes())
    digest.update(str(TRUSTS).encode())
    return digest.hexdigest()[:16]


def source_versions(raw_dir: Path) -> dict[str, str]:
    """SHA-256 of each published table a collection is made from, by its path under raw/: the
    same hashes Dagster holds as the raw files' data versions."""
    return {relpath: file_sha256(path) for relpath, path in published_table_paths(raw_dir).items()}


def provenance(path: Path) -> dict[str, str]:
    """The key-value metadata a generated file carries (empty for a file without any)."""
    with duckdb.connect() as con:
        rows = con.execute("select key, value from parquet_kv_metadata(?)", [str(path)]).fetchall()
    return {bytes(k).decode(): bytes(v).decode() for k, v in rows}


def why_stale(path: Path, raw_dir: Path) -> str | None:
    """Why a synthetic collection no longer follows the printed tables and the generator (None if it does)."""
    recorded = provenance(path)
    made_from = json.loads(recorded.get("source_tables", "{}"))
    reasons = []
    if not made_from:
        reasons.append("it records no tables it was made from (generated before provenance was kept)")
    else:
        changed = [rel for rel, sha in source_versions(raw_dir).items() if made_from.get(rel) != sha]
        if changed:
            reasons.append(f"{', '.join(f'raw/{rel}' for rel in changed)} changed since it was generated")
    if made_from and recorded.get("generator_version") != generator_version():
        reasons.append("the generator's code changed since it was generated")
    return "; ".join(reasons) or None


def is_regenerable(path: Path) -> bool:
    """A file this generator wrote (and so can write again): a Parquet file named as it names them."""
    return path.suffix == ".parquet" and _GENERATED_ID.fullmatch(path.stem) is not None


def _trust_profile(rng: np.random.Generator, without_leaders: int) -> TrustProfile:
    weight = np.clip(rng.lognormal(0.0, 0.6, TRUSTS), 0.3, 3.0)
    leader_share = rng.beta(8, 11, TRUSTS)
    leader_share[rng.choice(TRUSTS, without_leaders, replace=False)] = 0.0
    return TrustProfile(weight=weight, leader_share=leader_share)


def generate_answers(questions: list[PublishedQuestion], rng: np.random.Generator) -> pd.DataFrame:
    """One collection's answers as integer codes: trust, respondent_id, audience, question_id, answer."""
    # a trust without leaders and managers is missing on every leaders-only question, so there
    # are no more of them than the fewest missing any such question's bands leave
    leaders_only_missing = [q.missing for q in questions if q.leaders_only]
    profile = _trust_profile(rng, min([TRUSTS_WITHOUT_LEADERS, *leaders_only_missing]))
    counts = np.stack([allocate_question(q, profile, rng) for q in questions])  # question, trust, audience, answer
    per_group = counts.sum(axis=3)  # answers per question, trust, audience
    pool = per_group.max(axis=0)  # respondents per trust and audience
    first_id = np.concatenate([[1], 1 + np.cumsum(pool.ravel())[:-1]]).reshape(pool.shape)

    q_idx, t_idx, a_idx, k_idx = np.nonzero(counts)
    repeat = counts[q_idx, t_idx, a_idx, k_idx]
    q_idx, t_idx, a_idx, k_idx = (np.repeat(v, repeat) for v in (q_idx, t_idx, a_idx, k_idx))
    # shuffle answers within (question, trust, audience), then rotate them onto distinct respondents
    order = np.lexsort((rng.random(q_idx.size), a_idx, t_idx, q_idx))
    q_idx, t_idx, a_idx, k_idx = q_idx[order], t_idx[order], a_idx[order], k_idx[order]
    group = (q_idx * TRUSTS + t_idx) * len(AUDIENCES) + a_idx
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    position = np.arange(group.size) - np.repeat(starts, np.diff(np.r_[starts, group.size]))
    size = pool[t_idx, a_idx]
    offset = (rng.random(starts.size) * size[starts]).astype(np.int64)
    slot = (position + np.repeat(offset, np.diff(np.r_[starts, group.size]))) % size
    question_ids = np.array([q.question_id for q in questions])
    return pd.DataFrame(
        {
            "trust": t_idx.astype(np.int16),
            "respondent_id": (first_id[t_idx, a_idx] + slot).astype(np.int64),
            "audience": a_idx.astype(np.int8),
            "question_id": question_ids[q_idx].astype(np.int32),
            "answer": k_idx.astype(np.int8),
        }
    )


def write_collection(
    answers: pd.DataFrame, collection: str, seed: int, path: Path, made_from: dict[str, str] | None = None
) -> None:
    """Write the answers as the contract's Parquet file, labelled synthetic, with its provenance, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    trusts = "[" + ", ".join(f"'{t}'" for t in TRUST_CODES) + "]"
    audiences = "[" + ", ".join(f"'{a}'" for a in AUDIENCES) + "]"
    codes = "[" + ", ".join(f"'{a}'" for a in ANSWERS) + "]"
    with duckdb.connect() as con:
        con.execute("set threads = 1")  # one row group order, so the same seed gives the same bytes
        con.register("answers", answers)
        con.execute(
            f"copy (select '{collection}' as collection, {trusts}[trust + 1] as trust_code, respondent_id, "
            f"{audiences}[audience + 1] as audience, question_id, {codes}[answer + 1] as answer "
            "from answers order by respondent_id, question_id) "
            f"to '{tmp}' (format parquet, compression zstd, kv_metadata {{synthetic: 'true', "
            f"generator: 'warehouse.responses', seed: '{seed}', collection: '{collection}', note: '{SYNTHETIC_NOTE}', "
            f"source_tables: '{json.dumps(made_from or {}, sort_keys=True)}', generator_version: '{generator_version()}'}})"
        )
    os.replace(tmp, path)


def generate_collections(
    raw_dir: Path, out_dir: Path, collections: int = 1, seed: int = DEFAULT_SEED
) -> list[GeneratedCollection]:
    """Write `collections` synthetic collections into `out_dir`, each consistent with the
    published tables on its own."""
    questions, made_from = read_published(raw_dir), source_versions(raw_dir)
    return [_generate(questions, made_from, seed, number, Path(out_dir)) for number in range(1, collections + 1)]


def regenerate(path: Path, raw_dir: Path) -> GeneratedCollection:
    """Write a generated collection again, same seed and number, from the tables as they are now."""
    match = _GENERATED_ID.fullmatch(Path(path).stem)
    if match is None or Path(path).suffix != ".parquet":
        raise ValueError(f"{path}: not a file the generator wrote (synthetic-seed<seed>-<nnn>.parquet)")
    seed, number = int(match[1]), int(match[2])
    return _generate(read_published(raw_dir), source_versions(raw_dir), seed, number, Path(path).parent)


def _generate(
    questions: list[PublishedQuestion], made_from: dict[str, str], seed: int, number: int, out_dir: Path
) -> GeneratedCollection:
    started = time.perf_counter()
    rng = np.random.default_rng(np.random.SeedSequence([seed, number]))
    answers = generate_answers(questions, rng)
    name = collection_id(seed, number)
    path = out_dir / f"{name}.parquet"
    write_collection(answers, name, seed, path, made_from)
    return GeneratedCollection(
        name, path, len(answers), int(answers["respondent_id"].nunique()), time.perf_counter() - started
    )
