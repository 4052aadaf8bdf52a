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

Deterministic: the same seed and collection number give the same file, byte for byte.
Files are named ``synthetic-seed<seed>-<nnn>.parquet`` and carry Parquet key-value metadata
``synthetic = true``.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from dagster_project.responses.allocation import TrustProfile, allocate_question
from dagster_project.responses.contract import SYNTHETIC_PREFIX, TRUST_CODES
from dagster_project.responses.published import ANSWERS, AUDIENCES, TRUSTS, PublishedQuestion, read_published

DEFAULT_SEED = 1
# trusts without leaders and managers: "two Children's Trusts did not supply any leaders and managers"
TRUSTS_WITHOUT_LEADERS = 2
SYNTHETIC_NOTE = (
    "SYNTHETIC answers generated from the published appendix tables by dagster_project.responses; not real responses."
)


@dataclass(frozen=True)
class GeneratedCollection:
    collection: str
    path: Path
    answers: int
    respondents: int
    seconds: float


def collection_id(seed: int, number: int) -> str:
    return f"{SYNTHETIC_PREFIX}seed{seed}-{number:03d}"


def _trust_profile(rng: np.random.Generator) -> TrustProfile:
    weight = np.clip(rng.lognormal(0.0, 0.6, TRUSTS), 0.3, 3.0)
    leader_share = rng.beta(8, 11, TRUSTS)
    leader_share[rng.choice(TRUSTS, TRUSTS_WITHOUT_LEADERS, replace=False)] = 0.0
    return TrustProfile(weight=weight, leader_share=leader_share)


def generate_answers(questions: list[PublishedQuestion], rng: np.random.Generator) -> pd.DataFrame:
    """One collection's answers as integer codes: trust, respondent_id, audience, question_id, answer."""
    profile = _trust_profile(rng)
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


def write_collection(answers: pd.DataFrame, collection: str, seed: int, path: Path) -> None:
    """Write the answers as the contract's Parquet file, labelled synthetic, atomically."""
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
            f"generator: 'dagster_project.responses', seed: '{seed}', collection: '{collection}', note: '{SYNTHETIC_NOTE}'}})"
        )
    os.replace(tmp, path)


def generate_collections(
    raw_dir: Path, out_dir: Path, collections: int = 1, seed: int = DEFAULT_SEED
) -> list[GeneratedCollection]:
    """Write `collections` synthetic collections into `out_dir`, each consistent with the
    published tables on its own."""
    questions = read_published(raw_dir)
    written = []
    for number in range(1, collections + 1):
        started = time.perf_counter()
        rng = np.random.default_rng(np.random.SeedSequence([seed, number]))
        answers = generate_answers(questions, rng)
        name = collection_id(seed, number)
        path = Path(out_dir) / f"{name}.parquet"
        write_collection(answers, name, seed, path)
        written.append(
            GeneratedCollection(
                name, path, len(answers), int(answers["respondent_id"].nunique()), time.perf_counter() - started
            )
        )
    return written
