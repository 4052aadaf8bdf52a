"""The June 2009 performance report: review outcomes and comments, parent self-report (section 1), practitioner activity (section 3, Figs 10-11), the clusters (Figs 14-17), budget-holding lead professional spend (section 6) and training (Fig 20)."""

from __future__ import annotations

import re
from decimal import Decimal

from extract.devon.reading import (
    Row,
    _Doc,
    _is_rule,
)
from warehouse.tables.devon import (
    CLUSTER_COUNT,
)

_REVIEW_GROUPS = (
    ("child_young_person", "children and young people"),
    ("parent_carer", "parent/carers"),
    ("lead_professional", "lead professionals"),
)


def _parse_review_outcomes(doc: _Doc, start: int) -> tuple[list[Row], int]:
    i = doc.find(
        r"outcomes were completely achieved",
        start,
        "the Figure 1 comment on completely achieved outcomes",
        stop=r"^Parent Self Report",
    )
    rows = []
    for group, label in _REVIEW_GROUPS:
        m = re.search(r"(\d+\.\d)% of " + re.escape(label), doc.lines[i])
        if not m:
            raise doc.fail(i, f"expected 'P% of {label}', found {doc.text_at(i)}")
        rows.append(
            {
                "respondent_group": group,
                "respondent_label": label,
                "measure": "completely_achieved",
                "pct_published": Decimal(m.group(1)),
                "source_line": i + 1,
            }
        )
    return rows, i + 1


_RESPONDENTS = ("child", "parent_carer", "lead_professional")


def _repair_broken_word(text: str) -> str:
    """The PDF splits 'Completely' with a space ('Compl etely'); rejoin only that word."""
    return "Completely" if text.replace(" ", "") == "Completely" else text


def _parse_review_comments(doc: _Doc, start: int) -> tuple[list[Row], int]:
    header = doc.find(r"^Month I/A\t", start, "the review comments header 'Month I/A'", stop=r"^Parent Self Report")
    doc.cells(header, 8, "the review comments header")
    if [c.strip() for c in doc.cells(header + 1, 8, "the review comments sub-header")[2:]] != ["Score", "Comments"] * 3:
        raise doc.fail(header + 1, f"expected 'Score / Comments' for 3 views, found {doc.text_at(header + 1)}")
    rows: list[Row] = []
    review = 0
    i = header + 2
    while i < len(doc.lines) and (not doc.lines[i].strip() or "\t" in doc.lines[i]):
        if not doc.lines[i].strip():
            i += 1
            continue
        cells = doc.cells(i, 8, "a review comments row")
        if _is_rule(cells):
            i += 1
            continue
        review += 1
        month, age = cells[0].strip() or None, cells[1].strip()
        for k, respondent in enumerate(_RESPONDENTS):
            score, comment = cells[2 + 2 * k].strip() or None, cells[3 + 2 * k].strip() or None
            is_number = score is not None and re.fullmatch(r"\d+(\.\d+)?", score)
            rows.append(
                {
                    "review_order": review,
                    "month_ia": month,
                    "age": doc.integer(i, age, "age") if age else None,
                    "respondent": respondent,
                    "score_printed": score,
                    "score_text": _repair_broken_word(score) if score else None,
                    "score_value": Decimal(score) if is_number else None,
                    "comment": comment,
                    "source_line": i + 1,
                }
            )
        i += 1
    if review == 0:
        raise doc.fail(header, "expected review rows under the review comments header, found none")
    return rows, i


_PARENT_MEASURES = (
    ("satisfied", "satisfied", "Parents satisfied or very satisfied with the service received"),
    ("knowledge_increased", "knowledge", "Parents whose knowledge of services available for their child increased"),
    (
        "confidence_increased",
        "confidence",
        "Parents with increased confidence in getting the services their child needs",
    ),
    ("issues_improved", "improvement", "Parents reporting an improvement in the original presenting issues"),
)


def _parse_parent_feedback(doc: _Doc, start: int) -> tuple[list[Row], int]:
    i = doc.find(r"^Parent Self Report", start, "the 'Parent Self Report' heading", stop=r"^Section 2 CAF Totals")
    rows = []
    for code, anchor, description in _PARENT_MEASURES:
        i = doc.find(
            r"\d+\.\d% \(\d+/\d+\)",
            i + 1,
            f"the parent measure '{code}' printed as 'P% (n/d)'",
            stop=r"^Section 2 CAF Totals",
        )
        if anchor not in doc.lines[i]:
            raise doc.fail(i, f"expected the parent measure '{code}' (mentioning {anchor!r}), found {doc.text_at(i)}")
        m = re.search(r"(\d+\.\d)% \((\d+)/(\d+)\)", doc.lines[i])
        rows.append(
            {
                "measure": code,
                "description": description,
                "numerator": int(m.group(2)),
                "denominator": int(m.group(3)),
                "pct_published": Decimal(m.group(1)),
                "source_line": i + 1,
            }
        )
    return rows, i + 1


# ---------------------------------------------------------------------------------------------
# Performance report, Section 3: practitioner activity (Figs 10, 11)
# ---------------------------------------------------------------------------------------------

_BUCKETS = (
    ("more_than_10", r"more than 10"),
    ("between_5_and_10", r"between 5"),
    ("more_than_1", r"more than (1|once)\b"),
    ("exactly_1", r"(one|once) so far"),
)


def _parse_activity(doc: _Doc, start: int, figure: str, role: str, stop: str) -> tuple[list[Row], int]:
    heading = doc.find(rf"^{figure} ", start, f"the '{figure}' heading", stop=stop)
    rows = []
    i = heading
    for bucket, pattern in _BUCKETS:
        i = doc.find(r"^\s*-\s*\d+(\.\d+)?% ", i + 1, f"the '{figure}' bullet for {bucket}", stop=stop)
        m = re.fullmatch(r"\s*-\s*(\d+(?:\.\d+)?)% (.+?)(?:,? and|,)?\s*", doc.lines[i])
        if not m or not re.search(pattern, m.group(2)):
            raise doc.fail(i, f"expected the {figure} bucket {bucket} ({pattern!r}), found {doc.text_at(i)}")
        rows.append(
            {
                "figure": figure,
                "role": role,
                "bucket": bucket,
                "bucket_label": m.group(2),
                "pct_published": Decimal(m.group(1)),
                "source_line": i + 1,
            }
        )
    return rows, i + 1


# ---------------------------------------------------------------------------------------------
# Cluster tables: Figs 14, 15, 16, 17
# ---------------------------------------------------------------------------------------------


def _table_rows(doc: _Doc, header: int, width: int, what: str) -> list[tuple[int, list[str]]]:
    """Rows under a header up to the first blank line, each checked to have `width` cells."""
    rows = []
    i = header + 1
    while i < len(doc.lines) and doc.lines[i].strip():
        rows.append((i, doc.cells(i, width, what)))
        i += 1
    return rows


def _expect_cluster_rows(
    doc: _Doc, header: int, rows: list[tuple[int, list[str]]], with_total: bool, what: str
) -> None:
    expected = CLUSTER_COUNT + (1 if with_total else 0)
    if len(rows) != expected:
        at = rows[-1][0] if rows else header
        raise doc.fail(
            at,
            f"expected {expected} rows in {what} ({CLUSTER_COUNT} clusters{' + Total' if with_total else ''}), found {len(rows)}",
        )
    if with_total and rows[-1][1][0].strip() != "Total":
        raise doc.fail(rows[-1][0], f"expected the 'Total' row of {what}, found {doc.text_at(rows[-1][0])}")
    for i, cells in rows[:CLUSTER_COUNT]:
        if cells[0].strip() in ("", "Total"):
            raise doc.fail(i, f"expected a cluster name in {what}, found {cells[0]!r}")


def _parse_fig14(doc: _Doc, start: int) -> tuple[list[Row], int]:
    heading = doc.find(r"^Fig 14 ", start, "the 'Fig 14' heading", stop=r"^Section 5 CAF's Predicted")
    header = doc.find(r"^AXS Cluster\t", heading, "the Fig 14 header 'AXS Cluster'", stop=r"^Section 5 ")
    doc.cells(header, 4, "the Fig 14 header")
    rows = _table_rows(doc, header, 4, "a Fig 14 row")
    _expect_cluster_rows(doc, header, rows, True, "Fig 14")
    out = []
    for order, (i, (name, cafs, population, rate)) in enumerate(rows, start=1):
        rate = rate.strip()
        out.append(
            {
                "cluster_name": name.strip(),
                "row_order": order,
                "is_total": name.strip() == "Total",
                "cafs": doc.integer(i, cafs, "CAF count"),
                "population_0_19": doc.integer(i, population, "0-19 population"),
                "cafs_per_1000_published": None if rate == "N/A" else doc.decimal(i, rate, "CAFs per 1000"),
                "cafs_per_1000_text": rate,
                "source_line": i + 1,
            }
        )
    return out, rows[-1][0] + 1


def _parse_idaci(doc: _Doc, start: int, figure: str, scenario: int, stop: str) -> tuple[list[Row], int]:
    heading = doc.find(rf"^{figure} ", start, f"the '{figure}' heading", stop=stop)
    header = doc.find(r"^Cluster\tAs %\t", heading, f"the {figure} header 'Cluster / As %'", stop=stop)
    doc.cells(header, 5, f"the {figure} header")
    rows = _table_rows(doc, header, 5, f"a {figure} row")
    _expect_cluster_rows(doc, header, rows, True, figure)
    out = []
    for order, (i, (name, share, predicted, actual, difference)) in enumerate(rows, start=1):
        out.append(
            {
                "scenario_total": scenario,
                "figure": figure,
                "cluster_name": name.strip(),
                "row_order": order,
                "is_total": name.strip() == "Total",
                "idaci_share_pct_published": doc.decimal(i, share, "IDACI share %"),
                "predicted_cafs_published": doc.decimal(i, predicted, "predicted CAFs"),
                "actual_cafs": doc.integer(i, actual, "actual CAFs"),
                "difference_published": doc.decimal(i, difference, "difference"),
                "source_line": i + 1,
            }
        )
    return out, rows[-1][0] + 1


def _parse_fig17(doc: _Doc, start: int) -> tuple[list[Row], int]:
    heading = doc.find(r"^Fig 17 ", start, "the 'Fig 17' heading", stop=r"^Section 8 ")
    header = heading + 1 + next((k for k, line in enumerate(doc.lines[heading + 1 :]) if line.strip()), 0)
    cells = doc.cells(header, 4, "the Fig 17 header")
    if [c.strip() for c in cells] != ["", "Lowest Score", "Highest Score", "Average Score"]:
        raise doc.fail(
            header, f"expected the Fig 17 header 'Lowest / Highest / Average Score', found {doc.text_at(header)}"
        )
    rows = _table_rows(doc, header, 4, "a Fig 17 row")
    _expect_cluster_rows(doc, header, rows, False, "Fig 17")
    out = []
    for order, (i, (name, *scores)) in enumerate(rows, start=1):
        values = [_qa_score(doc, i, s) for s in scores]
        out.append(
            {
                "cluster_name": name.strip(),
                "row_order": order,
                "has_data": any(v is not None for v in values),
                "lowest_pct_published": values[0],
                "highest_pct_published": values[1],
                "average_pct_published": values[2],
                "source_line": i + 1,
            }
        )
    return out, rows[-1][0] + 1


def _qa_score(doc: _Doc, index: int, text: str) -> int | None:
    text = text.strip()
    if text == "No Data":
        return None
    if not re.fullmatch(r"\d+%", text):
        raise doc.fail(index, f"expected a Fig 17 score 'NN%' or 'No Data', found {text!r}")
    return int(text[:-1])


# ---------------------------------------------------------------------------------------------
# Section 6: budget-holding lead professional spend
# ---------------------------------------------------------------------------------------------

_SPEND_LINES = (
    ("total_spend_to_date", "Total Spend to date", "to date"),
    ("total_expenditure_2008_09", "Total Expenditure 08/09", "2008/09"),
    ("year_to_date_spend", "Year to date Spend", "year to date"),
    ("average_monthly_expenditure", "Average monthly exp", "per month (average)"),
    ("highest_spend", "Highest Spend", None),
    ("lowest_spend", "Lowest Spend", None),
)
_SPEND_COMMENT = (
    ("spend_services_interventions", r"services and interventions with £([\d,.]+)", "services and interventions"),
    ("spend_childcare", r"Childcare is also an area of high spend, with £([\d,.]+)", "Childcare"),
)
_SPEND_COMMENT_PERIOD = "since April 2009 (chart: 1st April to 1st June 2009)"


def _parse_spend(doc: _Doc, start: int) -> tuple[list[Row], int]:
    i = doc.find(
        r"^Section 6 Budget Holding",
        start,
        "the 'Section 6 Budget Holding Lead Professional Spend' heading",
        stop=r"^Section 7 ",
    )
    rows = []
    for code, label, period in _SPEND_LINES:
        i = doc.find(r"£", i + 1, f"the spend line {label!r}", stop=r"^Fig\. 16 ")
        m = re.fullmatch(r"\s*(.+?)\s*[-–]\s*£([\d,]+(?:\.\d+)?)\s*", doc.lines[i])
        if not m or m.group(1) != label:
            raise doc.fail(i, f"expected '{label} – £amount', found {doc.text_at(i)}")
        rows.append(_spend_row(doc, i, code, label, m.group(2), period))
    comment = doc.find(r"services and interventions with £", i + 1, "the Fig. 16 spend comment", stop=r"^Section 7 ")
    for code, pattern, label in _SPEND_COMMENT:
        m = re.search(pattern, doc.lines[comment])
        if not m:
            raise doc.fail(comment, f"expected the {label!r} spend figure, found {doc.text_at(comment)}")
        rows.append(_spend_row(doc, comment, code, label, m.group(1).rstrip("."), _SPEND_COMMENT_PERIOD))
    return rows, comment + 1


def _spend_row(doc: _Doc, index: int, code: str, label: str, printed: str, period: str | None) -> Row:
    return {
        "measure": code,
        "label": label,
        "amount_gbp": doc.decimal(index, printed, f"£ amount for {label!r}"),
        "amount_printed": printed,
        "period": period,
        "source_line": index + 1,
    }


# ---------------------------------------------------------------------------------------------
# Fig 20: AXS03 training by organisation and service
# ---------------------------------------------------------------------------------------------


def _parse_training(doc: _Doc, start: int) -> list[Row]:
    heading = doc.find(r"^Fig 20 ", start, "the 'Fig 20' heading")
    header = doc.find(r"^Organisation\tService Area\t", heading, "the Fig 20 header 'Organisation / Service Area'")
    doc.cells(header, 3, "the Fig 20 header")
    rows: list[Row] = []
    carried: str | None = None
    for i in range(header + 1, len(doc.lines)):
        if not doc.lines[i].strip():
            continue
        printed, service, trained = (c.strip() for c in doc.cells(i, 3, "a Fig 20 row"))
        is_grand = printed.startswith("Total ")
        is_total = is_grand or printed.endswith(" Total")
        if is_grand:
            carried = None
        elif printed:
            carried = printed[: -len(" Total")] if is_total else printed
        elif carried is None:
            raise doc.fail(i, f"expected an organisation for the service area {service!r}, found none above")
        rows.append(
            {
                "row_order": len(rows) + 1,
                "organisation": carried,
                "organisation_printed": printed or None,
                "service_area": service or None,
                "is_total_row": is_total,
                "is_grand_total": is_grand,
                "trained": doc.integer(i, trained, "trained count") if trained else None,
                "source_line": i + 1,
            }
        )
        if is_total:
            carried = None
    if not rows or not rows[-1]["is_grand_total"]:
        last = rows[-1]["source_line"] - 1 if rows else header
        raise doc.fail(
            last, f"expected the Fig 20 grand total row 'Total AXS03 Training' last, found {doc.text_at(last)}"
        )
    return rows
