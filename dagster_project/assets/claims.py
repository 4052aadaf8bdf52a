"""The claims register (``expectations/claims/``) as Dagster asset checks: the prose judged.

One ``@dg.multi_asset_check`` evaluates every claim after dbt has built the marts; each claim is
one asset check, named ``claim__<id>``, on the table its evidence reads. The checks never stop
publishing: every result is reported with ``AssetCheckSeverity.WARN``. They are declared
``blocking`` only so that Dagster runs them before the publish step (a blocking check's step is an
input of the assets downstream of its asset), which puts ``quality.claims`` into the published
file; a blocking check gates nothing unless it fails with severity ERROR, which these never do.
The step itself does not raise either: if the build database cannot be read, every claim's check
fails (WARN) with the error, and publishing goes ahead.
"""

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb

from dagster_project.assets.quality import asset_key_for
from dagster_project.config import settings
from dagster_project.quality.claim_verdicts import ClaimResult, evaluate_claims, write_claims
from dagster_project.quality.claims import Claim, load_register


def _check_result(result: ClaimResult) -> dg.AssetCheckResult:
    claim = result.claim
    metadata: dict[str, object] = {
        "claim_id": claim.id,
        "document": claim.document,
        "section": claim.section,
        "source_line": claim.line,
        "quote": claim.quote,
        "reading": claim.reading,
        "verdict": result.verdict or "not evaluated",
        "verdict_detail": result.detail,
        "evidence": dg.MetadataValue.json(result.evidence),
        "register_file": claim.source_file.name,
    }
    if result.error:
        metadata["error"] = result.error
    return dg.AssetCheckResult(
        asset_key=asset_key_for(claim.asset),
        check_name=claim.check_name,
        passed=result.error is None and result.verdict != "contradicted",
        severity=dg.AssetCheckSeverity.WARN,
        metadata=metadata,
        description=f"{result.verdict or 'not evaluated'}: {result.detail or result.error}",
    )


def _judge(db: Path, run_id: str, claims: tuple[Claim, ...]) -> list[ClaimResult]:
    with duckdb.connect(str(db)) as con:
        results = evaluate_claims(con, claims)
        write_claims(con, run_id, results)
    return results


def build_claim_checks(register_dir: str | Path | None = None) -> dg.AssetChecksDefinition:
    """One multi-asset check judging every claim of the register in ``register_dir``."""
    register = load_register(register_dir)
    specs = [
        dg.AssetCheckSpec(
            name=claim.check_name,
            asset=asset_key_for(claim.asset),
            description=f"{claim.document} line {claim.line}: \"{claim.quote}\"",
            blocking=True,  # ordering only: results are always WARN (see the module docstring)
            metadata={"claim_id": claim.id, "source_line": claim.line, "register_file": claim.source_file.name},
        )
        for claim in register.claims
    ]

    @dg.multi_asset_check(
        name="claims_register",
        specs=specs,
        description=f"The reports' prose checked against their tables: {len(register.claims)} claims",
        compute_kind="duckdb",
        required_resource_keys={"build_lock"},
    )
    def _claims_check(context: dg.AssetCheckExecutionContext) -> Iterator[dg.AssetCheckResult]:
        try:
            results = _judge(settings().build_db, context.run.run_id, register.claims)
        except Exception as exc:  # never stop publishing: report every claim as not evaluated
            context.log.error(f"the claims could not be judged: {exc}")
            results = [ClaimResult(c, None, "", error=f"not evaluated: {exc}") for c in register.claims]
        tally = Counter(r.verdict or "error" for r in results)
        context.log.info("claims: " + ", ".join(f"{n} {v}" for v, n in sorted(tally.items())))
        for result in results:
            yield _check_result(result)

    return _claims_check


claim_checks = [build_claim_checks()]
