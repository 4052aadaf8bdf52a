"""The claims register (``expectations/claims/``) as Dagster asset checks: the prose judged.

One ``@dg.multi_asset_check`` evaluates every claim after dbt has built the marts. Each register
file (one document section) is one asset check, ``claims__<file>``, on the table most of its
claims read; its metadata lists every claim of the section with verdict, evidence and source
line, and it fails (WARN) when a claim of the section is contradicted or holds only under a
named reading (both are findings). One check per section,
not per claim: each check result costs Dagster's event log about 50 ms, and a check per claim
made the step 6.7 s instead of about 1 s.

The checks never stop publishing: every result is reported with ``AssetCheckSeverity.WARN``.
They are declared ``blocking`` only so that Dagster runs them before the publish step (a
blocking check's step is an input of the assets downstream of its asset), which puts
``quality.claims`` into the published file; a blocking check gates nothing unless it fails with
severity ERROR, which these never do. The step itself does not raise either: if the build
database cannot be read, every section's check fails (WARN) with the error, and publishing goes
ahead.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from dagster_project.assets.keys import asset_key_for
from warehouse.config import settings
from warehouse.quality.claim_verdicts import ClaimResult, evaluate_claims, write_claims
from warehouse.quality.claims import Claim, load_register


@dataclass(frozen=True)
class Section:
    """One register file: the claims of one document section, checked as one asset check."""

    file: str
    document: str
    title: str
    asset: str
    claims: tuple[Claim, ...]

    @property
    def check_name(self) -> str:
        return f"claims__{Path(self.file).stem}"


def sections(claims: tuple[Claim, ...]) -> list[Section]:
    by_file: dict[Path, list[Claim]] = {}
    for claim in claims:
        by_file.setdefault(claim.source_file, []).append(claim)
    return [
        Section(
            file=path.name,
            document=group[0].document,
            title=group[0].section,
            asset=Counter(c.asset for c in group).most_common(1)[0][0],
            claims=tuple(group),
        )
        for path, group in by_file.items()
    ]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def claims_markdown(results: list[ClaimResult]) -> str:
    lines = ["| line | claim | verdict | why |", "|---:|---|---|---|"]
    for r in results:
        lines.append(
            f"| {r.claim.line} | {_cell(r.claim.quote)} | {r.verdict or 'not evaluated'} "
            f"| {_cell(r.detail or r.error or '')} |"
        )
    return "\n".join(lines)


def _check_result(section: Section, results: list[ClaimResult]) -> dg.AssetCheckResult:
    tally = Counter(r.verdict or "not evaluated" for r in results)
    contradicted = [r.claim.id for r in results if r.verdict == "contradicted"]
    only_under = [r.claim.id for r in results if r.verdict == "holds_under_reading"]
    errors = {r.claim.id: r.error for r in results if r.error}
    metadata: dict[str, object] = {
        "document": section.document,
        "section": section.title,
        "register_file": section.file,
        "claims": len(results),
        **{f"verdict_{verdict}": n for verdict, n in sorted(tally.items())},
        "contradicted": ", ".join(contradicted) or "-",
        "holds_only_under_a_reading": ", ".join(only_under) or "-",
        "claims_table": dg.MetadataValue.md(claims_markdown(results)),
        "evidence": dg.MetadataValue.json({r.claim.id: r.evidence for r in results}),
    }
    if errors:
        metadata["errors"] = dg.MetadataValue.json(errors)
    return dg.AssetCheckResult(
        asset_key=asset_key_for(section.asset),
        check_name=section.check_name,
        passed=not contradicted and not only_under and not errors,
        severity=dg.AssetCheckSeverity.WARN,
        metadata=metadata,
        description=f"{section.document}, {section.title}: "
        + ", ".join(f"{n} {verdict}" for verdict, n in sorted(tally.items())),
    )


def _judge(db: Path, run_id: str, claims: tuple[Claim, ...]) -> list[ClaimResult]:
    with duckdb.connect(str(db)) as con:
        results = evaluate_claims(con, claims)
        write_claims(con, run_id, results)
    return results


def build_claim_checks(register_dir: str | Path | None = None) -> dg.AssetChecksDefinition:
    """One multi-asset check judging every claim of the register, one check per section."""
    register = load_register(register_dir)
    groups = sections(register.claims)
    specs = [
        dg.AssetCheckSpec(
            name=section.check_name,
            asset=asset_key_for(section.asset),
            description=f"The claims of {section.document}, {section.title} ({len(section.claims)}), "
            "checked against the tables",
            blocking=True,  # ordering only: results are always WARN (see the module docstring)
            metadata={"register_file": section.file, "claims": len(section.claims)},
        )
        for section in groups
    ]

    @dg.multi_asset_check(
        name="claims_register",
        specs=specs,
        description=f"The reports' prose checked against their tables: {len(register.claims)} claims",
        compute_kind="duckdb",
        required_resource_keys={"build_lock"},
        # as the consistency suites (assets/rule_checks.py): judged whole in a run that rebuilds part
        # of the graph, and after everything else that run does
        can_subset=True,
        op_tags={"dagster/priority": "-1"},
    )
    def _claims_check(context: dg.AssetCheckExecutionContext) -> Iterator[dg.AssetCheckResult]:
        try:
            results = _judge(settings().build_db, context.run.run_id, register.claims)
        except Exception as exc:  # never stop publishing: report every claim as not evaluated
            context.log.error(f"the claims could not be judged: {exc}")
            results = [ClaimResult(c, None, "", error=f"not evaluated: {exc}") for c in register.claims]
        tally = Counter(r.verdict or "not evaluated" for r in results)
        context.log.info("claims: " + ", ".join(f"{n} {v}" for v, n in sorted(tally.items())))
        by_id = {r.claim.id: r for r in results}
        for section in groups:
            if dg.AssetCheckKey(asset_key_for(section.asset), section.check_name) in context.selected_asset_check_keys:
                yield _check_result(section, [by_id[c.id] for c in section.claims])

    return _claims_check


claim_checks = [build_claim_checks()]
