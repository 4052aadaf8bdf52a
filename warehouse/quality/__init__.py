"""Consistency checks of the published figures, declared in YAML and run with Great Expectations.

``load_suites`` reads the rule files; ``run_suites`` validates them against the DuckDB
warehouse (GX is imported lazily, on the first run) and ``write_results`` records the outcome
in ``quality.check_results`` / ``quality.findings``.
"""

from warehouse.quality.runner import RuleResult, RuleResults, run_suites, write_results
from warehouse.quality.suites import (
    FINDING_COLUMNS,
    SEVERITIES,
    Rule,
    Suite,
    SuiteError,
    load_suite_file,
    load_suites,
)

__all__ = [
    "FINDING_COLUMNS",
    "SEVERITIES",
    "Rule",
    "RuleResult",
    "RuleResults",
    "Suite",
    "SuiteError",
    "load_suite_file",
    "load_suites",
    "run_suites",
    "write_results",
]
