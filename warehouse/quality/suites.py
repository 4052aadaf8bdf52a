"""Declarative consistency rules for the published figures, read from YAML files.

One file per subject area, each holding one suite::

    suite: appendix_bands
    description: Mean-score bands in the appendix add up.
    rules:
      - id: bands_plus_missing_equal_150
        description: The six bands plus missing responses account for all 150 trusts.
        severity: warn          # error blocks publishing; warn is recorded only
        tolerance: 0            # substituted for {tolerance}; differences within it are not findings
        asset: staging.stg_appendix__mean_score_bands   # schema.table the rule guards ({table})
        query: |
          select ... as row_key, ... as published_value, ... as recomputed_value,
                 ... as difference, source_document, source_line
          from {table} where abs(...) > {tolerance}

The query returns the *violating rows* only, each carrying the standard finding columns
(see ``FINDING_COLUMNS``). Placeholders: ``{table}`` (``{batch}`` is an alias) stands for the
asset's table and behaves like a table name (it may be aliased and joined); ``{tolerance}`` is
the rule's tolerance; a literal brace in the SQL is written ``{{`` / ``}}``. Other tables are
referenced by their qualified name (``marts.x``) for cross-table rules.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SEVERITIES = ("error", "warn")
FINDING_COLUMNS = (
    "row_key",
    "published_value",
    "recomputed_value",
    "difference",
    "source_document",
    "source_line",
)

_RULE_REQUIRED = ("id", "description", "severity", "tolerance", "asset", "query")
_RULE_ALLOWED = set(_RULE_REQUIRED)
_SUITE_REQUIRED = ("suite", "rules")
_SUITE_ALLOWED = {"suite", "description", "rules"}
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_ASSET_RE = re.compile(rf"^{_IDENT}\.{_IDENT}$")
_TABLE_PLACEHOLDERS = {"table", "batch"}
_PLACEHOLDERS = _TABLE_PLACEHOLDERS | {"tolerance"}
RULE_TABLE_CTE = "rule_table"


class SuiteError(ValueError):
    """A suite file is malformed; the message names the file and the rule."""


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    severity: str
    tolerance: float
    asset: str
    query: str
    suite: str
    source_file: Path

    @property
    def blocking(self) -> bool:
        """An ``error`` rule that fails blocks publishing; a ``warn`` rule never does."""
        return self.severity == "error"

    @property
    def schema_name(self) -> str:
        return self.asset.split(".", 1)[0]

    @property
    def table_name(self) -> str:
        return self.asset.split(".", 1)[1]

    def gx_query(self) -> str:
        """The query as GX's UnexpectedRowsExpectation takes it (``{batch}`` left for GX).

        GX substitutes ``{batch}`` with an already-aliased subquery, or an unaliased one when
        the query contains a JOIN, so ``{table}`` cannot simply become ``{batch}``: a rule
        that writes ``from {table} as m`` would break. Instead the batch is bound once to a
        CTE and ``{table}`` names that CTE, which behaves like a plain table everywhere.
        ``{tolerance}`` is substituted; literal braces stay escaped for GX's ``str.format``.
        """
        inner = _rewrite_placeholders(self.query, self.tolerance, table=RULE_TABLE_CTE)
        return _wrap(inner, "{batch}")

    def sql(self) -> str:
        """The same query with every placeholder filled, runnable as plain SQL."""
        inner = _rewrite_placeholders(self.query, self.tolerance, table=RULE_TABLE_CTE, final=True)
        return _wrap(inner, self.asset)


@dataclass(frozen=True)
class Suite:
    name: str
    description: str
    rules: tuple[Rule, ...]
    path: Path

    def assets(self) -> list[str]:
        """The distinct assets the suite's rules guard, in first-seen order."""
        return list(dict.fromkeys(rule.asset for rule in self.rules))


def load_suites(directory: str | Path) -> list[Suite]:
    """Read every ``*.yml`` / ``*.yaml`` file in ``directory`` (not recursive), sorted by name.

    Raises ``SuiteError`` naming the file (and rule) on any malformed content, a duplicate
    suite name, or a rule id used twice across all files.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise SuiteError(f"{directory}: expectations directory not found")
    paths = sorted(p for p in directory.iterdir() if p.is_file() and p.suffix in (".yml", ".yaml"))
    suites: list[Suite] = []
    suite_files: dict[str, Path] = {}
    rule_files: dict[str, Path] = {}
    for path in paths:
        suite = load_suite_file(path)
        if suite.name in suite_files:
            raise SuiteError(f"{path}: suite name {suite.name!r} is already used in {suite_files[suite.name]}")
        suite_files[suite.name] = path
        for rule in suite.rules:
            if rule.id in rule_files:
                raise SuiteError(
                    f"{path}: rule {rule.id!r}: duplicate rule id, already defined in {rule_files[rule.id]}"
                )
            rule_files[rule.id] = path
        suites.append(suite)
    return suites


def load_suite_file(path: str | Path) -> Suite:
    """Read and validate one suite file; every problem in it is reported at once."""
    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SuiteError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(doc, dict):
        raise SuiteError(f"{path}: expected a mapping with keys 'suite' and 'rules'")

    errors: list[str] = []
    missing = [key for key in _SUITE_REQUIRED if key not in doc]
    if missing:
        errors.append(f"missing key(s): {', '.join(missing)}")
    unknown = sorted(set(doc) - _SUITE_ALLOWED)
    if unknown:
        errors.append(f"unknown key(s): {', '.join(map(str, unknown))}")
    name = doc.get("suite")
    if "suite" in doc and not (isinstance(name, str) and _NAME_RE.match(name)):
        errors.append(f"suite name {name!r} must be lower_snake_case")
    description = doc.get("description") or ""
    if not isinstance(description, str):
        errors.append("description must be a string")
    raw_rules = doc.get("rules")
    if "rules" in doc and not (isinstance(raw_rules, list) and raw_rules):
        errors.append("'rules' must be a non-empty list")
        raw_rules = []

    rules: list[Rule] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_rules or [], start=1):
        rule, rule_errors = _parse_rule(raw, index, name if isinstance(name, str) else "", path)
        errors.extend(rule_errors)
        if rule is None:
            continue
        if rule.id in seen:
            errors.append(f"rule {rule.id!r}: duplicate rule id within the file")
        seen.add(rule.id)
        rules.append(rule)

    if errors:
        raise SuiteError(f"{path}: " + f"\n{path}: ".join(errors))
    return Suite(name=name, description=description.strip(), rules=tuple(rules), path=path)


def _parse_rule(raw: Any, index: int, suite: str, path: Path) -> tuple[Rule | None, list[str]]:
    if not isinstance(raw, dict):
        return None, [f"rule #{index}: expected a mapping, got {type(raw).__name__}"]
    rule_id = raw.get("id")
    label = f"rule {rule_id!r}" if isinstance(rule_id, str) and rule_id else f"rule #{index}"
    errors: list[str] = []

    missing = [key for key in _RULE_REQUIRED if raw.get(key) in (None, "")]
    if missing:
        errors.append(f"{label}: missing required field(s): {', '.join(missing)}")
    unknown = sorted(set(raw) - _RULE_ALLOWED)
    if unknown:
        errors.append(f"{label}: unknown field(s): {', '.join(map(str, unknown))}")
    if rule_id is not None and not (isinstance(rule_id, str) and _NAME_RE.match(rule_id)):
        errors.append(f"{label}: id must be lower_snake_case")
    description = raw.get("description")
    if description is not None and not isinstance(description, str):
        errors.append(f"{label}: description must be a string")

    severity = raw.get("severity")
    if severity is not None and severity not in SEVERITIES:
        errors.append(f"{label}: severity {severity!r} is not one of {', '.join(SEVERITIES)}")
    tolerance = raw.get("tolerance")
    if tolerance is not None and (
        isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or tolerance < 0
    ):
        errors.append(f"{label}: tolerance must be a number >= 0, got {tolerance!r}")
    asset = raw.get("asset")
    if asset is not None and not (isinstance(asset, str) and _ASSET_RE.match(asset)):
        errors.append(f"{label}: asset {asset!r} must be a qualified table name schema.table")
    query = raw.get("query")
    if query is not None:
        if not isinstance(query, str):
            errors.append(f"{label}: query must be a string")
        else:
            errors.extend(f"{label}: {problem}" for problem in _query_problems(query))

    if errors:
        return None, errors
    return (
        Rule(
            id=rule_id,
            description=" ".join(description.split()),
            severity=severity,
            tolerance=tolerance,
            asset=asset,
            query=query.strip().rstrip(";").strip(),
            suite=suite,
            source_file=path,
        ),
        [],
    )


def _query_problems(query: str) -> list[str]:
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(query) if field is not None]
    except ValueError as exc:
        return [f"query has an unpaired brace ({exc}); write a literal brace as {{{{ or }}}}"]
    problems = []
    bad = sorted({f for f in fields if f not in _PLACEHOLDERS})
    if bad:
        problems.append(
            f"query has unknown placeholder(s) {', '.join('{' + f + '}' for f in bad)}; "
            "allowed: {table}, {batch}, {tolerance} (a literal brace is written {{ or }})"
        )
    if not _TABLE_PLACEHOLDERS & set(fields):
        problems.append("query must select from {table} (the rule's asset)")
    return problems


def _rewrite_placeholders(query: str, tolerance: float, *, table: str, final: bool = False) -> str:
    """Fill {tolerance} and {table}/{batch}; keep literal braces escaped unless ``final``."""
    out = []
    for literal, field, _, _ in string.Formatter().parse(query):
        out.append(literal if final else literal.replace("{", "{{").replace("}", "}}"))
        if field is None:
            continue
        if field == "tolerance":
            out.append(_sql_number(tolerance))
        else:  # table / batch: validated at load time
            out.append(table)
    return "".join(out)


def _wrap(inner: str, table: str) -> str:
    # The newline before ")" keeps a trailing "-- comment" in the rule from eating it.
    return f"with {RULE_TABLE_CTE} as (select * from {table})\nselect * from (\n{inner}\n) as rule_findings"


def _sql_number(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return repr(float(value))
