"""The claims register: what the reports' prose says, declared in YAML (``expectations/claims/``).

One file per document section::

    document: appendix                 # appendix | devon
    section: Multi-agency working      # the heading the sentences stand under
    asset: marts.question              # default asset for claims whose evidence reads no table
    claims:
      - id: appendix.multi_agency_working.q1_nine_below_3
        line: 23                       # line of the source document the sentence is printed on
        quote: only nine Children's Trusts averaged a score of less than 3
        reading: How the words were read (scope, denominator, quantifier rule applied).
        evidence: |                    # SQL over marts.* (staging.* where no mart holds it),
          select ... as trusts_below_3 # returning exactly one row: the evidence values
        holds: trusts_below_3 = 9      # SQL boolean over the evidence columns: the plain reading
        under_reading: ...             # optional: SQL boolean for the reading under which it holds
        alternative: ...               # ... and that reading in words (required with under_reading)
        alternative_reading: pooled_questions  # the named reading it is (README: "Named readings")
        states: 9                      # optional: the figure the text states (finding's published value)
        compare: trusts_below_3        # optional: the evidence column holding the tables' figure
        measure: {unit: count, words: exact, noun: trusts}  # with states: how the figure is graded
      - id: ...
        lost: What was lost that the claim needs (a chart, a breakdown): verdict not_checkable.

The verdict of a claim: ``not_checkable`` when it declares ``lost``; otherwise ``holds`` when
``holds`` is true, ``holds_under_reading`` when ``under_reading`` is true, else ``contradicted``.
An alternative reading must be one of the register README's named readings (``named_readings``).
``exclusions.yml`` in the same folder lists the prose lines with a digit or a quantifier word that
hold no claim, each with the reason (a date, a heading, a quotation of the form, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from warehouse.config import settings
from warehouse.quality.grading import GradingError, Measure, decimals_of

VERDICTS = ("holds", "contradicted", "holds_under_reading", "not_checkable")
EXCLUSIONS_FILE = "exclusions.yml"
README_FILE = "README.md"
READINGS_HEADING = "## Named readings"
_READING_ROW_RE = re.compile(r"^\|\s*`([a-z][a-z0-9_]*)`\s*\|\s*([^|]+?)\s*\|")

_ID_RE = re.compile(r"^(appendix|devon)\.[a-z0-9_]+\.[a-z0-9_]+$")
_IDENT_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_TABLE_RE = re.compile(r"\b(marts|staging)\.([A-Za-z_][A-Za-z0-9_]*)\b")
_ASSET_RE = re.compile(r"^(marts|staging)\.[A-Za-z_][A-Za-z0-9_]*$")
_FILE_REQUIRED = ("document", "section", "claims")
_FILE_ALLOWED = {*_FILE_REQUIRED, "asset", "description"}
_CLAIM_REQUIRED = ("id", "line", "quote", "reading")
_CLAIM_ALLOWED = {
    *_CLAIM_REQUIRED,
    "evidence",
    "holds",
    "under_reading",
    "alternative",
    "lost",
    "states",
    "compare",
    "asset",
    "alternative_reading",
    "measure",
}


class ClaimsError(ValueError):
    """The register is malformed; the message names the file and the claim."""


@dataclass(frozen=True)
class Claim:
    id: str
    document: str
    section: str
    line: int
    quote: str
    reading: str
    evidence: str | None
    holds: str | None
    under_reading: str | None
    alternative: str | None
    lost: str | None
    states: float | None
    compare: str | None
    asset: str
    source_file: Path
    alternative_reading: str | None = None
    measure: Measure | None = None

    @property
    def source_document(self) -> str:
        return document_files()[self.document]


@dataclass(frozen=True)
class Exclusion:
    document: str
    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class Register:
    claims: tuple[Claim, ...]
    exclusions: tuple[Exclusion, ...]
    reasons: dict[str, str]
    readings: dict[str, str]

    def covered_lines(self, document: str) -> set[int]:
        return {c.line for c in self.claims if c.document == document} | {
            e.line for e in self.exclusions if e.document == document
        }


def document_files() -> dict[str, str]:
    """``appendix`` / ``devon`` -> the source document's file name (dbt's vars, one place)."""
    project = yaml.safe_load((settings().dbt_project_dir / "dbt_project.yml").read_text(encoding="utf-8"))
    return {code: project["vars"][f"{code}_document"] for code in ("appendix", "devon")}


def load_register(directory: str | Path | None = None) -> Register:
    """Read every claims file and the exclusions of ``directory`` (default: expectations/claims).

    Raises ``ClaimsError`` naming the file and claim for anything malformed, and for a claim id
    used twice anywhere in the register.
    """
    directory = Path(directory) if directory else settings().expectations_dir / "claims"
    if not directory.is_dir():
        raise ClaimsError(f"{directory}: claims register not found")
    claims: list[Claim] = []
    seen: dict[str, Path] = {}
    for path in sorted(p for p in directory.glob("*.yml") if p.name != EXCLUSIONS_FILE):
        for claim in load_claims_file(path):
            if claim.id in seen:
                raise ClaimsError(f"{path}: claim {claim.id!r}: duplicate id, already in {seen[claim.id].name}")
            seen[claim.id] = path
            claims.append(claim)
    if not claims:
        raise ClaimsError(f"{directory}: no claims files")
    readings = named_readings(directory / README_FILE)
    unnamed = [
        f"{c.source_file}: claim {c.id!r}: alternative_reading {c.alternative_reading!r} is not a named reading "
        f"of {directory / README_FILE} ({', '.join(readings) or 'none listed'})"
        for c in claims
        if c.alternative_reading is not None and c.alternative_reading not in readings
    ]
    if unnamed:
        raise ClaimsError("\n".join(unnamed))
    exclusions, reasons = load_exclusions(directory / EXCLUSIONS_FILE)
    return Register(claims=tuple(claims), exclusions=exclusions, reasons=reasons, readings=readings)


def named_readings(readme: Path) -> dict[str, str]:
    """The closed list of alternative readings: name -> title, from the README's table under
    ``## Named readings`` (rows ``| `name` | title | definition | applies when |``)."""
    if not readme.is_file():
        raise ClaimsError(f"{readme}: the register's README (its named readings) not found")
    readings: dict[str, str] = {}
    inside = False
    for number, line in enumerate(readme.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("## "):
            inside = line.strip() == READINGS_HEADING
            continue
        match = _READING_ROW_RE.match(line) if inside else None
        if match:
            if match.group(1) in readings:
                raise ClaimsError(f"{readme}:{number}:1: reading {match.group(1)!r} is defined twice")
            readings[match.group(1)] = match.group(2)
    if not readings:
        raise ClaimsError(f"{readme}: no named readings under {READINGS_HEADING!r}")
    return readings


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ClaimsError(f"{path}: not valid YAML: {exc}") from exc


def load_claims_file(path: str | Path) -> list[Claim]:
    """Read and validate one section's claims; every problem in the file is reported at once."""
    path = Path(path)
    doc = _read_yaml(path)
    if not isinstance(doc, dict):
        raise ClaimsError(f"{path}: expected a mapping with keys {', '.join(_FILE_REQUIRED)}")
    errors = [f"missing key {key!r}" for key in _FILE_REQUIRED if key not in doc]
    errors += [f"unknown key {key!r}" for key in sorted(set(doc) - _FILE_ALLOWED, key=str)]
    document, section = doc.get("document"), doc.get("section")
    if document not in ("appendix", "devon"):
        errors.append(f"document {document!r} is not appendix or devon")
    if not (isinstance(section, str) and section.strip()):
        errors.append("section must be a non-empty string")
    default_asset = doc.get("asset")
    if default_asset is not None and not (isinstance(default_asset, str) and _ASSET_RE.match(default_asset)):
        errors.append(f"asset {default_asset!r} must be marts.<table> or staging.<table>")
    raw_claims = doc.get("claims")
    if not (isinstance(raw_claims, list) and raw_claims):
        errors.append("'claims' must be a non-empty list")
        raw_claims = []
    claims: list[Claim] = []
    ids: set[str] = set()
    for index, raw in enumerate(raw_claims, start=1):
        claim, problems = _parse_claim(raw, index, document, section, default_asset, path)
        errors += problems
        if claim is not None:
            if claim.id in ids:
                errors.append(f"claim {claim.id!r}: duplicate id within the file")
            ids.add(claim.id)
            claims.append(claim)
    if errors:
        raise ClaimsError(f"{path}: " + f"\n{path}: ".join(errors))
    return claims


def _text(value: Any) -> str | None:
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def _parse_claim(
    raw: Any, index: int, document: Any, section: Any, default_asset: Any, path: Path
) -> tuple[Claim | None, list[str]]:
    if not isinstance(raw, dict):
        return None, [f"claim #{index}: expected a mapping, got {type(raw).__name__}"]
    claim_id = raw.get("id")
    label = f"claim {claim_id!r}" if isinstance(claim_id, str) else f"claim #{index}"
    errors = [f"{label}: missing {key!r}" for key in _CLAIM_REQUIRED if raw.get(key) in (None, "")]
    errors += [f"{label}: unknown field {key!r}" for key in sorted(set(raw) - _CLAIM_ALLOWED, key=str)]
    if isinstance(claim_id, str) and not (_ID_RE.match(claim_id) and claim_id.startswith(f"{document}.")):
        errors.append(
            f"{label}: id must be <document>.<section>.<name> in lower_snake_case, starting with {document!r}"
        )
    line = raw.get("line")
    if line is not None and not (isinstance(line, int) and not isinstance(line, bool) and line > 0):
        errors.append(f"{label}: line must be a positive integer, got {line!r}")
    for key in (
        "quote",
        "reading",
        "evidence",
        "holds",
        "under_reading",
        "alternative",
        "alternative_reading",
        "lost",
        "compare",
    ):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            errors.append(f"{label}: {key} must be a string")
    states = raw.get("states")
    if states is not None and (isinstance(states, bool) or not isinstance(states, (int, float))):
        errors.append(f"{label}: states must be a number, got {states!r}")

    lost, evidence, holds = _text(raw.get("lost")), raw.get("evidence"), _text(raw.get("holds"))
    under, alternative = _text(raw.get("under_reading")), _text(raw.get("alternative"))
    if lost is None:
        if not (isinstance(evidence, str) and evidence.strip()):
            errors.append(f"{label}: needs evidence SQL (or 'lost' for a claim whose data were lost)")
        if holds is None:
            errors.append(f"{label}: needs a verdict rule 'holds' (or 'lost')")
    elif holds is not None or under is not None:
        errors.append(f"{label}: a claim with 'lost' is not_checkable and takes no verdict rule")
    if (under is None) != (alternative is None) or (under is None) != (raw.get("alternative_reading") is None):
        errors.append(f"{label}: 'under_reading', 'alternative' and 'alternative_reading' go together")
    compare = raw.get("compare")
    if compare is not None and not (isinstance(compare, str) and _IDENT_RE.match(compare)):
        errors.append(f"{label}: compare must name an evidence column")
    if (compare is None) != (states is None) or (states is None) != (raw.get("measure") is None):
        errors.append(f"{label}: 'states', 'compare' and 'measure' go together")
    measure = None
    if isinstance(raw.get("measure"), dict) and isinstance(states, (int, float)):
        spec = dict(raw["measure"])
        spec.setdefault("decimals", decimals_of(states))
        try:
            measure = Measure.parse(spec, label)
        except GradingError as exc:
            errors.append(str(exc))

    evidence_sql = evidence.strip().rstrip(";").strip() if isinstance(evidence, str) and evidence.strip() else None
    asset = raw.get("asset") or _first_table(evidence_sql) or default_asset
    if asset is None:
        errors.append(f"{label}: no asset: the evidence reads no marts./staging. table and the file sets none")
    elif not (isinstance(asset, str) and _ASSET_RE.match(asset)):
        errors.append(f"{label}: asset {asset!r} must be marts.<table> or staging.<table>")
    if errors:
        return None, errors
    return (
        Claim(
            id=claim_id,
            document=document,
            section=section.strip(),
            line=line,
            quote=_text(raw["quote"]),
            reading=_text(raw["reading"]),
            evidence=evidence_sql,
            holds=holds,
            under_reading=under,
            alternative=alternative,
            lost=lost,
            states=None if states is None else float(states),
            compare=compare,
            asset=asset,
            source_file=path,
            alternative_reading=raw.get("alternative_reading"),
            measure=measure,
        ),
        [],
    )


def _first_table(sql: str | None) -> str | None:
    """The first mart the evidence reads, else its first staging table: the claim's asset."""
    tables = [f"{schema}.{name}" for schema, name in _TABLE_RE.findall(sql or "")]
    return next((t for t in tables if t.startswith("marts.")), tables[0] if tables else None)


def load_exclusions(path: Path) -> tuple[tuple[Exclusion, ...], dict[str, str]]:
    """The prose lines that hold no claim, each with a reason code defined under ``reasons``."""
    if not path.is_file():
        raise ClaimsError(f"{path}: exclusions file not found")
    doc = _read_yaml(path)
    if not (isinstance(doc, dict) and isinstance(doc.get("reasons"), dict) and isinstance(doc.get("exclusions"), dict)):
        raise ClaimsError(f"{path}: expected mappings 'reasons' (code: explanation) and 'exclusions' (document: list)")
    reasons = {str(k): _text(v) or "" for k, v in doc["reasons"].items()}
    errors: list[str] = []
    exclusions: list[Exclusion] = []
    for document, entries in doc["exclusions"].items():
        if document not in ("appendix", "devon") or not isinstance(entries, list):
            errors.append(f"exclusions for {document!r}: expected appendix or devon with a list")
            continue
        for entry in entries:
            if not (isinstance(entry, dict) and set(entry) == {"line", "text", "reason"}):
                errors.append(f"{document}: {entry!r}: expected line, text and reason")
                continue
            if entry["reason"] not in reasons:
                errors.append(f"{document} line {entry['line']}: reason {entry['reason']!r} is not defined")
                continue
            exclusions.append(Exclusion(document, int(entry["line"]), str(entry["text"]), entry["reason"]))
    if errors:
        raise ClaimsError(f"{path}: " + f"\n{path}: ".join(errors))
    return tuple(exclusions), reasons
