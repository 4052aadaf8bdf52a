"""One problem, one row: findings graded and grouped into ``quality.problems``.

``expectations/problems/problems.yml`` declares, in data:

* ``measures``: for every ``warn`` rule of the consistency suites, how its published value is
  read (unit, words, for a count the noun), so its findings can be graded
  (``warehouse/quality/grading.py``); the rule's tolerance is its printed precision.
* ``problems``: findings that are one underlying inconsistency (the same printed fact
  contradicted at several lines, or caught by several rules): a stable id, the patterns of rule
  or claim ids (and optionally row keys and lines) whose findings belong to it, what it
  concerns, and an explanation template filled from its findings.

A finding no declared problem matches is a problem of its own, id
``<document>-line-<line>-<rule id>``. A problem's grade is the highest of its findings; its
printed / implied / gap are those of its leading finding (the highest grade, then the first
pattern it matched, then the lowest line). Findings graded ``within_precision`` belong to no
problem. ``quality.findings`` keeps every finding with its grade and problem id.
"""

from __future__ import annotations

import fnmatch
import re
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from warehouse.config import settings
from warehouse.quality.claims import document_files
from warehouse.quality.grading import (
    GRADE_ORDER,
    GradingError,
    Measure,
    gap_text,
    grade_figure,
    printed_text,
    with_unit,
)

PROBLEMS_FILE = Path("problems") / "problems.yml"
_ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PLACEHOLDERS = {"printed", "implied", "gap", "lines", "n", "first_line", "row_key", "note"}
DEFAULT_EXPLANATION = "The report prints {printed} (line {lines}); its own figures give {implied}, {gap} apart."
DEFAULT_NOTE_EXPLANATION = "{note}"
PROBLEM_COLUMNS = (
    "problem_id",
    "grade",
    "grade_order",
    "document",
    "document_code",
    "source_lines",
    "first_line",
    "rule_ids",
    "claim_ids",
    "printed",
    "implied",
    "gap",
    "explanation",
    "subject",
    "findings",
)


class ProblemsError(ValueError):
    """The problems file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Pattern:
    rule: str  # glob over rule ids (a claim's rule id is its claim id)
    row_key: str = "*"
    lines: tuple[int, ...] = ()

    def matches(self, finding: dict[str, Any]) -> bool:
        return (
            fnmatch.fnmatchcase(finding["rule_id"], self.rule)
            and fnmatch.fnmatchcase(finding.get("row_key") or "", self.row_key)
            and (not self.lines or finding.get("source_line") in self.lines)
        )


@dataclass(frozen=True)
class ProblemSpec:
    id: str
    subject: str | None
    patterns: tuple[Pattern, ...]
    explanation: str


@dataclass(frozen=True)
class Spec:
    measures: dict[str, Measure]
    problems: tuple[ProblemSpec, ...]
    path: Path


def spec_path() -> Path:
    return settings().expectations_dir / PROBLEMS_FILE


def load_spec(path: str | Path | None = None) -> Spec:
    path = Path(path) if path else spec_path()
    return _load_spec(path.resolve())


@cache
def _load_spec(path: Path) -> Spec:
    if not path.is_file():
        raise ProblemsError(f"{path}: problems file not found")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ProblemsError(f"{path}: not valid YAML: {exc}") from exc
    if not (isinstance(doc, dict) and isinstance(doc.get("measures"), dict) and isinstance(doc.get("problems"), list)):
        raise ProblemsError(f"{path}: expected 'measures' (rule id: measure) and 'problems' (a list)")
    errors: list[str] = []
    measures: dict[str, Measure] = {}
    for rule_id, raw in doc["measures"].items():
        try:
            measures[str(rule_id)] = Measure.parse(raw, f"measure of rule {rule_id!r}")
        except GradingError as exc:
            errors.append(str(exc))
    problems: list[ProblemSpec] = []
    seen: set[str] = set()
    for index, raw in enumerate(doc["problems"], start=1):
        label = f"problem #{index}"
        if not isinstance(raw, dict) or set(raw) - {"id", "subject", "match", "explanation"}:
            errors.append(f"{label}: expected id, subject, match and explanation")
            continue
        pid = raw.get("id")
        label = f"problem {pid!r}"
        if not (isinstance(pid, str) and _ID_RE.match(pid)):
            errors.append(f"{label}: id must be kebab-case")
            continue
        if pid in seen:
            errors.append(f"{label}: duplicate id")
        seen.add(pid)
        explanation = " ".join(str(raw.get("explanation") or "").split())
        fields = {f for _, f, _, _ in string.Formatter().parse(explanation) if f is not None}
        if not explanation or fields - PLACEHOLDERS:
            errors.append(f"{label}: explanation needs text and only the placeholders {sorted(PLACEHOLDERS)}")
        patterns = []
        for entry in raw.get("match") or []:
            entry = {"rule": entry} if isinstance(entry, str) else entry
            if not (isinstance(entry, dict) and isinstance(entry.get("rule"), str)):
                errors.append(f"{label}: each match is a rule id glob or {{rule, row_key, lines}}")
                continue
            lines = entry.get("lines") or ()
            patterns.append(Pattern(entry["rule"], str(entry.get("row_key", "*")), tuple(int(x) for x in lines)))
        if not patterns:
            errors.append(f"{label}: needs at least one match")
        problems.append(ProblemSpec(pid, raw.get("subject"), tuple(patterns), explanation))
    if errors:
        raise ProblemsError(f"{path}: " + f"\n{path}: ".join(errors))
    return Spec(measures=measures, problems=tuple(problems), path=path)


def grade_rule_finding(measure: Measure | None, tolerance: float | None, finding: dict[str, Any]) -> dict[str, Any]:
    """Grade and evidence columns of one consistency-rule finding."""
    printed, implied = finding.get("published_value"), finding.get("recomputed_value")
    if measure is None:
        return {
            "grade": "material",
            "printed": None,
            "implied": None,
            "gap": None,
            "note": "No measure is declared for this rule in expectations/problems/problems.yml, so it is graded "
            "material: " + _evidence_sentence(finding),
        }
    if printed is None or implied is None:
        return {
            "grade": "material",
            "printed": with_unit(printed, measure),
            "implied": with_unit(implied, measure),
            "gap": None,
            "note": "No pair of figures to compare: " + _evidence_sentence(finding),
        }
    graded = grade_figure(measure, float(printed), float(implied), tolerance=tolerance)
    return {
        "grade": graded.grade,
        "printed": printed_text(measure, float(printed)),
        "implied": with_unit(float(implied), measure),
        "gap": gap_text(float(printed) - float(implied), measure),
        "note": None,
    }


def _evidence_sentence(finding: dict[str, Any]) -> str:
    return (
        f"the row {finding.get('row_key')!r} prints {finding.get('published_value')} where the tables give "
        f"{finding.get('recomputed_value')}."
    )


def _auto_id(code: str, line: int | None, rule_id: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", rule_id.split(".", 1)[-1].lower()).strip("-")
    return f"{code}-line-{line if line is not None else 0}-{slug}"


def group(findings: list[dict[str, Any]], spec: Spec, codes: dict[str, str]) -> list[dict[str, Any]]:
    """Assign each finding (dicts with rule_id, suite, grade, ...) its ``problem_id`` and return
    the problems' rows. ``codes`` maps a source document to its short code (appendix / devon)."""
    members: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    specs: dict[str, ProblemSpec | None] = {}
    for f in findings:
        f["problem_id"] = None
        if f.get("grade") not in ("material", "minor"):
            continue
        for problem in spec.problems:
            rank = next((i for i, p in enumerate(problem.patterns) if p.matches(f)), None)
            if rank is not None:
                pid = problem.id
                specs[pid] = problem
                break
        else:
            code = codes.get(f.get("source_document") or "", "unknown")
            pid, rank = _auto_id(code, f.get("source_line"), f["rule_id"]), 0
            specs.setdefault(pid, None)
        f["problem_id"] = pid
        members.setdefault(pid, []).append((rank, f))
    rows = []
    for pid, group_ in members.items():
        lead = min(group_, key=lambda m: (GRADE_ORDER[m[1]["grade"]], m[0], m[1].get("source_line") or 0))[1]
        grade = lead["grade"]
        lines = sorted({m[1]["source_line"] for m in group_ if m[1].get("source_line") is not None})
        documents = sorted({m[1].get("source_document") for m in group_ if m[1].get("source_document")})
        problem = specs[pid]
        template = problem.explanation if problem else None
        if template is None:
            template = DEFAULT_EXPLANATION if lead.get("printed") and lead.get("implied") else DEFAULT_NOTE_EXPLANATION
        values = {
            "printed": lead.get("printed") or "",
            "implied": lead.get("implied") or "",
            "gap": lead.get("gap") or "",
            "lines": _lines_text(lines),
            "n": len(group_),
            "first_line": lines[0] if lines else "",
            "row_key": lead.get("row_key") or "",
            "note": lead.get("note") or "",
        }
        document = documents[0] if documents else "unknown"
        rows.append(
            {
                "problem_id": pid,
                "grade": grade,
                "grade_order": GRADE_ORDER[grade],
                "document": document,
                "document_code": codes.get(document or "", None),
                "source_lines": lines,
                "first_line": lines[0] if lines else 0,
                "rule_ids": sorted({m[1]["rule_id"] for m in group_ if m[1].get("suite") != "claims"}),
                "claim_ids": sorted({m[1]["rule_id"] for m in group_ if m[1].get("suite") == "claims"}),
                "printed": lead.get("printed"),
                "implied": lead.get("implied"),
                "gap": lead.get("gap"),
                "explanation": template.format(**values),
                "subject": problem.subject if problem else None,
                "findings": len(group_),
            }
        )
    rows.sort(key=lambda r: (r["grade_order"], r["document"] or "", r["first_line"], r["problem_id"]))
    return rows


def _lines_text(lines: list[int]) -> str:
    if len(lines) <= 1:
        return ", ".join(map(str, lines))
    return ", ".join(map(str, lines[:-1])) + f" and {lines[-1]}"


def write_problems(con, run_id: str, spec: Spec | None = None, codes: dict[str, str] | None = None) -> list[dict]:
    """Group the run's graded findings: set ``quality.findings.problem_id`` and rewrite
    ``quality.problems`` (the problems of the newest run). Call inside the caller's transaction."""
    spec = spec or load_spec()
    if codes is None:
        codes = {name: code for code, name in document_files().items()}
    cursor = con.execute(
        "select rowid, suite, rule_id, row_key, source_document, source_line, grade, printed, implied, gap, note "
        "from quality.findings where run_id = ? order by source_document, source_line, rule_id, row_key",
        [run_id],
    )
    names = [d[0] for d in cursor.description]
    findings = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    rows = group(findings, spec, codes)
    if findings:
        con.executemany(
            "update quality.findings set problem_id = ? where rowid = ?",
            [(f["problem_id"], f["rowid"]) for f in findings],
        )
    con.execute(
        """
        create or replace table quality.problems (
            problem_id varchar primary key,
            grade varchar not null,
            grade_order integer not null,
            document varchar not null,
            document_code varchar,
            source_lines integer[] not null,
            first_line integer not null,
            rule_ids varchar[],
            claim_ids varchar[],
            printed varchar,
            implied varchar,
            gap varchar,
            explanation varchar not null,
            subject varchar,
            findings integer not null,
            run_id varchar not null
        )
        """
    )
    if rows:
        con.executemany(
            f"insert into quality.problems values ({', '.join('?' * (len(PROBLEM_COLUMNS) + 1))})",
            [[r[c] for c in PROBLEM_COLUMNS] + [run_id] for r in rows],
        )
    return rows
