"""Judge the register's claims against the warehouse and record the verdicts.

Each claim's evidence SQL returns one row; its verdict rule (SQL booleans over that row's columns)
decides the verdict. Results go to ``quality.claims`` (one row per claim per run, view
``quality.latest_claims``). Claims are also rules of the consistency checks' own tables, through
the same writer (``write_results``): each is a ``warn`` row of ``quality.check_results`` (suite
``claims``) and a contradicted claim, or one that holds only under a named reading, is a row of
``quality.findings`` with its source line and its grade (``grading.py``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from warehouse.quality.claims import README_FILE, Claim, ClaimsError, named_readings
from warehouse.quality.grading import gap_text, grade_figure, grade_statement, printed_text, with_unit
from warehouse.quality.runner import RuleResult, write_results

SUITE = "claims"
FINDING_VERDICTS = ("contradicted", "holds_under_reading")
CLAIM_COLUMNS = (
    "run_id",
    "claim_id",
    "document",
    "section",
    "source_line",
    "quote",
    "reading",
    "evidence",
    "verdict",
    "verdict_detail",
    "checked_at",
)


@dataclass
class ClaimResult:
    claim: Claim
    verdict: str | None
    detail: str
    evidence: dict[str, Any] = field(default_factory=dict)
    error: str | None = None  # the claim could not be evaluated (bad SQL, not one row, ...)

    @property
    def evidence_json(self) -> str:
        return json.dumps(self.evidence, sort_keys=False)

    def finding(self) -> dict[str, Any] | None:
        """The ``quality.findings`` row of a contradicted claim or one that holds only under a
        named reading, graded (``warehouse/quality/grading.py``)."""
        if self.verdict not in FINDING_VERDICTS:
            return None
        claim, holds_under = self.claim, self.verdict == "holds_under_reading"
        found = self.evidence.get(claim.compare) if claim.compare else None
        found = float(found) if isinstance(found, (int, float)) and not isinstance(found, bool) else None
        stated = claim.states
        row: dict[str, Any] = {
            "row_key": claim.id,
            "published_value": stated,
            "recomputed_value": found,
            "difference": round(stated - found, 6) if stated is not None and found is not None else None,
            "source_document": claim.source_document,
            "source_line": claim.line,
        }
        if claim.measure is not None and stated is not None and found is not None:
            graded = grade_figure(claim.measure, stated, found, holds_under=holds_under)
            row.update(
                grade=graded.grade,
                printed=printed_text(claim.measure, stated),
                implied=with_unit(found, claim.measure),
                gap=gap_text(row["difference"], claim.measure),
                note=None,
            )
        else:
            graded = grade_statement(holds_under=holds_under)
            kind = "holds only under a named reading" if holds_under else "is contradicted"
            row.update(
                grade=graded.grade,
                printed=None,
                implied=None,
                gap=None,
                note=f'No single figure: "{claim.quote}" states an order, a comparison or several shares, '
                f"not one number; it {kind}. {self.detail}",
            )
        return row


def _value(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        value = float(value)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 1e15 else round(value, 6)
    if isinstance(value, (int, str, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_value(v) for v in value]
    return str(value)


def _evidence_text(evidence: dict[str, Any]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in evidence.items()) or "no evidence values"


def evaluate_claim(con: duckdb.DuckDBPyConnection, claim: Claim) -> ClaimResult:
    """One claim's evidence and verdict; a claim that cannot be evaluated carries ``error``."""
    if claim.lost is not None and claim.evidence is None:
        return ClaimResult(claim, "not_checkable", f"Not checkable: {claim.lost}")
    rules = []
    if claim.holds:
        rules.append(f"({claim.holds}) as __holds")
    if claim.under_reading:
        rules.append(f"({claim.under_reading}) as __under_reading")
    sql = f"with evidence as (\n{claim.evidence}\n) select evidence.*{''.join(', ' + r for r in rules)} from evidence"
    try:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    except duckdb.Error as exc:
        return ClaimResult(claim, None, "", error=f"evidence or verdict rule failed: {str(exc).splitlines()[0]}")
    if len(rows) != 1:
        return ClaimResult(claim, None, "", error=f"evidence must return exactly one row, got {len(rows)}")
    row = dict(zip(names, rows[0], strict=False))
    evidence = {k: _value(v) for k, v in row.items() if not k.startswith("__")}
    text = _evidence_text(evidence)
    if claim.lost is not None:
        return ClaimResult(claim, "not_checkable", f"Not checkable: {claim.lost} What remains: {text}.", evidence)
    if claim.compare and claim.compare not in evidence:
        return ClaimResult(claim, None, "", evidence, error=f"compare column {claim.compare!r} is not in the evidence")
    outcomes = {k: row[k] for k in ("__holds", "__under_reading") if k in row}
    if any(v is None for v in outcomes.values()):
        return ClaimResult(claim, None, "", evidence, error="a verdict rule evaluated to null")
    if outcomes["__holds"]:
        return ClaimResult(claim, "holds", f"Holds: {claim.holds} ({text}).", evidence)
    if outcomes.get("__under_reading"):
        return ClaimResult(
            claim,
            "holds_under_reading",
            f"Holds only under {claim.alternative_reading} ({readings_title(claim)}): {claim.alternative}; "
            f"the plain reading ({claim.holds}) does not hold ({text}).",
            evidence,
        )
    if claim.under_reading:
        return ClaimResult(
            claim,
            "contradicted",
            f"Contradicted: {claim.holds} is false, and under {claim.alternative_reading} "
            f"({claim.under_reading}) too: {claim.alternative} ({text}).",
            evidence,
        )
    return ClaimResult(claim, "contradicted", f"Contradicted: {claim.holds} is false ({text}).", evidence)


def readings_title(claim: Claim) -> str:
    """The named reading's title from the register's README (beside the claims' files)."""
    try:
        return named_readings(claim.source_file.parent / README_FILE).get(claim.alternative_reading or "", "")
    except ClaimsError:
        return ""


def evaluate_claims(con: duckdb.DuckDBPyConnection, claims: Sequence[Claim]) -> list[ClaimResult]:
    return [evaluate_claim(con, claim) for claim in claims]


def as_rule_results(results: Sequence[ClaimResult], checked_at: dt.datetime) -> list[RuleResult]:
    """The claims as ``warn`` rules for ``quality.check_results`` / ``quality.findings``."""
    out = []
    for r in results:
        finding = r.finding()
        out.append(
            RuleResult(
                suite=SUITE,
                rule_id=r.claim.id,
                asset=r.claim.asset,
                severity="warn",
                description=f'{r.claim.document} line {r.claim.line}: "{r.claim.quote}"',
                passed=r.error is None and r.verdict not in FINDING_VERDICTS,
                unexpected_count=None if r.error else int(finding is not None),
                findings=[finding] if finding else [],
                error=r.error,
                checked_at=checked_at,
            )
        )
    return out


def write_claims(con: duckdb.DuckDBPyConnection, run_id: str, results: Sequence[ClaimResult]) -> None:
    """Record a run's verdicts: ``quality.claims`` (+ ``latest_claims``), check results, findings.

    Idempotent per run: the run's earlier claim rows are replaced. A claim that could not be
    evaluated has no verdict, so no ``quality.claims`` row; its error is in ``quality.check_results``.
    """
    checked_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute("create schema if not exists quality")
    con.execute(
        """
        create table if not exists quality.claims (
            run_id varchar not null,
            claim_id varchar not null,
            document varchar not null,
            section varchar not null,
            source_line integer not null,
            quote varchar not null,
            reading varchar not null,
            evidence varchar not null,       -- JSON object: evidence name -> value
            verdict varchar not null,        -- holds | contradicted | holds_under_reading | not_checkable
            verdict_detail varchar not null,
            checked_at timestamp not null,   -- UTC
            primary key (run_id, claim_id)
        )
        """
    )
    rows = [
        (
            run_id,
            r.claim.id,
            r.claim.document,
            r.claim.section,
            r.claim.line,
            r.claim.quote,
            r.claim.reading,
            r.evidence_json,
            r.verdict,
            r.detail,
            checked_at,
        )
        for r in results
        if r.verdict is not None
    ]
    con.execute("begin transaction")
    try:
        con.execute("delete from quality.claims where run_id = ?", [run_id])
        if rows:
            con.executemany(f"insert into quality.claims values ({', '.join('?' * len(CLAIM_COLUMNS))})", rows)
        con.execute(
            """
            create or replace view quality.latest_claims as
            select * from quality.claims
            where run_id = (select arg_max(run_id, checked_at) from quality.claims)
            """
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    write_results(con, run_id, as_rule_results(results, checked_at))
