"""The problems page's rows and the claims page's order, from the frames the queries returned.

Problems come from quality.problems (graded, one row per distinct problem) when the checks have
written it; otherwise from the findings grouped by printed line and rule (queries.PROBLEMS_FALLBACK),
ungraded and ranked by the size of the gap, largest first.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

GRADES = {"material": "Material", "minor": "Minor", "ungraded": "Not graded"}
VERDICT_ORDER = ("contradicted", "holds_under_reading", "not_checkable", "holds")
DEVON_FIGURES = {
    "7": "devon-fig07-cafs-by-cluster",
    "10": "devon-fig10-caf-assessor",
    "11": "devon-fig11-lead-professional",
    "14": "devon-fig14-cafs-per-1000",
    "15": "devon-fig15-idaci-867",
    "16": "devon-fig16-idaci-5000",
    "17": "devon-fig17-quality-assurance",
    "20": "devon-fig20-training",
}


def _list(value) -> list:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return list(value)


def _text(value) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _number(value) -> str | None:
    return None if value is None or pd.isna(value) else f"{value:g}"


def chart_link(about: str, document_code: str, question_pages: dict[int, str]) -> tuple[str, str] | None:
    """(href, label) of the chart a problem concerns, from what it is about (a subject such as
    'Q22' or 'Fig 17', a rule id or a row key); None when nothing names a chart."""
    text = about or ""
    if document_code == "appendix":
        match = re.search(r"\b[Qq](\d{1,2})(?:\b|_)", text)
        if match and int(match[1]) in question_pages:
            qid = int(match[1])
            return f"{question_pages[qid]}#q{qid}", f"Q{qid}"
        return None
    match = re.search(r"Fig\.?\s*(\d+)|fig(\d+)", text, re.IGNORECASE)
    if match and (match[1] or match[2]) in DEVON_FIGURES:
        number = match[1] or match[2]
        return f"devon.html#{DEVON_FIGURES[number]}", f"Fig {number}"
    match = re.search(r"\bs(\d)_q", text)
    if match:
        return f"devon.html#devon-self-assessment-section-{match[1]}", f"Self-assessment section {match[1]}"
    if "cluster" in text.lower():
        return f"devon.html#{DEVON_FIGURES['14']}", "Fig 14"
    if re.search(r"parent|satisf", text, re.IGNORECASE):
        return "devon.html#devon-fig02-05-parent-self-report", "Figs 2–5"
    return None


def problem_rows(
    problems: pd.DataFrame,
    printed_lines: pd.DataFrame,
    documents: dict[str, str],
    document_names: dict[str, str],
    question_pages: dict[int, str],
) -> list[dict]:
    """One dict per problem, material first, then minor, then ungraded (each by its rank)."""
    codes = {file: code for code, file in documents.items()}
    lines = {(r.source_document, int(r.source_line)): r.line_text for r in printed_lines.itertuples()}
    rows = []
    for p in problems.itertuples():
        code = codes.get(p.document, p.document)
        about = " ".join(
            [_text(getattr(p, "subject", None)) or ""] + [str(r) for r in _list(p.rule_ids)] + [p.problem_id]
        )
        link = chart_link(about, code, question_pages)
        if p.grade == "ungraded":
            printed, implied = _number(p.published_value), _number(p.recomputed_value)
            gap = _number(abs(p.difference)) if pd.notna(p.difference) else None
            explanation = _fallback_explanation(p.description, p.subject, link, printed, implied)
            relative = abs(p.difference) if pd.notna(p.difference) else -1.0
        else:
            printed, implied, gap, explanation = _text(p.printed), _text(p.implied), _text(p.gap), p.explanation
            relative = 0.0
        source_lines = [int(n) for n in _list(p.source_lines)]
        rows.append(
            {
                "problem_id": p.problem_id,
                "grade": p.grade,
                "grade_label": GRADES.get(p.grade, p.grade),
                "grade_order": int(p.grade_order),
                "document": p.document,
                "document_name": document_names.get(code, p.document),
                "lines": source_lines,
                "quotes": [(n, lines.get((p.document, n))) for n in source_lines],
                "printed": printed or "—",
                "implied": implied or "—",
                "gap": gap or "—",
                "explanation": explanation,
                "rule_ids": _list(p.rule_ids),
                "claim_ids": _list(p.claim_ids),
                "findings": int(p.findings),
                "link": link,
                "relative": relative,
            }
        )
    rows.sort(key=lambda r: (r["grade_order"], -r["relative"], r["document"], r["lines"][:1]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


def _fallback_explanation(description, subject, link, printed: str | None, implied: str | None) -> str:
    """A sentence for an ungraded finding from its rule's description: the sentence of the report
    the rule checks, or the rule's first sentence, then the printed and implied figures."""
    figures = f"printed {printed}, its own figures give {implied}" if printed and implied else "not borne out"
    text = description if isinstance(description, str) else ""
    quoted = re.fullmatch(r'(?:appendix|devon) line \d+: "(.*)"', text.strip(), re.S)
    if quoted:
        return f"“{quoted[1]}” ({link[1]}): {figures}." if link else f"“{quoted[1]}”: {figures}."
    first = re.split(r"(?<=\.)\s", text.strip(), maxsplit=1)[0].replace("<=", "≤") if text else ""
    where = f" ({subject})" if isinstance(subject, str) and subject else ""
    return f"{first} Not so here{where}: {figures}." if first else f"The report's figures disagree{where}: {figures}."


def verdict_reason(detail: str) -> str:
    """The checker's reason in words: 'Contradicted: round(x) = 15 is false (x = 14.34).' reads
    'x is 14.34, which does not round to 15.' Reasons already in words are kept as they are."""
    if not isinstance(detail, str):
        return ""
    text = re.sub(r"^(Contradicted|Holds|Not checkable|Holds under a reading):\s*", "", detail.strip())
    patterns = (
        (
            r"abs\((\w+) - ([\d.]+)\) <= ([\d.]+) is false \(\1 = ([\d.]+)\)\.?",
            lambda m: f"{_words(m[1])} is {m[4]}, more than {m[3]} away from {m[2]}.",
        ),
        (
            r"abs\((\w+)\) <= ([\d.]+) is false \(\1 = ([\d.]+)(.*)\)\.?",
            lambda m: f"{_words(m[1])} is {m[3]}, more than {m[2]}{_rest(m[4])}.",
        ),
        (
            r"round\((\w+)\) = ([\d.]+) is false \(\1 = ([\d.]+)\)\.?",
            lambda m: f"{_words(m[1])} is {m[3]}, which does not round to {m[2]}.",
        ),
        (
            r"(\w+) >= ([\d.]+) and \1 < ([\d.]+) is false \(\1 = ([\d.]+)\)\.?",
            lambda m: f"{_words(m[1])} is {m[4]}, not between {m[2]} and {m[3]}.",
        ),
    )
    for pattern, words in patterns:
        match = re.fullmatch(pattern, text)
        if match:
            return words(match)
    return text


def _words(name: str) -> str:
    name = re.sub(r"_pct$", " (%)", name)
    name = re.sub(r"^q(\d+)_", r"Q\1 ", name)
    return name.replace("dont_know", "“don't know”").replace("_", " ").capitalize()


def _rest(text: str) -> str:
    extra = text.strip(" ,")
    return f" ({_words(extra.replace(' = ', ' is '))})" if extra else ""
